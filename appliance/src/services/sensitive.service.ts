/**
 * The sensitive-data page's service: sensitive types with their levels (edits audited and stored), which endpoints
 * and fields carry each type, and which clients and identities received the most records. Exposure comes from the
 * analysis reports (`report.sensitive`), merged into SQLite by {@link SensitiveService.ingest}; levels are applied
 * when read, so an edit relabels every view at once. Only type ids, field names and counts: never a value.
 */
import type { AnalysisReport } from '../analysis/analysis-report.types.ts';
import type { SensitivityLevel } from '../analyzers/sensitive/detector.types.ts';
import type { TypeLevelView } from '../analyzers/sensitive/sensitivity-levels.service.ts';
import { SensitivityLevelError, SensitivityLevelsService } from '../analyzers/sensitive/sensitivity-levels.service.ts';
import type { FieldExposureRow, SensitiveRepository } from '../store/sqlite/sensitive.repository.ts';
import type { AuditRepository } from '../store/sqlite/audit.repository.ts';
import type { Clock } from '../store/clock.repository.ts';
import type { Principal } from './auth.service.ts';
import { ApiError } from '../errors/error.catalogue.ts';

/** A type with its level and how widely it travels. */
export interface SensitiveTypeSummary extends TypeLevelView {
  /** Endpoints carrying it. */
  endpoints: number;
  /** Fields carrying it (over all endpoints). */
  fields: number;
  /** Values seen (request and response). */
  hits: number;
  /** Records clients received. */
  records: number;
}

/** One field of an endpoint carrying a type. */
export interface SensitiveFieldView {
  direction: 'request' | 'response';
  location: string;
  field: string;
  hits: number;
  firstSeenUs: number;
  lastSeenUs: number;
}

/** An endpoint and its fields carrying one type (or every type). */
export interface SensitiveEndpointView {
  host: string;
  method: string;
  path: string;
  /** Highest level of the types it carries (current levels): the endpoint's label. */
  level: SensitivityLevel;
  types: Array<{ typeId: string; level: SensitivityLevel; hits: number }>;
  fields: Array<SensitiveFieldView & { typeId: string; level: SensitivityLevel }>;
}

/** A client IP or identity and the records it received. */
export interface SensitiveRecipientView {
  kind: 'ip' | 'identity';
  id: string;
  /** Records of types at level ≥ 2 (or of the asked type). */
  records: number;
  responses: number;
  peakHourRecords: number;
  byType: Array<{ typeId: string; level: SensitivityLevel; records: number }>;
  firstSeenUs: number;
  lastSeenUs: number;
}

/** Lowest level counted in records (as the analyzer's default `recordMinLevel`). */
const RECORD_MIN_LEVEL = 2;

/** Types, levels, exposure and recipients for the API. */
export class SensitiveService {
  readonly levels: SensitivityLevelsService;

  constructor(
    private readonly repo: SensitiveRepository,
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
  ) {
    this.levels = new SensitivityLevelsService(repo);
  }

  /** Stores the sensitive part of a finished analysis (field exposure; records per recipient, replacing `source`'s). */
  ingest(report: AnalysisReport, source: string): void {
    const s = report.sensitive;
    if (s === undefined) return;
    this.repo.saveFieldExposure(s.endpoints);
    this.repo.replaceRecipients(source, s.clients, s.identities);
  }

  /** Every type with its levels and totals, highest level first. */
  types(): SensitiveTypeSummary[] {
    const fields = this.repo.fieldExposure();
    const records = new Map<string, number>();
    for (const r of this.repo.recipientRecords('ip')) records.set(r.typeId, (records.get(r.typeId) ?? 0) + r.records);
    return this.levels
      .list()
      .map((t) => {
        const own = fields.filter((f) => f.typeId === t.typeId);
        const endpoints = new Set(own.map(endpointKey));
        return { ...t, endpoints: endpoints.size, fields: own.length, hits: own.reduce((n, f) => n + f.hits, 0), records: records.get(t.typeId) ?? 0 };
      })
      .sort((a, b) => b.level - a.level || b.endpoints - a.endpoints || a.typeId.localeCompare(b.typeId));
  }

  /** Sets a type's level (audited). */
  setLevel(typeId: string, level: number, who: Principal, ip: string): TypeLevelView {
    const before = this.typeView(typeId);
    try {
      this.levels.set(typeId, level, who.username);
    } catch (err) {
      if (err instanceof SensitivityLevelError) throw new ApiError('validation_failed', [{ path: 'level', message: err.message }]);
      throw err;
    }
    this.audit.append({ at: this.clock.now(), userId: who.userId, username: who.username, action: 'sensitive.level_set', target: `sensitive_type:${typeId}`, ip, detail: { from: before.level, to: level } });
    return this.typeView(typeId);
  }

