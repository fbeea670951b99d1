/**
 * The sensitive-data analyzer (pipeline order: after inventory and clients, before the detectors that read
 * `call.sensitive`, and before the findings aggregator). Per call it
 *   - scans the transaction (fully, or on the learned fast path — see field-profile.learner.ts),
 *   - fills `call.sensitive` with masked hits (the raw `value` is blanked before the call leaves the analyzer;
 *     secrets are fingerprints),
 *   - aggregates exposure per endpoint and field, and records served per client IP and identity,
 *   - raises `unauthenticated_sensitive_api` (endpoint scope) and `token_in_url` (client scope) detections.
 * In the report it fills `endpoints[].sensitive`, `clients[].sensitiveRecords` (on the clients analyzer's entries)
 * and adds exposure findings: `sensitive_data_exposure` per endpoint and `sensitive_bulk_access` per client.
 */
import type { Analyzer } from '../analyzer.types.ts';
import { isoTime } from '../analyzer.types.ts';
import type { CallContext, CallEndpoint, Detection, Severity } from '../call.context.ts';
import type { AnalysisReport, ReportFinding } from '../../analysis/analysis-report.types.ts';
import type { Transaction } from '../../engine/transaction.types.ts';
import type { SensitiveDetector } from './detector.types.ts';
import { SENSITIVE_DETECTORS } from './detector.registry.ts';
import type { ScanOptions, SensitiveHit } from './sensitive.scanner.ts';
import { SensitiveScanner } from './sensitive.scanner.ts';
import type { CountedKey, FastPlan, LearningOptions } from './field-profile.learner.ts';
import { DEFAULT_LEARNING, FieldProfile } from './field-profile.learner.ts';
import type { JsonKeyCounter } from './json-key.counter.ts';
import type { ExposureLimits, ExposureSnapshot } from './sensitive-exposure.aggregator.ts';
import { ExposureAggregator, TypeCounts, type EndpointAcc } from './sensitive-exposure.aggregator.ts';
import type { SensitivityLevels } from './sensitivity.levels.ts';
import { defaultLevels, levelOf, resolveLevels } from './sensitivity.levels.ts';
import { pathShape } from './path.shape.ts';

/** Settings of the sensitive analyzer. */
export interface SensitiveAnalyzerOptions {
  /** Scanner settings (detectors, thresholds, body limit, weird counters). */
  scan?: ScanOptions;
  /** Level per type (default: the detectors' defaults); replace later with {@link SensitiveAnalyzer.setLevels}. */
  levels?: SensitivityLevels;
  /** Fast-path learning; `false` scans every call fully. */
  learning?: Partial<LearningOptions> | false;
  /** Memory bounds of the exposure aggregates. */
  limits?: Partial<ExposureLimits>;
  /** Most learning profiles (default 10,000; calls of further shapes share one overflow profile). */
  maxProfiles?: number;
  /** Lowest level whose data served to an unauthenticated call raises `unauthenticated_sensitive_api` (default 3). */
  unauthenticatedMinLevel?: number;
  /** Lowest level counted in records (default 2: L1 public data is not a record). */
  recordMinLevel?: number;
  /** Records in one hour from which a client gets a `sensitive_bulk_access` finding (default 1000). */
  bulkRecordsPerHour?: number;
  /**
   * Fast-path record counting: 1 (default) counts every response of a stable profile exactly; K > 1 counts one
   * response in K per profile and scales its counts by K — an estimate that trades per-client exactness (and the
   * detections of the uncounted calls) for throughput.
   */
  recordSampling?: number;
  /**
   * Raw values kept per endpoint × field × type for the admin-only reveal (default 0: none). Only set when the user
   * enabled raw storage; secrets are never kept (they stay fingerprints). Taken with {@link SensitiveAnalyzer.takeRawSamples},
   * never part of the snapshot or the report.
   */
  rawSamples?: number;
}

/** Raw values of one endpoint × field × type (for encrypted storage; never logged or reported). */
export interface RawSample {
  host: string;
  method: string;
  path: string;
  direction: 'request' | 'response';
  location: string;
  field: string;
  type: string;
  /** Distinct raw values with their masked forms, first seen first. */
  values: Array<{ raw: string; masked: string; seenUs: number }>;
}

/** Most endpoint × field × type groups of raw samples held between two takes. */
const MAX_RAW_GROUPS = 5000;

