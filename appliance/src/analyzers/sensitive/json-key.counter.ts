/**
 * The fast path's record counter for JSON bodies: one native regular-expression pass (irregexp compiles it to
 * machine code) per learned data key over the body's latin1 text finds every `"<leaf>":` and the plain characters of
 * the value after it, which is read in place and counted when it is a non-empty string or number. Values are deduplicated per type within the message (records are distinct values per type per response, as full
 * scans count them) with a small hash table over the text, so no string is made per value or key. See
 * field-profile.learner.ts for how keys are learned.
 */
import type { CountedKey } from './field-profile.learner.ts';
import type { SensitiveScanner } from './sensitive.scanner.ts';

/** Validation tries per key and message before the key counts 0 for that message. */
const MAX_VALIDATION_TRIES = 3;
/** Most values outside a key's learned length range validated in one message (each costs a detector run). */
const MAX_OUT_OF_RANGE = 16;
/** Slots of the per-message distinct-value table (a power of two; the table is cleared by generation). */
const TABLE = 1024;

/** Per-key state of one message. */
const enum KeyState {
  /** Looking for the first value to validate (or to accept when validation is not due). */
  Seeking = 0,
  /** A value was accepted: later values in the learned length range are counted without being validated. */
  Counting = 1,
  /** Validation failed {@link MAX_VALIDATION_TRIES} times in this message: the key counts 0 and stays due. */
  Failed = 2,
}

