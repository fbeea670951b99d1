/**
 * The sensitive-data scanner: walks every place data travels in a Transaction — path segments, query parameters,
 * headers, cookies, form, JSON (nested objects and arrays), multipart fields, XML and other text bodies, in the
 * request and the decoded response — and runs the detector plug-ins on each value, with the field name as a hint.
 *
 * Cost control: one cheap feature pass per value decides which detectors may run (most values run none); numeric
 * detectors share one digit tokenization; bodies are scanned up to a byte limit and hits are capped per type and
 * per transaction. Hostile input never throws out of {@link SensitiveScanner.scan}.
 */
import type { Transaction, HeaderList, HttpBody } from '../../engine/transaction.types.ts';
import { headerValue } from '../../engine/transaction.types.ts';
import type { WeirdCounters } from '../../engine/weird.counters.ts';
import type { DetectContext, SensitiveDetector, SensitiveDirection, SensitiveLocation, SensitiveMatch } from './detector.types.ts';
import { LocationBit } from './detector.types.ts';
import { SENSITIVE_DETECTORS } from './detector.registry.ts';
import { Feature, TextFeatures } from './text.features.ts';
import { DigitGroups } from './digit.groups.ts';
import { FieldHint, KeyHintCache, classifyField } from './field.hints.ts';
import { todayYmd } from './checksum.validators.ts';
import type { PairSink } from './message.parsers.ts';
import { forEachPair, headerParam, latin1ToUtf8, multipartParts, percentDecode, setCookiePair } from './message.parsers.ts';
import type { JsonVisitor } from './json-body.walker.ts';
import { JsonWalker, unescapeJson } from './json-body.walker.ts';
import type { XmlVisitor } from './xml-body.walker.ts';
import { walkXml } from './xml-body.walker.ts';
import { TextDecoder } from 'node:util';

/** One sensitive value found in a transaction. */
export interface SensitiveHit {
  /** Detector id, e.g. `cn_id_card`. */
  type: string;
  location: SensitiveLocation;
  direction: SensitiveDirection;
  /**
   * Where: JSON path (`data.items[].idCard`), query/form/multipart/cookie name, header name (lower case), XML
   * element path (`Body.user.idCard`, attributes `user@id`), `path[2]` for the third path segment, '' for text.
   */
  field: string;
  /** Canonical value (see SensitiveMatch.value). Raw: mask or fingerprint it before storing. */
  value: string;
  /** Masked value, or a fingerprint for secrets. */
  masked: string;
  confidence: number;
  /** Found in a credential carrier (Authorization-like header or a cookie): it authenticates the call. */
  credential: boolean;
}

/** Scanner settings. */
export interface ScanOptions {
  /** Matches below this confidence are dropped (default 0.6). */
  minConfidence?: number;
  /** Bytes of each body scanned (default 256 KiB). */
  maxBodyBytes?: number;
  /** Most hits of one type in one message (default 1000). */
  maxHitsPerType?: number;
  /** Most hits in one transaction (default 5000). */
  maxHits?: number;
  /** Detectors to run (default: the registry). */
  detectors?: readonly SensitiveDetector[];
  /** Where scanner anomalies are counted (reasons `sensitive_*`). */
  weird?: WeirdCounters;
  /** Fixed "today" (yyyymmdd) for birth-date checks; default: the current date. */
  todayYmd?: number;
}

/** Parts of a transaction {@link SensitiveScanner.scan} can be limited to (bit mask). */
export const ScanPart = {
  /** Request path and query string. */
  RequestLine: 1 << 0,
  RequestHeaders: 1 << 1,
  RequestBody: 1 << 2,
  ResponseHeaders: 1 << 3,
  ResponseBody: 1 << 4,
  /** Everything. */
  All: 0x1f,
} as const;

