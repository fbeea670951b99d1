/**
 * The events database: one DuckDB file (`@duckdb/node-api`) holding the call log and its rollups. Opening it applies
 * the numbered forward-only migrations in ./migrations/ (same file naming as the state database), each in its own
 * transaction. DuckDB keeps a write-ahead log, so a file left by a killed process reopens with every committed
 * transaction and none of a half-written one.
 *
 * Only one process may open the file for writing: the service's main process owns it, and pipeline child processes
 * send their calls to it (see pipeline/).
 */
import type * as DuckDb from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { fileURLToPath } from 'node:url';
import { MigrationError, readMigrations, type Migration } from '../sqlite/state.database.ts';

let duckDb: Promise<typeof DuckDb> | undefined;

/**
 * DuckDB's package, imported by the first open rather than with the service (its native module is the largest import
 * of the service's start, which the appliance pays at every boot).
 */
export function duckDbModule(): Promise<typeof DuckDb> {
  return (duckDb ??= import('@duckdb/node-api'));
}

/** The folder the shipped DuckDB migrations are read from. */
export const EVENTS_MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

/** An open events database. */
export interface EventsDatabase {
  readonly instance: DuckDBInstance;
  /** The connection writes and reads go through (DuckDB serialises them per connection). */
  readonly connection: DuckDBConnection;
  /** The database file ('' for in-memory). */
  readonly path: string;
  close(): void;
}

/** Applies the migrations not yet recorded; returns the versions applied. */
export async function migrateEvents(conn: DuckDBConnection, migrations: readonly Migration[] = readMigrations(EVENTS_MIGRATIONS_DIR)): Promise<number[]> {
  await conn.run('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at VARCHAR NOT NULL)');
  const rows = (await conn.runAndReadAll('SELECT version FROM schema_migrations')).getRowObjectsJS();
  const done = new Set(rows.map((r) => Number(r.version)));
  const known = new Set(migrations.map((m) => m.version));
  for (const v of done) if (!known.has(v)) throw new MigrationError(`events database has migration ${v} that this version does not know (downgrade?)`);
  const applied: number[] = [];
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    await conn.run('BEGIN TRANSACTION');
    try {
      await conn.run(m.sql);
      await conn.run('INSERT INTO schema_migrations VALUES ($1, $2, $3)', [m.version, m.name, new Date().toISOString()]);
      await conn.run('COMMIT');
    } catch (err) {
      await conn.run('ROLLBACK');
      throw err;
    }
    applied.push(m.version);
  }
  return applied;
}

/**
 * Opens (creating if needed) the events database at `path` (`:memory:` for tests) and migrates it. `memoryLimit`
 * and `threads` bound DuckDB's own resources so the capture pipeline keeps its share of the machine.
 */
export async function openEventsDatabase(path: string, opts: { memoryLimit?: string; threads?: number } = {}): Promise<EventsDatabase> {
  const { DuckDBInstance } = await duckDbModule();
  const instance = await DuckDBInstance.create(path, {
    memory_limit: opts.memoryLimit ?? '512MB',
    threads: String(opts.threads ?? 2),
  });
  const connection = await instance.connect();
  try {
    await migrateEvents(connection);
  } catch (err) {
    connection.closeSync();
    instance.closeSync();
    throw err;
  }
  return {
    instance,
    connection,
    path: path === ':memory:' ? '' : path,
    close(): void {
      connection.closeSync();
      instance.closeSync();
    },
  };
}