/** Work counters of the analyzer. */
export interface SensitiveAnalyzerStats {
  calls: number;
  fullScans: number;
  fastCalls: number;
  profiles: number;
  /** Calls whose shape found no room in the profile table. */
  profileOverflowCalls: number;
  /** Profiles scanning every call because they have more fields than the cap. */
  wildProfiles: number;
}

/** Request headers that authenticate a call when the identity analyzer has not said (lower case). */
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'x-api-key', 'api-key', 'apikey', 'x-auth-token', 'x-access-token', 'x-token', 'token', 'x-csrf-token'];
/** {@link CREDENTIAL_HEADERS} by name length, for an allocation-free check. */
const CREDENTIAL_BY_LENGTH: string[][] = [];
for (const h of CREDENTIAL_HEADERS) (CREDENTIAL_BY_LENGTH[h.length] ??= []).push(h);
const CREDENTIAL_QUERY = /(?:^|&)(?:access_token|api_key|apikey|token|key|sig|signature|auth)=[^&]/i;

/** Secret types whose presence in a URL is a `high` finding (others are `medium`). */
const HIGH_URL_SECRETS = new Set(['password', 'private_key', 'aws_access_key', 'github_token', 'slack_token', 'stripe_key']);

const URL_TOKEN = 'bearer_token_in_url';
/** Hosts whose endpoint detail a profile keeps a direct reference to. */
const MAX_PROFILE_HOSTS = 256;


const LEVEL_SEVERITY: Record<number, Severity> = { 1: 'info', 2: 'low', 3: 'medium', 4: 'high' };

/** Finds, classifies and aggregates sensitive data in every call. */
export class SensitiveAnalyzer implements Analyzer {
  readonly id = 'sensitive';
  private readonly scanner: SensitiveScanner;
  private readonly secretTypes: Set<string>;
  private levels: SensitivityLevels;
  private readonly learning: LearningOptions | null;
  private readonly profiles = new Map<string, FieldProfile>();
  private readonly overflowProfile: FieldProfile | null;
  private readonly maxProfiles: number;
  private readonly unauthMinLevel: number;
  private readonly recordMinLevel: number;
  private readonly bulkPerHour: number;
  private readonly recordSampling: number;
  private readonly exposure: ExposureAggregator;
  /** Records of the current response, per type. */
  private readonly records = new TypeCounts();
  private readonly distinct = new Map<string, Set<string>>();
  /** Learning profile of the current call. */
  private profile: FieldProfile | null = null;
  /** Path shape (or template) of the current call. */
  private shape = '';
  /**
   * Per shared CallEndpoint object (the inventory hands the same one to every call of a template): its learning
   * profile and exposure detail, found without building key strings. Entries die with the endpoint object.
   */
  private readonly byEndpoint = new WeakMap<CallEndpoint, { profile: FieldProfile | null; detail: EndpointAcc | null }>();
  /** The {@link byEndpoint} entry of the current call (null when the call has no endpoint). */
  private endpointEntry: { profile: FieldProfile | null; detail: EndpointAcc | null } | null = null;
  /** Fast-path counts of the current call: key, count, key, count, ... */
  private readonly counted: Array<CountedKey | number> = [];
  private rawPerField: number;
  private readonly raw = new Map<string, RawSample>();
  /** Scratch counts of {@link JsonKeyCounter.count}. */
  private readonly keyCounts: number[] = [];
  readonly stats: SensitiveAnalyzerStats = { calls: 0, fullScans: 0, fastCalls: 0, profiles: 0, profileOverflowCalls: 0, wildProfiles: 0 };

  constructor(opts: SensitiveAnalyzerOptions = {}) {
    const detectors: readonly SensitiveDetector[] = opts.scan?.detectors ?? SENSITIVE_DETECTORS;
    this.scanner = new SensitiveScanner(opts.scan);
    this.secretTypes = new Set(detectors.filter((d) => d.secret).map((d) => d.id));
    this.levels = opts.levels ?? defaultLevels(detectors);
    this.learning = opts.learning === false ? null : { ...DEFAULT_LEARNING, ...opts.learning };
    this.maxProfiles = opts.maxProfiles ?? 10_000;
    this.overflowProfile = this.learning === null ? null : new FieldProfile(this.learning);
    this.unauthMinLevel = opts.unauthenticatedMinLevel ?? 3;
    this.recordMinLevel = opts.recordMinLevel ?? 2;
    this.bulkPerHour = opts.bulkRecordsPerHour ?? 1000;
    this.recordSampling = Math.max(1, Math.floor(opts.recordSampling ?? 1));
    this.exposure = new ExposureAggregator(opts.limits);
    this.rawPerField = Math.max(0, Math.floor(opts.rawSamples ?? 0));
  }

