/**
 * The sensitive-data analyzer: scans calls with the detector library (sensitive.scanner.ts), puts the masked hits
 * on `call.sensitive`, and aggregates where personal and secret data flows:
 * - per endpoint and per field: which types, in the request or the response, how often, at what level; an endpoint
 *   is labelled by its highest level (credentials that authenticate the call itself are not exposure);
 * - per client IP and per identity: sensitive records received (records = distinct values per type per response);
 * - detections `unauthenticated_sensitive_api` (an endpoint serving level ≥ 3 data to calls without auth) and
 *   `token_in_url` (tokens, keys or passwords in the path or query).
 *
 * Cost control: every call of an endpoint is scanned until the endpoint has `fullScanCalls` calls; after that, calls
 * of endpoints that carried sensitive data are scanned one in `sampleCarrying`, the others one in `sampleClean`;
 * and a global budget caps the share of calls scanned (`maxScanShare`, after `burstScans`), an endpoint's first call
 * always being scanned. Counts from sampled calls are scaled by the endpoint's calls per scanned call (estimates).
 */
import type { AnalysisReport } from '../../analysis/analysis-report.types.ts';
import type { Analyzer } from '../analyzer.types.ts';
import type { CallContext } from '../call.context.ts';
import type { SensitivityLevel } from './detector.types.ts';
import { SENSITIVE_DETECTORS } from './detector.registry.ts';
import { SensitiveScanner, type SensitiveHit } from './sensitive.scanner.ts';

/** Settings of the analyzer. */
export interface SensitiveSettings {
  /** Level per type id (defaults from the detectors; users edit them). */
  levels: Readonly<Record<string, SensitivityLevel>>;
  fullScanCalls: number;
  sampleCarrying: number;
  sampleClean: number;
  /**
   * Global scan budget: at most this share of all calls is scanned (after `burstScans`), so scanning keeps up with
   * the engine whatever the number of endpoints. An endpoint's first call is always scanned.
   */
  maxScanShare: number;
  burstScans: number;
  /** Lowest level that makes an unauthenticated endpoint a finding. */
  unauthenticatedMinLevel: SensitivityLevel;
  /** Fields remembered per endpoint. */
  maxFieldsPerEndpoint: number;
}

/** The detectors' default levels. */
export function defaultLevels(): Record<string, SensitivityLevel> {
  return Object.fromEntries(SENSITIVE_DETECTORS.map((d) => [d.id, d.defaultLevel]));
}

/** Defaults. */
export const DEFAULT_SENSITIVE_SETTINGS: SensitiveSettings = {
  levels: defaultLevels(),
  fullScanCalls: 50,
  sampleCarrying: 4,
  sampleClean: 32,
  maxScanShare: 0.1,
  burstScans: 2000,
  unauthenticatedMinLevel: 3,
  maxFieldsPerEndpoint: 256,
};

/** What is known about one field of an endpoint. */
export interface FieldExposure {
  type: string;
  direction: 'request' | 'response';
  location: string;
  field: string;
  level: SensitivityLevel;
  /** Values seen (estimated when sampled). */
  count: number;
  /** A masked example. */
  example: string;
}

interface EndpointAcc {
  calls: number;
  scanned: number;
  /** `calls` at the previous scan: a scanned call stands for the calls since then. */
  callsAtLastScan: number;
  carrying: boolean;
  fields: Map<string, FieldExposure>;
}

/** URL locations: a secret here is a `token_in_url`. */
const URL_LOCATIONS = new Set(['path', 'query']);
const SECRET_TYPES = new Set(SENSITIVE_DETECTORS.filter((d) => d.secret).map((d) => d.id));

/** Scans calls for sensitive data and aggregates its exposure. */
export class SensitiveAnalyzer implements Analyzer {
  readonly id = 'sensitive';
  private readonly scanner = new SensitiveScanner();
  private readonly endpoints = new Map<string, EndpointAcc>();
  private readonly clientRecords = new Map<string, number>();
  private readonly identityRecords = new Map<string, number>();
  /** Calls scanned and skipped by sampling. */
  scanned = 0;
  skipped = 0;
  private calls = 0;

  constructor(private readonly settings: SensitiveSettings = DEFAULT_SENSITIVE_SETTINGS) {}

