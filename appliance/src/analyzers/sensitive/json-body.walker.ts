/**
 * A tolerant, allocation-light JSON walker for body scanning. It visits every string and number with its field
 * path (`data.items[].idCard`, arrays written as `[]`) without building the document: keys are the only strings it
 * creates, values are passed as ranges of the source text. It stops (never throws) at the first syntax error,
 * e.g. a truncated body, and reports where.
 */

/** Receives scalar values. */
export interface JsonVisitor {
  /**
   * A string (content range, without quotes) or number at the walker's current path. `escaped` means the
   * range contains backslash escapes (decode with {@link unescapeJson}). Returns false to stop the walk.
   */
  jsonScalar(text: string, start: number, end: number, escaped: boolean, isString: boolean): boolean;
}

/** How a walk ended. */
export type JsonWalkStatus = 'ok' | 'malformed' | 'too_deep' | 'stopped';

/** Deepest nesting the walker follows. */
export const MAX_JSON_DEPTH = 64;

function isWs(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

function hex4(s: string, i: number): number {
  let v = 0;
  for (let k = 0; k < 4; k++) {
    const c = s.charCodeAt(i + k);
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1;
    if (d < 0) return -1;
    v = (v << 4) | d;
  }
  return v;
}

/** Decodes the JSON string escapes in `s[start, end)`; invalid escapes are kept literally. */
export function unescapeJson(s: string, start: number, end: number): string {
  let out = '';
  let i = start;
  while (i < end) {
    const bs = s.indexOf('\\', i);
    if (bs < 0 || bs >= end) {
      out += s.slice(i, end);
      break;
    }
    out += s.slice(i, bs);
    const c = s.charCodeAt(bs + 1);
    i = bs + 2;
    switch (c) {
      case 110: out += '\n'; break;
      case 116: out += '\t'; break;
      case 114: out += '\r'; break;
      case 98: out += '\b'; break;
      case 102: out += '\f'; break;
      case 117: {
        const v = bs + 6 <= end ? hex4(s, bs + 2) : -1;
        if (v >= 0) {
          out += String.fromCharCode(v);
          i = bs + 6;
        } else out += '\\u';
        break;
      }
      default:
        if (bs + 1 < end) out += s[bs + 1];
    }
  }
  return out;
}

/** Walks JSON text; reusable (one walk at a time). Frame data describes the current path during a visit. */
export class JsonWalker {
  /** Open containers. */
  depth = 0;
  /** Per frame: 1 for an array, 0 for an object. */
  readonly isArray = new Uint8Array(MAX_JSON_DEPTH);
  /** Per object frame: where the key of the member being visited is in the text, and whether it has escapes. */
  readonly keyStart = new Int32Array(MAX_JSON_DEPTH);
  readonly keyEnd = new Int32Array(MAX_JSON_DEPTH);
  readonly keyEscaped = new Uint8Array(MAX_JSON_DEPTH);
  private text = '';
  /** Path cache: the frame shape and key strings the cached prefixes were built from. */
  private readonly cachedArr = new Uint8Array(MAX_JSON_DEPTH);
  private readonly cachedKey: string[] = new Array<string>(MAX_JSON_DEPTH).fill('');
  private readonly cachedPath: string[] = new Array<string>(MAX_JSON_DEPTH).fill('');
  private cachedDepth = 0;
  /** Offset where the walk stopped (the text length after a complete document). */
  stopAt = 0;
  private nextBs = -1;

  /** Walks `text`; calls `visitor` for each string and number. */
  walk(text: string, visitor: JsonVisitor): JsonWalkStatus {
    const n = text.length;
    this.depth = 0;
    this.cachedDepth = 0;
    this.text = text;
    this.nextBs = text.indexOf('\\');
    let i = 0;
    let state = 0; // 0 expect value, 1 after value, 2 expect key
    for (;;) {
      while (i < n && isWs(text.charCodeAt(i))) i++;
      this.stopAt = i;
      if (i >= n) return this.depth === 0 && state === 1 ? 'ok' : 'malformed';
      const c = text.charCodeAt(i);
      if (state === 0) {
        if (c === 123 || c === 91) {
          if (this.depth >= MAX_JSON_DEPTH) return 'too_deep';
          const arr = c === 91;
          this.isArray[this.depth] = arr ? 1 : 0;
          this.keyStart[this.depth] = 0;
          this.keyEnd[this.depth] = 0;
          this.depth++;
          i++;
          while (i < n && isWs(text.charCodeAt(i))) i++;
          if (i < n && text.charCodeAt(i) === (arr ? 93 : 125)) {
            this.depth--;
            i++;
            state = 1;
          } else state = arr ? 0 : 2;
          continue;
        }
        if (c === 34) {
          const e = this.stringEnd(text, i + 1);
          if (e < 0) return 'malformed';
          const escaped = this.nextBs >= 0 && this.nextBs < e;
          if (!visitor.jsonScalar(text, i + 1, e, escaped, true)) return 'stopped';
          i = e + 1;
          state = 1;
          continue;
        }
        let j = i;
        while (j < n) {
          const d = text.charCodeAt(j);
          if (d === 44 || d === 125 || d === 93 || isWs(d)) break;
          j++;
        }
        if ((c >= 48 && c <= 57) || c === 45) {
          if (!visitor.jsonScalar(text, i, j, false, false)) return 'stopped';
        } else if (c !== 116 && c !== 102 && c !== 110) return 'malformed';
        i = j;
        state = 1;
        continue;
      }
      if (state === 1) {
        if (this.depth === 0) return 'ok';
        const arr = this.isArray[this.depth - 1] === 1;
        if (c === 44) {
          i++;
          state = arr ? 0 : 2;
          continue;
        }
        if (c === (arr ? 93 : 125)) {
          this.depth--;
          i++;
          continue;
        }
        return 'malformed';
      }
      if (c !== 34) return 'malformed';
      const e = this.stringEnd(text, i + 1);
      if (e < 0) return 'malformed';
      this.keyStart[this.depth - 1] = i + 1;
      this.keyEnd[this.depth - 1] = e;
      this.keyEscaped[this.depth - 1] = this.nextBs >= 0 && this.nextBs < e ? 1 : 0;
      i = e + 1;
      while (i < n && isWs(text.charCodeAt(i))) i++;
      if (i >= n || text.charCodeAt(i) !== 58) {
        this.stopAt = i;
        return 'malformed';
      }
      i++;
      state = 0;
    }
  }

  /** Frame index of the innermost object around the current value, or -1 (top level, top-level array). */
  nearestObject(): number {
    for (let d = this.depth - 1; d >= 0; d--) if (this.isArray[d] === 0) return d;
    return -1;
  }

  /** The (decoded) key of object frame `d`. */
  key(d: number): string {
    return this.keyEscaped[d] === 1 ? unescapeJson(this.text, this.keyStart[d], this.keyEnd[d]) : this.text.slice(this.keyStart[d], this.keyEnd[d]);
  }

  /** The text being walked. */
  source(): string {
    return this.text;
  }

  /**
   * The current path, e.g. `data.items[].idCard` ('' for a top-level scalar). Prefixes are cached and reused
   * while the frames' keys are unchanged, so repeated array items do not rebuild their paths.
   */
  path(): string {
    let valid = true;
    let out = '';
    for (let d = 0; d < this.depth; d++) {
      const arr = this.isArray[d];
      if (valid && d < this.cachedDepth && this.cachedArr[d] === arr) {
        if (arr === 1) {
          out = this.cachedPath[d];
          continue;
        }
        const k = this.cachedKey[d];
        const ks = this.keyStart[d];
        if (this.keyEscaped[d] === 0 && k.length === this.keyEnd[d] - ks && this.text.startsWith(k, ks)) {
          out = this.cachedPath[d];
          continue;
        }
      }
      valid = false;
      if (arr === 1) out += '[]';
      else {
        const k = this.key(d);
        this.cachedKey[d] = k;
        out += out.length === 0 ? k : '.' + k;
      }
      this.cachedArr[d] = arr;
      this.cachedPath[d] = out;
    }
    if (!valid || this.cachedDepth < this.depth) this.cachedDepth = this.depth;
    return out;
  }

  /** Index of the closing quote of a string whose content starts at `from`, or -1. Keeps `nextBs` current. */
  private stringEnd(text: string, from: number): number {
    let p = from;
    for (;;) {
      const q = text.indexOf('"', p);
      if (q < 0) return -1;
      if (this.nextBs >= 0 && this.nextBs < from) this.nextBs = text.indexOf('\\', from);
      if (this.nextBs < 0 || this.nextBs > q) return q;
      let k = q - 1;
      while (k >= from && text.charCodeAt(k) === 92) k--;
      if ((q - 1 - k) % 2 === 0) return q;
      p = q + 1;
    }
  }
}
