/**
 * The scan engine: for each request input it builds the decoded variants (as received, fully decoded, base64
 * text), computes each variant's character-class mask once, and runs only the detectors whose pre-filter the mask
 * passes and whose parts include the input's part. The first hit per family wins; a call's total work is bounded
 * by the input limits.
 */
import type { Transaction } from '../../engine/transaction.types.ts';
import { base64Text, charMask, DECODABLE, fullyDecode } from './attack-input.decoder.ts';
import { forEachInput, plainRange, type InputSink } from './attack-input.extractor.ts';
import { ATTACK_FAMILIES, CharClass, PartBit, type AttackDetector, type AttackFamily, type AttackInput, type AttackMatch, type InputPart, type ScanValue } from './attack.types.ts';
import type { AttackSettings } from './attacks.settings.ts';
import { wordProbe } from './attack-word.probes.ts';
import { InertFilter } from './attack-input.prefilter.ts';

/** One bit per attack family. */
const FAMILY_BIT = Object.fromEntries(ATTACK_FAMILIES.map((f, i) => [f, 1 << i])) as Readonly<Record<AttackFamily, number>>;

/** Longest value remembered as clean. */
const MAX_CACHED_VALUE = 512;
/** Shorter values are scanned again rather than looked up: their scan costs less than the cache. */
const MIN_CACHED_VALUE = 24;
/** Header values repeat per client and are looked up before they are converted: cached from this length. */
const MIN_CACHED_HEADER = 8;
/** Character classes a base64 value may have (besides letters, digits, '+' and '-'). */
const BASE64_CLASSES = CharClass.Slash | CharClass.Equals | CharClass.Underscore;

/** Classes a probe word may have (attack-word.probes.ts): letters and digits have none. */
const PROBE_CLASSES = CharClass.Underscore;

/** Values shorter than this made only of letters, digits and `-` skip the detectors. */
const PLAIN_MAX = 16;

/** Values remembered as clean in one place (part and name), with how often the place repeats a value. */
interface CleanPlace {
  values: Set<string>;
  hits: number;
  misses: number;
}

/**
 * Look-ups in one place before its hit rate is judged: a place whose values rarely repeat (ids in paths, e-mail
 * addresses) stops being cached until the cache is reset.
 */
const PLACE_TRIAL = 64;

/** Runs detectors over requests. */
export class AttackScanner implements InputSink {
  /** Inputs inspected so far (for the bench and tests). */
  inputs = 0;
  /** Inputs skipped because the same value in the same place was clean before. */
  cacheHits = 0;
  /**
   * Values (keyed by part, name and value) in which no detector fired: repeated header values, cookies and
   * parameters are not scanned again. Cleared when full.
   */
  private readonly clean = new Map<string, Map<string, CleanPlace>>();
  private cleanCount = 0;
  /** Proves values inert for these detectors, so the extractor does not hand them over. */
  readonly inert: InertFilter;

  constructor(
    private readonly detectors: readonly AttackDetector[],
    private readonly settings: AttackSettings,
  ) {
    this.inert = new InertFilter(detectors);
    let all = 0;
    for (const d of detectors) all |= FAMILY_BIT[d.family];
    this.allFamilies = all;
  }

  private found: AttackMatch[] = [];
  /** Bits ({@link FAMILY_BIT}) of the families found in the current call. */
  private seen = 0;
  /** Bits of every family the detectors can report. */
  private readonly allFamilies: number;

  /** The attack hits in `tx`'s request, at most one per family. */
  scan(tx: Transaction): AttackMatch[] {
    this.found = [];
    this.seen = 0;
    forEachInput(tx, this.settings, this);
    return this.found;
  }

  /** Whether `raw` was clean before in this place (counted as a cache hit). */
  knownClean(part: InputPart, name: string, raw: string): boolean {
    const known = this.clean.get(part)?.get(name);
    if (known === undefined || !known.values.has(raw)) return false;
    known.hits++;
    this.cacheHits++;
    return true;
  }

  /** Inspects one input (the extractor's sink); returns false to stop. */
  input(part: InputPart, name: string, raw: string, isName: boolean, structural: boolean): boolean {
    this.inputs++;
    if (raw.length < PLAIN_MAX && part !== 'header' && plainRange(raw, 0, raw.length, PLAIN_MAX, false)) return true;
    const found = this.found;
    let known: CleanPlace | undefined;
    if (raw.length >= (part === 'header' ? MIN_CACHED_HEADER : MIN_CACHED_VALUE) && raw.length <= MAX_CACHED_VALUE && this.settings.cleanCacheSize > 0) {
      let byName = this.clean.get(part);
      if (byName === undefined) {
        byName = new Map<string, CleanPlace>();
        this.clean.set(part, byName);
      }
      const place = isName ? '\u0000' : name;
      known = byName.get(place);
      if (known === undefined) {
        known = { values: new Set<string>(), hits: 0, misses: 0 };
        byName.set(place, known);
      }
      if (known.misses > PLACE_TRIAL && known.hits * 8 < known.misses) known = undefined;
      else if (known.values.has(raw)) {
        known.hits++;
        this.cacheHits++;
        return true;
      } else known.misses++;
    }
    const before = found.length;
    const input: AttackInput = { part, name, value: raw, isName, structural };
    const mask = charMask(raw);
    if ((mask & ~PROBE_CLASSES) === 0) this.probe(input, raw);
    this.run(input, raw, mask);
    if ((mask & DECODABLE) !== 0) {
      const decoded = fullyDecode(raw);
      if (decoded !== raw) this.run(input, decoded, charMask(decoded));
    }
    if (raw.length >= 12 && (mask & ~BASE64_CLASSES) === 0) {
      const b64 = base64Text(raw);
      if (b64 !== null) {
        const text = fullyDecode(b64);
        this.run(input, text, charMask(text));
      }
    }
    if (known !== undefined && before === 0 && found.length === 0) {
      if (++this.cleanCount > this.settings.cleanCacheSize) {
        this.clean.clear();
        this.cleanCount = 0;
      } else known.values.add(raw);
    }
    return (this.seen & this.allFamilies) !== this.allFamilies;
  }

  /** Records a probe word (a whole value that is an attack on its own). */
  private probe(input: AttackInput, raw: string): void {
    const p = wordProbe(raw, 0, raw.length);
    if (p === null || (this.seen & FAMILY_BIT[p.family]) !== 0) return;
    this.seen |= FAMILY_BIT[p.family];
    this.found.push({ family: p.family, rule: p.rule, input, text: raw });
  }

  /** Runs the detectors on one variant. */
  private run(input: AttackInput, text: string, mask: number): void {
    const found = this.found;
    let lower: string | null = null;
    const partBit = PartBit[input.part];
    const ds = this.detectors;
    for (let d = 0; d < ds.length; d++) {
      const det = ds[d];
      if ((det.parts & partBit) === 0 || (det.needs !== 0 && (det.needs & mask) === 0)) continue;
      if (input.structural && det.structural !== true) continue;
      const familyBit = FAMILY_BIT[det.family];
      if ((this.seen & familyBit) !== 0) continue;
      if (lower === null) lower = text.toLowerCase();
      const v: ScanValue = { input, text, lower, mask };
      let rule: string | null = null;
      try {
        rule = det.detect(v);
      } catch {
        rule = null;
      }
      if (rule !== null) {
        this.seen |= familyBit;
        found.push({ family: det.family, rule, input, text });
      }
    }
  }
}
