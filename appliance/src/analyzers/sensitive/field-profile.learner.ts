/**
 * Field learning for the sensitive analyzer's fast path. Per call shape (endpoint template, or method + path shape)
 * a profile records which fields (direction, location, field path) carried which sensitive types in fully scanned
 * calls. Once a profile is stable (no new field/type for a number of full scans), most calls take the fast path:
 * only the request line (for tokens in URLs) and the message parts known to carry data are scanned, and JSON fields
 * known to carry one type are counted (distinct values per type) by one regular-expression pass over the body
 * (json-key.counter.ts). Every Nth call of a stable profile is still scanned fully, so new fields are learned.
 */
import type { SensitiveDirection, SensitiveLocation } from './detector.types.ts';
import type { SensitiveHit } from './sensitive.scanner.ts';
import { JsonKeyCounter } from './json-key.counter.ts';
import { ScanPart } from './sensitive.scanner.ts';
import type { EndpointAcc } from './sensitive-exposure.aggregator.ts';

/** Learning settings. */
export interface LearningOptions {
  /** Full scans a profile needs before it can be stable (default 8). */
  minFullScans: number;
  /** Consecutive full scans without a new field/type that make a profile stable (default 8). */
  stableAfter: number;
  /** A stable profile still scans every Nth call fully (default 64)... */
  sampleEvery: number;
  /**
   * ...and each periodic full scan that learns nothing doubles N, up to this (default 1024); a new field or type
   * brings N back to {@link sampleEvery}.
   */
  maxSampleEvery: number;
  /** Most fields learned per profile; past it the profile is "wild" and every call is scanned fully (default 128). */
  maxFields: number;
  /**
   * On the fast path, a counted key's validator runs on one message in this many (default 8; 1 = every message);
   * in between, values are checked against the learned length range only. After a failed validation the key is
   * validated on every message until one passes.
   */
  validateEvery: number;
}

/** Default learning settings. */
export const DEFAULT_LEARNING: Readonly<LearningOptions> = { minFullScans: 8, stableAfter: 8, sampleEvery: 64, maxSampleEvery: 1024, maxFields: 128, validateEvery: 8 };

/** One field known to carry sensitive data. */
export interface LearnedField {
  direction: SensitiveDirection;
  location: SensitiveLocation;
  field: string;
  /** Values seen per type in full scans. */
  types: Map<string, number>;
  /** Shortest and longest value seen (canonical form). */
  minLength: number;
  maxLength: number;
}

/** A response JSON key searched for on the fast path. */
export interface CountedKey {
  /** Which message's JSON body it is counted in. */
  direction: SensitiveDirection;
  /** Aggregation key of the field (`s|json|<field>`). */
  fieldKey: string;
  /** The field's own name (the last key of its JSON path). */
  leaf: string;
  /** The learned field path (e.g. `data[].phone`). */
  field: string;
  /** The type the field carries (fields that carried more than one type are not counted: their body is scanned). */
  type: string;
  /** Value lengths counted without validation (the learned range, widened for separators); others are validated one by one. */
  minLength: number;
  maxLength: number;
  /** Validate on one message in this many ({@link LearningOptions.validateEvery}). */
  validateEvery: number;
  /** Messages since the validator last passed (validation is due when it reaches `validateEvery`). */
  sinceValidated: number;
  /** Messages since a value outside the length range failed validation (such values are validated again at `validateEvery`). */
  rangeMissSince: number;
  /** Position in its plan's `counted` list (the exposure aggregator's slot index). */
  index: number;
}

/** What the fast path does for a stable profile. */
export interface FastPlan {
  /** {@link ScanPart} bits to scan with the detectors. */
  parts: number;
  /** JSON keys to count instead of scanning the request or response body. */
  counted: CountedKey[];
  /** {@link counted} split by the message they are counted in, each with its counter (null: none counted). */
  requestKeys: JsonKeyCounter | null;
  responseKeys: JsonKeyCounter | null;
}

/** A key that appears verbatim in JSON text: 1–64 characters, no quote, backslash or control character. */
function plainKey(k: string): boolean {
  if (k.length === 0 || k.length > 64) return false;
  for (let i = 0; i < k.length; i++) {
    const c = k.charCodeAt(i);
    if (c < 32 || c === 34 || c === 92) return false;
  }
  return true;
}

/** What one call shape's fields carry. */
export class FieldProfile {
  readonly fields = new Map<string, LearnedField>();
  fullScans = 0;
  /** Full-scan count when a field/type was last new. */
  lastNewAt = 0;
  /** Calls since the last full scan. */
  sinceFull = 0;
  /** Current period of full scans of a stable profile (see {@link LearningOptions.maxSampleEvery}). */
  private period: number;
  /** Fast-path calls since records were last counted (record sampling). */
  sinceCounted = 0;
  /** More fields than the cap: scanned fully on every call. */
  wild = false;
  /** Fields not learned because of the cap. */
  fieldsDropped = 0;
  /** Exposure details of this shape by host (filled by the analyzer, bounded by it). */
  readonly details = new Map<string, EndpointAcc>();
  private plan: FastPlan | null = null;

  constructor(private readonly opts: LearningOptions) {
    this.period = opts.sampleEvery;
  }

