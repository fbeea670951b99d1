/**
 * Header-block parsing: turns one complete head (start line + header fields + blank line), already decoded as a
 * latin1 string, into the start line, a table of field offsets and the few fields the framing logic needs (field
 * strings are only built when someone reads the headers). Tolerates bare LF line ends and obs-fold, and reports
 * every irregularity as a count so the caller can raise weirds.
 */
import type { HeaderList } from '../transaction.types.ts';

const SP = 32;
const HT = 9;
const CR = 13;

/**
 * Offsets of field `i` in a field table: start of its line and end of its line without the line end (2 numbers per
 * field). Name and value bounds are found again from the line's first colon when the list is built.
 */
const STRIDE = 2;

/**
 * Builds the HeaderList of a head from its string and field table (see {@link HeadParser.takeFields}). Used by
 * records that keep a head unparsed until someone reads its headers.
 */
export function buildHeaderList(str: string, fields: readonly number[]): HeaderList {
  const n = fields.length;
  const list: HeaderList = new Array(n / STRIDE);
  for (let i = 0, j = 0; i < n; i += STRIDE, j++) {
    const pos = fields[i];
    const le = fields[i + 1];
    const colon = str.indexOf(':', pos);
    const vs = valueStart(str, colon + 1, le);
    list[j] = [str.slice(pos, nameEnd(str, pos, colon)), str.slice(vs, valueEnd(str, vs, le))];
  }
  return list;
}

/** End of the field name that starts at `pos` and ends at `colon`, before any whitespace. */
function nameEnd(str: string, pos: number, colon: number): number {
  let ne = colon;
  while (ne > pos && (str.charCodeAt(ne - 1) === SP || str.charCodeAt(ne - 1) === HT)) ne--;
  return ne;
}

/** Start of the field value after the colon (`from`), past leading whitespace, within the line ending at `le`. */
function valueStart(str: string, from: number, le: number): number {
  while (from < le && (str.charCodeAt(from) === SP || str.charCodeAt(from) === HT)) from++;
  return from;
}

/** End of the field value starting at `vs` in the line ending at `le`, before trailing whitespace. */
function valueEnd(str: string, vs: number, le: number): number {
  let ve = le;
  while (ve > vs && (str.charCodeAt(ve - 1) === SP || str.charCodeAt(ve - 1) === HT)) ve--;
  return ve;
}

/**
 * Result of {@link HeadParser.parse}; one instance is reused per engine. Fields are recorded as offsets into the
 * head string (no per-field strings); `headers` builds the list on demand. A head with obs-fold continuation lines
 * (rare) is kept as a built list instead, since folding rewrites values.
 */
export class HeadParser {
  /** The head string given to the last {@link parse}. */
  str = '';
  /** Length of the start line in {@link str} without its line end (0 when parsing trailers). */
  startEnd = 0;
  /** First Host value, or null. */
  host: string | null = null;
  /** First Content-Length value, or null. */
  contentLength: string | null = null;
  /** Another Content-Length field disagreed with the first one. */
  contentLengthConflict = false;
  /** Transfer-Encoding fields joined with ", ", or null. */
  transferEncoding: string | null = null;
  /** Content-Encoding fields joined with ", ", or null. */
  contentEncoding: string | null = null;
  /** An Upgrade field was present. */
  upgrade = false;
  /** Continuation lines (obs-fold) merged into the previous field. */
  obsFolds = 0;
  /** Lines without a colon (dropped). */
  noColon = 0;
  /** Field names with whitespace before the colon (trimmed). */
  nameWhitespace = 0;
  /** More fields than the limit: the rest were dropped. */
  tooMany = false;
  /** The last parse ended at a blank line (false: the string ended first, the head is incomplete). */
  complete = false;
  /** Field table of the last head (reused scratch; {@link fieldCount} fields are valid). */
  private readonly offs: number[] = [];
  private fieldCount = 0;
  /** The fields as a built list, once obs-fold forced one (null otherwise). */
  private list: HeaderList | null = null;

  /** Start line without its line end ("" when parsing trailers). */
  get startLine(): string {
    return this.str.slice(0, this.startEnd);
  }

  /** The fields of the last head in wire order (built on each call unless obs-fold already built them). */
  get headers(): HeaderList {
    return this.list ?? buildHeaderList(this.str, this.offs.slice(0, this.fieldCount * STRIDE));
  }

  /** The built list when obs-fold forced one, else null (then use {@link takeFields} with {@link str}). */
  get builtList(): HeaderList | null {
    return this.list;
  }

  /** A copy of the field table of the last head (offsets into {@link str}; see {@link buildHeaderList}). */
  takeFields(): number[] {
    return this.offs.slice(0, this.fieldCount * STRIDE);
  }