  /** Turns raw-sample keeping on (values per endpoint × field × type) or off (0, and drops what is held). */
  setRawSamples(perField: number): void {
    this.rawPerField = Math.max(0, Math.floor(perField));
    if (this.rawPerField === 0) this.raw.clear();
  }

  /** The raw samples kept since the last take (and forgets them). */
  takeRawSamples(): RawSample[] {
    const out = [...this.raw.values()];
    this.raw.clear();
    return out;
  }

  /** Replaces the level map (user edits); applies at once to later detections and to every read of the aggregates. */
  setLevels(levels: SensitivityLevels): void {
    this.levels = levels;
  }

  /** The level map in use. */
  currentLevels(): SensitivityLevels {
    return this.levels;
  }

  onCall(call: CallContext): void {
    const tx = call.tx;
    this.stats.calls++;
    const profile = this.profileFor(call);
    this.profile = profile;
    const records = this.records;
    records.clear();
    this.counted.length = 0;
    let hits: SensitiveHit[];
    if (profile === null || profile.wantsFullScan()) {
      hits = this.scanner.scan(tx);
      if (profile?.learn(hits) === true) this.stats.wildProfiles++;
      this.stats.fullScans++;
      this.countDistinct(hits);
    } else {
      const plan = profile.fastPlan();
      hits = this.scanner.scan(tx, plan.parts);
      this.stats.fastCalls++;
      this.countDistinct(hits);
      if (plan.counted.length > 0) {
        if (this.recordSampling <= 1) this.countKeys(tx, plan, 1);
        else if (++profile.sinceCounted >= this.recordSampling) {
          profile.sinceCounted = 0;
          this.countKeys(tx, plan, this.recordSampling);
        }
      }
    }
    hits = this.dedupeUrlTokens(hits);
    this.aggregate(call, hits);
    for (let i = 0; i < hits.length; i++) hits[i].value = '';
    if (hits.length > 0) call.sensitive = hits;
  }

  contribute(report: AnalysisReport): void {
    for (const e of report.endpoints) {
      const prefix = `${e.host}\u0000${e.method}\u0000`;
      const types = this.exposure.endpointTypes(prefix + e.path) ?? this.exposure.endpointTypes(prefix + pathShape(e.path));
      if (types !== undefined) e.sensitive = types;
    }
    for (const c of report.clients) c.sensitiveRecords = this.exposure.clientRecords(c.ip, this.levels, this.recordMinLevel);
    const snap = this.snapshot();
    report.findings.push(...this.exposureFindings(snap));
    report.sensitive = reportPart(snap);
  }

  /** Everything aggregated so far, with the current levels applied (for the service, dashboard and reports). */
  snapshot(): ExposureSnapshot {
    return this.exposure.snapshot(this.levels, this.recordMinLevel);
  }

  /** The learning profile of the call's shape, or null when learning is off. */
  private profileFor(call: CallContext): FieldProfile | null {
    const tx = call.tx;
    const ep = call.endpoint;
    let entry: { profile: FieldProfile | null; detail: EndpointAcc | null } | null = null;
    if (ep !== null) {
      this.shape = ep.template;
      entry = this.byEndpoint.get(ep) ?? null;
      if (entry === null) {
        entry = { profile: null, detail: null };
        this.byEndpoint.set(ep, entry);
      }
      this.endpointEntry = entry;
      if (entry.profile !== null) return entry.profile;
    } else {
      this.shape = pathShape(tx.path);
      this.endpointEntry = null;
    }
    if (this.learning === null) return null;
    const key = `${tx.method} ${this.shape}`;
    let p = this.profiles.get(key);
    if (p === undefined) {
      if (this.profiles.size >= this.maxProfiles) {
        this.stats.profileOverflowCalls++;
        return this.overflowProfile;
      }
      p = new FieldProfile(this.learning);
      this.profiles.set(key, p);
      this.stats.profiles++;
    }
    if (entry !== null) entry.profile = p;
    return p;
  }

