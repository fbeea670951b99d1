/** Key/value settings (JSON values) in the state database. */
import { prepared, type StateDatabase } from './state.database.ts';

/** Reads and writes admin settings and service state by key. */
export class SettingsRepository {
  constructor(private readonly db: StateDatabase) {}

  /** The parsed value of `key`, or undefined. */
  get<T>(key: string): T | undefined {
    const row = prepared(this.db, 'SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
    return row === undefined ? undefined : (JSON.parse(row.value) as T);
  }

  /** Stores `value` (JSON-serialisable) under `key`. */
  set(key: string, value: unknown, nowMs: number): void {
    this.db
      .prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at')
      .run(key, JSON.stringify(value), new Date(nowMs).toISOString());
  }

  /** Removes `key`. */
  delete(key: string): void {
    this.db.prepare('DELETE FROM settings WHERE key = ?').run(key);
  }
}
