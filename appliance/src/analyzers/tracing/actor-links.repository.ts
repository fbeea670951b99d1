/**
 * The actor-links repository (SQLite state database, migrations 0201 and 0210): client IP ↔ identity links and
 * per-actor activity (endpoints touched, errors, sensitive data types received), merged from the tracing collector's
 * deltas. Activity rows are keyed by two integers (actor name and endpoint stored once each, ids cached here) and
 * merged in key order, which keeps the merge's page writes few. All SQL is parameterised; list sizes are bounded by
 * the caller's limits.
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

/** What one actor did on one endpoint, as stored (see {@link ActivityDelta} for the deltas merged into it). */
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

/**
 * What one actor did on one endpoint since the last drain (the tracing collector's delta), times as epoch ms: the
 * form that crosses from the pipeline child to the service and is merged (no date strings made and parsed per row).
 */
export type ActivityDelta = Omit<ActorActivity, 'firstSeen' | 'lastSeen'> & {
  /** First and last call in the delta (epoch ms). */
  firstMs: number;
  lastMs: number;
};

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

/** The stored form of a delta's types: a JSON array, sorted, distinct, capped; null for none. */
function typesJson(types: readonly string[]): string | null {
  if (types.length === 0) return null;
  return JSON.stringify([...new Set(types)].sort().slice(0, MAX_TYPES));
}

/** Rows per multi-row statement (5 and 7 parameters a row, far below SQLite's parameter limit). */
const CHUNK = 128;

const LINK_CONFLICT = `ON CONFLICT (ip, identity) DO UPDATE SET calls = actor_links.calls + excluded.calls,
  first_seen = min(actor_links.first_seen, excluded.first_seen), last_seen = max(actor_links.last_seen, excluded.last_seen)`;

/** Adds the stored and the delta's types in SQL (sorted union, capped; NULL is none), so a merge needs no read per row. */
const TOUCH_CONFLICT = `ON CONFLICT (actor_id, endpoint_id) DO UPDATE SET calls = actor_touches.calls + excluded.calls,
  errors = actor_touches.errors + excluded.errors,
  sensitive_types = CASE
    WHEN excluded.sensitive_types IS NULL OR excluded.sensitive_types = actor_touches.sensitive_types THEN actor_touches.sensitive_types
    WHEN actor_touches.sensitive_types IS NULL OR NOT json_valid(actor_touches.sensitive_types) THEN excluded.sensitive_types
    ELSE (SELECT json_group_array(value) FROM (
      SELECT value FROM json_each(actor_touches.sensitive_types) WHERE type = 'text'
      UNION SELECT value FROM json_each(excluded.sensitive_types)
      ORDER BY value LIMIT ${MAX_TYPES}))
  END,
  first_ms = min(actor_touches.first_ms, excluded.first_ms), last_ms = max(actor_touches.last_ms, excluded.last_ms)`;

/** Most actor names and endpoints whose ids are cached (the caches start over when full). */
const ID_CACHE = 200_000;

/** A delta with its two integer keys resolved. */
interface KeyedTouch {
  actorId: number;
  endpointId: number;
  a: ActivityDelta;
}

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
  private readonly touches: Upsert;
  private readonly nameId: { find: Statement; add: Statement };
  private readonly endpointId: { find: Statement; add: Statement };
  private readonly names = new Map<string, number>();
  private readonly endpoints = new Map<string, number>();

  constructor(private readonly db: StateDatabase) {
    this.links = upsertStatements(db, 'actor_links', 'ip, identity, calls, first_seen, last_seen', 5, LINK_CONFLICT);
    this.touches = upsertStatements(db, 'actor_touches', 'actor_id, endpoint_id, calls, errors, sensitive_types, first_ms, last_ms', 7, TOUCH_CONFLICT);
    this.nameId = { find: db.prepare('SELECT id FROM actor_names WHERE name = ?').pluck(), add: db.prepare('INSERT INTO actor_names (name) VALUES (?)') };
    this.endpointId = {
      find: db.prepare('SELECT id FROM actor_endpoints WHERE host = ? AND method = ? AND path = ?').pluck(),
      add: db.prepare('INSERT INTO actor_endpoints (host, method, path) VALUES (?, ?, ?)'),
    };
  }

  /**
   * Merges link and activity deltas in one transaction: actor names and endpoints resolved to ids (added when new),
   * then one multi-row UPSERT per {@link CHUNK} rows in key order, the sensitive types added up by the statement.
   */
  merge(links: readonly ActorLink[], activity: readonly ActivityDelta[]): void {
    this.db.transaction(() => {
      upsert(this.links, links, (l, p) => {
        p.push(l.ip, l.identity, l.calls, l.firstSeen, l.lastSeen);
      });
      const keyed: KeyedTouch[] = activity.map((a) => ({ actorId: this.actorId(a.actor), endpointId: this.endpointIdOf(a.host, a.method, a.path), a }));
      keyed.sort((x, y) => x.actorId - y.actorId || x.endpointId - y.endpointId);
      upsert(this.touches, keyed, (k, p) => {
        p.push(k.actorId, k.endpointId, k.a.calls, k.a.errors, typesJson(k.a.sensitiveTypes), k.a.firstMs, k.a.lastMs);
      });
    })();
  }

  private actorId(name: string): number {
    let id = this.names.get(name);
    if (id === undefined) {
      id = (this.nameId.find.get(name) as number | undefined) ?? Number(this.nameId.add.run(name).lastInsertRowid);
      if (this.names.size >= ID_CACHE) this.names.clear();
      this.names.set(name, id);
    }
    return id;
  }

  private endpointIdOf(host: string, method: string, path: string): number {
    const key = `${host}\u0000${method}\u0000${path}`;
    let id = this.endpoints.get(key);
    if (id === undefined) {
      id = (this.endpointId.find.get(host, method, path) as number | undefined) ?? Number(this.endpointId.add.run(host, method, path).lastInsertRowid);
      if (this.endpoints.size >= ID_CACHE) this.endpoints.clear();
      this.endpoints.set(key, id);
    }
    return id;
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
      .prepare(
        `SELECT n.name AS actor, e.host, e.method, e.path, t.calls, t.errors, t.sensitive_types, t.first_ms, t.last_ms
         FROM actor_names n JOIN actor_touches t ON t.actor_id = n.id JOIN actor_endpoints e ON e.id = t.endpoint_id
         WHERE n.name IN (${actors.map(() => '?').join(', ')}) ORDER BY t.calls DESC, e.path, n.name, e.host, e.method LIMIT ?`,
      )
      .all(...actors, limit) as Array<{ actor: string; host: string; method: string; path: string; calls: number; errors: number; sensitive_types: string | null; first_ms: number; last_ms: number }>;
    return rows.map((r) => ({
      actor: r.actor,
      host: r.host,
      method: r.method,
      path: r.path,
      calls: r.calls,
      errors: r.errors,
      sensitiveTypes: r.sensitive_types === null ? [] : (JSON.parse(mergeTypes(r.sensitive_types, [])) as string[]),
      firstSeen: new Date(r.first_ms).toISOString(),
      lastSeen: new Date(r.last_ms).toISOString(),
    }));
  }
}