  /** Fast path: counts the learned JSON keys in the request and response bodies; response counts are records. */
  private countKeys(tx: Transaction, plan: FastPlan, scale: number): void {
    if (plan.requestKeys !== null && tx.requestBody !== null) this.countIn(tx.requestBody.data, plan.requestKeys, scale);
    if (plan.responseKeys !== null && tx.status !== null && tx.responseBody !== null) this.countIn(tx.responseBody.data, plan.responseKeys, scale);
  }

  /** Counts the learned keys of one JSON body. */
  private countIn(body: Buffer, counter: JsonKeyCounter, scale: number): void {
    if (body.length === 0) return;
    const counts = this.keyCounts;
    const keys = counter.keys;
    counter.count(body, Math.min(body.length, this.scanner.maxBodyBytes), counts, this.scanner);
    for (let k = 0; k < keys.length; k++) {
      if (counts[k] === 0) continue;
      const key = keys[k];
      const n = counts[k] * scale;
      if (key.direction === 'response') this.records.add(key.type, n);
      this.counted.push(key, n);
    }
  }

  /**
   * A secret in a credential carrier (a request's Authorization-like header or cookie, a response's Set-Cookie): it
   * authenticates calls and is not data the endpoint carries. Personal data in a cookie or header is data, and so
   * is a secret in a response header.
   */
  private callCredential(h: SensitiveHit): boolean {
    return h.credential && this.secretTypes.has(h.type) && (h.direction === 'request' || h.location === 'cookie');
  }

  /** Drops `bearer_token_in_url` hits whose value another, more specific secret type (jwt, AWS key, ...) reported. */
  private dedupeUrlTokens(hits: SensitiveHit[]): SensitiveHit[] {
    let generic = false;
    for (let i = 0; i < hits.length && !generic; i++) if (hits[i].type === URL_TOKEN) generic = true;
    if (!generic) return hits;
    const specific = new Set<string>();
    for (const h of hits) if (h.type !== URL_TOKEN && this.secretTypes.has(h.type)) specific.add(`${h.location}\u0000${h.field}\u0000${h.masked}`);
    return hits.filter((h) => h.type !== URL_TOKEN || !specific.has(`${h.location}\u0000${h.field}\u0000${h.masked}`));
  }

  /** Adds to `this.records` the distinct values per type of the response's data hits. */
  private countDistinct(hits: readonly SensitiveHit[]): void {
    if (hits.length === 0) return;
    const distinct = this.distinct;
    distinct.clear();
    for (let i = 0; i < hits.length; i++) {
      const h = hits[i];
      if (h.direction !== 'response' || this.callCredential(h)) continue;
      let s = distinct.get(h.type);
      if (s === undefined) {
        s = new Set();
        distinct.set(h.type, s);
      }
      s.add(h.value);
    }
    for (const [type, s] of distinct) this.records.add(type, s.size);
  }

  /**
   * The detail accumulator of the call's endpoint: per template when the inventory templated the call, else per
   * host + method + path shape (null when the detail table is full).
   */
  private detailOf(call: CallContext, tx: Transaction): EndpointAcc | null {
    const p = this.profile;
    if (p !== null && p !== this.overflowProfile && call.endpoint === null) {
      // the profile is this method + shape: its details differ only by host
      const cached = p.details.get(call.host);
      if (cached !== undefined) {
        const ts = tx.startTs;
        if (ts > cached.last) cached.last = ts;
        else if (ts < cached.first) cached.first = ts;
        return cached;
      }
      const e = this.exposure.endpoint(`${call.host}\u0000${tx.method}\u0000${this.shape}`, call.host, tx.method, this.shape, tx.startTs);
      if (e !== null && p.details.size < MAX_PROFILE_HOSTS) p.details.set(call.host, e);
      return e;
    }
    const entry = this.endpointEntry;
    const ep = call.endpoint;
    if (entry !== null && ep !== null) {
      const cached = entry.detail;
      if (cached !== null) {
        const ts = tx.startTs;
        if (ts < cached.first) cached.first = ts;
        if (ts > cached.last) cached.last = ts;
        return cached;
      }
      const e = this.exposure.endpoint(`${ep.host}\u0000${ep.method}\u0000${ep.template}`, ep.host, ep.method, ep.template, tx.startTs);
      entry.detail = e;
      return e;
    }
    const host = call.endpoint?.host ?? call.host;
    const method = call.endpoint?.method ?? tx.method;
    const path = call.endpoint?.template ?? this.shape;
    return this.exposure.endpoint(`${host}\u0000${method}\u0000${path}`, host, method, path, tx.startTs);
  }

