/**
 * Digit-run tokenizer shared by the numeric detectors (ID cards, phones, cards, SSNs). One pass finds runs of ASCII
 * digits joined by single separators (space or '-', or "(010) " style area codes) and keeps groups of at least 7
 * digits. Detectors then ask for candidates of given lengths: each single run and each whole multi-run group, with
 * word boundaries checked, so a number is never matched inside a longer digit run or a word.
 */

/** Separator bits of a group. */
export const Sep = { Space: 1, Dash: 2, Paren: 4 } as const;

const MIN_GROUP_DIGITS = 7;
const MAX_RUNS_PER_GROUP = 8;
const MAX_RUNS = 1 << 16;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** Digit groups of one text plus a reusable candidate list. */
export class DigitGroups {
  /** Number of groups found. */
  groupCount = 0;
  /** Number of runs stored (runs of all groups, in order). */
  runCount = 0;
  /** The tokenizer stopped early because the text had too many digit runs. */
  capped = false;
  runStart = new Int32Array(64);
  runEnd = new Int32Array(64);
  /** Index of the first run of each group. */
  groupFirst = new Int32Array(16);
  /** Number of runs in each group. */
  groupRuns = new Int32Array(16);
  /** Total digits of each group. */
  groupDigits = new Int32Array(16);
  /** {@link Sep} bits of each group. */
  groupSep = new Int32Array(16);

  /** Candidate count after {@link candidates}. */
  candCount = 0;
  /** Candidate digits (an 'X' check character appended when allowed), start and end offsets in the text. */
  candDigits: string[] = [];
  candStart = new Int32Array(16);
  candEnd = new Int32Array(16);
  /** The candidate is a whole multi-run group written with separators. */
  candSeparated = new Uint8Array(16);
  /** {@link Sep} bits of the candidate's group (0 for a single run). */
  candSep = new Int32Array(16);
  /** Runs in the candidate and the digit length of its first run. */
  candRuns = new Int32Array(16);
  candFirstRun = new Int32Array(16);
  /** The character just before the candidate is '+'. */
  candPlus = new Uint8Array(16);

  /** Tokenizes `text`. */
  compute(text: string): this {
    this.groupCount = 0;
    this.runCount = 0;
    this.capped = false;
    const n = text.length;
    let i = 0;
    while (i < n) {
      if (!isDigit(text.charCodeAt(i))) {
        i++;
        continue;
      }
      const firstRun = this.runCount;
      const paren = i > 0 && text.charCodeAt(i - 1) === 40;
      let digits = 0;
      let sep = 0;
      let runs = 0;
      for (;;) {
        const s = i;
        while (i < n && isDigit(text.charCodeAt(i))) i++;
        if (this.runCount >= MAX_RUNS) {
          this.capped = true;
          return this;
        }
        this.pushRun(s, i);
        runs++;
        digits += i - s;
        if (i >= n || runs >= MAX_RUNS_PER_GROUP) break;
        const c = text.charCodeAt(i);
        if ((c === 32 || c === 45) && i + 1 < n && isDigit(text.charCodeAt(i + 1))) {
          sep |= c === 32 ? Sep.Space : Sep.Dash;
          i++;
          continue;
        }
        if (c === 41 && paren && runs === 1) {
          let next = i + 1;
          if (next < n && (text.charCodeAt(next) === 32 || text.charCodeAt(next) === 45)) next++;
          if (next < n && isDigit(text.charCodeAt(next))) {
            sep |= Sep.Paren;
            i = next;
            continue;
          }
        }
        break;
      }
      if (digits >= MIN_GROUP_DIGITS) this.pushGroup(firstRun, runs, digits, sep);
      else this.runCount = firstRun;
    }
    return this;
  }

