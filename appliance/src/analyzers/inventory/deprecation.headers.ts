/**
 * Deprecation announced by the API itself in responses: the `Deprecation` header (RFC 9745: a structured-field date
 * `@<epoch seconds>`; earlier drafts sent `true` or an HTTP-date) and the `Sunset` header (RFC 8594: an HTTP-date).
 * The inventory analyzer reads them per endpoint; a deprecated endpoint still called is a zombie.
 */
import type { HeaderList } from '../../engine/transaction.types.ts';

/** What one response announced; times in epoch ms, 0 when the header carried no usable date. */
export interface DeprecationNotice {
  /** `Deprecation` was present. */
  deprecated: boolean;
  /** When it is (or was) deprecated, 0 when undated (`true`). */
  since: number;
  /** When it goes away (`Sunset`), 0 when absent. */
  sunset: number;
}

/** Reads `Deprecation` and `Sunset` from response headers; null when neither is present (the common case, no allocation). */
export function deprecationNotice(headers: HeaderList): DeprecationNotice | null {
  let dep: string | undefined;
  let sun: string | undefined;
  for (let i = 0; i < headers.length; i++) {
    const name = headers[i][0];
    if (name.length === 11 && (name.charCodeAt(0) | 0x20) === 100 && name.toLowerCase() === 'deprecation') dep ??= headers[i][1];
    else if (name.length === 6 && (name.charCodeAt(0) | 0x20) === 115 && name.toLowerCase() === 'sunset') sun ??= headers[i][1];
  }
  if (dep === undefined && sun === undefined) return null;
  const d = dep === undefined ? null : parseDeprecation(dep);
  return { deprecated: d !== null, since: d ?? 0, sunset: sun === undefined ? 0 : parseHttpDate(sun) };
}

/** A `Deprecation` value as epoch ms (0 for an undated `true`), or null when it is not a deprecation. */
export function parseDeprecation(v: string): number | null {
  const t = v.trim();
  const m = /^@(-?\d{1,12})$/.exec(t);
  if (m !== null) return Number(m[1]) * 1000;
  if (t.toLowerCase() === 'true' || t === '?1') return 0;
  if (t.toLowerCase() === 'false' || t === '?0') return null;
  const ms = parseHttpDate(t);
  return ms > 0 ? ms : null;
}

/** An HTTP-date (IMF-fixdate, RFC 850 or asctime, as Date.parse reads them) as epoch ms, 0 when unreadable. */
function parseHttpDate(v: string): number {
  if (v.length > 64) return 0;
  const ms = Date.parse(v);
  return Number.isFinite(ms) && ms > 0 ? ms : 0;
}