/** Headers that never carry sensitive values (lower case). */
const SKIP_HEADERS = new Set([
  'content-length', 'content-type', 'content-encoding', 'transfer-encoding', 'connection', 'keep-alive', 'host',
  'accept', 'accept-encoding', 'accept-language', 'accept-charset', 'accept-ranges', 'cache-control', 'pragma',
  'date', 'expires', 'last-modified', 'etag', 'if-none-match', 'if-modified-since', 'if-match', 'if-unmodified-since',
  'if-range', 'range', 'content-range', 'age', 'vary', 'via', 'server', 'user-agent', 'upgrade', 'te', 'trailer',
  'strict-transport-security', 'x-content-type-options', 'x-frame-options', 'x-xss-protection', 'content-security-policy',
  'referrer-policy', 'permissions-policy', 'access-control-allow-origin', 'access-control-allow-methods',
  'access-control-allow-headers', 'access-control-allow-credentials', 'access-control-expose-headers',
  'access-control-max-age', 'access-control-request-method', 'access-control-request-headers', 'origin',
  'sec-fetch-site', 'sec-fetch-mode', 'sec-fetch-dest', 'sec-fetch-user', 'sec-ch-ua', 'sec-ch-ua-mobile',
  'sec-ch-ua-platform', 'upgrade-insecure-requests', 'dnt', 'x-request-id', 'x-correlation-id', 'traceparent',
  'tracestate', 'x-b3-traceid', 'x-b3-spanid', 'x-b3-parentspanid', 'x-b3-sampled', 'content-language', 'location',
  'alt-svc', 'x-powered-by', 'x-envoy-upstream-service-time', 'content-disposition', 'link', 'retry-after',
  'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'cookie', 'set-cookie',
]);

/** Body shapes the scanner understands. */
type BodyKind = 'json' | 'form' | 'multipart' | 'xml' | 'text' | 'skip';

const MAX_SEGMENTS = 64;
/** Field names of path segments (`path[0]`, `path[1]`, ...), built once. */
const PATH_FIELDS: readonly string[] = Array.from({ length: MAX_SEGMENTS }, (_, k) => `path[${k}]`);
/** Shortest text a value detector can match ("a@b.cc"). */
const MIN_VALUE_LENGTH = 6;
const MAX_HEADERS = 128;
const DEFAULTS = { minConfidence: 0.6, maxBodyBytes: 256 * 1024, maxHitsPerType: 1000, maxHits: 5000 };

let gbDecoder: TextDecoder | null | undefined;
function gb18030(): TextDecoder | null {
  if (gbDecoder === undefined) {
    try {
      gbDecoder = new TextDecoder('gb18030');
    } catch {
      gbDecoder = null;
    }
  }
  return gbDecoder;
}

/**
 * True when a text with these features could pass at least one value-detector prefilter of the registry (checked
 * by a unit test against every prefilter). Values failing it skip the detector loop unless a field hint applies.
 */
export function mayMatchValue(f: TextFeatures): boolean {
  const m = f.mask;
  return (
    f.maxDigitGroup >= 9 ||
    (f.maxDigitRun >= 7 && ((m & Feature.Upper) !== 0 || f.maxWordRun >= 18)) ||
    (m & (Feature.At | Feature.Han | Feature.Eyj)) !== 0 ||
    f.maxWordRun >= 16 ||
    f.colons >= 2 ||
    f.dots >= 3 ||
    ((m & Feature.Dash) !== 0 && f.maxWordRun >= 10) ||
    (m & (Feature.Equals | Feature.QueryChar)) === (Feature.Equals | Feature.QueryChar)
  );
}

/** Per-value detector context, reused. */
class Context implements DetectContext {
  location: SensitiveLocation = 'body';
  hints = 0;
  readonly features = new TextFeatures();
  /** The date of {@link ScanOptions.todayYmd} (tests), or 0 for the clock's. */
  fixedToday = 0;
  private readonly groups = new DigitGroups();
  private groupsFor: string | null = null;

  /** Read only by the validators that need it (ID-card birth dates), so a call without such a candidate never reads the clock. */
  get todayYmd(): number {
    return this.fixedToday !== 0 ? this.fixedToday : todayYmd();
  }

  digitGroups(text: string): DigitGroups {
    if (this.groupsFor !== text) {
      this.groups.compute(text);
      this.groupsFor = text;
    }
    return this.groups;
  }

  reset(location: SensitiveLocation, hints: number): void {
    this.location = location;
    this.hints = hints;
    this.groupsFor = null;
  }

  /** The digit tokenizer hit its run limit on the current text. */
  groupsCapped(): boolean {
    return this.groupsFor !== null && this.groups.capped;
  }
}

/**
 * True when a path segment may name the next one (`idcard` in `/users/idcard/<id>`): short and without digits.
 * Identifier segments are not classified, so they cannot flush the field-hint cache.
 */
