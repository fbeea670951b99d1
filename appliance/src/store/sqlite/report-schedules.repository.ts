/** Report schedules (migration 0400): what report to send, when, in which language, to whom, for which hosts. */
import type { StateDatabase } from './state.database.ts';

/** How often a report is sent. */
export type ReportFrequency = 'daily' | 'weekly' | 'monthly';

/** Report languages. */
export type ReportLanguage = 'zh-CN' | 'en';

/** The fields a user edits. */
export interface ReportScheduleInput {
  name: string;
  enabled: boolean;
  frequency: ReportFrequency;
  /** `HH:MM`, 24-hour, in the appliance's time zone. */
  timeOfDay: string;
  /** 0 = Sunday … 6 = Saturday (weekly). */
  weekday: number;
  /** 1–28 (monthly). */
  dayOfMonth: number;
  language: ReportLanguage;
  recipients: string[];
  /** Hosts in scope; empty = all hosts. */
  hosts: string[];
}

/** A stored schedule. */
export interface ReportSchedule extends ReportScheduleInput {
  id: number;
  /** When the next report is due (epoch ms). */
  nextDueAt: number;
  /** End of the period the last report covered (the next report starts there); null before the first. */
  lastPeriodEnd: number | null;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
}

interface Row {
  id: number;
  name: string;
  enabled: number;
  frequency: ReportFrequency;
  time_of_day: string;
  weekday: number;
  day_of_month: number;
  language: ReportLanguage;
  recipients: string;
  hosts: string;
  next_due_at: number;
  last_period_end: number | null;
  created_by: string;
  created_at: number;
  updated_at: number;
}

function toSchedule(r: Row): ReportSchedule {
  return {
    id: r.id,
    name: r.name,
    enabled: r.enabled === 1,
    frequency: r.frequency,
    timeOfDay: r.time_of_day,
    weekday: r.weekday,
    dayOfMonth: r.day_of_month,
    language: r.language,
    recipients: JSON.parse(r.recipients) as string[],
    hosts: JSON.parse(r.hosts) as string[],
    nextDueAt: r.next_due_at,
    lastPeriodEnd: r.last_period_end,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Stores report schedules. */
export class ReportSchedulesRepository {
  constructor(private readonly db: StateDatabase) {}

  /** Adds a schedule; returns it. */
  create(s: ReportScheduleInput, nextDueAt: number, createdBy: string, nowMs: number): ReportSchedule {
    const id = Number(
      this.db
        .prepare(
          `INSERT INTO report_schedules (name, enabled, frequency, time_of_day, weekday, day_of_month, language, recipients, hosts, next_due_at, created_by, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(s.name, s.enabled ? 1 : 0, s.frequency, s.timeOfDay, s.weekday, s.dayOfMonth, s.language, JSON.stringify(s.recipients), JSON.stringify(s.hosts), nextDueAt, createdBy, nowMs, nowMs).lastInsertRowid,
    );
    return this.get(id)!;
  }

  /** Replaces the user-edited fields and the next due time; undefined when there is no such schedule. */
  update(id: number, s: ReportScheduleInput, nextDueAt: number, nowMs: number): ReportSchedule | undefined {
    const res = this.db
      .prepare(
        `UPDATE report_schedules SET name = ?, enabled = ?, frequency = ?, time_of_day = ?, weekday = ?, day_of_month = ?, language = ?,
           recipients = ?, hosts = ?, next_due_at = ?, updated_at = ? WHERE id = ?`,
      )
      .run(s.name, s.enabled ? 1 : 0, s.frequency, s.timeOfDay, s.weekday, s.dayOfMonth, s.language, JSON.stringify(s.recipients), JSON.stringify(s.hosts), nextDueAt, nowMs, id);
    return res.changes === 0 ? undefined : this.get(id);
  }

  /** Records that a report for the period ending at `periodEnd` was made and when the next one is due. */
  advance(id: number, periodEnd: number, nextDueAt: number): void {
    this.db.prepare('UPDATE report_schedules SET last_period_end = ?, next_due_at = ? WHERE id = ?').run(periodEnd, nextDueAt, id);
  }

  /** Deletes a schedule (its past runs stay); false when unknown. */
  delete(id: number): boolean {
    return this.db.prepare('DELETE FROM report_schedules WHERE id = ?').run(id).changes > 0;
  }

  /** One schedule. */
  get(id: number): ReportSchedule | undefined {
    const r = this.db.prepare('SELECT * FROM report_schedules WHERE id = ?').get(id) as Row | undefined;
    return r === undefined ? undefined : toSchedule(r);
  }

  /** All schedules by id. */
  list(): ReportSchedule[] {
    return (this.db.prepare('SELECT * FROM report_schedules ORDER BY id').all() as Row[]).map(toSchedule);
  }

  /** Enabled schedules due at `nowMs`, earliest first. */
  due(nowMs: number): ReportSchedule[] {
    return (this.db.prepare('SELECT * FROM report_schedules WHERE enabled = 1 AND next_due_at <= ? ORDER BY next_due_at, id').all(nowMs) as Row[]).map(toSchedule);
  }
}
