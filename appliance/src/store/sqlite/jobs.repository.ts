/**
 * The jobs table's state (migration 0400): per job known to the scheduler, whether it is enabled and the time up to
 * which its cron expression has been checked, so a restarted scheduler resumes where it stopped.
 */
import type { StateDatabase } from './state.database.ts';

/** Stored state of one job. */
export interface JobState {
  name: string;
  enabled: boolean;
  checkedUntil: number | null;
}

/** Reads and writes job state. */
export class JobsRepository {
  constructor(private readonly db: StateDatabase) {}

  /** Makes sure a row exists for `name` (new jobs start enabled, checked from now). */
  ensure(name: string, nowMs: number): JobState {
    this.db.prepare('INSERT INTO jobs (name, enabled, checked_until) VALUES (?, 1, ?) ON CONFLICT (name) DO NOTHING').run(name, nowMs);
    return this.get(name)!;
  }

  /** One job's state. */
  get(name: string): JobState | undefined {
    const r = this.db.prepare('SELECT name, enabled, checked_until FROM jobs WHERE name = ?').get(name) as { name: string; enabled: number; checked_until: number | null } | undefined;
    return r === undefined ? undefined : { name: r.name, enabled: r.enabled === 1, checkedUntil: r.checked_until };
  }

  /** Records that the cron expression of `name` has been checked up to `ms`. */
  setCheckedUntil(name: string, ms: number): void {
    this.db.prepare('UPDATE jobs SET checked_until = ? WHERE name = ?').run(ms, name);
  }

  /** Enables or disables a job; false when it is unknown. */
  setEnabled(name: string, enabled: boolean): boolean {
    return this.db.prepare('UPDATE jobs SET enabled = ? WHERE name = ?').run(enabled ? 1 : 0, name).changes > 0;
  }
}
