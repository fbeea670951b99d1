/**
 * The inert-value pre-filter: one pass over a value's raw characters (before it is sliced, decoded or handed to
 * the scanner) that proves no detector can fire on it. A value is inert when
 *   - every character is a letter, digit, `_`, space, `-`, `.`, `,`, `@`, `~` or `/` (a `:` only in times and
 *     timestamps: values with no letter but `T`/`Z`), ASCII only;
 *   - it has none of the pairs `..`, `/.`, `__`, `@@`, `--` and does not start with `.`;
 *   - none of its words (runs of letters, digits and `_`, compared lower-case) is a trigger word of a detector
 *     (`AttackDetector.triggers`: the words without which it cannot fire on such text, e.g. `select`, `etc`,
 *     `document`);
 *   - unless nothing but spaces follows its first token, the last `/` segment of that token does not start with a
 *     leading word (`AttackDetector.leadingWords`: the command detector's command words — a command at the start
 *     of a value needs an argument), with or without trailing digits (`python3.10`);
 *   - it is not a base64 candidate (the scanner decodes those: 16+ characters of the base64 alphabet with an
 *     upper-case letter).
 * `inertJson` applies the same test to every string of a JSON body in one pass without parsing it.
 * Everything else goes to the scanner as before, so the filter only saves work: a detector without `triggers`
 * turns it off. Headers are not filtered (tool names in user agents are matched as substrings).
 */
import type { AttackDetector } from './attack.types.ts';
import { MIN_BASE64_LENGTH } from './attack-input.decoder.ts';

/**
 * Character codes of the scan: a word character maps to its lower-case code (48 and up: digits, `_`, letters), an
 * inert separator to a small kind, anything else to 0.
 */
const OTHER = 0;
const SPACE = 1; // space, `,`, `~`: end the first token
const COLON = 2;
const DOT = 3;
const SLASH = 4;
const AT = 5;
const DASH = 6;
const CODE = new Uint8Array(128);
for (let c = 48; c <= 57; c++) CODE[c] = c;
for (let c = 97; c <= 122; c++) CODE[c] = c;
for (let c = 65; c <= 90; c++) CODE[c] = c + 32;
CODE[95] = 95;
for (const [chars, kind] of [[' ,~', SPACE], [':', COLON], ['.', DOT], ['/', SLASH], ['@', AT], ['-', DASH]] as const) {
  for (const ch of chars) CODE[ch.charCodeAt(0)] = kind;
}

/** Characters allowed outside strings in an inert JSON document: structure, numbers, true/false/null. */
const JSON_OUTSIDE = new Uint8Array(128);
for (const c of '{}[]:, \t\r\n0123456789-+.eEtrufalsn') JSON_OUTSIDE[c.charCodeAt(0)] = 1;

/** Whether `s[start, end)` has a letter other than `t` and `z` (a colon then is no timestamp's). */
function hasLetterBesidesTZ(s: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i) | 32;
    if (c >= 97 && c <= 122 && c !== 116 && c !== 122) return true;
  }
  return false;
}

/** Whether `s` from `i` holds only closing brackets and spaces. */
function closingOnly(s: string, i: number): boolean {
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 125 && c !== 93 && c !== 32) return false;
  }
  return true;
}

/** Hashes stay small integers (no heap numbers in the scan loop). */
const HASH_MASK = 0x3fffffff;

/** Hash of a lower-case word, as computed while scanning. */
function wordHash(w: string): number {
  let h = 0;
  for (let i = 0; i < w.length; i++) h = (Math.imul(h, 31) + w.charCodeAt(i)) & HASH_MASK;
  return h;
}

/** Bits of a word hash that index the quick table in front of each word set. */
const QUICK_BITS = 0xffff;

/** A set of word hashes with a quick table in front (most words miss at one array read). */
class WordSet {
  private readonly quick = new Uint8Array(QUICK_BITS + 1);
  private readonly set = new Set<number>();
  size = 0;

  add(word: string): void {
    const h = wordHash(word);
    this.quick[h & QUICK_BITS] = 1;
    this.set.add(h);
    this.size = this.set.size;
  }

