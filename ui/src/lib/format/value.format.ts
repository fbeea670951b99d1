// Number, byte, rate and date formatting for the UI in the current locale, and the small text helpers the forms share
// (one entry per line). Pure functions (tested in tests/unit/ui/).

/** A count with the locale's digit grouping. */
export function formatCount(n: number, locale: string): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(n);
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** Bytes in binary units (1.5 GiB). */
export function formatBytes(n: number, locale: string): string {
  let v = n;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < BYTE_UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: u === 0 ? 0 : 1 }).format(v)} ${BYTE_UNITS[u]}`;
}

/** A date and time in the locale (seconds shown), or '' for null or invalid input. */
export function formatTime(iso: string | number | null, locale: string): string {
  if (iso === null) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(locale, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }).format(d);
}

/** The non-empty, trimmed, distinct lines of a text area. */
export function parseLines(text: string): string[] {
  return [...new Set(text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== ''))];
}

/** Per-second rate between two samples of a cumulative counter (0 when the counter went back or no time passed). */
export function ratePerSecond(previous: number, current: number, elapsedMs: number): number {
  if (elapsedMs <= 0 || current < previous) return 0;
  return ((current - previous) * 1000) / elapsedMs;
}