function looksLikeName(seg: string, start: number, end: number): boolean {
  if (end - start > 32) return false;
  for (let i = start; i < end; i++) {
    const c = seg.charCodeAt(i);
    if (c >= 48 && c <= 57) return false;
  }
  return true;
}

function byStart(a: SensitiveMatch, b: SensitiveMatch): number {
  return a.start - b.start || b.confidence - a.confidence;
}

/** Scans transactions for sensitive data. Reusable and cheap per call; not re-entrant. */
export class SensitiveScanner implements JsonVisitor, XmlVisitor, PairSink {
  private readonly detectors: readonly SensitiveDetector[];
  private readonly minConfidence: number;
  /** Bytes of each body scanned. */
  readonly maxBodyBytes: number;
  private readonly maxHitsPerType: number;
  private readonly maxHits: number;
  private readonly weird: WeirdCounters | undefined;
  /** Union of all detectors' trigger hints. */
  private readonly triggerUnion: number;
  private readonly ctx = new Context();
  private readonly json = new JsonWalker();
  private readonly valueMatches: SensitiveMatch[] = [];
  private readonly fieldMatches: SensitiveMatch[] = [];
  private readonly typeCounts = new Map<string, number>();
  private readonly headerHints = new Map<string, number>();
  private readonly keyHints = new KeyHintCache();
  /** The detectors' prefilters and masks, flattened for a monomorphic check loop (-1 = no value trigger). */
  private readonly pf: Int32Array;
  private readonly isField: Uint8Array;
  private readonly secretTypes = new Set<string>();
  private readonly detectorIndex = new Map<string, number>();

  private hits: SensitiveHit[] = [];
  private direction: SensitiveDirection = 'request';
  private location: SensitiveLocation = 'body';
  private locBit = LocationBit.body;
  private stopped = false;
  /** Field name for pair/multipart visits; null while walking JSON (the path comes from the walker). */
  private fieldName: string | null = '';
  private jsonPrefix = '';