  onCall(call: CallContext): void {
    const tx = call.tx;
    const key = call.endpoint?.key ?? `${call.host} ${tx.method} ${tx.path}`;
    let ep = this.endpoints.get(key);
    if (ep === undefined) {
      ep = { calls: 0, scanned: 0, callsAtLastScan: 0, carrying: false, fields: new Map() };
      this.endpoints.set(key, ep);
    }
    ep.calls++;
    this.calls++;
    const s = this.settings;
    if (ep.calls > s.fullScanCalls) {
      const every = ep.carrying ? s.sampleCarrying : s.sampleClean;
      if (ep.calls % every !== 0) {
        this.skipped++;
        return;
      }
    }
    if (ep.scanned > 0 && this.scanned >= s.burstScans + this.calls * s.maxScanShare) {
      this.skipped++;
      return;
    }
    this.scanned++;
    ep.scanned++;
    // each scanned call stands for the endpoint's calls since its previous scan
    const factor = ep.calls - ep.callsAtLastScan;
    ep.callsAtLastScan = ep.calls;
    const hits = this.scanner.scan(tx);
    if (hits.length === 0) return;
    ep.carrying = true;
    const masked: SensitiveHit[] = [];
    let tokenInUrl: SensitiveHit | null = null;
    let responseMaxLevel = 0;
    const perType = new Map<string, Set<string>>();
    for (const h of hits) {
      const level = s.levels[h.type] ?? 2;
      masked.push({ ...h, value: '' });
      // credentials that authenticate the call (Authorization, session cookies) are auth, not data exposure
      if (h.credential) continue;
      const fkey = `${h.direction}\u0000${h.location}\u0000${h.field}\u0000${h.type}`;
      let f = ep.fields.get(fkey);
      if (f === undefined && ep.fields.size < s.maxFieldsPerEndpoint) {
        f = { type: h.type, direction: h.direction, location: h.location, field: h.field, level, count: 0, example: h.masked };
        ep.fields.set(fkey, f);
      }
      if (f !== undefined) f.count += factor;
      if (h.direction === 'request' && URL_LOCATIONS.has(h.location) && (SECRET_TYPES.has(h.type) || h.type === 'password') && tokenInUrl === null) tokenInUrl = h;
      if (h.direction === 'response') {
        if (level > responseMaxLevel) responseMaxLevel = level;
        let set = perType.get(h.type);
        if (set === undefined) {
          set = new Set();
          perType.set(h.type, set);
        }
        set.add(h.value);
      }
    }
    call.sensitive = masked;
    let records = 0;
    for (const set of perType.values()) records += set.size;
    if (records > 0) {
      records *= factor;
      this.clientRecords.set(tx.clientIp, (this.clientRecords.get(tx.clientIp) ?? 0) + records);
      const id = call.auth?.identity ?? '';
      if (id !== '') this.identityRecords.set(id, (this.identityRecords.get(id) ?? 0) + records);
    }
    if (tokenInUrl !== null) {
      call.detections.push({
        type: 'token_in_url',
        category: 'sensitive',
        severity: 'medium',
        evidence: `${tokenInUrl.type} in ${tokenInUrl.location} ${tokenInUrl.field}: ${tokenInUrl.masked}`,
        rule: `sensitive.${tokenInUrl.type}`,
      });
    }
    const scheme = call.auth?.scheme ?? 'none';
    if (scheme === 'none' && responseMaxLevel >= s.unauthenticatedMinLevel && tx.status !== null && tx.status < 300) {
      const types = [...perType.keys()].sort().join(', ');
      call.detections.push({
        type: 'unauthenticated_sensitive_api',
        category: 'sensitive',
        severity: responseMaxLevel >= 4 ? 'high' : 'medium',
        evidence: `level ${responseMaxLevel} data (${types}) served to a call without authentication`,
        scope: 'endpoint',
      });
    }
  }

  /** Exposure per endpoint key (fields sorted by level, then count). */
  exposure(): Map<string, FieldExposure[]> {
    const out = new Map<string, FieldExposure[]>();
    for (const [key, ep] of this.endpoints) {
      if (ep.fields.size === 0) continue;
      out.set(key, [...ep.fields.values()].sort((a, b) => b.level - a.level || b.count - a.count));
    }
    return out;
  }

  contribute(report: AnalysisReport): void {
    const byKey = this.exposure();
    for (const e of report.endpoints) {
      const fields = byKey.get(`${e.host} ${e.method} ${e.path}`);
      if (fields !== undefined) e.sensitive = [...new Set(fields.map((f) => f.type))].sort();
    }
    for (const c of report.clients) c.sensitiveRecords = Math.round(this.clientRecords.get(c.ip) ?? 0);
  }
}
