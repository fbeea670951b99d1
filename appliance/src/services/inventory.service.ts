/**
 * The stored API inventory and its lifecycle. Every analysed source (an upload, a live capture session) reports its
 * endpoints; `ingest` merges them into SQLite idempotently (a source's contribution is replaced, never added twice),
 * records new and revived endpoints, and follows re-templating (an endpoint a source no longer reports because a
 * broader template now covers it is merged into that template, with a change-log entry). `runLifecycle` moves
 * endpoints through new → active → dormant (not seen for N days) → revived, leaving user-retired ones alone.
 * User decisions on templates (pin, split, dissolve) are stored here and handed to the pipelines' templaters.
 */
import { z } from 'zod';
import type { AnalysisReport, ReportEndpoint } from '../analysis/analysis-report.types.ts';
import { SpecMatcher } from '../specs/spec.matcher.ts';
import type { DeclaredOperation } from '../specs/spec.loader.ts';
import type { EndpointFilter, EndpointObservation, EndpointState, InventoryChange, InventoryRepository, StoredDecision, StoredEndpoint } from '../store/sqlite/inventory.repository.ts';
import type { TemplateDecision } from '../analyzers/inventory/path.templater.ts';
import type { SettingsRepository } from '../store/sqlite/settings.repository.ts';
import type { AuditRepository } from '../store/sqlite/audit.repository.ts';
import type { Clock } from '../store/clock.repository.ts';
import { ApiError } from '../errors/error.catalogue.ts';
import type { Principal } from './auth.service.ts';

const DAY_MS = 86_400_000;

/** Lifecycle settings (stored under `lifecycle`). */
export const LifecycleSettingsSchema = z.object({
  /** An endpoint first seen within this many days is `new`. */
  newDays: z.number().int().min(1).max(365),
  /** An endpoint not seen for this many days is `dormant`. */
  dormantDays: z.number().int().min(1).max(3650),
});
/** Lifecycle settings. */
export type LifecycleSettings = z.infer<typeof LifecycleSettingsSchema>;
/** Defaults. */
export const DEFAULT_LIFECYCLE: LifecycleSettings = { newDays: 7, dormantDays: 30 };

/** A split asked by a user: values kept literal at a parameter position, or (no values) the parameter dissolved. */
export const SplitRequestSchema = z.object({
  /** 0-based segment position of the parameter; the last parameter when omitted. */
  position: z.number().int().min(0).max(63).optional(),
  values: z.array(z.string().min(1).max(200).refine((v) => !v.includes('/'), 'a value is one path segment')).min(1).max(100).optional(),
});
/** A split request. */
export type SplitRequest = z.infer<typeof SplitRequestSchema>;

/** What one ingest did. */
export interface IngestResult {
  added: number;
  updated: number;
  revived: number;
  merged: number;
}

/** What one lifecycle pass did. */
export interface LifecycleResult {
  dormant: number;
  active: number;
  checked: number;
}

function ms(iso: string): number {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : 0;
}

/** The stored inventory. */
export class InventoryService {
  private readonly decisionListeners: Array<() => void> = [];

  constructor(
    private readonly repo: InventoryRepository,
    private readonly settings: SettingsRepository,
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
  ) {}

  /** Lifecycle settings. */
  lifecycleSettings(): LifecycleSettings {
    const r = LifecycleSettingsSchema.safeParse({ ...DEFAULT_LIFECYCLE, ...(this.settings.get<object>('lifecycle') ?? {}) });
    return r.success ? r.data : DEFAULT_LIFECYCLE;
  }

  /** Stores new lifecycle settings. */
  setLifecycleSettings(v: LifecycleSettings, who: Principal, ip: string): LifecycleSettings {
    this.settings.set('lifecycle', v, this.clock.now());
    this.audit.append({ at: this.clock.now(), userId: who.userId, username: who.username, action: 'settings.lifecycle', target: 'lifecycle', ip, detail: v });
    return this.lifecycleSettings();
  }

  /** Merges the endpoints of `report` (declared specs already applied) as source `source`'s contribution. */
  ingest(report: AnalysisReport, source: string): IngestResult {
    const now = this.clock.now();
    const result: IngestResult = { added: 0, updated: 0, revived: 0, merged: 0 };
    this.repo.transaction(() => {
      const previous = new Set(this.repo.contributedBy(source));
      for (const e of report.endpoints) {
        const o: EndpointObservation = {
          host: e.host, method: e.method, template: e.path, calls: e.calls, firstSeen: ms(e.firstSeen), lastSeen: ms(e.lastSeen),
          statuses: e.statuses, auth: e.auth, sensitive: e.sensitive, params: e.params, inSpec: e.inSpec, deprecated: e.deprecated, risk: e.risk,
          ...(e.deprecation === undefined ? {} : { deprecation: e.deprecation }),
          ...(e.requestSchema === undefined ? {} : { requestSchema: e.requestSchema }),
          ...(e.responseSchema === undefined ? {} : { responseSchema: e.responseSchema }),
        };
        const existing = this.repo.find(o.host, o.method, o.template);
        let id: number;
        if (existing === undefined) {
          id = this.repo.insert(o, now);
          this.repo.logChange(now, o, 'new', { source, calls: o.calls });
          result.added++;
        } else {
          id = existing.id;
          this.repo.updateFacts(id, o);
          result.updated++;
          if ((existing.state === 'dormant' || existing.state === 'retired') && o.lastSeen > existing.lastSeen) {
            this.repo.setState(id, 'revived', now);
            this.repo.logChange(now, o, 'revived', { from: existing.state, source });
            result.revived++;
          }
        }
        this.repo.setContribution(id, source, o.calls, o.firstSeen, o.lastSeen);
        previous.delete(id);
      }
      if (previous.size > 0) result.merged = this.followRetemplating(report, source, previous, now);
    });
    this.runLifecycle();
    return result;
  }