  constructor(opts: ScanOptions = {}) {
    this.detectors = opts.detectors ?? SENSITIVE_DETECTORS;
    this.minConfidence = opts.minConfidence ?? DEFAULTS.minConfidence;
    this.maxBodyBytes = opts.maxBodyBytes ?? DEFAULTS.maxBodyBytes;
    this.maxHitsPerType = opts.maxHitsPerType ?? DEFAULTS.maxHitsPerType;
    this.maxHits = opts.maxHits ?? DEFAULTS.maxHits;
    this.weird = opts.weird;
    this.ctx.fixedToday = opts.todayYmd ?? 0;
    let u = 0;
    const n = this.detectors.length;
    this.pf = new Int32Array(n * PF_STRIDE);
    this.isField = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const d = this.detectors[i];
      u |= d.triggerHints;
      if (d.secret) this.secretTypes.add(d.id);
      if (!this.detectorIndex.has(d.id)) this.detectorIndex.set(d.id, i);
      this.isField[i] = d.kind === 'field' ? 1 : 0;
      compilePrefilter(d, this.pf, i * PF_STRIDE);
    }
    this.triggerUnion = u;
  }

  /**
   * All sensitive values in `tx` (request first, then response), limited to the {@link ScanPart} bits of `parts`.
   * Never throws.
   */
  scan(tx: Transaction, parts: number = ScanPart.All): SensitiveHit[] {
    const hits: SensitiveHit[] = [];
    this.hits = hits;
    this.stopped = false;
    try {
      if (tx.method !== '') {
        this.beginMessage('request');
        if ((parts & ScanPart.RequestLine) !== 0) {
          this.scanPath(tx.path);
          if (tx.query.length > 0) this.scanPairs('query', tx.query, 38);
        }
        if ((parts & ScanPart.RequestHeaders) !== 0) this.scanHeaders(tx.requestHeaders);
        if ((parts & ScanPart.RequestBody) !== 0) this.scanBody(tx.requestBody, tx.requestHeaders);
      }
      if (tx.status !== null) {
        this.beginMessage('response');
        if ((parts & ScanPart.ResponseHeaders) !== 0) this.scanHeaders(tx.responseHeaders);
        if ((parts & ScanPart.ResponseBody) !== 0) this.scanBody(tx.responseBody, tx.responseHeaders);
      }
    } catch {
      this.weird?.inc('sensitive_scan_error');
    }
    this.hits = [];
    return hits;
  }

  /**
   * The sensitive values in one text seen at `location` under the field name `field` (e.g. an example value of a path
   * or query parameter kept by the inventory), as hits with their masked forms. Never throws.
   */
  scanText(text: string, location: SensitiveLocation, field: string): SensitiveHit[] {
    const hits: SensitiveHit[] = [];
    if (text.length === 0) return hits;
    this.hits = hits;
    this.stopped = false;
    try {
      this.beginMessage('request');
      this.setLocation(location);
      this.fieldName = field;
      this.scanValue(text, 0, text.length, classifyField(field));
    } catch {
      this.weird?.inc('sensitive_scan_error');
    }
    this.hits = [];
    return hits;
  }

  /**
   * True when detector `type` reports `text` (one field value named `field`, at `location`) at or above the
   * confidence threshold: a validation of a single value, for fast paths that already know which type a field holds.
   * Never throws.
   */
  confirms(type: string, text: string, location: SensitiveLocation, field: string): boolean {
    const i = this.detectorIndex.get(type);
    if (i === undefined || text.length === 0) return false;
    const ctx = this.ctx;
    const hints = classifyField(field);
    try {
      ctx.features.compute(text, 0, text.length);
      ctx.reset(location, hints);
      const out = this.fieldMatches;
      out.length = 0;
      this.detectors[i].find(text, ctx, out);
      let ok = false;
      for (let k = 0; k < out.length; k++) if (out[k].confidence >= this.minConfidence) ok = true;
      out.length = 0;
      return ok;
    } catch {
      this.weird?.inc('sensitive_scan_error');
      return false;
    }
  }

  /** JsonVisitor: one JSON string or number. */
  jsonScalar(text: string, start: number, end: number, escaped: boolean): boolean {
    const w = this.json;
    const d = w.nearestObject();
    const hints = d < 0 ? 0 : w.keyEscaped[d] === 1 ? classifyField(w.key(d)) : this.keyHints.lookup(w.source(), w.keyStart[d], w.keyEnd[d]);
    if (escaped) {
      const s = unescapeJson(text, start, end);
      this.scanValue(s, 0, s.length, hints);
    } else this.scanValue(text, start, end, hints);
    return !this.stopped;
  }

  /** XmlVisitor: one element text or attribute value. */
  xmlValue(value: string, path: string, name: string): boolean {
    this.fieldName = path;
    this.scanValue(value, 0, value.length, classifyField(name));
    return !this.stopped;
  }

  /** PairSink: one query, form or cookie pair. */
  pair(name: string, value: string): boolean {
    if (value.length === 0) return true;
    this.fieldName = name;
    this.scanValue(value, 0, value.length, classifyField(name));
    return !this.stopped;
  }

  private setLocation(location: SensitiveLocation): void {
    this.location = location;
    this.locBit = LocationBit[location];
  }

  private beginMessage(direction: SensitiveDirection): void {
    this.direction = direction;
    // Map.clear() allocates a new table: skip it when there is nothing to clear (most messages).
    if (this.typeCounts.size > 0) this.typeCounts.clear();
  }

  private scanPath(path: string): void {
    this.setLocation('path');
    // Without percent escapes the segments are scanned in place (no string per segment).
    const plain = path.indexOf('%') < 0;
    let prevHints = 0;
    let i = path.charCodeAt(0) === 47 ? 1 : 0;
    for (let k = 0; k < MAX_SEGMENTS && i < path.length && !this.stopped; k++) {
      let e = path.indexOf('/', i);
      if (e < 0) e = path.length;
      if (e > i) {
        this.fieldName = PATH_FIELDS[k];
        if (plain) {
          this.scanValue(path, i, e, prevHints);
          prevHints = looksLikeName(path, i, e) ? this.keyHints.lookup(path, i, e) & ~FieldHint.NotSensitive : 0;
        } else {
          const seg = percentDecode(path, i, e, false);
          this.scanValue(seg, 0, seg.length, prevHints);
          prevHints = looksLikeName(seg, 0, seg.length) ? classifyField(seg) & ~FieldHint.NotSensitive : 0;
        }
      }
      i = e + 1;
    }
  }

  private scanPairs(location: SensitiveLocation, s: string, sep: 38 | 59): void {
    this.setLocation(location);
    forEachPair(s, sep, this);
  }

  private headerInfo(name: string): number {
    const hit = this.headerHints.get(name);
    if (hit !== undefined) return hit;
    const lower = name.toLowerCase();
    const info = SKIP_HEADERS.has(lower) ? -1 : classifyField(lower);
    if (this.headerHints.size > 4096) this.headerHints.clear();
    this.headerHints.set(name, info);
    return info;
  }

  private scanHeaders(headers: HeaderList): void {
    const count = Math.min(headers.length, MAX_HEADERS);
    for (let i = 0; i < count && !this.stopped; i++) {
      const [name, raw] = headers[i];
      const info = this.headerInfo(name);
      if (info < 0) {
        if (name.length === 6 && name.toLowerCase() === 'cookie') this.scanPairs('cookie', raw, 59);
        else if (name.length === 10 && name.toLowerCase() === 'set-cookie') {
          const p = setCookiePair(raw);
          if (p !== null) {
            this.setLocation('cookie');
            this.pair(p[0], p[1]);
          }
        }
        continue;
      }
      if (raw.length === 0) continue;
      const value = latin1ToUtf8(raw);
      this.setLocation('header');
      this.fieldName = name.toLowerCase();
      this.scanValue(value, 0, value.length, info);
    }
  }

  private bodyKind(contentType: string, text: string): BodyKind {
    if (contentType.length > 0) {
      if (contentType.includes('json')) return 'json';
      if (contentType.includes('x-www-form-urlencoded')) return 'form';
      if (contentType.includes('multipart/form-data')) return 'multipart';
      if (contentType.includes('xml')) return 'xml';
      if (contentType.startsWith('text/') || contentType.includes('javascript') || contentType.includes('csv') || contentType.includes('graphql')) return 'text';
      if (/^(?:image|audio|video|font)\//.test(contentType) || /octet-stream|zip|pdf|protobuf|grpc|msgpack|wasm/.test(contentType)) return 'skip';
    }
    let i = 0;
    while (i < text.length && i < 64 && text.charCodeAt(i) <= 32) i++;
    const c = text.charCodeAt(i);
    if (c === 123 || c === 91) return 'json';
    if (c === 60) return 'xml';
    const probe = Math.min(text.length, 512);
    for (let k = 0; k < probe; k++) if (text.charCodeAt(k) === 0) return 'skip';
    if (/^[A-Za-z0-9_.%\-[\]]{1,64}=[^\s]*$/.test(text.slice(0, probe))) return 'form';
    return 'text';
  }

  private scanBody(body: HttpBody | null, headers: HeaderList): void {
    if (body === null || body.data.length === 0 || this.stopped) return;
    const data = body.data;
    let len = data.length;
    if (len > this.maxBodyBytes) {
      len = this.maxBodyBytes;
      this.weird?.inc('sensitive_body_truncated');
    }
    const rawType = headerValue(headers, 'content-type') ?? '';
    const contentType = rawType.toLowerCase();
    if (contentType.includes('x-www-form-urlencoded')) {
      this.scanPairs('form', data.toString('latin1', 0, len), 38);
      return;
    }
    if (contentType.includes('multipart/form-data')) {
      this.scanMultipart(data.toString('latin1', 0, len), headerParam(rawType, 'boundary'));
      return;
    }
    const charset = headerParam(contentType, 'charset');
    const gb = charset === 'gbk' || charset === 'gb2312' || charset === 'gb18030' ? gb18030() : null;
    const text = gb !== null ? gb.decode(data.subarray(0, len)) : data.toString('utf8', 0, len);
    const kind = this.bodyKind(contentType, text);
    if (kind === 'skip') return;
    if (kind === 'form') this.scanPairs('form', data.toString('latin1', 0, len), 38);
    else if (kind === 'json') this.scanJson(text, 'json', '');
    else if (kind === 'xml') this.scanXml(text);
    else this.scanPlain(text, 'body', '');
  }

  private scanJson(text: string, location: SensitiveLocation, prefix: string): void {
    this.setLocation(location);
    this.fieldName = null;
    this.jsonPrefix = prefix;
    const status = this.json.walk(text, this);
    this.fieldName = '';
    if (status === 'ok' || status === 'stopped') return;
    if (status === 'too_deep') this.weird?.inc('sensitive_json_too_deep');
    else this.weird?.inc('sensitive_json_malformed');
    const from = this.json.stopAt;
    if (from < text.length && !this.stopped) this.scanPlain(from === 0 ? text : text.slice(from), location === 'json' ? 'body' : location, prefix);
  }

  private scanXml(text: string): void {
    this.setLocation('xml');
    if (!walkXml(text, this) && !this.stopped) this.weird?.inc('sensitive_xml_incomplete');
  }

  private scanPlain(text: string, location: SensitiveLocation, field: string): void {
    this.setLocation(location);
    this.fieldName = field;
    this.scanValue(text, 0, text.length, 0);
  }

  private scanMultipart(body: string, boundary: string): void {
    const parts = multipartParts(body, boundary);
    if (parts === null) {
      this.weird?.inc('sensitive_multipart_malformed');
      this.scanPlain(latin1ToUtf8(body), 'multipart', '');
      return;
    }
    for (const p of parts) {
      if (this.stopped) return;
      const ct = p.contentType;
      const textual = ct === '' || ct.startsWith('text/') || ct.includes('json') || ct.includes('xml') || ct.includes('csv');
      if (!textual || (p.filename !== '' && ct === '' && body.slice(p.start, Math.min(p.end, p.start + 512)).includes('\u0000'))) continue;
      const value = latin1ToUtf8(body.slice(p.start, p.end));
      if (ct.includes('json')) this.scanJson(value, 'multipart', p.name);
      else {
        this.setLocation('multipart');
        this.fieldName = p.name;
        this.scanValue(value, 0, value.length, classifyField(p.name));
      }
    }
  }

  /** The current field name (JSON paths are built only when a hit needs them). */
  private currentField(): string {
    if (this.fieldName !== null) return this.fieldName;
    const path = this.json.path();
    if (this.jsonPrefix === '') return path;
    return path === '' ? this.jsonPrefix : path.charCodeAt(0) === 91 ? this.jsonPrefix + path : this.jsonPrefix + '.' + path;
  }

  /** Runs the detectors on `text[start, end)` with field hints `hints`, and records the hits. */
  private scanValue(text: string, start: number, end: number, hints: number): void {
    if (end <= start || this.stopped) return;
    const ctx = this.ctx;
    const byHint = (hints & this.triggerUnion) !== 0;
    if (!byHint && end - start < MIN_VALUE_LENGTH) return;
    const f = ctx.features.compute(text, start, end);
    if (!byHint && !mayMatchValue(f)) return;
    const value = start === 0 && end === text.length ? text : text.slice(start, end);
    const location = this.location;
    const locBit = this.locBit;
    ctx.reset(location, hints);
    const vm = this.valueMatches;
    const fm = this.fieldMatches;
    if (vm.length !== 0) vm.length = 0;
    if (fm.length !== 0) fm.length = 0;
    const dets = this.detectors;
    const pf = this.pf;
    for (let i = 0, o = 0; i < dets.length; i++, o += PF_STRIDE) {
      if ((pf[o + PF_LOC] & locBit) === 0) continue;
      if ((hints & pf[o + PF_TRIGGER]) === 0 && !passes(pf, o, f)) continue;
      dets[i].find(value, ctx, this.isField[i] === 1 ? fm : vm);
    }
    if (ctx.groupsCapped()) this.weird?.inc('sensitive_digit_runs_capped');
    if (vm.length + fm.length === 0) return;
    const min = this.minConfidence;
    let secretFound = false;
    if (vm.length > 1) this.dropOverlaps(vm);
    for (let k = 0; k < vm.length; k++) {
      const m = vm[k];
      if (m.confidence < min) continue;
      if (this.isSecretType(m.type)) secretFound = true;
      this.record(m, hints);
    }
    for (let k = 0; k < fm.length; k++) {
      const m = fm[k];
      if (m.confidence < min || (secretFound && this.isSecretType(m.type))) continue;
      this.record(m, hints);
    }
  }

  private isSecretType(type: string): boolean {
    return this.secretTypes.has(type);
  }

  /** Among overlapping non-secret value matches keeps the most confident one (confidence set to -1 to drop). */
  private dropOverlaps(vm: SensitiveMatch[]): void {
    vm.sort(byStart);
    let keep = -1;
    for (let k = 0; k < vm.length; k++) {
      const m = vm[k];
      if (this.isSecretType(m.type)) continue;
      if (keep >= 0 && m.start < vm[keep].end) {
        if (m.confidence > vm[keep].confidence) {
          vm[keep].confidence = -1;
          keep = k;
        } else m.confidence = -1;
      } else keep = k;
    }
  }

  private record(m: SensitiveMatch, hints: number): void {
    const n = (this.typeCounts.get(m.type) ?? 0) + 1;
    this.typeCounts.set(m.type, n);
    if (n > this.maxHitsPerType) {
      if (n === this.maxHitsPerType + 1) this.weird?.inc('sensitive_hits_capped');
      return;
    }
    const location = this.location;
    this.hits.push({
      type: m.type,
      location,
      direction: this.direction,
      field: this.currentField(),
      value: m.value,
      masked: m.masked,
      confidence: m.confidence,
      credential: location === 'cookie' || (location === 'header' && (hints & (FieldHint.Secret | FieldHint.Password)) !== 0),
    });
    if (this.hits.length >= this.maxHits) {
      this.weird?.inc('sensitive_hits_capped');
      this.stopped = true;
    }
  }
}

