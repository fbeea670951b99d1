/**
 * Object ids in request paths: which path segment holds the object id of a call, read from the endpoint template
 * the inventory filled (`/v1/orders/{orderId}`), or, when no template is known, from segments that look like ids
 * (numbers, UUIDs, long hex, mixed letters and digits). Also a small id-learning scan of JSON responses, for
 * passive BOLA (ids an identity was given).
 */

/** The template a call is grouped under and the object id it addresses (the last path parameter). */
export interface ObjectRef {
  template: string;
  /** Object id ('' when the path addresses no object). */
  id: string;
  /** The id is a decimal integer (sequence detection applies). */
  numeric: boolean;
}

/** Longest id kept; longer segments are not ids. */
export const MAX_ID_LENGTH = 64;

function isDigits(s: string): boolean {
  if (s.length === 0 || s.length > 19) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** True when a raw path segment looks like an object id. */
export function looksLikeId(seg: string): boolean {
  const n = seg.length;
  if (n === 0 || n > MAX_ID_LENGTH) return false;
  if (isDigits(seg)) return true;
  let digits = 0;
  let hex = 0;
  for (let i = 0; i < n; i++) {
    const c = seg.charCodeAt(i);
    const isDigit = c >= 48 && c <= 57;
    const isLower = c >= 97 && c <= 122;
    const isUpper = c >= 65 && c <= 90;
    if (!(isDigit || isLower || isUpper || c === 45 || c === 95)) return false;
    if (isDigit) digits++;
    if (isDigit || (c >= 97 && c <= 102) || (c >= 65 && c <= 70) || c === 45) hex++;
  }
  if (hex === n && n >= 16) return true;
  return n >= 6 && digits >= 2;
}

const EMPTY_REF_ID = '';

/**
 * The object reference of a call. With a template, the id is the path segment under the last `{param}`; without
 * one, id-like segments are replaced by `{id}` to form a template.
 */
export function objectRef(path: string, template: string | undefined): ObjectRef {
  if (template !== undefined && template !== '') {
    const lastParam = template.lastIndexOf('{');
    if (lastParam < 0) return { template, id: EMPTY_REF_ID, numeric: false };
    let segIndex = 0;
    for (let i = 0; i < lastParam; i++) if (template.charCodeAt(i) === 47) segIndex++;
    let pos = 0;
    for (let k = 0; k < segIndex && pos >= 0; k++) pos = path.indexOf('/', pos) + 1 || -1;
    if (pos <= 0 && segIndex > 0) return { template, id: EMPTY_REF_ID, numeric: false };
    let end = path.indexOf('/', pos);
    if (end < 0) end = path.length;
    const id = path.slice(pos, end);
    if (id.length === 0 || id.length > MAX_ID_LENGTH) return { template, id: EMPTY_REF_ID, numeric: false };
    return { template, id, numeric: isDigits(id) };
  }
  let out = '';
  let id = EMPTY_REF_ID;
  let start = 0;
  const n = Math.min(path.length, 2048);
  for (let i = 0; i <= n; i++) {
    if (i === n || path.charCodeAt(i) === 47) {
      if (i > start) {
        const seg = path.slice(start, i);
        if (looksLikeId(seg)) {
          out += '/{id}';
          id = seg;
        } else out += '/' + seg;
      } else if (i < n && i > 0) out += '/';
      start = i + 1;
    }
  }
  if (out === '') out = '/';
  return { template: out, id, numeric: id !== '' && isDigits(id) };
}

const ID_FIELD = /"(?:id|[A-Za-z]{1,40}(?:Id|_id|ID|No|_no))"\s*:\s*"?([A-Za-z0-9_-]{1,64})/g;

/** Calls `sink` with each id-like value of a JSON text (`"id": 42`, `"orderId": "A-17"`), at most `max` times. */
export function forEachJsonId(text: string, max: number, sink: (id: string) => void): void {
  ID_FIELD.lastIndex = 0;
  let m: RegExpExecArray | null;
  let count = 0;
  while (count < max && (m = ID_FIELD.exec(text)) !== null) {
    sink(m[1]);
    count++;
  }
}

/** The longest run of consecutive integers in `ids` (decimal strings). */
export function longestSequentialRun(ids: Iterable<string>): number {
  const nums: number[] = [];
  for (const s of ids) if (isDigits(s)) nums.push(Number(s));
  if (nums.length === 0) return 0;
  nums.sort((a, b) => a - b);
  let best = 1;
  let run = 1;
  for (let i = 1; i < nums.length; i++) {
    if (nums[i] === nums[i - 1]) continue;
    run = nums[i] === nums[i - 1] + 1 ? run + 1 : 1;
    if (run > best) best = run;
  }
  return best;
}
