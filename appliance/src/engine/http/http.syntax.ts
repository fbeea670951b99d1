/**
 * Byte-level HTTP/1.x syntax checks used by the incremental parser: token characters, recognising request and
 * status lines (for content detection and resynchronisation), finding the end of a header block, and parsing
 * chunk sizes and Content-Length values. Everything here works on Buffer ranges without allocating, except where
 * a string is the result.
 */

/** Carriage return, line feed, space, horizontal tab. */
export const CR = 13;
export const LF = 10;
export const SP = 32;
export const HT = 9;
/** 'H', first byte of a status line. */
export const CHAR_H = 0x48;

/** 1 for the RFC 9110 `tchar` bytes (method and header-name characters), 0 otherwise. */
export const TCHAR: Uint8Array = (() => {
  const t = new Uint8Array(256);
  for (let c = 0x30; c <= 0x39; c++) t[c] = 1;
  for (let c = 0x41; c <= 0x5a; c++) t[c] = 1;
  for (let c = 0x61; c <= 0x7a; c++) t[c] = 1;
  for (const ch of "!#$%&'*+-.^_`|~") t[ch.charCodeAt(0)] = 1;
  return t;
})();

/** Value of a hexadecimal digit byte, or -1. */
const HEX: Int8Array = (() => {
  const t = new Int8Array(256).fill(-1);
  for (let c = 0; c < 10; c++) t[0x30 + c] = c;
  for (let c = 0; c < 6; c++) {
    t[0x41 + c] = 10 + c;
    t[0x61 + c] = 10 + c;
  }
  return t;
})();

/** Longest method token accepted when recognising a request line. */
export const MAX_METHOD_LENGTH = 24;

/** Result of {@link classifyStart} and {@link checkStartLine}. */
export const Start = {
  /** Not (or not yet) recognised as an HTTP start line. */
  None: 0,
  Request: 1,
  Response: 2,
  /** Could still become a start line: more bytes needed. */
  More: 3,
} as const;

const KNOWN_METHODS = new Set([
  'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', 'PROPFIND', 'PROPPATCH', 'MKCOL',
  'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'REPORT', 'SEARCH', 'MKCALENDAR', 'PURGE', 'LINK', 'UNLINK',
]);

const HTTP_SLASH = [0x48, 0x54, 0x54, 0x50, 0x2f];

/** True when `buf[p..p+8)` is `HTTP/d.d`. */
export function isVersionAt(buf: Buffer, p: number, end: number): boolean {
  if (p + 8 > end) return false;
  return (
    buf[p] === 0x48 && buf[p + 1] === 0x54 && buf[p + 2] === 0x54 && buf[p + 3] === 0x50 && buf[p + 4] === 0x2f &&
    buf[p + 5] >= 0x30 && buf[p + 5] <= 0x39 && buf[p + 6] === 0x2e && buf[p + 7] >= 0x30 && buf[p + 7] <= 0x39
  );
}

/**
 * Content detection on the first bytes of a direction (`buf[s..e)`): a status line (`HTTP/`), a request line
 * (known method + SP, or token + SP + target + SP + `HTTP/x.y`), `More` while undecidable, else `None`.
 * `limit` bounds how many bytes an unknown-method request line may take before it is judged not HTTP.
 */
export function classifyStart(buf: Buffer, s: number, e: number, limit: number): number {
  const avail = e - s;
  if (avail <= 0) return Start.More;
  if (buf[s] === CHAR_H) {
    let i = 1;
    const n = avail < 5 ? avail : 5;
    while (i < n && buf[s + i] === HTTP_SLASH[i]) i++;
    if (i === 5) return Start.Response;
    if (i === avail) return Start.More;
  }
  if (TCHAR[buf[s]] === 0) return Start.None;
  let i = s + 1;
  while (i < e && TCHAR[buf[i]] === 1) i++;
  if (i - s > MAX_METHOD_LENGTH) return Start.None;
  if (i === e) return Start.More;
  if (buf[i] !== SP) return Start.None;
  if (KNOWN_METHODS.has(buf.toString('latin1', s, i))) return Start.Request;
  const nl = indexOfLf(buf, i, e);
  if (nl < 0) return avail > limit ? Start.None : Start.More;
  return checkRequestLine(buf, s, nl + 1) ? Start.Request : Start.None;
}

/** True when `buf[s..e)` (ending with LF) is `token SP target SP HTTP/d.d [CR] LF`. */
export function checkRequestLine(buf: Buffer, s: number, e: number): boolean {
  let le = e - 1;
  if (le > s && buf[le - 1] === CR) le--;
  let i = s;
  while (i < le && TCHAR[buf[i]] === 1) i++;
  if (i === s || i - s > MAX_METHOD_LENGTH || buf[i] !== SP) return false;
  const v = le - 8;
  if (v - 1 <= i + 1) return false;
  return buf[v - 1] === SP && buf[i + 1] !== SP && isVersionAt(buf, v, le);
}

/** True when `buf[s..e)` starts with `HTTP/d.d SP ddd` followed by SP, CR, LF or the end. */
export function checkStatusLine(buf: Buffer, s: number, e: number): boolean {
  if (e - s < 12 || !isVersionAt(buf, s, e) || buf[s + 8] !== SP) return false;
  for (let k = 9; k < 12; k++) if (buf[s + k] < 0x30 || buf[s + k] > 0x39) return false;
  if (s + 12 === e) return true;
  const c = buf[s + 12];
  return c === SP || c === CR || c === LF;
}

/**
 * Checks one complete line `buf[s..e)` (ending with LF) during resynchronisation: `Request`, `Response` or `None`.
 * `want` restricts the answer to one kind (Start.Request / Start.Response) or accepts both (Start.None).
 */
