/**
 * The actor-links repository (SQLite state database, migration 0201): client IP ↔ identity links and per-actor
 * activity (endpoints touched, errors, sensitive data types received), merged from the tracing collector's deltas.
 * All SQL is parameterised; list sizes are bounded by the caller's limits.
 */
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

/** Stores and queries links and activity. */
export class ActorLinksRepository {
  private readonly linkStmt;
  private readonly activityGet;
  private readonly activityUpsert;

  constructor(private readonly db: StateDatabase) {
    this.linkStmt = db.prepare(`
      INSERT INTO actor_links (ip, identity, calls, first_seen, last_seen) VALUES (@ip, @identity, @calls, @firstSeen, @lastSeen)
      ON CONFLICT (ip, identity) DO UPDATE SET calls = actor_links.calls + excluded.calls,
        first_seen = min(actor_links.first_seen, excluded.first_seen), last_seen = max(actor_links.last_seen, excluded.last_seen)`);
    this.activityGet = db.prepare('SELECT sensitive_types FROM actor_activity WHERE actor = ? AND host = ? AND method = ? AND path = ?');
    this.activityUpsert = db.prepare(`
      INSERT INTO actor_activity (actor, host, method, path, calls, errors, sensitive_types, first_seen, last_seen)
      VALUES (@actor, @host, @method, @path, @calls, @errors, @types, @firstSeen, @lastSeen)
      ON CONFLICT (actor, host, method, path) DO UPDATE SET calls = actor_activity.calls + excluded.calls,
        errors = actor_activity.errors + excluded.errors, sensitive_types = excluded.sensitive_types,
        first_seen = min(actor_activity.first_seen, excluded.first_seen), last_seen = max(actor_activity.last_seen, excluded.last_seen)`);
  }

  /** Merges link and activity deltas in one transaction. */
  merge(links: readonly ActorLink[], activity: readonly ActorActivity[]): void {
    this.db.transaction(() => {
      for (const l of links) this.linkStmt.run(l);
      for (const a of activity) {
        const cur = this.activityGet.get(a.actor, a.host, a.method, a.path) as { sensitive_types: string } | undefined;
        this.activityUpsert.run({
          actor: a.actor,
          host: a.host,
          method: a.method,
          path: a.path,
          calls: a.calls,
          errors: a.errors,
          types: mergeTypes(cur?.sensitive_types ?? '[]', a.sensitiveTypes),
          firstSeen: a.firstSeen,
          lastSeen: a.lastSeen,
        });
      }
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
