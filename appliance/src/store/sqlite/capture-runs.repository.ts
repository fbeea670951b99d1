/** Uploaded captures and the state of their analysis. */
import type { StateDatabase } from './state.database.ts';

/** One run. */
export interface CaptureRun {
  id: number;
  name: string;
  sizeBytes: number;
  status: 'running' | 'done' | 'failed';
  error: string;
  uploadedBy: string;
  startedAt: number;
  finishedAt: number | null;
  transactions: number;
  endpoints: number;
  findings: number;
}

interface Row {
  id: number;
  name: string;
  size_bytes: number;
  status: CaptureRun['status'];
  error: string;
  uploaded_by: string;
  started_at: number;
  finished_at: number | null;
  transactions: number;
  endpoints: number;
  findings: number;
}

function toRun(r: Row): CaptureRun {
  return { id: r.id, name: r.name, sizeBytes: r.size_bytes, status: r.status, error: r.error, uploadedBy: r.uploaded_by, startedAt: r.started_at, finishedAt: r.finished_at, transactions: r.transactions, endpoints: r.endpoints, findings: r.findings };
}

/** Stores capture runs. */
export class CaptureRunsRepository {
  constructor(private readonly db: StateDatabase) {}

  /** Records a new running run and returns its id. */
  start(name: string, sizeBytes: number, uploadedBy: string, nowMs: number): number {
    return Number(this.db.prepare("INSERT INTO capture_runs (name, size_bytes, status, uploaded_by, started_at) VALUES (?, ?, 'running', ?, ?)").run(name, sizeBytes, uploadedBy, nowMs).lastInsertRowid);
  }

  /** Marks a run done with its figures. */
  finish(id: number, nowMs: number, figures: { transactions: number; endpoints: number; findings: number }): void {
    this.db.prepare("UPDATE capture_runs SET status = 'done', finished_at = ?, transactions = ?, endpoints = ?, findings = ? WHERE id = ?").run(nowMs, figures.transactions, figures.endpoints, figures.findings, id);
  }

  /** Marks a run failed with a message for the user. */
  fail(id: number, nowMs: number, error: string): void {
    this.db.prepare("UPDATE capture_runs SET status = 'failed', finished_at = ?, error = ? WHERE id = ?").run(nowMs, error.slice(0, 1000), id);
  }

  /** Runs still marked running (after a restart they are failed: their worker died with the old process). */
  failInterrupted(nowMs: number): number {
    return this.db.prepare("UPDATE capture_runs SET status = 'failed', finished_at = ?, error = 'interrupted by a restart' WHERE status = 'running'").run(nowMs).changes;
  }

  /** One run. */
  get(id: number): CaptureRun | undefined {
    const r = this.db.prepare('SELECT * FROM capture_runs WHERE id = ?').get(id) as Row | undefined;
    return r === undefined ? undefined : toRun(r);
  }

  /** The newest runs first. */
  list(limit: number): CaptureRun[] {
    return (this.db.prepare('SELECT * FROM capture_runs ORDER BY id DESC LIMIT ?').all(limit) as Row[]).map(toRun);
  }

  /** The newest finished run. */
  latestDone(): CaptureRun | undefined {
    const r = this.db.prepare("SELECT * FROM capture_runs WHERE status = 'done' ORDER BY id DESC LIMIT 1").get() as Row | undefined;
    return r === undefined ? undefined : toRun(r);
  }
}
