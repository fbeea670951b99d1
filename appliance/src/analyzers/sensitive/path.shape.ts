/**
 * A coarse shape of a request path for the sensitive analyzer's field learning when no endpoint template is known
 * yet: identifier-like segments (numbers, hex/UUIDs, long mixed letter+digit tokens) become placeholders, so
 * `/v1/users/123` and `/v1/users/456` learn one profile. Not a templater: it only decides which calls share what
 * was learned about their fields; the inventory's templates replace it when present.
 */

const MAX_SEGMENTS = 16;
const MAX_SEGMENT_LENGTH = 64;

/** The segment class: 0 keep, 1 number, 2 hex/UUID-like, 3 other identifier-like. */
function segmentClass(path: string, start: number, end: number): number {
  const n = end - start;
  if (n > MAX_SEGMENT_LENGTH) return 3;
  let digits = 0;
  let hex = 0;
  let letters = 0;
  let other = 0;
  for (let i = start; i < end; i++) {
    const c = path.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if ((c >= 97 && c <= 102) || (c >= 65 && c <= 70)) hex++;
    else if ((c >= 103 && c <= 122) || (c >= 71 && c <= 90)) letters++;
    else if (c !== 45) other++;
  }
  if (digits === n) return 1;
  if (other === 0 && letters === 0 && digits > 0 && n >= 8) return 2;
  if (digits > 0 && n >= 6 && digits + hex + letters >= n - 4) return 3;
  if (other > 0 && (path.charCodeAt(start) === 37 || digits > 0)) return 3;
  return 0;
}

/** The shape of `path`: identifier-like segments replaced by `{n}`, `{h}` or `{id}`, at most 16 segments. */
export function pathShape(path: string): string {
  let out = '';
  let i = path.charCodeAt(0) === 47 ? 1 : 0;
  let k = 0;
  while (i <= path.length && k < MAX_SEGMENTS) {
    let e = path.indexOf('/', i);
    if (e < 0) e = path.length;
    if (e > i) {
      const cls = segmentClass(path, i, e);
      out += cls === 0 ? '/' + path.slice(i, e) : cls === 1 ? '/{n}' : cls === 2 ? '/{h}' : '/{id}';
    } else if (e < path.length) out += '/';
    k++;
    i = e + 1;
  }
  if (k >= MAX_SEGMENTS && i < path.length) out += '/…';
  return out === '' ? '/' : out;
}
