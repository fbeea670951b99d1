/**
 * Declared specs in the service: upload (validated and reduced by specs/spec.loader.ts, stored in SQLite with its
 * text), list, delete, and applying them to an analysis report for the inventory views (declared templates win,
 * shadow/zombie findings) and the spec-vs-traffic comparison (shadow, zombie, orphan, drift).
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { ApiError } from '../errors/error.catalogue.ts';
import { readBodyText } from '../server/body.reader.ts';
import { loadSpec, SpecError, type DeclaredSpec } from '../specs/spec.loader.ts';
import { SpecMatcher, type AttachedSpec } from '../specs/spec.matcher.ts';
import { applySpecsToReport, type InventoryDiff } from '../specs/spec.diff.ts';
import { hostEntryError } from '../pipeline/host.filter.ts';
import type { AnalysisReport } from '../analysis/analysis-report.types.ts';
import type { SpecsRepository, StoredSpec } from '../store/sqlite/specs.repository.ts';
import type { AuditRepository } from '../store/sqlite/audit.repository.ts';
import type { Clock } from '../store/clock.repository.ts';
import type { Principal } from './auth.service.ts';

/** Largest spec accepted. */
export const MAX_SPEC_BYTES = 20 * 1024 * 1024;

/** Manages declared specs. */
export class SpecsService {
  private loaded = new Map<number, DeclaredSpec>();
  private matcherCache: SpecMatcher | null = null;
  private applied = new WeakMap<AnalysisReport, { matcher: SpecMatcher; report: AnalysisReport; diff: InventoryDiff }>();

  constructor(
    private readonly repo: SpecsRepository,
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
  ) {}

  /** Stores an uploaded spec (raw body) attached to `hosts`. */
  async upload(body: Readable, name: string, hosts: string[], who: Principal, ip: string): Promise<StoredSpec & { created: boolean }> {
    const safeName = name.replace(/[^\w.\- ]/g, '_').slice(0, 128) || 'spec';
    const cleanHosts = [...new Set(hosts.map((h) => h.trim().toLowerCase()).filter((h) => h !== ''))];
    for (const h of cleanHosts) {
      if (h.includes('/') || hostEntryError(h) !== null) throw new ApiError('validation_failed', [{ path: 'hosts', message: `${h} is not a host name` }]);
    }
    const text = await readBodyText(body, MAX_SPEC_BYTES);
    let spec: DeclaredSpec;
    try {
      spec = await loadSpec(text);
    } catch (err) {
      if (err instanceof SpecError) throw new ApiError('validation_failed', [{ path: 'body', message: err.message }], err.message);
      throw err;
    }
    const sha256 = createHash('sha256').update(text).digest('hex');
    const { id, created } = this.repo.add({ name: safeName, hosts: cleanHosts, format: spec.format, title: spec.title.slice(0, 200), version: spec.version.slice(0, 50), operations: spec.operations.length, sha256, uploadedBy: who.username, uploadedAt: this.clock.now(), content: text });
    this.loaded.set(id, spec);
    this.matcherCache = null;
    if (created) this.audit.append({ at: this.clock.now(), userId: who.userId, username: who.username, action: 'spec.upload', target: `spec:${id}`, ip, detail: { name: safeName, hosts: cleanHosts, operations: spec.operations.length } });
    return { ...this.repo.get(id)!, created };
  }

  list(): StoredSpec[] {
    return this.repo.list();
  }

  /** One spec with its declared operations. */
  async get(id: number): Promise<(StoredSpec & { spec: DeclaredSpec }) | undefined> {
    const s = this.repo.get(id);
    if (s === undefined) return undefined;
    return { ...s, spec: await this.declared(id) };
  }

  /** Deletes a spec. */
  remove(id: number, who: Principal, ip: string): void {
    if (!this.repo.remove(id)) throw new ApiError('not_found');
    this.loaded.delete(id);
    this.matcherCache = null;
    this.audit.append({ at: this.clock.now(), userId: who.userId, username: who.username, action: 'spec.delete', target: `spec:${id}`, ip, detail: {} });
  }

  private async declared(id: number): Promise<DeclaredSpec> {
    let s = this.loaded.get(id);
    if (s === undefined) {
      s = await loadSpec(this.repo.content(id) ?? '');
      this.loaded.set(id, s);
    }
    return s;
  }

  /** The matcher over every stored spec (rebuilt after a change). */
  async matcher(): Promise<SpecMatcher> {
    if (this.matcherCache !== null) return this.matcherCache;
    const attached: AttachedSpec[] = [];
    for (const s of this.repo.list()) attached.push({ id: s.id, name: s.name, hosts: s.hosts, spec: await this.declared(s.id) });
    this.matcherCache = new SpecMatcher(attached);
    return this.matcherCache;
  }

  /** `report` with the specs applied, and the comparison (cached per report and spec set). */
  async apply(report: AnalysisReport): Promise<{ report: AnalysisReport; diff: InventoryDiff }> {
    const matcher = await this.matcher();
    const hit = this.applied.get(report);
    if (hit !== undefined && hit.matcher === matcher) return hit;
    const r = applySpecsToReport(report, matcher);
    this.applied.set(report, { matcher, ...r });
    return r;
  }
}
