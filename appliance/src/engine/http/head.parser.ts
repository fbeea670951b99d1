/**
 * Header-block parsing: turns one complete head (start line + header fields + blank line), already decoded as a
 * latin1 string, into the start line, the header list and the few fields the framing logic needs. Tolerates bare
 * LF line ends and obs-fold, and reports every irregularity as a count so the caller can raise weirds.
 */
import type { HeaderList } from '../transaction.types.ts';

const SP = 32;
const HT = 9;
const CR = 13;

/** Result of {@link HeadParser.parse}; one instance is reused per direction. */
export class HeadParser {
  /** Start line without its line end ("" when parsing trailers). */
  startLine = '';
  headers: HeaderList = [];
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

  /**
   * Parses `str` (a whole head including its terminating blank line). With `hasStartLine` false the block is a
   * trailer section. Returns the length of the head actually used: shorter than `str` when an earlier blank line
   * ended it.
   */
  parse(str: string, hasStartLine: boolean, maxFields: number): number {
    const headers: HeaderList = [];
    this.headers = headers;
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
    this.startLine = '';
    const n = str.length;
    let pos = 0;
    if (hasStartLine) {
      let nl = str.indexOf('\n');
      if (nl < 0) nl = n;
      let le = nl;
      if (le > 0 && str.charCodeAt(le - 1) === CR) le--;
      this.startLine = str.slice(0, le);
      pos = nl + 1;
    }
    while (pos < n) {
      let nl = str.indexOf('\n', pos);
      if (nl < 0) nl = n;
      let le = nl;
      if (le > pos && str.charCodeAt(le - 1) === CR) le--;
      if (le === pos) return nl + 1;
      const c0 = str.charCodeAt(pos);
      if (c0 === SP || c0 === HT) {
        this.obsFolds++;
        if (headers.length > 0) {
          const last = headers[headers.length - 1];
          const folded = trimOws(str, pos, le);
          last[1] = last[1].length > 0 ? `${last[1]} ${folded}` : folded;
          this.noteField(last[0], last[1], true);
        }
      } else {
        const colon = str.indexOf(':', pos);
        if (colon < 0 || colon >= le) {
          this.noColon++;
        } else if (headers.length >= maxFields) {
          this.tooMany = true;
        } else {
          let ne = colon;
          while (ne > pos && (str.charCodeAt(ne - 1) === SP || str.charCodeAt(ne - 1) === HT)) ne--;
          if (ne !== colon) this.nameWhitespace++;
          const name = str.slice(pos, ne);
          const value = trimOws(str, colon + 1, le);
          headers.push([name, value]);
          this.noteField(name, value, false);
        }
      }
      pos = nl + 1;
    }
    return n;
  }

  /** Records the fields that drive framing, host and decoding. `refold` re-notes a field extended by obs-fold. */
  private noteField(name: string, value: string, refold: boolean): void {
    const len = name.length;
    const c0 = name.charCodeAt(0) | 0x20;
    if (len === 4) {
      if (c0 === 0x68 && this.host === null && sameLower(name, 'host')) this.host = value;
    } else if (len === 14) {
      if (c0 === 0x63 && sameLower(name, 'content-length')) {
        if (this.contentLength === null || refold) this.contentLength = value;
        else if (value !== this.contentLength) this.contentLengthConflict = true;
      }
    } else if (len === 17) {
      if (c0 === 0x74 && sameLower(name, 'transfer-encoding')) {
        this.transferEncoding = this.transferEncoding === null || refold ? value : `${this.transferEncoding}, ${value}`;
      }
    } else if (len === 16) {
      if (c0 === 0x63 && sameLower(name, 'content-encoding')) {
        this.contentEncoding = this.contentEncoding === null || refold ? value : `${this.contentEncoding}, ${value}`;
      }
    } else if (len === 7) {
      if (c0 === 0x75 && sameLower(name, 'upgrade')) this.upgrade = true;
    }
  }
}

/** Whether `name` equals the lower-case ASCII `lower` ignoring ASCII case (same length checked by the caller). */
function sameLower(name: string, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    const c = name.charCodeAt(i);
    if ((c >= 65 && c <= 90 ? c | 0x20 : c) !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** `str[s..e)` without leading and trailing spaces and tabs. */
function trimOws(str: string, s: number, e: number): string {
  while (s < e && (str.charCodeAt(s) === SP || str.charCodeAt(s) === HT)) s++;
  while (e > s && (str.charCodeAt(e - 1) === SP || str.charCodeAt(e - 1) === HT)) e--;
  return str.slice(s, e);
}
