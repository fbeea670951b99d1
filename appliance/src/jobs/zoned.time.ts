/**
 * Wall-clock time in a named IANA time zone (the appliance's), computed with Intl so no time-zone database has to
 * ship: an instant's local date and time, and the instant of a local date and time (DST gaps move forward,
 * ambiguous times take the earlier instant).
 */

/** Local date and time fields (month 1–12, weekday 0 = Sunday). */
export interface ZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', weekday: 'short' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when `tz` is a time zone this runtime knows. */
export function isValidTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

/** The process's own time zone (from TZ or the host's /etc/localtime) when this runtime knows it, else UTC. */
export function hostTimeZone(): string {
  const own = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return own !== undefined && isValidTimeZone(own) ? own : 'UTC';
}

/** The local date and time of instant `ms` in `timeZone`. */
export function zonedParts(ms: number, timeZone: string): ZonedParts {
  const out: ZonedParts = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, weekday: 0 };
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) {
    switch (p.type) {
      case 'year': out.year = Number(p.value); break;
      case 'month': out.month = Number(p.value); break;
      case 'day': out.day = Number(p.value); break;
      case 'hour': out.hour = Number(p.value); break;
      case 'minute': out.minute = Number(p.value); break;
      case 'second': out.second = Number(p.value); break;
      case 'weekday': out.weekday = WEEKDAYS[p.value] ?? 0; break;
      default: break;
    }
  }
  return out;
}

/** The instant of local time `y-m-d h:mi` in `timeZone` (month 1–12; out-of-range days roll over as in Date.UTC). */
export function zonedToUtc(year: number, month: number, day: number, hour: number, minute: number, timeZone: string): number {
  const wanted = Date.UTC(year, month - 1, day, hour, minute);
  const offsetAt = (ms: number): number => {
    const p = zonedParts(ms, timeZone);
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) - Math.floor(ms / 60_000) * 60_000;
  };
  // The zone's offsets a day either side cover any single transition near the wanted time.
  const before = offsetAt(wanted - 86_400_000);
  const after = offsetAt(wanted + 86_400_000);
  const fits = [wanted - before, wanted - after].filter((t) => t + offsetAt(t) === wanted).sort((a, b) => a - b);
  return fits.length > 0 ? fits[0] : wanted - before;
}

/** `YYYY-MM-DD HH:MM` of instant `ms` in `timeZone`. */
export function formatZoned(ms: number, timeZone: string, withTime = true): string {
  const p = zonedParts(ms, timeZone);
  const d = `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
  return withTime ? `${d} ${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}` : d;
}