export function checkStartLine(buf: Buffer, s: number, e: number, want: number): number {
  if (want !== Start.Request && checkStatusLine(buf, s, e)) return Start.Response;
  if (want !== Start.Response && checkRequestLine(buf, s, e)) return Start.Request;
  return Start.None;
}

const NL_CR_NL = Buffer.from('\n\r\n', 'latin1');
const NL_NL = Buffer.from('\n\n', 'latin1');

/**
 * Finds the end of a header block in `buf[from..to)`: the offset just after the first blank line ("\r\n\r\n",
 * "\n\n" or mixed). When both kinds occur the CRLF one is preferred; the caller re-checks for an earlier bare "\n\n"
 * while splitting lines. Returns -1 when the block is incomplete. The search runs on a view of the range: `buf` may
 * be a whole capture read buffer, which a native search would scan past `to`.
 */
export function findHeadEnd(buf: Buffer, from: number, to: number): number {
  if (to - from < 2) return -1;
  const view = from === 0 && to === buf.length ? buf : buf.subarray(from, to);
  const a = view.indexOf(NL_CR_NL);
  if (a >= 0) return from + a + 3;
  const b = view.indexOf(NL_NL);
  return b >= 0 ? from + b + 2 : -1;
}

/** Offset of the first LF in `buf[from..to)`, or -1 (bounded by `to`, unlike Buffer.indexOf). */
export function indexOfLf(buf: Buffer, from: number, to: number): number {
  for (let i = from; i < to; i++) if (buf[i] === LF) return i;
  return -1;
}

/**
 * Parses a chunk-size line `buf[s..e)` (without its LF): hex digits, optional whitespace, then an optional
 * `;extension` and an optional CR. Returns the size, or -1 when invalid or too large (over 2^52).
 */
export function parseChunkSize(buf: Buffer, s: number, e: number): number {
  let i = s;
  let v = 0;
  while (i < e) {
    const d = HEX[buf[i]];
    if (d < 0) break;
    if (i - s >= 13) return -1;
    v = v * 16 + d;
    i++;
  }
  if (i === s) return -1;
  while (i < e && (buf[i] === SP || buf[i] === HT)) i++;
  if (i === e || buf[i] === 0x3b) return v;
  if (buf[i] === CR && i + 1 === e) return v;
  return -1;
}

/** Parses a Content-Length value (list form "5, 5" allowed when all equal): the length, -1 when invalid, -2 when the list disagrees. */
export function parseContentLength(value: string): number {
  let result = -1;
  let i = 0;
  const n = value.length;
  while (i <= n) {
    while (i < n && (value.charCodeAt(i) === SP || value.charCodeAt(i) === HT)) i++;
    const start = i;
    let v = 0;
    while (i < n) {
      const c = value.charCodeAt(i);
      if (c < 0x30 || c > 0x39) break;
      v = v * 10 + (c - 0x30);
      i++;
    }
    if (i === start || i - start > 15) return -1;
    while (i < n && (value.charCodeAt(i) === SP || value.charCodeAt(i) === HT)) i++;
    if (i < n && value.charCodeAt(i) !== 0x2c) return -1;
    if (result >= 0 && v !== result) return -2;
    result = v;
    i++;
  }
  return result;
}

/** True when the last transfer coding of a Transfer-Encoding value is `chunked`. */
export function isChunkedFinal(te: string): boolean {
  const comma = te.lastIndexOf(',');
  return (comma < 0 ? te : te.slice(comma + 1)).trim().toLowerCase() === 'chunked';
}

/** Lower-cases a host (or authority), trims surrounding whitespace and removes the port `defaultPort` when present. */
export function normalizeHost(raw: string, defaultPort = ':80'): string {
  let h = raw.trim().toLowerCase();
  if (h.endsWith(defaultPort) && h.length > defaultPort.length) {
    const before = h.charCodeAt(h.length - defaultPort.length - 1);
    if (before === 0x5d || h.indexOf(':') === h.length - defaultPort.length) h = h.slice(0, h.length - defaultPort.length);
  }
  return h;
}

/** Path, query and (for absolute-form targets) authority-derived host of a request target. */
export interface TargetParts {
  path: string;
  query: string;
  /** Host from an absolute-form target, or null for other forms. */
  host: string | null;
}

/** Splits a request target: origin-form, absolute-form (`scheme://authority/path?query`), authority-form (CONNECT) or `*`. */
export function splitTarget(method: string, target: string, out: TargetParts): void {
  out.host = null;
  if (method === 'CONNECT') {
    out.host = normalizeHost(target);
    out.path = '/';
    out.query = '';
    return;
  }
  let rest = target;
  const c0 = target.charCodeAt(0);
  if (c0 !== 0x2f && c0 !== 0x2a) {
    const sep = target.indexOf('://');
    if (sep > 0 && sep < 16) {
      const scheme = target.slice(0, sep).toLowerCase();
      const aStart = sep + 3;
      let aEnd = aStart;
      while (aEnd < target.length) {
        const c = target.charCodeAt(aEnd);
        if (c === 0x2f || c === 0x3f || c === 0x23) break;
        aEnd++;
      }
      let authority = target.slice(aStart, aEnd);
      const at = authority.lastIndexOf('@');
      if (at >= 0) authority = authority.slice(at + 1);
      out.host = normalizeHost(authority, scheme === 'https' ? ':443' : ':80');
      rest = target.slice(aEnd);
    }
  }
  const q = rest.indexOf('?');
  if (q < 0) {
    out.path = rest.length > 0 ? rest : '/';
    out.query = '';
  } else {
    out.path = q > 0 ? rest.slice(0, q) : '/';
    out.query = rest.slice(q + 1);
  }
}