  has(h: number): boolean {
    return this.quick[h & QUICK_BITS] === 1 && this.set.has(h);
  }
}

/** Proves values inert for a set of detectors. */
export class InertFilter {
  private readonly triggers = new WordSet();
  private readonly leading = new WordSet();
  /** False when a detector declares no triggers: then no value is inert. */
  readonly enabled: boolean;

  constructor(detectors: readonly AttackDetector[]) {
    let enabled = true;
    for (const d of detectors) {
      if (d.triggers === undefined) enabled = false;
      else for (const w of d.triggers) this.triggers.add(w);
      for (const w of d.leadingWords ?? []) this.leading.add(w);
    }
    this.enabled = enabled;
  }

  /** Whether `s[start, end)` is inert: no detector can fire on it (see the file header). */
  inert(s: string, start: number, end: number): boolean {
    if (!this.enabled || end <= start) return end <= start;
    if (s.charCodeAt(start) === 46) return false;
    const triggers = this.triggers;
    let h = 0;
    let inWord = false;
    let prev = 0;
    let colon = false;
    let upper = false;
    let base64 = true;
    let separated = false;
    for (let i = start; i < end; i++) {
      const c = s.charCodeAt(i);
      const k = c < 128 ? CODE[c] : OTHER;
      if (k >= 48) {
        if (k !== c) upper = true;
        else if (k === 95 && prev === 95) return false;
        h = inWord ? (Math.imul(h, 31) + k) & HASH_MASK : k;
        inWord = true;
        prev = c;
        continue;
      }
      if (k === OTHER) return false;
      if (inWord) {
        if (triggers.has(h)) return false;
        inWord = false;
      }
      if (k === DOT) {
        if (prev === 46 || prev === 47) return false;
        base64 = false;
      } else if (k === AT) {
        if (prev === 64) return false;
        base64 = false;
        separated = true;
      } else if (k === DASH) {
        if (prev === 45) return false;
      } else if (k === COLON) {
        colon = true;
        base64 = false;
      } else if (k === SPACE) {
        base64 = false;
        separated = true;
      }
      prev = c;
    }
    if (inWord && triggers.has(h)) return false;
    if (colon && hasLetterBesidesTZ(s, start, end)) return false;
    if (base64 && upper && end - start >= MIN_BASE64_LENGTH) return false;
    return !separated || this.leading.size === 0 || !this.startsWithCommand(s, start, end);
  }

  /**
   * Whether the value's first token (after spaces and `@`, up to a space, `,`, `@` or `~`) is followed by more
   * than spaces and the last `/` segment of the token starts with a leading word, as it is or without trailing
   * digits.
   */
  private startsWithCommand(s: string, start: number, end: number): boolean {
    let i = start;
    while (i < end && (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 64)) i++;
    const tokenStart = i;
    while (i < end && CODE[s.charCodeAt(i)] !== SPACE && s.charCodeAt(i) !== 64) i++;
    const tokenEnd = i;
    while (i < end && s.charCodeAt(i) === 32) i++;
    if (i >= end) return false;
    let seg = tokenEnd;
    while (seg > tokenStart && s.charCodeAt(seg - 1) !== 47) seg--;
    let h = 0;
    let letters = 0;
    for (let j = seg; j < tokenEnd; j++) {
      const k = CODE[s.charCodeAt(j)];
      if (k < 48) break;
      h = (Math.imul(h, 31) + k) & HASH_MASK;
      if (k >= 97) letters = h;
    }
    return (h !== 0 && this.leading.has(h)) || (letters !== 0 && this.leading.has(letters));
  }

  /**
   * Whether a JSON document (raw text) is inert: only structure, numbers and literals outside strings, and every
   * string (keys too) inert. A string cut off by the end of a truncated body may hold closing brackets only.
   */
  inertJson(s: string): boolean {
    if (!this.enabled) return false;
    const n = s.length;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c === 34) {
        const e = s.indexOf('"', i + 1);
        if (e < 0) return closingOnly(s, i + 1);
        if (!this.inert(s, i + 1, e)) return false;
        i = e;
      } else if (c >= 128 || JSON_OUTSIDE[c] === 0) return false;
    }
    return true;
  }
}
