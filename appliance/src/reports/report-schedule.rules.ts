/**
 * The rules of report schedules: the schema users edit (validated at the API edge), when a schedule is next due in
 * the appliance's time zone, and where the period of a due report starts.
 */
import { z } from 'zod';
import { zonedParts, zonedToUtc } from '../jobs/zoned.time.ts';
import type { ReportSchedule, ReportScheduleInput } from '../store/sqlite/report-schedules.repository.ts';

const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;

/** A report schedule as the API accepts it. */
export const ReportScheduleSchema = z.object({
  name: z.string().trim().min(1).max(120),
  enabled: z.boolean().default(true),
  frequency: z.enum(['daily', 'weekly', 'monthly']),
  timeOfDay: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 24-hour'),
  weekday: z.number().int().min(0).max(6).default(1),
  dayOfMonth: z.number().int().min(1).max(28).default(1),
  language: z.enum(['zh-CN', 'en']),
  recipients: z.array(z.string().trim().max(254).regex(EMAIL, 'not an email address')).min(1).max(50),
  hosts: z.array(z.string().trim().min(1).max(253)).max(200).default([]),
}) satisfies z.ZodType<ReportScheduleInput, unknown>;

type When = Pick<ReportScheduleInput, 'frequency' | 'timeOfDay' | 'weekday' | 'dayOfMonth'>;

/** The due instant of the occurrence on local date y-m-d at the schedule's time. */
function at(s: When, y: number, m: number, d: number, tz: string): number {
  const [hh, mm] = s.timeOfDay.split(':').map(Number);
  return zonedToUtc(y, m, d, hh, mm, tz);
}

/** The first instant after `afterMs` at which schedule `s` is due (local time in `tz`). */
export function nextDueAfter(s: When, afterMs: number, tz: string): number {
  const p = zonedParts(afterMs, tz);
  if (s.frequency === 'monthly') {
    for (let i = 0; i < 3; i++) {
      const t = at(s, p.year, p.month + i, s.dayOfMonth, tz);
      if (t > afterMs) return t;
    }
  } else {
    for (let i = 0; i < 9; i++) {
      const day = new Date(Date.UTC(p.year, p.month - 1, p.day + i));
      if (s.frequency === 'weekly' && day.getUTCDay() !== s.weekday) continue;
      const t = at(s, day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), tz);
      if (t > afterMs) return t;
    }
  }
  throw new RangeError('no next occurrence found');
}

/** The occurrence one period before the due instant `dueMs` (a day, a week or a month earlier, same local time). */
export function previousDue(s: When, dueMs: number, tz: string): number {
  const p = zonedParts(dueMs, tz);
  const [hh, mm] = s.timeOfDay.split(':').map(Number);
  if (s.frequency === 'monthly') return zonedToUtc(p.year, p.month - 1, p.day, hh, mm, tz);
  return zonedToUtc(p.year, p.month, p.day - (s.frequency === 'weekly' ? 7 : 1), hh, mm, tz);
}

/** The period of a report due at `dueMs`: from the end of the last report (or one period back) to `dueMs`. */
export function periodFor(s: Pick<ReportSchedule, 'frequency' | 'timeOfDay' | 'weekday' | 'dayOfMonth' | 'lastPeriodEnd'>, dueMs: number, tz: string): { start: number; end: number } {
  const start = s.lastPeriodEnd !== null && s.lastPeriodEnd < dueMs ? s.lastPeriodEnd : previousDue(s, dueMs, tz);
  return { start, end: dueMs };
}
