/**
 * Cron expressions parsed by node-cron's own parser and matched against wall-clock time in the appliance's time
 * zone, so the scheduler's `tick(now)` (driven by a test clock) fires exactly what node-cron would fire live.
 * Resolution is one minute: the seconds field, when given, must allow second 0.
 */
import { parse, validate } from 'node-cron';
import { zonedParts } from './zoned.time.ts';

/** A compiled expression. */
export interface CronMatcher {
  readonly expression: string;
  /** True when the expression fires in the minute containing instant `ms` (local time in `timeZone`). */
  matches(ms: number, timeZone: string): boolean;
  /** The minute starts in (fromMs, toMs] at which the expression fires, oldest first, at most `limit`. */
  firesBetween(fromMs: number, toMs: number, timeZone: string, limit?: number): number[];
}

const MINUTE = 60_000;

/** Compiles `expression`; throws RangeError when node-cron rejects it or it never fires at second 0. */
export function compileCron(expression: string): CronMatcher {
  if (!validate(expression)) throw new RangeError(`invalid cron expression: ${expression}`);
  const f = parse(expression);
  if (!f.second.includes(0)) throw new RangeError(`cron expression must fire at second 0 (minute resolution): ${expression}`);
  const minutes = new Set(f.minute);
  const hours = new Set(f.hour);
  const months = new Set(f.month);
  const weekdays = new Set(f.dayOfWeek.map((d) => (d === 7 ? 0 : d)));
  const lastDay = f.dayOfMonth.includes('L');
  const days = new Set(f.dayOfMonth.filter((d): d is number => typeof d === 'number'));
  const matcher: CronMatcher = {
    expression,
    matches(ms: number, timeZone: string): boolean {
      const p = zonedParts(ms, timeZone);
      if (!minutes.has(p.minute) || !hours.has(p.hour) || !months.has(p.month) || !weekdays.has(p.weekday)) return false;
      if (days.has(p.day)) return true;
      return lastDay && p.day === new Date(Date.UTC(p.year, p.month, 0)).getUTCDate();
    },
    firesBetween(fromMs: number, toMs: number, timeZone: string, limit = 10_000): number[] {
      const out: number[] = [];
      for (let t = Math.floor(fromMs / MINUTE) * MINUTE + MINUTE; t <= toMs && out.length < limit; t += MINUTE) {
        if (matcher.matches(t, timeZone)) out.push(t);
      }
      return out;
    },
  };
  return matcher;
}
