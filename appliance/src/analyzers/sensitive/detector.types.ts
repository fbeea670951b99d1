/**
 * The sensitive-data detector plug-in contract: what a detector declares (id, labels, default level, prefilter,
 * field hints) and what it reports (matches with canonical value, offsets, confidence and masked form).
 * Detectors live one per file under ./detectors/ and are listed in detector.registry.ts.
 */
import type { TextFeatures } from './text.features.ts';
import type { DigitGroups } from './digit.groups.ts';

/** Sensitivity level, in the spirit of GB/T 43697: 1 public/low, 2 internal, 3 sensitive, 4 highly sensitive. */
export type SensitivityLevel = 1 | 2 | 3 | 4;

/**
 * How a detector finds data: `value` detectors recognise the value itself (with a validator); `field` detectors
 * fire only because the field name says what the value is (password, secret, names, addresses).
 */
export type DetectorKind = 'value' | 'field';

/** Where in a message a value was found. */
export type SensitiveLocation = 'path' | 'query' | 'header' | 'cookie' | 'form' | 'json' | 'multipart' | 'xml' | 'body';

/** Which message of the transaction a value was found in. */
export type SensitiveDirection = 'request' | 'response';

/** Bit per {@link SensitiveLocation}, for a detector's allowed-locations mask. */
export const LocationBit: Readonly<Record<SensitiveLocation, number>> = {
  path: 1 << 0,
  query: 1 << 1,
  header: 1 << 2,
  cookie: 1 << 3,
  form: 1 << 4,
  json: 1 << 5,
  multipart: 1 << 6,
  xml: 1 << 7,
  body: 1 << 8,
};

/** Every location bit. */
export const ALL_LOCATIONS = 0x1ff;

/** The locations that are message bodies (form, JSON, multipart, XML, plain text). */
export const BODY_LOCATIONS = LocationBit.form | LocationBit.json | LocationBit.multipart | LocationBit.xml | LocationBit.body;

/**
 * Cheap conditions on a text, checked against its {@link TextFeatures} before a value detector runs. All given
 * conditions must hold. Feature bits are {@link Feature} values.
 */
export interface DetectorPrefilter {
  /** Feature bits that must all be present. */
  all?: number;
  /** Feature bits of which at least one must be present. */
  any?: number;
  /** Minimum count of ASCII digits in the text. */
  minDigits?: number;
  /** Minimum of {@link TextFeatures.maxDigitGroup} (digits joined by separators). */
  minDigitGroup?: number;
  /** Minimum length of the longest run of consecutive digits. */
  minDigitRun?: number;
  /** Minimum length of the longest run of word characters [A-Za-z0-9_-]. */
  minWordRun?: number;
  /** Minimum count of '.' characters. */
  minDots?: number;
  /** Minimum count of ':' characters. */
  minColons?: number;
}

/** The per-value context a detector receives. Owned and reused by the scanner: do not keep it. */
export interface DetectContext {
  /** Where the value is. */
  readonly location: SensitiveLocation;
  /** {@link FieldHint} bits of the field name the value belongs to (0 when unknown, e.g. plain text). */
  readonly hints: number;
  /** Features of the text being scanned (computed once by the scanner). */
  readonly features: TextFeatures;
  /** Digit runs joined by separators in the text, computed on first use and shared by the digit detectors. */
  digitGroups(text: string): DigitGroups;
  /** Capture time used for "not in the future" checks, as yyyymmdd (e.g. 20240131). */
  readonly todayYmd: number;
}

/** One match inside a text. */
export interface SensitiveMatch {
  /** Detector id, e.g. `cn_id_card`. */
  type: string;
  /** Canonical value: separators removed, country prefix dropped, letters upper-cased where the format says so. */
  value: string;
  /** Start offset of the match in the scanned text. */
  start: number;
  /** End offset (exclusive) of the match in the scanned text. */
  end: number;
  /** 0..1; the scanner drops matches below its threshold (0.6 by default). */
  confidence: number;
  /** Masked form (see masking.ts); a fingerprint for secrets. */
  masked: string;
}

/** A sensitive-data detector plug-in. */
export interface SensitiveDetector {
  /** Stable type id, snake_case (e.g. `cn_id_card`); used in reports, storage and settings. */
  readonly id: string;
  /** Human-readable names. */
  readonly label: { readonly en: string; readonly zh: string };
  /** Level used unless the user edits it. */
  readonly defaultLevel: SensitivityLevel;
  /** See {@link DetectorKind}. */
  readonly kind: DetectorKind;
  /** A secret or credential: stored only as a fingerprint, and it suppresses the generic `secret` match. */
  readonly secret: boolean;
  /** {@link LocationBit} mask of the locations where this detector runs. */
  readonly locations: number;
  /** Value trigger: run when the text passes it. null = never by features alone. */
  readonly prefilter: DetectorPrefilter | null;
  /** Field-hint trigger: also run when the field name carries any of these {@link FieldHint} bits. */
  readonly triggerHints: number;
  /** Finds matches in `text`, appending them to `out`; returns how many it added. Must never throw. */
  find(text: string, ctx: DetectContext, out: SensitiveMatch[]): number;
}