const PF_LOC = 0;
const PF_TRIGGER = 1;
const PF_ENABLED = 2;
const PF_ALL = 3;
const PF_ANY = 4;
const PF_DIGITS = 5;
const PF_GROUP = 6;
const PF_RUN = 7;
const PF_WORD = 8;
const PF_DOTS = 9;
const PF_COLONS = 10;
const PF_STRIDE = 11;

/** Writes a detector's locations, trigger hints and prefilter into `pf` at `o`. */
function compilePrefilter(d: SensitiveDetector, pf: Int32Array, o: number): void {
  const p = d.prefilter;
  pf[o + PF_LOC] = d.locations;
  pf[o + PF_TRIGGER] = d.triggerHints;
  pf[o + PF_ENABLED] = p === null ? 0 : 1;
  if (p === null) return;
  pf[o + PF_ALL] = p.all ?? 0;
  pf[o + PF_ANY] = p.any ?? 0;
  pf[o + PF_DIGITS] = p.minDigits ?? 0;
  pf[o + PF_GROUP] = p.minDigitGroup ?? 0;
  pf[o + PF_RUN] = p.minDigitRun ?? 0;
  pf[o + PF_WORD] = p.minWordRun ?? 0;
  pf[o + PF_DOTS] = p.minDots ?? 0;
  pf[o + PF_COLONS] = p.minColons ?? 0;
}