  /** Puts a type back to its default level (audited). */
  resetLevel(typeId: string, who: Principal, ip: string): TypeLevelView {
    const before = this.typeView(typeId);
    this.levels.reset(typeId);
    this.audit.append({ at: this.clock.now(), userId: who.userId, username: who.username, action: 'sensitive.level_reset', target: `sensitive_type:${typeId}`, ip, detail: { from: before.level, to: before.defaultLevel } });
    return this.typeView(typeId);
  }

  /** Endpoints with their fields, highest level first; only those carrying `typeId` (and only its fields) when given. */
  endpoints(opts: { typeId?: string; host?: string; limit?: number } = {}): SensitiveEndpointView[] {
    if (opts.typeId !== undefined) this.typeView(opts.typeId);
    const level = this.levels.levels();
    const lv = (t: string): SensitivityLevel => level.get(t) ?? 1;
    const byEndpoint = new Map<string, SensitiveEndpointView>();
    for (const f of this.repo.fieldExposure()) {
      if (opts.typeId !== undefined && f.typeId !== opts.typeId) continue;
      if (opts.host !== undefined && f.host !== opts.host) continue;
      const k = endpointKey(f);
      let e = byEndpoint.get(k);
      if (e === undefined) {
        e = { host: f.host, method: f.method, path: f.path, level: 1, types: [], fields: [] };
        byEndpoint.set(k, e);
      }
      const l = lv(f.typeId);
      if (l > e.level) e.level = l;
      const t = e.types.find((x) => x.typeId === f.typeId);
      if (t === undefined) e.types.push({ typeId: f.typeId, level: l, hits: f.hits });
      else t.hits += f.hits;
      e.fields.push({ direction: f.direction, location: f.location, field: f.field, typeId: f.typeId, level: l, hits: f.hits, firstSeenUs: f.firstSeenUs, lastSeenUs: f.lastSeenUs });
    }
    const out = [...byEndpoint.values()];
    for (const e of out) {
      e.types.sort((a, b) => b.level - a.level || a.typeId.localeCompare(b.typeId));
      e.fields.sort((a, b) => b.level - a.level || a.direction.localeCompare(b.direction) || a.field.localeCompare(b.field));
    }
    out.sort((a, b) => b.level - a.level || a.host.localeCompare(b.host) || a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
    return out.slice(0, opts.limit ?? 500);
  }

  /** Client IPs (or identities) by records received, most first; of one type when `typeId` is given. */
  recipients(opts: { kind?: 'ip' | 'identity'; typeId?: string; limit?: number } = {}): SensitiveRecipientView[] {
    if (opts.typeId !== undefined) this.typeView(opts.typeId);
    const kind = opts.kind ?? 'ip';
    const level = this.levels.levels();
    const by = new Map<string, SensitiveRecipientView>();
    for (const r of this.repo.recipientRecords(kind)) {
      let v = by.get(r.recipient);
      if (v === undefined) {
        v = { kind, id: r.recipient, records: 0, responses: 0, peakHourRecords: 0, byType: [], firstSeenUs: r.firstSeenUs, lastSeenUs: r.lastSeenUs };
        by.set(r.recipient, v);
      }
      const l = level.get(r.typeId) ?? 1;
      v.byType.push({ typeId: r.typeId, level: l, records: r.records });
      if (opts.typeId === undefined ? l >= RECORD_MIN_LEVEL : r.typeId === opts.typeId) v.records += r.records;
      v.responses = Math.max(v.responses, r.responses);
      v.peakHourRecords = Math.max(v.peakHourRecords, r.peakHourRecords);
      v.firstSeenUs = Math.min(v.firstSeenUs, r.firstSeenUs);
      v.lastSeenUs = Math.max(v.lastSeenUs, r.lastSeenUs);
    }
    const out = [...by.values()].filter((v) => v.records > 0);
    for (const v of out) v.byType.sort((a, b) => b.records - a.records || a.typeId.localeCompare(b.typeId));
    out.sort((a, b) => b.records - a.records || a.id.localeCompare(b.id));
    return out.slice(0, opts.limit ?? 50);
  }

  /** One type's level view; `not_found` for an unknown type id. */
  private typeView(typeId: string): TypeLevelView {
    const t = this.levels.list().find((x) => x.typeId === typeId);
    if (t === undefined) throw new ApiError('not_found', undefined, `unknown sensitive type: ${typeId}`);
    return t;
  }
}

function endpointKey(f: FieldExposureRow): string {
  return `${f.host}\u0000${f.method}\u0000${f.path}`;
}
