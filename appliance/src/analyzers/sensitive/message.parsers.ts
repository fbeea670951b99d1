/**
 * Small, bounded parsers for the places data travels in an HTTP message: percent-decoding (to UTF-8 text),
 * `name=value&...` lists (query strings, form bodies), Cookie / Set-Cookie headers and multipart/form-data parts.
 * All of them work on attacker-controlled latin1 strings, never throw and stop at fixed limits.
 */

/** Most pairs taken from one query string, form body or cookie header. */
export const MAX_PAIRS = 256;
/** Most parts taken from one multipart body. */
export const MAX_PARTS = 64;

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/**
 * Percent-decodes `s[start, end)` (a latin1 string of wire bytes) into UTF-8 text; `+` becomes a space when
 * `plusAsSpace`. Invalid escapes are kept as they are; invalid UTF-8 becomes U+FFFD.
 */
export function percentDecode(s: string, start = 0, end = s.length, plusAsSpace = true): string {
  let plain = true;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 37 || c > 127 || (c === 43 && plusAsSpace)) {
      plain = false;
      break;
    }
  }
  if (plain) return start === 0 && end === s.length ? s : s.slice(start, end);
  const bytes = Buffer.allocUnsafe(end - start);
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 37 && i + 2 < end) {
      const h = hexVal(s.charCodeAt(i + 1));
      const l = hexVal(s.charCodeAt(i + 2));
      if (h >= 0 && l >= 0) {
        bytes[n++] = (h << 4) | l;
        i += 2;
        continue;
      }
    }
    bytes[n++] = c === 43 && plusAsSpace ? 32 : c & 0xff;
  }
  return bytes.toString('utf8', 0, n);
}

/** Re-reads a latin1 string (wire bytes) as UTF-8 when it has bytes above 0x7F; else returns it unchanged. */
export function latin1ToUtf8(s: string): string {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return Buffer.from(s, 'latin1').toString('utf8');
  return s;
}

/** Receives one decoded name/value pair; returns false to stop. */
export interface PairSink {
  pair(name: string, value: string): boolean;
}

/**
 * Splits `s` on `sep` (`&` for queries and forms, `;` for cookies) into decoded name/value pairs (a pair without
 * '=' has an empty value), at most {@link MAX_PAIRS}. Cookie names and values are trimmed and not '+'-decoded.
 */
export function forEachPair(s: string, sep: 38 | 59, sink: PairSink): void {
  const cookie = sep === 59;
  let i = 0;
  let count = 0;
  const n = s.length;
  while (i <= n && count < MAX_PAIRS) {
    let e = s.indexOf(sep === 38 ? '&' : ';', i);
    if (e < 0) e = n;
    let ns = i;
    let ve = e;
    if (cookie) {
      while (ns < e && s.charCodeAt(ns) === 32) ns++;
      while (ve > ns && s.charCodeAt(ve - 1) === 32) ve--;
    }
    if (ve > ns) {
      const eq = s.indexOf('=', ns);
      const ne = eq >= 0 && eq < ve ? eq : ve;
      const vs = eq >= 0 && eq < ve ? eq + 1 : ve;
      count++;
      if (!sink.pair(percentDecode(s, ns, ne, !cookie), percentDecode(s, vs, ve, !cookie))) return;
    }
    i = e + 1;
  }
}

/** The first `name=value` of a Set-Cookie header, decoded, or null. */
export function setCookiePair(s: string): [string, string] | null {
  let e = s.indexOf(';');
  if (e < 0) e = s.length;
  const eq = s.indexOf('=');
  if (eq <= 0 || eq > e) return null;
  return [percentDecode(s, 0, eq, false).trim(), percentDecode(s, eq + 1, e, false).trim()];
}

/** The value of a `key=value` parameter of a header such as Content-Type (quotes removed), or ''. */
export function headerParam(header: string, key: string): string {
  const lower = header.toLowerCase();
  let i = 0;
  for (;;) {
    i = lower.indexOf(key, i);
    if (i < 0) return '';
    const before = i === 0 ? 59 : lower.charCodeAt(i - 1);
    const after = i + key.length;
    if ((before === 59 || before === 32 || before === 9) && lower.charCodeAt(after) === 61) {
      let v = header.slice(after + 1);
      const semi = v.indexOf(';');
      if (semi >= 0) v = v.slice(0, semi);
      v = v.trim();
      if (v.length >= 2 && v.charCodeAt(0) === 34 && v.charCodeAt(v.length - 1) === 34) v = v.slice(1, -1);
      return v;
    }
    i = after;
  }
}

/** One multipart/form-data part: its field name, file name (or ''), content type (or '') and content range. */
export interface MultipartPart {
  name: string;
  filename: string;
  contentType: string;
  start: number;
  end: number;
}

/**
 * Parts of a multipart body held as a latin1 string, at most {@link MAX_PARTS}. Returns null when the boundary
 * never occurs. A last part without its closing delimiter (truncated body) runs to the end of the text.
 */
export function multipartParts(body: string, boundary: string): MultipartPart[] | null {
  if (boundary.length === 0 || boundary.length > 200) return null;
  const delim = '--' + boundary;
  let pos = body.indexOf(delim);
  if (pos < 0) return null;
  const parts: MultipartPart[] = [];
  while (parts.length < MAX_PARTS) {
    pos += delim.length;
    if (body.startsWith('--', pos)) break;
    const lineEnd = body.indexOf('\n', pos);
    if (lineEnd < 0) break;
    let headEnd = body.indexOf('\r\n\r\n', lineEnd);
    let sepLen = 4;
    const lf = body.indexOf('\n\n', lineEnd);
    if (lf >= 0 && (headEnd < 0 || lf < headEnd)) {
      headEnd = lf;
      sepLen = 2;
    }
    if (headEnd < 0) break;
    const head = body.slice(lineEnd + 1, headEnd);
    const start = headEnd + sepLen;
    const next = body.indexOf(delim, start);
    let end = next < 0 ? body.length : next;
    if (next >= 0) {
      if (body.charCodeAt(end - 1) === 10) end--;
      if (body.charCodeAt(end - 1) === 13) end--;
    }
    let name = '';
    let filename = '';
    let contentType = '';
    for (const line of head.split('\n')) {
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      const hn = line.slice(0, colon).trim().toLowerCase();
      const hv = line.slice(colon + 1).trim();
      if (hn === 'content-disposition') {
        name = latin1ToUtf8(headerParam(hv, 'name'));
        filename = latin1ToUtf8(headerParam(hv, 'filename'));
      } else if (hn === 'content-type') contentType = hv.toLowerCase();
    }
    parts.push({ name, filename, contentType, start, end: Math.max(start, end) });
    if (next < 0) break;
    pos = next;
  }
  return parts;
}