  /** True when this call should be scanned fully (and counts the call). */
  wantsFullScan(): boolean {
    if (this.wild || !this.stable()) return true;
    if (++this.sinceFull >= this.period) return true;
    return false;
  }

  /** Learning is done: enough full scans and nothing new for a while. */
  stable(): boolean {
    return this.fullScans >= this.opts.minFullScans && this.fullScans - this.lastNewAt >= this.opts.stableAfter;
  }

  /**
   * Learns from the hits of one full scan (credential hits in auth headers and cookies too). Returns true when this
   * scan made the profile wild.
   */
  learn(hits: readonly SensitiveHit[]): boolean {
    const wasWild = this.wild;
    const periodic = this.stable();
    this.fullScans++;
    this.sinceFull = 0;
    const newBefore = this.lastNewAt;
    for (let i = 0; i < hits.length; i++) {
      const h = hits[i];
      const key = `${h.direction === 'request' ? 'q' : 's'}|${h.location}|${h.field}`;
      let f = this.fields.get(key);
      if (f === undefined) {
        if (this.fields.size >= this.opts.maxFields) {
          this.fieldsDropped++;
          this.wild = true;
          continue;
        }
        f = { direction: h.direction, location: h.location, field: h.field, types: new Map(), minLength: h.value.length, maxLength: h.value.length };
        this.fields.set(key, f);
        this.lastNewAt = this.fullScans;
        this.plan = null;
      }
      if (h.value.length < f.minLength) f.minLength = h.value.length;
      if (h.value.length > f.maxLength) f.maxLength = h.value.length;
      const n = f.types.get(h.type);
      if (n === undefined) {
        f.types.set(h.type, 1);
        this.lastNewAt = this.fullScans;
        this.plan = null;
      } else f.types.set(h.type, n + 1);
    }
    if (this.lastNewAt !== newBefore) this.period = this.opts.sampleEvery;
    else if (periodic) this.period = Math.min(this.period * 2, Math.max(this.opts.sampleEvery, this.opts.maxSampleEvery));
    return this.wild && !wasWild;
  }

  /** The fast-path plan for the current knowledge (cached until something new is learned). */
  fastPlan(): FastPlan {
    if (this.plan !== null) return this.plan;
    let parts = ScanPart.RequestLine;
    const counted: CountedKey[] = [];
    for (const f of this.fields.values()) {
      const req = f.direction === 'request';
      if (f.location === 'path' || f.location === 'query') continue;
      if (f.location === 'header' || f.location === 'cookie') {
        // Credentials of the call itself (request auth headers, cookies) are the identity analyzer's concern; a
        // secret in a response header is data.
        if (!onlySecrets(f) || (!req && f.location !== 'cookie')) parts |= req ? ScanPart.RequestHeaders : ScanPart.ResponseHeaders;
        continue;
      }
      const leaf = f.location === 'json' && f.types.size === 1 ? jsonLeaf(f.field) : null;
      if (leaf === null || counted.some((k) => k.direction === f.direction && k.leaf === leaf)) {
        parts |= req ? ScanPart.RequestBody : ScanPart.ResponseBody;
        continue;
      }
      counted.push({
        direction: f.direction,
        fieldKey: `${req ? 'q' : 's'}|json|${f.field}`,
        leaf,
        field: f.field,
        type: f.types.keys().next().value ?? '',
        minLength: f.minLength,
        maxLength: f.maxLength + 8,
        validateEvery: this.opts.validateEvery,
        sinceValidated: this.opts.validateEvery,
        rangeMissSince: this.opts.validateEvery,
        index: 0,
      });
    }
    const reqBody = (parts & ScanPart.RequestBody) !== 0;
    const resBody = (parts & ScanPart.ResponseBody) !== 0;
    if (reqBody || resBody) {
      for (let i = counted.length - 1; i >= 0; i--) {
        if (counted[i].direction === 'request' ? reqBody : resBody) counted.splice(i, 1);
      }
    }
    counted.forEach((k, i) => (k.index = i));
    const counter = (d: SensitiveDirection): JsonKeyCounter | null => {
      const keys = counted.filter((k) => k.direction === d);
      return keys.length === 0 ? null : new JsonKeyCounter(keys);
    };
    this.plan = { parts, counted, requestKeys: counter('request'), responseKeys: counter('response') };
    return this.plan;
  }
}

/** The types the fast path may skip in credential carriers: secrets found there authenticate the call. */
const CREDENTIAL_TYPES = new Set(['jwt', 'secret', 'password', 'bearer_token_in_url', 'aws_access_key', 'github_token', 'slack_token', 'stripe_key', 'google_api_key']);

function onlySecrets(f: LearnedField): boolean {
  for (const t of f.types.keys()) if (!CREDENTIAL_TYPES.has(t)) return false;
  return true;
}

/**
 * The last key of a JSON field path when the fast path can count it (`data[].phone` → `phone`); null for paths
 * whose values are not one per key occurrence (arrays of scalars `tags[]`, the root, keys needing escapes).
 */
export function jsonLeaf(field: string): string | null {
  if (field === '' || field.endsWith(']')) return null;
  const dot = field.lastIndexOf('.');
  const bracket = field.lastIndexOf(']');
  const leaf = field.slice(Math.max(dot, bracket) + 1);
  return plainKey(leaf) ? leaf : null;
}
