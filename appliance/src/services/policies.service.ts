/**
 * Policies in the service: CRUD with validation and audit, the built-in set seeded once, change listeners (the
 * pipelines pick changes up without a restart), and the actions policies raised in the pipelines (recorded, and
 * handed to whoever executes them: notifiers and the block list).
 */
import { ApiError } from '../errors/error.catalogue.ts';
import { BUILTIN_POLICIES } from '../policies/builtin.policies.ts';
import type { Policy, PolicyAction, PolicyInput } from '../policies/policy.types.ts';
import type { PoliciesRepository, PolicyEvent } from '../store/sqlite/policies.repository.ts';
import type { AuditRepository } from '../store/sqlite/audit.repository.ts';
import type { Clock } from '../store/clock.repository.ts';
import type { Principal } from './auth.service.ts';

/** Manages policies. */
export class PoliciesService {
  private readonly listeners: Array<(policies: Policy[]) => void> = [];
  /** Executes notify/block actions (set by the runtime once notifiers and the block list exist). */
  executor: (a: PolicyAction, eventId: number) => Promise<void> | void = () => undefined;

  constructor(
    private readonly repo: PoliciesRepository,
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
  ) {
    for (const b of BUILTIN_POLICIES) repo.insert(b.policy, clock.now(), b.key);
  }

  list(): Policy[] {
    return this.repo.list();
  }

  /** Enabled and disabled policies as the pipelines receive them. */
  snapshot(): Policy[] {
    return this.repo.list();
  }

  /** Calls `fn` with the new set after every change. */
  onChange(fn: (policies: Policy[]) => void): void {
    this.listeners.push(fn);
  }

  private changed(): void {
    const all = this.repo.list();
    for (const l of this.listeners) l(all);
  }

  get(id: number): Policy {
    const p = this.repo.get(id);
    if (p === undefined) throw new ApiError('not_found');
    return p;
  }

  create(p: PolicyInput, who: Principal, ip: string): Policy {
    const id = this.repo.insert(p, this.clock.now())!;
    this.audit.append({ at: this.clock.now(), userId: who.userId, username: who.username, action: 'policy.create', target: `policy:${id}`, ip, detail: { name: p.name } });
    this.changed();
    return this.get(id);
  }

  update(id: number, p: PolicyInput, who: Principal, ip: string): Policy {
    if (!this.repo.update(id, p, this.clock.now())) throw new ApiError('not_found');
    this.audit.append({ at: this.clock.now(), userId: who.userId, username: who.username, action: 'policy.update', target: `policy:${id}`, ip, detail: { name: p.name, enabled: p.enabled } });
    this.changed();
    return this.get(id);
  }

  remove(id: number, who: Principal, ip: string): void {
    const p = this.get(id);
    if (p.builtin) throw new ApiError('conflict', undefined, 'Built-in policies cannot be deleted; disable them instead.');
    this.repo.delete(id);
    this.audit.append({ at: this.clock.now(), userId: who.userId, username: who.username, action: 'policy.delete', target: `policy:${id}`, ip, detail: { name: p.name } });
    this.changed();
  }

  /** Records an action raised in a pipeline and hands it to the executor. */
  async handleAction(a: PolicyAction): Promise<number> {
    const id = this.repo.recordEvent(a, this.clock.now());
    await this.executor(a, id);
    return id;
  }

  /** Recent policy actions. */
  events(limit: number): PolicyEvent[] {
    return this.repo.events(limit);
  }
}