  /**
   * Parses `str` (a whole head including its terminating blank line). With `hasStartLine` false the block is a
   * trailer section. Returns the length of the head actually used: shorter than `str` when an earlier blank line
   * ended it (or when `str` runs on past the head). `complete` tells whether a blank line was found.
   */
  parse(str: string, hasStartLine: boolean, maxFields: number): number {
    this.str = str;
    this.list = null;
    this.fieldCount = 0;
    this.host = null;
    this.contentLength = null;
    this.contentLengthConflict = false;
    this.transferEncoding = null;
    this.contentEncoding = null;
    this.upgrade = false;
    this.obsFolds = 0;
    this.noColon = 0;
    this.nameWhitespace = 0;
    this.tooMany = false;
    this.complete = false;
    this.startEnd = 0;
    const offs = this.offs;
    const n = str.length;
    let pos = 0;
    if (hasStartLine) {
      let nl = str.indexOf('\n');
      if (nl < 0) nl = n;
      let le = nl;
      if (le > 0 && str.charCodeAt(le - 1) === CR) le--;
      this.startEnd = le;
      pos = nl + 1;
    }
    while (pos < n) {
      let nl = str.indexOf('\n', pos);
      if (nl < 0) nl = n;
      let le = nl;
      if (le > pos && str.charCodeAt(le - 1) === CR) le--;
      if (le === pos && nl < n) {
        this.complete = true;
        return nl + 1;
      }
      const c0 = str.charCodeAt(pos);
      if (c0 === SP || c0 === HT) {
        this.obsFolds++;
        if (this.fieldCount > 0) {
          const list = this.list ?? (this.list = buildHeaderList(str, offs.slice(0, this.fieldCount * STRIDE)));
          const last = list[list.length - 1];
          const folded = trimOws(str, pos, le);
          last[1] = last[1].length > 0 ? `${last[1]} ${folded}` : folded;
          this.note(fieldKind(last[0], 0, last[0].length), last[1], true);
        }
      } else {
        const colon = str.indexOf(':', pos);
        if (colon < 0 || colon >= le) {
          this.noColon++;
        } else if (this.fieldCount >= maxFields) {
          this.tooMany = true;
        } else {
          const ne = nameEnd(str, pos, colon);
          if (ne !== colon) this.nameWhitespace++;
          const k = this.fieldCount++ * STRIDE;
          offs[k] = pos;
          offs[k + 1] = le;
          const kind = fieldKind(str, pos, ne - pos);
          if (this.list !== null || kind !== 0) {
            const vs = valueStart(str, colon + 1, le);
            const value = str.slice(vs, valueEnd(str, vs, le));
            if (this.list !== null) this.list.push([str.slice(pos, ne), value]);
            if (kind !== 0) this.note(kind, value, false);
          }
        }
      }
      pos = nl + 1;
    }
    return n;
  }

  /** Records a field of {@link fieldKind} `kind` with `value`. `refold` re-notes a field extended by obs-fold. */
  private note(kind: number, value: string, refold: boolean): void {
    switch (kind) {
      case F_HOST:
        if (this.host === null) this.host = value;
        break;
      case F_CONTENT_LENGTH:
        if (this.contentLength === null || refold) this.contentLength = value;
        else if (value !== this.contentLength) this.contentLengthConflict = true;
        break;
      case F_TRANSFER_ENCODING:
        this.transferEncoding = this.transferEncoding === null || refold ? value : `${this.transferEncoding}, ${value}`;
        break;
      case F_CONTENT_ENCODING:
        this.contentEncoding = this.contentEncoding === null || refold ? value : `${this.contentEncoding}, ${value}`;
        break;
      case F_UPGRADE:
        this.upgrade = true;
        break;
      default:
        break;
    }
  }
}

const F_HOST = 1;
const F_CONTENT_LENGTH = 2;
const F_TRANSFER_ENCODING = 3;
const F_CONTENT_ENCODING = 4;
const F_UPGRADE = 5;

/** Which framing-relevant field the name `str[ns, ns+len)` is (case-insensitive), or 0. */
function fieldKind(str: string, ns: number, len: number): number {
  const c0 = str.charCodeAt(ns) | 0x20;
  if (len === 4) return c0 === 0x68 && sameLower(str, ns, 'host') ? F_HOST : 0;
  if (len === 14) return c0 === 0x63 && sameLower(str, ns, 'content-length') ? F_CONTENT_LENGTH : 0;
  if (len === 17) return c0 === 0x74 && sameLower(str, ns, 'transfer-encoding') ? F_TRANSFER_ENCODING : 0;
  if (len === 16) return c0 === 0x63 && sameLower(str, ns, 'content-encoding') ? F_CONTENT_ENCODING : 0;
  if (len === 7) return c0 === 0x75 && sameLower(str, ns, 'upgrade') ? F_UPGRADE : 0;
  return 0;
}

/** Whether `str` at `at` equals the lower-case ASCII `lower` ignoring ASCII case (length checked by the caller). */
function sameLower(str: string, at: number, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    const c = str.charCodeAt(at + i);
    if ((c >= 65 && c <= 90 ? c | 0x20 : c) !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** `str[s..e)` without leading and trailing spaces and tabs. */
function trimOws(str: string, s: number, e: number): string {
  const vs = valueStart(str, s, e);
  return str.slice(vs, valueEnd(str, vs, e));
}
