// Report schedules and runs as the reports API returns them, the schedule form's model (recipients and hosts one per
// line) and the run status words. Pure (tested in tests/unit/ui/).
import { parseLines } from '../../lib/format/value.format.ts';

/** Report frequencies. */
export const FREQUENCIES = ['daily', 'weekly', 'monthly'] as const;
/** Report languages. */
export const REPORT_LANGUAGES = ['zh-CN', 'en'] as const;

/** A stored report schedule. */
export interface ReportSchedule {
  id: number;
  name: string;
  enabled: boolean;
  frequency: (typeof FREQUENCIES)[number];
  timeOfDay: string;
  weekday: number;
  dayOfMonth: number;
  language: (typeof REPORT_LANGUAGES)[number];
  recipients: string[];
  hosts: string[];
  nextDueAt: number;
  lastPeriodEnd: number | null;
}

/** One report run of the history. */
export interface ReportRun {
  id: number;
  scheduleId: number | null;
  trigger: 'schedule' | 'manual';
  language: string;
  recipients: string[];
  hosts: string[];
  periodStart: number;
  periodEnd: number;
  status: 'building' | 'retrying' | 'sent' | 'failed';
  attempts: number;
  nextAttemptAt: number | null;
  error: string;
  errorCode: string;
  subject: string;
  htmlPath: string;
  pdfPath: string;
  createdAt: number;
  sentAt: number | null;
}

/** The schedule form's state. */
export interface ScheduleDraft {
  name: string;
  enabled: boolean;
  frequency: ReportSchedule['frequency'];
  timeOfDay: string;
  weekday: number;
  dayOfMonth: number;
  language: ReportSchedule['language'];
  recipients: string;
  hosts: string;
}

/** The form for `s`, or a new weekly schedule on Monday 08:00 in `language`. */
export function draftFromSchedule(s: ReportSchedule | null, language: ReportSchedule['language']): ScheduleDraft {
  return {
    name: s?.name ?? '',
    enabled: s?.enabled ?? true,
    frequency: s?.frequency ?? 'weekly',
    timeOfDay: s?.timeOfDay ?? '08:00',
    weekday: s?.weekday ?? 1,
    dayOfMonth: s?.dayOfMonth ?? 1,
    language: s?.language ?? language,
    recipients: (s?.recipients ?? []).join('\n'),
    hosts: (s?.hosts ?? []).join('\n'),
  };
}

/** The body of `POST /reports/schedules` / `PUT /reports/schedules/:id`. */
export function scheduleBody(d: ScheduleDraft): Record<string, unknown> {
  return {
    name: d.name.trim(),
    enabled: d.enabled,
    frequency: d.frequency,
    timeOfDay: d.timeOfDay,
    weekday: Number(d.weekday),
    dayOfMonth: Number(d.dayOfMonth),
    language: d.language,
    recipients: parseLines(d.recipients),
    hosts: parseLines(d.hosts),
  };
}

/** Whether a run has a report to preview and download (it was built). */
export function runHasFiles(r: Pick<ReportRun, 'htmlPath' | 'pdfPath'>): { html: boolean; pdf: boolean } {
  return { html: r.htmlPath !== '', pdf: r.pdfPath !== '' };
}