  /** Aggregates one call's hits and records, and raises its detections. */
  private aggregate(call: CallContext, hits: readonly SensitiveHit[]): void {
    const tx = call.tx;
    const records = this.records;
    let data = records.size > 0 || this.counted.length > 0;
    for (let i = 0; i < hits.length && !data; i++) if (!this.callCredential(hits[i])) data = true;
    if (!data) return;
    const e = this.detailOf(call, tx);
    let responseLevel = 0;
    let counted = 0;
    for (let i = 0; i < records.size; i++) {
      const l = levelOf(this.levels, records.types[i]);
      if (l > responseLevel) responseLevel = l;
      if (l >= this.recordMinLevel) counted += records.counts[i];
    }
    if (counted > 0) call.sensitiveRecords = counted;
    for (let i = 0; i < hits.length; i++) {
      const h = hits[i];
      if (this.callCredential(h)) continue;
      if (e !== null) this.exposure.addField(e, h.direction, h.location, h.field, h.type, 1, tx.startTs);
      if (this.rawPerField > 0 && e !== null && !this.secretTypes.has(h.type)) this.keepRaw(e, h, tx.startTs);
      if (h.direction === 'request' && (h.location === 'path' || h.location === 'query') && this.secretTypes.has(h.type)) {
        call.detections.push(tokenInUrl(h));
      }
    }
    if (e !== null) {
      e.calls++;
      const counted = this.counted;
      for (let i = 0; i < counted.length; i += 2) {
        const key = counted[i] as CountedKey;
        this.exposure.addCounted(e, key, counted[i + 1] as number, tx.startTs);
      }
    }
    if (records.size === 0) return;
    this.exposure.addRecords(e, tx.clientIp, call.auth?.identity ?? '', records, tx.startTs, tx.flowId);
    if (responseLevel >= this.unauthMinLevel && !authenticated(call)) {
      if (e !== null) e.unauthenticatedCalls++;
      const types = records.types
        .slice(0, records.size)
        .sort()
        .map((t) => `${t} (L${levelOf(this.levels, t)})`)
        .join(', ');
      call.detections.push({
        type: 'unauthenticated_sensitive_api',
        category: 'sensitive',
        severity: LEVEL_SEVERITY[responseLevel] ?? 'medium',
        evidence: `${tx.method} ${call.endpoint?.template ?? tx.path} served ${types} to a call without authentication`,
        scope: 'endpoint',
        rule: 'sensitive.unauthenticated',
      });
    }
  }

  /** Keeps `h`'s raw value among the first {@link rawPerField} distinct ones of its endpoint × field × type. */
  private keepRaw(e: EndpointAcc, h: SensitiveHit, ts: number): void {
    const key = `${e.host}\u0000${e.method}\u0000${e.path}\u0000${h.direction}\u0000${h.location}\u0000${h.field}\u0000${h.type}`;
    let g = this.raw.get(key);
    if (g === undefined) {
      if (this.raw.size >= MAX_RAW_GROUPS) return;
      g = { host: e.host, method: e.method, path: e.path, direction: h.direction, location: h.location, field: h.field, type: h.type, values: [] };
      this.raw.set(key, g);
    }
    if (g.values.length >= this.rawPerField || h.value === '') return;
    for (const v of g.values) if (v.raw === h.value) return;
    g.values.push({ raw: h.value, masked: h.masked, seenUs: ts });
  }