function escapeRegex(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

/**
 * The compiled pattern per leaf, shared by every counter (profiles counting `email` share one compiled `"email"`
 * pattern instead of hundreds of copies of machine code). Safe to share: {@link JsonKeyCounter.count} resets
 * `lastIndex` before each use and runs to completion. Bounded: new leaves past the cap get their own pattern.
 */
const PATTERNS = new Map<string, RegExp>();
const MAX_SHARED_PATTERNS = 4096;

function patternFor(leaf: string): RegExp {
  let re = PATTERNS.get(leaf);
  if (re === undefined) {
    re = new RegExp(`"${escapeRegex(Buffer.from(leaf, 'utf8').toString('latin1'))}"[ \\t\\r\\n]*:[ \\t\\r\\n]*(?:"[^"\\\\]*|-?[0-9][0-9.eE+-]*)?`, 'g');
    if (PATTERNS.size < MAX_SHARED_PATTERNS) PATTERNS.set(leaf, re);
  }
  return re;
}

/**
 * The per-message distinct-value table, shared by every counter (one message is counted at a time): a single 20 KB
 * table stays in the CPU cache where one per counter (two per learned profile) would not. Cleared by generation.
 */
const hashes = new Int32Array(TABLE);
const starts = new Int32Array(TABLE);
const lengths = new Int32Array(TABLE);
const types = new Int32Array(TABLE);
const gens = new Uint32Array(TABLE);
let gen = 0;

/** Hash of `text[start, end)` (FNV-1a, 30 bits so that it stays a small integer). */
function hashText(text: string, start: number, end: number, seed: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h & 0x3fffffff;
}

/** Counts the values of a fixed set of JSON keys in message bodies. Not re-entrant (one analyzer, one thread). */
export class JsonKeyCounter {
  /** Per key, `"leaf"\s*:\s*` and the plain part of a value (latin1 text: UTF-8 leaves as their bytes). */
  private readonly patterns: RegExp[];
  /** Type slot (index into {@link typeIds}) by key index, for per-type deduplication. */
  private readonly typeOf: Int32Array;
  private readonly state: Uint8Array;
  private readonly tries: Uint8Array;
  /** Per key, 1 when values outside the length range are validated in this message. */
  private readonly rangeDue: Uint8Array;
  /** Out-of-range values skipped without validation (see {@link count}). */
  skippedValues = 0;

  /** `keys` (at least one) must have distinct leaves. */
  constructor(readonly keys: readonly CountedKey[]) {
    this.patterns = keys.map((k) => patternFor(k.leaf));
    const typeIds: string[] = [];
    this.typeOf = new Int32Array(keys.length);
    keys.forEach((k, i) => {
      let t = typeIds.indexOf(k.type);
      if (t < 0) t = typeIds.push(k.type) - 1;
      this.typeOf[i] = t;
    });
    this.state = new Uint8Array(keys.length);
    this.tries = new Uint8Array(keys.length);
    this.rangeDue = new Uint8Array(keys.length);
  }

  /**
   * Counts into `counts[k]` the distinct values of key `k` in `body[0, end)`, a JSON text. Per key, counting starts
   * at the first value in the learned length range that passes the type's validator when validation is due (three
   * tries; without a pass the key counts 0 and validation stays due), so a field that stopped carrying the type soon
   * stops counting; later values in the range are counted without validation. Values outside the range are validated
   * one by one (and widen the range when they pass) unless such a validation failed in one of the key's previous
   * `validateEvery` messages (then they are skipped, counted in {@link skippedValues}). A value already counted for the same type is not counted again.
   */
  count(body: Buffer, end: number, counts: number[], scanner: SensitiveScanner): void {
    const keys = this.keys;
    const nk = keys.length;
    const state = this.state;
    const tries = this.tries;
    const rangeDue = this.rangeDue;
    for (let k = 0; k < nk; k++) {
      counts[k] = 0;
      state[k] = KeyState.Seeking;
      tries[k] = 0;
      if (keys[k].rangeMissSince < keys[k].validateEvery) keys[k].rangeMissSince++;
      rangeDue[k] = keys[k].rangeMissSince >= keys[k].validateEvery ? 1 : 0;
    }
    if (++gen === 0xffffffff) {
      gens.fill(0);
      gen = 1;
    }
    let outOfRange = 0;
    const text = body.toString('latin1', 0, end);
    for (let k = 0; k < nk; k++) {
      const key = keys[k];
      const re = this.patterns[k];
      re.lastIndex = 0;
      while (state[k] !== KeyState.Failed && re.test(text)) {
        // The pattern consumed the value's plain characters: lastIndex is on a string's closing quote (or on a
        // backslash: an escaped string) or just after a number.
        const at = re.lastIndex;
        if (at >= end) break;
        const c = text.charCodeAt(at);
        let vs = at;
        let ve = at;
        let escaped = false;
        if (c === 34 || c === 92) vs = text.lastIndexOf('"', at - 1) + 1;
        if (c === 34) re.lastIndex = at + 1;
        else if (c === 92) {
          escaped = true;
          for (; ve < end; ve++) {
            const b = text.charCodeAt(ve);
            if (b === 34) break;
            if (b === 92) ve++;
          }
          if (ve >= end) break;
          re.lastIndex = ve + 1;
        } else {
          while (vs > 0 && isNumberChar(text.charCodeAt(vs - 1))) vs--;
          if (vs === at) continue;
        }
        const n = ve - vs;
        if (n === 0) continue;
        const inRange = n >= key.minLength && n <= key.maxLength;
        if (!inRange) {
          // Validated when due (a failed one makes the key skip such values in its next validateEvery messages), so that
          // look-alikes of another length (truncated values, ids) cost a detector run only now and then.
          if (outOfRange >= MAX_OUT_OF_RANGE || rangeDue[k] === 0) {
            this.skippedValues++;
            continue;
          }
          outOfRange++;
          if (!scanner.confirms(key.type, valueText(body, text, vs, ve, escaped), 'json', key.leaf)) {
            key.rangeMissSince = 0;
            continue;
          }
          if (n < key.minLength) key.minLength = n;
          if (n > key.maxLength) key.maxLength = n;
          key.sinceValidated = 0;
          state[k] = KeyState.Counting;
        } else if (state[k] === KeyState.Seeking) {
          if (key.sinceValidated + 1 < key.validateEvery) key.sinceValidated++;
          else {
            if (tries[k] >= MAX_VALIDATION_TRIES) {
              key.sinceValidated = key.validateEvery;
              state[k] = KeyState.Failed;
              continue;
            }
            tries[k]++;
            if (!scanner.confirms(key.type, valueText(body, text, vs, ve, escaped), 'json', key.leaf)) continue;
            key.sinceValidated = 0;
          }
          state[k] = KeyState.Counting;
        }
        if (firstOfType(text, vs, n, this.typeOf[k])) counts[k]++;
      }
    }
  }
}

/** True the first time this message sees `text[start, start + n)` for type slot `type` (and remembers it). */
function firstOfType(text: string, start: number, n: number, type: number): boolean {
  const h = hashText(text, n > 8 ? start + n - 8 : start, start + n, (type + 1) * 131 + n);
  let slot = h & (TABLE - 1);
  for (let probe = 0; probe < TABLE; probe++, slot = (slot + 1) & (TABLE - 1)) {
    if (gens[slot] !== gen) {
      gens[slot] = gen;
      hashes[slot] = h;
      starts[slot] = start;
      lengths[slot] = n;
      types[slot] = type;
      return true;
    }
    if (hashes[slot] === h && lengths[slot] === n && types[slot] === type && sameText(text, starts[slot], start, n)) return false;
  }
  // Table full (over TABLE distinct values in one message): count without deduplication.
  return true;
}

function sameText(text: string, a: number, b: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (text.charCodeAt(a + i) !== text.charCodeAt(b + i)) return false;
  return true;
}

function isNumberChar(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 46 || c === 45 || c === 43 || c === 101 || c === 69;
}

/** The value `body[vs, ve)` as text for a validator (UTF-8 decoded; JSON escapes resolved). */
function valueText(body: Buffer, text: string, vs: number, ve: number, escaped: boolean): string {
  let ascii = true;
  for (let i = vs; i < ve && ascii; i++) if (text.charCodeAt(i) > 127) ascii = false;
  const raw = ascii ? text.slice(vs, ve) : body.toString('utf8', vs, ve);
  if (!escaped) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}