  /**
   * Fills the candidate list with every single run and every whole multi-run group whose digit count is within
   * [minLen, maxLen] and whose ends are word boundaries. With `allowX`, a run directly followed by 'X'/'x' yields a
   * candidate with 'X' appended (ID-card check character); otherwise such a run is not a candidate.
   */
  candidates(text: string, minLen: number, maxLen: number, allowX: boolean): number {
    this.candCount = 0;
    for (let g = 0; g < this.groupCount; g++) {
      const first = this.groupFirst[g];
      const runs = this.groupRuns[g];
      const last = first + runs - 1;
      for (let r = first; r <= last; r++) {
        const s = this.runStart[r];
        const e = this.runEnd[r];
        const len = e - s + (allowX && hasX(text, e) ? 1 : 0);
        if (len < minLen || len > maxLen) continue;
        if (r === first && !leftBoundary(text, s)) continue;
        if (r === last) {
          const endX = this.rightEnd(text, e, allowX);
          if (endX < 0) continue;
          this.pushCand(text.slice(s, e) + (endX > e ? 'X' : ''), s, endX, false, 0, 1, e - s, text);
        } else this.pushCand(text.slice(s, e), s, e, false, 0, 1, e - s, text);
      }
      if (runs < 2) continue;
      let total = this.groupDigits[g];
      const gs = this.runStart[first];
      const ge = this.runEnd[last];
      const x = allowX && hasX(text, ge);
      if (x) total++;
      if (total < minLen || total > maxLen || !leftBoundary(text, gs)) continue;
      const endX = this.rightEnd(text, ge, allowX);
      if (endX < 0) continue;
      let digits = '';
      for (let r = first; r <= last; r++) digits += text.slice(this.runStart[r], this.runEnd[r]);
      if (x) digits += 'X';
      this.pushCand(digits, gs, endX, true, this.groupSep[g], runs, this.runEnd[first] - this.runStart[first], text);
    }
    return this.candCount;
  }

  private rightEnd(text: string, e: number, allowX: boolean): number {
    if (hasX(text, e)) {
      if (!allowX) return -1;
      return rightBoundary(text, e + 1) ? e + 1 : -1;
    }
    return rightBoundary(text, e) ? e : -1;
  }

  private pushRun(s: number, e: number): void {
    if (this.runCount === this.runStart.length) {
      this.runStart = grow(this.runStart);
      this.runEnd = grow(this.runEnd);
    }
    this.runStart[this.runCount] = s;
    this.runEnd[this.runCount] = e;
    this.runCount++;
  }

  private pushGroup(first: number, runs: number, digits: number, sep: number): void {
    const g = this.groupCount;
    if (g === this.groupFirst.length) {
      this.groupFirst = grow(this.groupFirst);
      this.groupRuns = grow(this.groupRuns);
      this.groupDigits = grow(this.groupDigits);
      this.groupSep = grow(this.groupSep);
    }
    this.groupFirst[g] = first;
    this.groupRuns[g] = runs;
    this.groupDigits[g] = digits;
    this.groupSep[g] = sep;
    this.groupCount++;
  }

  private pushCand(digits: string, s: number, e: number, separated: boolean, sep: number, runs: number, firstRun: number, text: string): void {
    const k = this.candCount;
    if (k === this.candStart.length) {
      this.candStart = grow(this.candStart);
      this.candEnd = grow(this.candEnd);
      this.candSep = grow(this.candSep);
      this.candRuns = grow(this.candRuns);
      this.candFirstRun = grow(this.candFirstRun);
      const a = new Uint8Array(k * 2);
      a.set(this.candSeparated);
      this.candSeparated = a;
      const b = new Uint8Array(k * 2);
      b.set(this.candPlus);
      this.candPlus = b;
    }
    this.candDigits[k] = digits;
    this.candStart[k] = s;
    this.candEnd[k] = e;
    this.candSeparated[k] = separated ? 1 : 0;
    this.candSep[k] = sep;
    this.candRuns[k] = runs;
    this.candFirstRun[k] = firstRun;
    this.candPlus[k] = s > 0 && text.charCodeAt(s - 1) === 43 ? 1 : 0;
    this.candCount++;
  }
}

function grow(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

function hasX(text: string, i: number): boolean {
  if (i >= text.length) return false;
  const c = text.charCodeAt(i);
  return c === 88 || c === 120;
}

/** The character before `s` does not continue a word or a decimal number. */
function leftBoundary(text: string, s: number): boolean {
  if (s === 0) return true;
  const c = text.charCodeAt(s - 1);
  if (isWordChar(c)) return false;
  if (c === 46 && s >= 2 && isDigit(text.charCodeAt(s - 2))) return false;
  return true;
}

/** The character at `e` does not continue a word or a decimal number. */
function rightBoundary(text: string, e: number): boolean {
  if (e >= text.length) return true;
  const c = text.charCodeAt(e);
  if (isWordChar(c)) return false;
  if (c === 46 && e + 1 < text.length && isDigit(text.charCodeAt(e + 1))) return false;
  return true;
}