  /** `sensitive_data_exposure` per endpoint and `sensitive_bulk_access` per client, from the aggregates. */
  private exposureFindings(snap: ExposureSnapshot): ReportFinding[] {
    const out: ReportFinding[] = [];
    for (const e of snap.endpoints) {
      const fieldCount = e.fields.length;
      out.push({
        type: 'sensitive_data_exposure',
        category: 'sensitive',
        severity: LEVEL_SEVERITY[e.level] ?? 'info',
        host: e.host,
        method: e.method,
        path: e.path,
        client: '',
        count: e.calls,
        firstSeen: isoTime(e.firstSeenUs),
        lastSeen: isoTime(e.lastSeenUs),
        evidence: `L${e.level} endpoint: ${e.types.map((t) => `${t.type} (L${t.level}${t.records > 0 ? `, ${t.records} records` : ''})`).join(', ')} in ${fieldCount} field${fieldCount === 1 ? '' : 's'}`,
      });
    }
    for (const c of snap.clients) {
      if (c.peakHourRecords < this.bulkPerHour) continue;
      const peak = c.hourly.find((h) => h.records === c.peakHourRecords);
      out.push({
        type: 'sensitive_bulk_access',
        category: 'sensitive',
        severity: 'high',
        host: '',
        method: '',
        path: '',
        client: c.id,
        count: c.records,
        firstSeen: isoTime(c.firstSeenUs),
        lastSeen: isoTime(c.lastSeenUs),
        evidence: `received ${c.peakHourRecords} sensitive records in the hour from ${peak?.hour ?? '?'} (${c.byType
          .slice(0, 5)
          .map((t) => `${t.type}: ${t.records}`)
          .join(', ')})`,
      });
    }
    return out;
  }
}

/**
 * Gives the sensitive analyzers among `analyzers` the levels of user `overrides` (type id, level) over the defaults:
 * how a pipeline in a child process (live capture, upload) receives level edits without a restart.
 */
export function applySensitiveLevels(analyzers: readonly Analyzer[], overrides: ReadonlyArray<readonly [string, number]>): void {
  const levels = resolveLevels(new Map(overrides));
  for (const a of analyzers) if (a instanceof SensitiveAnalyzer) a.setLevels(levels);
}

/** Sets raw-sample keeping (values per endpoint × field × type; 0 = off) on the sensitive analyzers among `analyzers`. */
export function applyRawSamples(analyzers: readonly Analyzer[], perField: number): void {
  for (const a of analyzers) if (a instanceof SensitiveAnalyzer) a.setRawSamples(perField);
}

/** The raw samples the sensitive analyzers among `analyzers` kept (taken: each is returned once). */
export function takeRawSamples(analyzers: readonly Analyzer[]): RawSample[] {
  const out: RawSample[] = [];
  for (const a of analyzers) if (a instanceof SensitiveAnalyzer) out.push(...a.takeRawSamples());
  return out;
}

/** Recipients (clients, identities) a report lists, most records first; hourly records only for the first {@link REPORT_HOURLY}. */
const REPORT_RECIPIENTS = 1000;
const REPORT_HOURLY = 100;

/** The report's `sensitive` part: the snapshot with its recipient lists bounded. */
function reportPart(snap: ExposureSnapshot): ExposureSnapshot {
  const bound = (list: ExposureSnapshot['clients']): ExposureSnapshot['clients'] =>
    list.slice(0, REPORT_RECIPIENTS).map((r, i) => (i < REPORT_HOURLY ? r : { ...r, hourly: [] }));
  return { endpoints: snap.endpoints, clients: bound(snap.clients), identities: bound(snap.identities), stats: snap.stats };
}

/** The `token_in_url` detection for a secret found in the path or query. */
function tokenInUrl(h: SensitiveHit): Detection {
  const where = h.location === 'query' ? `query parameter "${h.field}"` : `path segment ${h.field}`;
  return {
    type: 'token_in_url',
    category: 'sensitive',
    severity: HIGH_URL_SECRETS.has(h.type) ? 'high' : 'medium',
    evidence: `${h.type} in ${where}: ${h.masked}`,
    scope: 'client',
    rule: `sensitive.${h.type}`,
  };
}

/**
 * Whether the call authenticated: the identity analyzer's verdict when present, else whether the request carried a
 * credential (an Authorization-like header, a cookie, or a token-like query parameter).
 */
function authenticated(call: CallContext): boolean {
  if (call.auth !== null) return call.auth.scheme !== 'none';
  const headers = call.tx.requestHeaders;
  for (let i = 0; i < headers.length; i++) {
    const candidates = CREDENTIAL_BY_LENGTH[headers[i][0].length];
    if (candidates === undefined || headers[i][1].length === 0) continue;
    for (const c of candidates) if (equalsLower(headers[i][0], c)) return true;
  }
  return call.tx.query.length > 0 && CREDENTIAL_QUERY.test(call.tx.query);
}

/** `name` equals the lower-case ASCII `lower`, ignoring ASCII case. */
function equalsLower(name: string, lower: string): boolean {
  if (name.length !== lower.length) return false;
  for (let i = 0; i < name.length; i++) {
    let c = name.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}
