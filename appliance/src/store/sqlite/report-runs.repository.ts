/**
 * Report runs (migration 0400): one report built for one period and its delivery: status, attempts, the next retry,
 * the error in words, and where the HTML and PDF were written.
 */
import type { StateDatabase } from './state.database.ts';
import type { ReportLanguage } from './report-schedules.repository.ts';

/** Delivery status: `retrying` waits for `nextAttemptAt`; `failed` gave up. */
export type ReportRunStatus = 'building' | 'retrying' | 'sent' | 'failed';

/** One report run. */
export interface ReportRun {
  id: number;
  scheduleId: number | null;
  trigger: 'schedule' | 'manual';
  language: ReportLanguage;
  recipients: string[];
  hosts: string[];
  periodStart: number;
  periodEnd: number;
  status: ReportRunStatus;
  attempts: number;
  nextAttemptAt: number | null;
  /** The last delivery error in words a user understands ('' when none). */
  error: string;
  /** Stable code of that error (e.g. `smtp_auth`). */
  errorCode: string;
  subject: string;
  htmlPath: string;
  pdfPath: string;
  createdAt: number;
  sentAt: number | null;
}

interface Row {
  id: number;
  schedule_id: number | null;
  trigger: 'schedule' | 'manual';
  language: ReportLanguage;
  recipients: string;
  hosts: string;
  period_start: number;
  period_end: number;
  status: ReportRunStatus;
  attempts: number;
  next_attempt_at: number | null;
  error: string;
  error_code: string;
  subject: string;
  html_path: string;
  pdf_path: string;
  created_at: number;
  sent_at: number | null;
}

function toRun(r: Row): ReportRun {
  return {
    id: r.id,
    scheduleId: r.schedule_id,
    trigger: r.trigger,
    language: r.language,
    recipients: JSON.parse(r.recipients) as string[],
    hosts: JSON.parse(r.hosts) as string[],
    periodStart: r.period_start,
    periodEnd: r.period_end,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    error: r.error,
    errorCode: r.error_code,
    subject: r.subject,
    htmlPath: r.html_path,
    pdfPath: r.pdf_path,
    createdAt: r.created_at,
    sentAt: r.sent_at,
  };
}

/** What a new run is made of. */
export interface NewReportRun {
  scheduleId: number | null;
  trigger: 'schedule' | 'manual';
  language: ReportLanguage;
  recipients: string[];
  hosts: string[];
  periodStart: number;
  periodEnd: number;
}

/** Stores report runs. */
export class ReportRunsRepository {
  constructor(private readonly db: StateDatabase) {}

  /** Records a run being built; returns its id. */
  create(r: NewReportRun, nowMs: number): number {
    return Number(
      this.db
        .prepare(
          `INSERT INTO report_runs (schedule_id, trigger, language, recipients, hosts, period_start, period_end, status, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, 'building', ?)`,
        )
        .run(r.scheduleId, r.trigger, r.language, JSON.stringify(r.recipients), JSON.stringify(r.hosts), r.periodStart, r.periodEnd, nowMs).lastInsertRowid,
    );
  }

  /** Records the rendered files and the subject. */
  setRendered(id: number, subject: string, htmlPath: string, pdfPath: string): void {
    this.db.prepare('UPDATE report_runs SET subject = ?, html_path = ?, pdf_path = ? WHERE id = ?').run(subject, htmlPath, pdfPath, id);
  }

  /** Records a delivery the server accepted; `partial` says which recipients it refused (the others got the mail). */
  markSent(id: number, nowMs: number, partial: { code: string; error: string } | null = null): void {
    this.db
      .prepare("UPDATE report_runs SET status = 'sent', attempts = attempts + 1, sent_at = ?, next_attempt_at = NULL, error = ?, error_code = ? WHERE id = ?")
      .run(nowMs, partial?.error.slice(0, 2000) ?? '', partial?.code.slice(0, 64) ?? '', id);
  }

  /** Records a failed attempt: `retrying` at `nextAttemptAt`, or `failed` when null. */
  markAttemptFailed(id: number, code: string, error: string, nextAttemptAt: number | null): void {
    this.db
      .prepare('UPDATE report_runs SET status = ?, attempts = attempts + 1, next_attempt_at = ?, error = ?, error_code = ? WHERE id = ?')
      .run(nextAttemptAt === null ? 'failed' : 'retrying', nextAttemptAt, error.slice(0, 2000), code.slice(0, 64), id);
  }

  /** Runs left `building` by a stopped process become retries due now; returns how many. */
  recoverBuilding(nowMs: number): number {
    return this.db.prepare("UPDATE report_runs SET status = 'retrying', next_attempt_at = ? WHERE status = 'building'").run(nowMs).changes;
  }

  /** Runs whose retry is due at `nowMs`. */
  dueRetries(nowMs: number): ReportRun[] {
    return (this.db.prepare("SELECT * FROM report_runs WHERE status = 'retrying' AND next_attempt_at <= ? ORDER BY next_attempt_at, id").all(nowMs) as Row[]).map(toRun);
  }

  /** One run. */
  get(id: number): ReportRun | undefined {
    const r = this.db.prepare('SELECT * FROM report_runs WHERE id = ?').get(id) as Row | undefined;
    return r === undefined ? undefined : toRun(r);
  }

  /** Newest runs first, optionally of one schedule. */
  list(limit: number, scheduleId?: number): ReportRun[] {
    const n = Math.max(1, Math.min(1000, Math.floor(limit)));
    const rows = scheduleId === undefined ? this.db.prepare('SELECT * FROM report_runs ORDER BY id DESC LIMIT ?').all(n) : this.db.prepare('SELECT * FROM report_runs WHERE schedule_id = ? ORDER BY id DESC LIMIT ?').all(scheduleId, n);
    return (rows as Row[]).map(toRun);
  }

  /** Finished runs created before `beforeMs` (for retention, which also removes their files). */
  finishedBefore(beforeMs: number): ReportRun[] {
    return (this.db.prepare("SELECT * FROM report_runs WHERE created_at < ? AND status IN ('sent', 'failed') ORDER BY id").all(beforeMs) as Row[]).map(toRun);
  }

  /** Deletes runs by id; returns how many. */
  deleteMany(ids: readonly number[]): number {
    const del = this.db.prepare('DELETE FROM report_runs WHERE id = ?');
    let n = 0;
    this.db.transaction(() => {
      for (const id of ids) n += del.run(id).changes;
    })();
    return n;
  }
}
