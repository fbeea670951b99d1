/**
 * Object ids in request paths: which path segment holds the object id of a call, read from the endpoint template
 * the inventory filled (`/v1/orders/{orderId}`), or, when no template is known, from segments that look like ids
 * (numbers, UUIDs, long hex, mixed letters and digits).
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

/** True when `s[start, end)` (a raw path segment) looks like an object id. */
export function looksLikeIdAt(s: string, start: number, end: number): boolean {
  const n = end - start;
  if (n <= 0 || n > MAX_ID_LENGTH) return false;
  let digits = 0;
  let hex = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    const isDigit = c >= 48 && c <= 57;
    if (isDigit) {
      digits++;
      hex++;
    } else if ((c >= 97 && c <= 102) || (c >= 65 && c <= 70) || c === 45) hex++;
    else if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95)) return false;
  }
  if (digits === n) return n <= 19;
  if (hex === n && n >= 16) return true;
  return n >= 6 && digits >= 2;
}

/** True when a raw path segment looks like an object id. */
export function looksLikeId(seg: string): boolean {
  return looksLikeIdAt(seg, 0, seg.length);
}

const NO_ID: ObjectRef = Object.freeze({ template: '/', id: '', numeric: false }) as ObjectRef;

/** The path segment index of a template's last `{param}` (segments counted by `/`), or -1 when it has none. */
export function lastParamSegment(template: string): number {
  const lastParam = template.lastIndexOf('{');
  if (lastParam < 0) return -1;
  let segIndex = 0;
  for (let i = 0; i < lastParam; i++) if (template.charCodeAt(i) === 47) segIndex++;
  return segIndex;
}

/**
 * The object reference of `path` under `template`, whose last parameter is path segment `segIndex`
 * ({@link lastParamSegment}); `noId` is returned when the path addresses no object (callers may share one). With
 * `into`, a reference to an object is written there and `into` returned (a caller that reads the reference before
 * the next call allocates none per call).
 */
export function objectRefAt(path: string, template: string, segIndex: number, noId: ObjectRef = { template, id: '', numeric: false }, into?: ObjectRef): ObjectRef {
  if (segIndex < 0) return noId;
  let pos = 0;
  for (let k = 0; k < segIndex && pos >= 0; k++) pos = path.indexOf('/', pos) + 1 || -1;
  if (pos <= 0 && segIndex > 0) return noId;
  let end = path.indexOf('/', pos);
  if (end < 0) end = path.length;
  if (end === pos || end - pos > MAX_ID_LENGTH) return noId;
  const id = path.slice(pos, end);
  if (into === undefined) return { template, id, numeric: isDigits(id) };
  into.template = template;
  into.id = id;
  into.numeric = isDigits(id);
  return into;
}

/**
 * The object reference of a call. With a template, the id is the path segment under the last `{param}`; without
 * one, id-like segments are replaced by `{id}` to form a template (the path itself when it has none).
 */
export function objectRef(path: string, template: string | undefined): ObjectRef {
  if (template !== undefined && template !== '') return objectRefAt(path, template, lastParamSegment(template));
  const n = Math.min(path.length, 2048);
  if (n === 0) return NO_ID;
  // First pass: find id-like segments without allocating; most paths have one at most.
  let idCount = 0;
  let lastStart = -1;
  let lastEnd = -1;
  let start = 0;
  for (let i = 0; i <= n; i++) {
    if (i === n || path.charCodeAt(i) === 47) {
      if (i > start && looksLikeIdAt(path, start, i)) {
        idCount++;
        lastStart = start;
        lastEnd = i;
      }
      start = i + 1;
    }
  }
  const raw = n === path.length ? path : path.slice(0, n);
  if (idCount === 0) return { template: raw, id: '', numeric: false };
  const id = path.slice(lastStart, lastEnd);
  if (idCount === 1) return { template: path.slice(0, lastStart) + '{id}' + raw.slice(lastEnd), id, numeric: isDigits(id) };
  let out = '';
  start = 0;
  for (let i = 0; i <= n; i++) {
    if (i === n || path.charCodeAt(i) === 47) {
      if (i > start && looksLikeIdAt(path, start, i)) out += '{id}';
      else out += path.slice(start, i);
      if (i < n) out += '/';
      start = i + 1;
    }
  }
  return { template: out, id, numeric: isDigits(id) };
}