  /**
   * Endpoints `source` contributed before but no longer reports: when a template of the new report covers one (the
   * templater merged literals into a parameter), its contribution moves there and, once no source is left, the old
   * endpoint is deleted with a `merged` change. Endpoints nothing covers keep their contribution.
   */
  private followRetemplating(report: AnalysisReport, source: string, stale: Set<number>, now: number): number {
    const ops: DeclaredOperation[] = report.endpoints.map((e) => ({ method: e.method, template: e.path, hosts: [e.host], deprecated: false, operationId: '', summary: '', params: [], statuses: [], requestMediaTypes: [] }));
    const matcher = new SpecMatcher([{ id: 0, name: source, hosts: [], spec: { format: 'observed', title: '', version: '', hosts: [], operations: ops } }]);
    let merged = 0;
    for (const id of stale) {
      const old = this.repo.get(id);
      if (old === undefined || old.pinned) continue;
      const into = matcher.match(old.host, old.method, old.template);
      if (into === null || into.operation.template === old.template) continue;
      const left = this.repo.removeContribution(id, source);
      if (left === 0) {
        this.repo.logChange(now, old, 'merged', { into: into.operation.template, calls: old.calls });
        this.repo.delete(id);
        merged++;
      }
    }
    return merged;
  }

  /** One lifecycle pass at the clock's time. */
  runLifecycle(): LifecycleResult {
    const now = this.clock.now();
    const { newDays, dormantDays } = this.lifecycleSettings();
    const out: LifecycleResult = { dormant: 0, active: 0, checked: 0 };
    this.repo.transaction(() => {
      for (const e of this.repo.all()) {
        out.checked++;
        if (e.state === 'retired') continue;
        if (now - e.lastSeen > dormantDays * DAY_MS) {
          if (e.state !== 'dormant') {
            this.repo.setState(e.id, 'dormant', now);
            this.repo.logChange(now, e, 'dormant', { lastSeen: new Date(e.lastSeen).toISOString(), days: dormantDays });
            out.dormant++;
          }
          continue;
        }
        const fresh = (e.state === 'new' && now - e.firstSeen <= newDays * DAY_MS) || (e.state === 'revived' && now - e.stateSince <= newDays * DAY_MS);
        if (!fresh && e.state !== 'active') {
          this.repo.setState(e.id, 'active', now);
          out.active++;
        }
      }
    });
    return out;
  }

  /** Marks an endpoint retired by a user (it stays retired until it is seen again). */
  retire(id: number, who: Principal, ip: string): StoredEndpoint {
    const e = this.repo.get(id);
    if (e === undefined) throw new ApiError('not_found');
    const now = this.clock.now();
    this.repo.setState(id, 'retired', now);
    this.repo.logChange(now, e, 'retired', { by: who.username });
    this.audit.append({ at: now, userId: who.userId, username: who.username, action: 'inventory.retire', target: `endpoint:${id}`, ip, detail: { host: e.host, method: e.method, template: e.template } });
    return this.repo.get(id)!;
  }

  /** Pins an endpoint's template: the templaters never merge or re-template it again. */
  pin(id: number, who: Principal, ip: string): StoredEndpoint {
    const e = this.endpointOrThrow(id);
    const now = this.clock.now();
    this.repo.transaction(() => {
      if (e.pinned) return;
      this.repo.addDecision({ host: e.host, method: e.method, template: e.template, kind: 'pin', position: null, values: [], createdAt: now, createdBy: who.username });
      this.repo.logChange(now, e, 'pinned', { by: who.username });
    });
    this.audit.append({ at: now, userId: who.userId, username: who.username, action: 'inventory.pin', target: `endpoint:${id}`, ip, detail: { host: e.host, method: e.method, template: e.template } });
    this.decisionsChanged();
    return this.repo.get(id)!;
  }