/** True when the features satisfy the compiled prefilter at `o`. */
function passes(pf: Int32Array, o: number, f: TextFeatures): boolean {
  if (pf[o + PF_ENABLED] === 0) return false;
  const all = pf[o + PF_ALL];
  const any = pf[o + PF_ANY];
  return (
    (f.mask & all) === all &&
    (any === 0 || (f.mask & any) !== 0) &&
    f.digits >= pf[o + PF_DIGITS] &&
    f.maxDigitGroup >= pf[o + PF_GROUP] &&
    f.maxDigitRun >= pf[o + PF_RUN] &&
    f.maxWordRun >= pf[o + PF_WORD] &&
    f.dots >= pf[o + PF_DOTS] &&
    f.colons >= pf[o + PF_COLONS]
  );
}

/** True when a detector's prefilter passes for `f` (for tests and tools; the scanner uses a compiled form). */
export function prefilterPasses(d: SensitiveDetector, f: TextFeatures): boolean {
  const pf = new Int32Array(PF_STRIDE);
  compilePrefilter(d, pf, 0);
  return passes(pf, 0, f);
}

let defaultScanner: SensitiveScanner | null = null;

/**
 * An example value fit to show or export: itself when no detector finds sensitive data in it, else the masked forms
 * of what was found (fingerprints for secrets) in place of the whole value.
 */
export function maskedExample(value: string, location: SensitiveLocation, field: string): string {
  defaultScanner ??= new SensitiveScanner();
  const hits = defaultScanner.scanText(value, location, field);
  return hits.length === 0 ? value : hits.map((h) => h.masked).join(' ');
}

/**
 * All sensitive values in `tx`. Without options a shared default scanner is used; with options a scanner is
 * built per call — on a hot path, build one {@link SensitiveScanner} and reuse it.
 */
export function scanTransaction(tx: Transaction, opts?: ScanOptions): SensitiveHit[] {
  if (opts === undefined) {
    defaultScanner ??= new SensitiveScanner();
    return defaultScanner.scan(tx);
  }
  return new SensitiveScanner(opts).scan(tx);
}
