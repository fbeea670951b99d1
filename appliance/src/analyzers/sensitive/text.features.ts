/**
 * One cheap pass over a text that records which character classes it contains (digits, '@', Han, ...), digit
 * counts and the longest digit and word runs. The scanner checks these against each detector's prefilter so that
 * validators and regular expressions run only on texts that could possibly match.
 */

/** Feature bits set by {@link TextFeatures.compute}. */
export const Feature = {
  Digit: 1 << 0,
  Upper: 1 << 1,
  Lower: 1 << 2,
  At: 1 << 3,
  Dot: 1 << 4,
  Colon: 1 << 5,
  Dash: 1 << 6,
  Underscore: 1 << 7,
  /** A CJK unified ideograph (U+3400..U+9FFF). */
  Han: 1 << 8,
  Plus: 1 << 9,
  Slash: 1 << 10,
  Space: 1 << 11,
  /** The text contains "eyJ" (base64url of '{"'), the start of a JWT. */
  Eyj: 1 << 12,
  /** Any character above U+007F. */
  NonAscii: 1 << 13,
  Equals: 1 << 14,
  /** '?' or '&', as in a query string. */
  QueryChar: 1 << 15,
  /** The text could hold an IPv6 address: it has "::" or at least 7 ':'. */
  Ipv6Shape: 1 << 16,
} as const;

const WORD = 1 << 20;
const CLASS = new Uint32Array(128);
for (let c = 48; c <= 57; c++) CLASS[c] = Feature.Digit | WORD;
for (let c = 65; c <= 90; c++) CLASS[c] = Feature.Upper | WORD;
for (let c = 97; c <= 122; c++) CLASS[c] = Feature.Lower | WORD;
CLASS[64] = Feature.At;
CLASS[46] = Feature.Dot;
CLASS[58] = Feature.Colon;
CLASS[45] = Feature.Dash | WORD;
CLASS[95] = Feature.Underscore | WORD;
CLASS[43] = Feature.Plus;
CLASS[47] = Feature.Slash;
CLASS[32] = Feature.Space;
CLASS[61] = Feature.Equals;
CLASS[63] = Feature.QueryChar;
CLASS[38] = Feature.QueryChar;

/** Character-class summary of one text; reused between texts (call {@link compute} again). */
export class TextFeatures {
  /** {@link Feature} bits present. */
  mask = 0;
  /** Count of ASCII digits. */
  digits = 0;
  /** Longest run of consecutive ASCII digits. */
  maxDigitRun = 0;
  /**
   * Most digits in a digit group: runs joined by up to two separator characters among space, '-', '(' and ')'
   * (an upper bound of what DigitGroups joins, so prefilters on it never reject a real candidate).
   */
  maxDigitGroup = 0;
  /** Longest run of [A-Za-z0-9_-]. */
  maxWordRun = 0;
  /** Count of '.'. */
  dots = 0;
  /** Count of ':'. */
  colons = 0;
  /** Length of the range last computed. */
  length = 0;

  /** Computes the features of `text[start, end)` and returns this. */
  compute(text: string, start: number, end: number): this {
    let mask = 0;
    let digits = 0;
    let run = 0;
    let maxRun = 0;
    let word = 0;
    let maxWord = 0;
    let dots = 0;
    let colons = 0;
    let group = 0;
    let maxGroup = 0;
    let seps = 0;
    let prevColon = false;
    for (let i = start; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c >= 97 && c <= 122) {
        mask |= Feature.Lower;
        run = 0;
        group = 0;
        seps = 0;
        prevColon = false;
        if (++word > maxWord) maxWord = word;
        continue;
      }
      if (c < 128) {
        const k = CLASS[c];
        mask |= k;
        if ((k & Feature.Digit) !== 0) {
          digits++;
          if (++run > maxRun) maxRun = run;
          if (++group > maxGroup) maxGroup = group;
          seps = 0;
          prevColon = false;
        } else {
          run = 0;
          if ((c === 32 || c === 45 || c === 40 || c === 41) && group > 0 && seps < 2) seps++;
          else {
            group = 0;
            seps = 0;
          }
          if (c === 58) {
            colons++;
            if (prevColon) mask |= Feature.Ipv6Shape;
            prevColon = true;
            word = 0;
            continue;
          }
          prevColon = false;
          if (c === 46) dots++;
          else if (c === 74 && i >= start + 2 && text.charCodeAt(i - 1) === 121 && text.charCodeAt(i - 2) === 101) mask |= Feature.Eyj;
        }
        if ((k & WORD) !== 0) {
          if (++word > maxWord) maxWord = word;
        } else word = 0;
      } else {
        mask |= c >= 0x3400 && c <= 0x9fff ? Feature.Han | Feature.NonAscii : Feature.NonAscii;
        run = 0;
        word = 0;
        group = 0;
        seps = 0;
        prevColon = false;
      }
    }
    if (colons >= 7) mask |= Feature.Ipv6Shape;
    this.mask = mask & ~WORD;
    this.maxDigitGroup = maxGroup;
    this.digits = digits;
    this.maxDigitRun = maxRun;
    this.maxWordRun = maxWord;
    this.dots = dots;
    this.colons = colons;
    this.length = end - start;
    return this;
  }
}