  /** Removes the pin of an endpoint's template. */
  unpin(id: number, who: Principal, ip: string): StoredEndpoint {
    const e = this.endpointOrThrow(id);
    const now = this.clock.now();
    const removed = this.repo.transaction(() => {
      const n = this.repo.removeDecisions(e, 'pin');
      if (n > 0) this.repo.logChange(now, e, 'unpinned', { by: who.username });
      return n;
    });
    this.audit.append({ at: now, userId: who.userId, username: who.username, action: 'inventory.unpin', target: `endpoint:${id}`, ip, detail: { host: e.host, method: e.method, template: e.template } });
    if (removed > 0) this.decisionsChanged();
    return this.repo.get(id)!;
  }

  /**
   * Splits an endpoint's template at a parameter: the given values stay literal from now on, or without values the
   * parameter is dissolved (every value there becomes a literal endpoint of its own) and the stored endpoint is
   * removed, its calls being learnt again under the literal endpoints. Returns the endpoint when it still exists.
   */
  split(id: number, req: SplitRequest, who: Principal, ip: string): { endpoint: StoredEndpoint | null; decision: StoredDecision } {
    const e = this.endpointOrThrow(id);
    const positions = e.template.split('/').slice(1).flatMap((seg, i) => (seg.includes('{') ? [i] : []));
    const position = req.position ?? positions[positions.length - 1];
    if (position === undefined || !positions.includes(position)) {
      throw new ApiError('validation_failed', [{ path: 'position', message: `must be the position of a parameter of ${e.template}: ${positions.join(', ') || 'none'}` }]);
    }
    const now = this.clock.now();
    const kind = req.values === undefined ? 'dissolve' : 'split';
    const d: Omit<StoredDecision, 'id'> = { host: e.host, method: e.method, template: e.template, kind, position, values: req.values ?? [], createdAt: now, createdBy: who.username };
    const decisionId = this.repo.transaction(() => {
      const n = this.repo.addDecision(d);
      this.repo.logChange(now, e, kind === 'split' ? 'split' : 'dissolved', { by: who.username, position, values: d.values });
      if (kind === 'dissolve') this.repo.delete(id);
      return n;
    });
    this.audit.append({ at: now, userId: who.userId, username: who.username, action: `inventory.${kind}`, target: `endpoint:${id}`, ip, detail: { host: e.host, method: e.method, template: e.template, position, values: d.values } });
    this.decisionsChanged();
    return { endpoint: this.repo.get(id) ?? null, decision: { id: decisionId, ...d } };
  }

  /** The stored decisions, as the templaters take them. */
  decisions(): TemplateDecision[] {
    return this.repo.decisions().map((d) => ({ host: d.host, method: d.method, template: d.template, kind: d.kind, ...(d.position === null ? {} : { position: d.position }), ...(d.values.length > 0 ? { values: d.values } : {}) }));
  }

  /** Calls `fn` whenever the decisions change (the runtime pushes them to the live pipelines). */
  onDecisionsChange(fn: () => void): void {
    this.decisionListeners.push(fn);
  }

  private decisionsChanged(): void {
    for (const fn of this.decisionListeners) fn();
  }

  private endpointOrThrow(id: number): StoredEndpoint {
    const e = this.repo.get(id);
    if (e === undefined) throw new ApiError('not_found');
    return e;
  }

  /** Stored endpoints. */
  list(f: EndpointFilter): { endpoints: StoredEndpoint[]; total: number } {
    return this.repo.list(f);
  }

  get(id: number): StoredEndpoint | undefined {
    return this.repo.get(id);
  }

  /** Hosts with their endpoint counts by state. */
  hosts(): ReturnType<InventoryRepository['hosts']> {
    return this.repo.hosts();
  }

  /** The change log since `sinceMs`. */
  changes(sinceMs: number, limit: number): InventoryChange[] {
    return this.repo.changes(sinceMs, limit);
  }

  /** The stored endpoints in the analysis-report shape (for the spec comparison and the OpenAPI export). */
  asReportEndpoints(host?: string): ReportEndpoint[] {
    return this.repo.list({ host, limit: 5000 }).endpoints.map((e) => ({
      host: e.host,
      method: e.method,
      path: e.template,
      calls: e.calls,
      statuses: e.statuses,
      auth: e.auth,
      sensitive: e.sensitive,
      params: e.params,
      inSpec: e.inSpec,
      deprecated: e.deprecated,
      risk: e.risk,
      ...(e.deprecation === null ? {} : { deprecation: e.deprecation }),
      ...(e.requestSchema === undefined ? {} : { requestSchema: e.requestSchema }),
      ...(e.responseSchema === undefined ? {} : { responseSchema: e.responseSchema }),
      firstSeen: new Date(e.firstSeen).toISOString(),
      lastSeen: new Date(e.lastSeen).toISOString(),
    }));
  }

  /** Counts by state across hosts (overview card). */
  stateCounts(): Record<EndpointState, number> {
    const out: Record<EndpointState, number> = { new: 0, active: 0, dormant: 0, revived: 0, retired: 0 };
    for (const h of this.repo.hosts()) for (const [s, n] of Object.entries(h.states)) out[s as EndpointState] += n;
    return out;
  }
}
