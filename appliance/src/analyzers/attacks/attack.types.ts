/**
 * Types shared by the attack detection analyzer: attack families, the request inputs it inspects (one value from
 * one place of the request, after decoding), the character classes of the cheap pre-filter and the detector
 * plug-in contract. Every value here is attacker-controlled text.
 */

/** The attack families, also the Detection `type` ids. */
export const ATTACK_FAMILIES = [
  'sqli',
  'xss',
  'path_traversal',
  'command_injection',
  'ssrf',
  'xxe',
  'jndi_injection',
  'ssti',
  'nosql_injection',
  'scanner',
] as const;

/** One attack family. */
export type AttackFamily = (typeof ATTACK_FAMILIES)[number];

/** Where in the request a value was found. */
export type InputPart = 'path' | 'query' | 'header' | 'cookie' | 'form' | 'json' | 'xml' | 'multipart' | 'body';

/** Bit of each {@link InputPart}, for detectors that only look at some parts. */
export const PartBit: Readonly<Record<InputPart, number>> = {
  path: 1,
  query: 2,
  header: 4,
  cookie: 8,
  form: 16,
  json: 32,
  xml: 64,
  multipart: 128,
  body: 256,
};

/** Every part. */
export const ALL_PARTS = 511;

/** One value taken from the request, decoded by its part's own syntax (percent-decoding, JSON escapes, ...). */
export interface AttackInput {
  part: InputPart;
  /** Parameter, header, cookie or field name ('' for the path and whole bodies). */
  name: string;
  value: string;
  /** The value is itself a name (query/form/cookie/JSON key), inspected because attackers put payloads there too. */
  isName: boolean;
  /** A header that carries protocol data (Accept, Content-Type, ...): only the header-wide detectors look at it. */
  structural: boolean;
}

/**
 * Character classes of the pre-filter. A variant's class mask is computed in one pass; a detector runs only when
 * the mask has one of the classes it needs (benign values such as ids, names and plain words exit at once).
 */
export const CharClass = {
  Quote: 1 << 0, // ' " `
  Angle: 1 << 1, // < >
  Paren: 1 << 2, // ( )
  Sep: 1 << 3, // ; | & newline
  Slash: 1 << 4, // / \
  Dollar: 1 << 5, // $
  Brace: 1 << 6, // { }
  Dot: 1 << 7,
  Colon: 1 << 8,
  Equals: 1 << 9,
  Hash: 1 << 10,
  Dash2: 1 << 11, // "--"
  Percent: 1 << 12,
  At: 1 << 13,
  Bracket: 1 << 14, // [ ]
  Star: 1 << 15,
  Comma: 1 << 16,
  Space: 1 << 17,
  Underscore: 1 << 18,
  Question: 1 << 19,
  Amp: 1 << 20,
  Backslash: 1 << 21,
  /** Fullwidth or enclosed forms, or typographic single quotes: NFKC / quote folding may change the text. */
  Wide: 1 << 22,
} as const;

/** One decoded form of an input, as the detectors see it. */
export interface ScanValue {
  readonly input: AttackInput;
  /** The decoded text. */
  readonly text: string;
  /** `text` lower-cased. */
  readonly lower: string;
  /** {@link CharClass} bits present in `text`. */
  readonly mask: number;
}

/** A detector of one family: a cheap pre-filter (`needs`, `parts`) and the check itself. */
export interface AttackDetector {
  readonly family: AttackFamily;
  /** Runs only when the value has one of these {@link CharClass} bits; 0 runs on every value. */
  readonly needs: number;
  /** {@link PartBit}s it inspects. */
  readonly parts: number;
  /** Inspects structural headers too (e.g. JNDI lookups are logged from any header). */
  readonly structural?: boolean;
  /**
   * Lower-case words without one of which the detector cannot fire on an inert-looking value (letters, digits and
   * `_ -.,@~/` only; see attack-input.prefilter.ts). Undefined turns the pre-filter off.
   */
  readonly triggers?: readonly string[];
  /**
   * Lower-case words that make an inert-looking value suspect when the last `/` segment of its first token starts
   * with one (a value that starts with a command); compared up to the first `-` or `.`.
   */
  readonly leadingWords?: readonly string[];
  /** Returns the rule id that matched (e.g. `sqli.union_select`), or null. Must not throw. */
  detect(v: ScanValue): string | null;
}

/** A detector hit with where it was found. */
export interface AttackMatch {
  family: AttackFamily;
  rule: string;
  input: AttackInput;
  /** The decoded text that matched. */
  text: string;
}
