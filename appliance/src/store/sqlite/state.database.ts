/**
 * The state database: one SQLite file (better-sqlite3, WAL) holding what users edit and what the appliance knows
 * (settings, users, inventory, findings, policies, schedules, report runs, audit trail). Opening it applies the
 * numbered forward-only migrations in ./migrations/ that it has not applied yet, each in its own transaction.
 *
 * Migration files are named `NNNN_<name>.sql` (four digits). Ranges by owner keep parallel work apart:
 * 0001–0099 core service (settings, users, sessions, audit), 0100–0199 inventory, 0200–0299 findings, abuse and
 * tracing, 0300–0399 policies, notifiers and block lists, 0400–0499 jobs and reports, 0500–0599 sensitive data.
 */
import Database from 'better-sqlite3';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** A better-sqlite3 connection to the state database. */
export type StateDatabase = Database.Database;

/** The folder the shipped migrations are read from. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

/** One migration file. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Thrown when the migration folder or the database's migration history is inconsistent. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

const FILE_RE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** Reads the migrations of `dir` in version order. Rejects duplicate versions and badly named .sql files. */
export function readMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const out: Migration[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.sql')) continue;
    const m = FILE_RE.exec(file);
    if (m === null) throw new MigrationError(`migration file name must be NNNN_name.sql: ${file}`);
    const version = Number(m[1]);
    if (out.length > 0 && out[out.length - 1].version === version) throw new MigrationError(`two migrations with version ${version}`);
    out.push({ version, name: m[2], sql: readFileSync(join(dir, file), 'utf8') });
  }
  return out;
}

/**
 * Applies the migrations not yet recorded in `schema_migrations`, in order, each in a transaction (a failing one
 * leaves the database at the previous version). Returns the versions applied.
 */
export function migrate(db: StateDatabase, migrations: readonly Migration[] = readMigrations()): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const done = new Set((db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map((r) => r.version));
  const known = new Set(migrations.map((m) => m.version));
  for (const v of done) if (!known.has(v)) throw new MigrationError(`database has migration ${v} that this version does not know (downgrade?)`);
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const applied: number[] = [];
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.version, m.name, new Date().toISOString());
    })();
    applied.push(m.version);
  }
  return applied;
}

/** Options of {@link openStateDatabase}. */
export interface OpenStateOptions {
  /** Migrations to apply (default: the shipped ones). */
  migrations?: readonly Migration[];
  readonly?: boolean;
}

/**
 * Opens (creating if needed) the state database at `path` (`:memory:` for tests), in WAL mode with foreign keys on
 * and a busy timeout, and brings its schema up to date.
 */
export function openStateDatabase(path: string, opts: OpenStateOptions = {}): StateDatabase {
  const db = new Database(path, { readonly: opts.readonly ?? false });
  try {
    db.pragma('busy_timeout = 5000');
    if (opts.readonly !== true) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    if (opts.readonly !== true) migrate(db, opts.migrations ?? readMigrations());
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Most cached statements per connection (SQL built with variable IN lists must not grow the cache without bound). */
const STATEMENT_CACHE_SIZE = 256;
const statementCaches = new WeakMap<StateDatabase, Map<string, Database.Statement>>();

/**
 * The prepared statement for `sql` on `db`, prepared once and reused (preparing costs more than running a small
 * statement). Least recently used statements leave the cache past {@link STATEMENT_CACHE_SIZE}.
 */
export function prepared(db: StateDatabase, sql: string): Database.Statement {
  let cache = statementCaches.get(db);
  if (cache === undefined) statementCaches.set(db, (cache = new Map()));
  let st = cache.get(sql);
  if (st !== undefined) {
    cache.delete(sql);
    cache.set(sql, st);
    return st;
  }
  st = db.prepare(sql);
  cache.set(sql, st);
  if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return st;
}
