/**
 * The record of job runs (migrations 0400, 0401): start, end, status and a message per run or skipped tick, and what
 * the run did as a message code with parameters (for the UI's languages).
 */
import type { StateDatabase } from './state.database.ts';

/** How a run was started. */
export type JobTrigger = 'schedule' | 'manual';

/** Status of a run. */
export type JobRunStatus = 'running' | 'succeeded' | 'failed' | 'skipped' | 'interrupted';

/** One recorded run. */
export interface JobRun {
  id: number;
  job: string;
  trigger: JobTrigger;
  status: JobRunStatus;
  startedAt: number;
  finishedAt: number | null;
  message: string;
  /** The message as a code of the UI catalogue (`job.msg.<code>`) and its parameters; null when there is none. */
  summary: JobRunSummary | null;
}

/** A run's message as a code and parameters. */
export interface JobRunSummary {
  code: string;
  params: Record<string, string | number>;
}

interface Row {
  id: number;
  job: string;
  trigger: JobTrigger;
  status: JobRunStatus;
  started_at: number;
  finished_at: number | null;
  message: string;
  summary: string | null;
}

function toRun(r: Row): JobRun {
  let summary: JobRunSummary | null = null;
  if (r.summary !== null) {
    try {
      summary = JSON.parse(r.summary) as JobRunSummary;
    } catch {
      summary = null;
    }
  }
  return { id: r.id, job: r.job, trigger: r.trigger, status: r.status, startedAt: r.started_at, finishedAt: r.finished_at, message: r.message, summary };
}

const MAX_MESSAGE = 2000;

/** The stored form of a summary (none when it would not fit). */
function summaryJson(summary: JobRunSummary | null): string | null {
  const json = summary === null ? null : JSON.stringify(summary);
  return json !== null && json.length <= MAX_MESSAGE ? json : null;
}

/** Stores job runs. */
export class JobRunsRepository {
  constructor(private readonly db: StateDatabase) {}

  /** Records a run that starts now; returns its id. */
  start(job: string, trigger: JobTrigger, nowMs: number): number {
    return Number(this.db.prepare("INSERT INTO job_runs (job, trigger, status, started_at) VALUES (?, ?, 'running', ?)").run(job, trigger, nowMs).lastInsertRowid);
  }

  /** Closes a run with its outcome. */
  finish(id: number, status: 'succeeded' | 'failed', nowMs: number, message: string, summary: JobRunSummary | null = null): void {
    this.db
      .prepare('UPDATE job_runs SET status = ?, finished_at = ?, message = ?, summary = ? WHERE id = ?')
      .run(status, nowMs, message.slice(0, MAX_MESSAGE), summaryJson(summary), id);
  }

  /** Records a tick that was skipped because the previous run was still going. */
  skipped(job: string, trigger: JobTrigger, nowMs: number, message: string): number {
    return Number(
      this.db
        .prepare("INSERT INTO job_runs (job, trigger, status, started_at, finished_at, message, summary) VALUES (?, ?, 'skipped', ?, ?, ?, '{\"code\":\"skipped\",\"params\":{}}')")
        .run(job, trigger, nowMs, nowMs, message.slice(0, MAX_MESSAGE)).lastInsertRowid,
    );
  }

  /** Marks every run still `running` as interrupted (called at start: their process is gone); returns how many. */
  markInterrupted(nowMs: number): number {
    return this.db.prepare("UPDATE job_runs SET status = 'interrupted', finished_at = ?, message = 'the appliance stopped while this run was going', summary = '{\"code\":\"interrupted\",\"params\":{}}' WHERE status = 'running'").run(nowMs).changes;
  }

  /** Runs of one job (or of all), newest first. */
  list(job: string | undefined, limit: number): JobRun[] {
    const n = Math.max(1, Math.min(1000, Math.floor(limit)));
    const rows = job === undefined ? this.db.prepare('SELECT * FROM job_runs ORDER BY id DESC LIMIT ?').all(n) : this.db.prepare('SELECT * FROM job_runs WHERE job = ? ORDER BY id DESC LIMIT ?').all(job, n);
    return (rows as Row[]).map(toRun);
  }

  /** The newest run of `job`. */
  latest(job: string): JobRun | undefined {
    const r = this.db.prepare('SELECT * FROM job_runs WHERE job = ? ORDER BY id DESC LIMIT 1').get(job) as Row | undefined;
    return r === undefined ? undefined : toRun(r);
  }

  /** Deletes finished runs that started before `beforeMs`; returns how many. */
  deleteOlderThan(beforeMs: number): number {
    return this.db.prepare("DELETE FROM job_runs WHERE started_at < ? AND status <> 'running'").run(beforeMs).changes;
  }
}
