/**
 * The actor-links repository (SQLite state database, migration 0201): client IP ↔ identity links and per-actor
 * activity (endpoints touched, errors, sensitive data types received), merged from the tracing collector's deltas.
 * All SQL is parameterised; list sizes are bounded by the caller's limits.
 */
import type { Statement } from 'better-sqlite3';
import type { StateDatabase } from '../../store/sqlite/state.database.ts';

/** One IP ↔ identity link (or a delta of one). */
export interface ActorLink {
  ip: string;
  identity: string;
  calls: number;
  firstSeen: string;
  lastSeen: string;
}

/** What one actor did on one endpoint (or a delta of it). */
export interface ActorActivity {
  /** `ip:<address>` or `id:<identity>`. */
  actor: string;
  host: string;
  method: string;
  path: string;
  calls: number;
  errors: number;
  sensitiveTypes: string[];
  firstSeen: string;
  lastSeen: string;
}

function mergeTypes(a: string, b: string[]): string {
  let cur: unknown;
  try {
    cur = JSON.parse(a);
  } catch {
    cur = [];
  }
  const set = new Set(Array.isArray(cur) ? cur.filter((x): x is string => typeof x === 'string') : []);
  for (const t of b) set.add(t);
  return JSON.stringify([...set].sort().slice(0, 64));
}

/** Most types kept per actor and endpoint. */
const MAX_TYPES = 64;

/** The stored form of a delta's types: a JSON array, sorted, distinct, capped. */
function typesJson(types: readonly string[]): string {
  if (types.length === 0) return '[]';
  return JSON.stringify([...new Set(types)].sort().slice(0, MAX_TYPES));
}

/** Rows per multi-row statement (5 and 9 parameters a row, far below SQLite's parameter limit). */
const CHUNK = 128;

const LINK_CONFLICT = `ON CONFLICT (ip, identity) DO UPDATE SET calls = actor_links.calls + excluded.calls,
  first_seen = min(actor_links.first_seen, excluded.first_seen), last_seen = max(actor_links.last_seen, excluded.last_seen)`;

/** Adds the stored and the delta's types in SQL (sorted union, capped), so a merge needs no read per row. */
const ACTIVITY_CONFLICT = `ON CONFLICT (actor, host, method, path) DO UPDATE SET calls = actor_activity.calls + excluded.calls,
  errors = actor_activity.errors + excluded.errors,
  sensitive_types = CASE
    WHEN excluded.sensitive_types = '[]' OR excluded.sensitive_types = actor_activity.sensitive_types THEN actor_activity.sensitive_types
    WHEN actor_activity.sensitive_types = '[]' OR NOT json_valid(actor_activity.sensitive_types) THEN excluded.sensitive_types
    ELSE (SELECT json_group_array(value) FROM (
      SELECT value FROM json_each(actor_activity.sensitive_types) WHERE type = 'text'
      UNION SELECT value FROM json_each(excluded.sensitive_types)
      ORDER BY value LIMIT ${MAX_TYPES}))
  END,
  first_seen = min(actor_activity.first_seen, excluded.first_seen), last_seen = max(actor_activity.last_seen, excluded.last_seen)`;

function insertSql(table: string, columns: string, width: number, rows: number, conflict: string): string {
  const row = `(${new Array<string>(width).fill('?').join(', ')})`;
  return `INSERT INTO ${table} (${columns}) VALUES ${new Array<string>(rows).fill(row).join(', ')} ${conflict}`;
}

/** A table's multi-row UPSERT for full chunks and its single-row form for the rest, prepared once. */
interface Upsert {
  many: Statement;
  one: Statement;
}

function upsertStatements(db: StateDatabase, table: string, columns: string, width: number, conflict: string): Upsert {
  return { many: db.prepare(insertSql(table, columns, width, CHUNK, conflict)), one: db.prepare(insertSql(table, columns, width, 1, conflict)) };
}

/** Runs full chunks of `rows` through one multi-row statement and the rest row by row. */
function upsert<T>(st: Upsert, rows: readonly T[], params: (row: T, into: unknown[]) => void): void {
  const p: unknown[] = [];
  let i = 0;
  for (; i + CHUNK <= rows.length; i += CHUNK) {
    p.length = 0;
    for (let k = i; k < i + CHUNK; k++) params(rows[k], p);
    st.many.run(p);
  }
  for (; i < rows.length; i++) {
    p.length = 0;
    params(rows[i], p);
    st.one.run(p);
  }
}

/** Stores and queries links and activity. */
export class ActorLinksRepository {
  private readonly links: Upsert;
  private readonly activity: Upsert;

  constructor(private readonly db: StateDatabase) {
    this.links = upsertStatements(db, 'actor_links', 'ip, identity, calls, first_seen, last_seen', 5, LINK_CONFLICT);
    this.activity = upsertStatements(db, 'actor_activity', 'actor, host, method, path, calls, errors, sensitive_types, first_seen, last_seen', 9, ACTIVITY_CONFLICT);
  }

  /**
   * Merges link and activity deltas in one transaction: one multi-row UPSERT per {@link CHUNK} rows, the sensitive
   * types added up by the statement itself.
   */
  merge(links: readonly ActorLink[], activity: readonly ActorActivity[]): void {
    this.db.transaction(() => {
      upsert(this.links, links, (l, p) => {
        p.push(l.ip, l.identity, l.calls, l.firstSeen, l.lastSeen);
      });
      upsert(this.activity, activity, (a, p) => {
        p.push(a.actor, a.host, a.method, a.path, a.calls, a.errors, typesJson(a.sensitiveTypes), a.firstSeen, a.lastSeen);
      });
    })();
  }

  /** Identities used from `ip`, most calls first. */
  identitiesOfIp(ip: string, limit = 100): ActorLink[] {
    return this.db.prepare('SELECT ip, identity, calls, first_seen AS firstSeen, last_seen AS lastSeen FROM actor_links WHERE ip = ? ORDER BY calls DESC, identity LIMIT ?').all(ip, limit) as ActorLink[];
  }

  /** IPs that used `identity`, most calls first. */
  ipsOfIdentity(identity: string, limit = 100): ActorLink[] {
    return this.db.prepare('SELECT ip, identity, calls, first_seen AS firstSeen, last_seen AS lastSeen FROM actor_links WHERE identity = ? ORDER BY calls DESC, ip LIMIT ?').all(identity, limit) as ActorLink[];
  }

  /** What the given actors touched, busiest endpoints first. */
  activityOf(actors: readonly string[], limit = 500): ActorActivity[] {
    if (actors.length === 0) return [];
    const rows = this.db
      .prepare(`SELECT actor, host, method, path, calls, errors, sensitive_types, first_seen, last_seen FROM actor_activity WHERE actor IN (${actors.map(() => '?').join(', ')}) ORDER BY calls DESC, path LIMIT ?`)
      .all(...actors, limit) as Array<{ actor: string; host: string; method: string; path: string; calls: number; errors: number; sensitive_types: string; first_seen: string; last_seen: string }>;
    return rows.map((r) => ({
      actor: r.actor,
      host: r.host,
      method: r.method,
      path: r.path,
      calls: r.calls,
      errors: r.errors,
      sensitiveTypes: JSON.parse(mergeTypes(r.sensitive_types, [])) as string[],
      firstSeen: r.first_seen,
      lastSeen: r.last_seen,
    }));
  }
}
