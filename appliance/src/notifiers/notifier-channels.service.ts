/**
 * Notification channels as the API sees them: create, replace, delete and list, with settings validated by the kind's
 * plug-in schema and secrets write-only (returned as `********`; a PUT that sends the mask back keeps the stored
 * value). Every change is audited and applied to the dispatcher at once.
 */
import { z } from 'zod';
import { ApiError } from '../errors/error.catalogue.ts';
import type { AuditRepository } from '../store/sqlite/audit.repository.ts';
import type { Clock } from '../store/clock.repository.ts';
import type { DeliveryRecord, NotifierChannelsRepository, StoredChannel } from '../store/sqlite/notifier-channels.repository.ts';
import type { Principal } from '../services/auth.service.ts';
import { SEVERITIES } from './alert.types.ts';
import { RetryError, type AlertDispatcher } from './alert-dispatcher.service.ts';
import type { NotifierRegistry } from './notifier.registry.ts';
import type { NotifierPlugin } from './notifier.types.ts';

/** What the API shows in place of a stored secret. */
export const SECRET_MASK = '********';

/**
 * Waits after a failed alert delivery before each automatic retry (first, second, third). After the last one the
 * delivery stays failed and can still be sent again by hand.
 */
export const AUTO_RETRY_DELAYS_MS: readonly number[] = [60_000, 5 * 60_000, 30 * 60_000];

/** Failed deliveries older than this are not retried automatically. */
export const AUTO_RETRY_WINDOW_MS = 24 * 3_600_000;

/** The outcome of {@link NotifierChannelsService.retryDue}. */
export interface AutoRetryResult {
  retried: number;
  sent: number;
  failed: number;
}

/** The body of a channel create or replace. */
export const ChannelBodySchema = z.object({
  name: z.string().trim().min(1).max(100),
  kind: z.string().min(1).max(32),
  enabled: z.boolean().default(true),
  minSeverity: z.enum(SEVERITIES).default('medium'),
  groupWindowSeconds: z.number().int().min(0).max(86_400).default(60),
  maxPerMinute: z.number().int().min(1).max(1000).default(20),
  settings: z.record(z.string(), z.unknown()),
});

/** A channel create or replace, validated. */
export type ChannelBody = z.infer<typeof ChannelBodySchema>;

/** A channel as the API returns it (secrets masked). */
export type ChannelView = Omit<StoredChannel, 'settings'> & { settings: Record<string, unknown> };

function getPath(o: Record<string, unknown>, path: string): unknown {
  let cur: unknown = o;
  for (const k of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

function setPath(o: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let cur = o;
  for (const k of keys.slice(0, -1)) {
    const next = cur[k];
    if (next === null || typeof next !== 'object') return;
    cur = next as Record<string, unknown>;
  }
  cur[keys[keys.length - 1]] = value;
}

/** The concrete paths of `patterns` in `o`: `a.b` as is, `a.*` as every key of the object at `a`. */
function secretPaths(patterns: readonly string[], o: Record<string, unknown>): string[] {
  return patterns.flatMap((p) => {
    if (!p.endsWith('.*')) return [p];
    const parent = getPath(o, p.slice(0, -2));
    return parent !== null && typeof parent === 'object' ? Object.keys(parent).map((k) => `${p.slice(0, -1)}${k}`) : [];
  });
}

/** `settings` with every non-empty secret of `plugin` replaced by {@link SECRET_MASK}. */
export function redactSecrets(plugin: Pick<NotifierPlugin, 'secretFields'>, settings: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(settings);
  for (const p of secretPaths(plugin.secretFields, copy)) {
    const v = getPath(copy, p);
    if (typeof v === 'string' && v !== '') setPath(copy, p, SECRET_MASK);
  }
  return copy;
}

/** `incoming` with each secret that is {@link SECRET_MASK} replaced by the stored one ('' when none). */
export function keepSecrets(plugin: Pick<NotifierPlugin, 'secretFields'>, incoming: Record<string, unknown>, stored: Record<string, unknown> | undefined): Record<string, unknown> {
  const copy = structuredClone(incoming);
  for (const p of secretPaths(plugin.secretFields, copy)) {
    if (getPath(copy, p) === SECRET_MASK) setPath(copy, p, stored === undefined ? '' : (getPath(stored, p) ?? ''));
  }
  return copy;
}

/** Manages notification channels. */
export class NotifierChannelsService {
  constructor(
    private readonly repo: NotifierChannelsRepository,
    private readonly registry: NotifierRegistry,
    private readonly dispatcher: AlertDispatcher,
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
  ) {}

  /** The kinds with their labels and secret fields (for the settings form). */
  kinds(): Array<{ kind: string; label: NotifierPlugin['label']; secretFields: readonly string[]; settings: unknown }> {
    return this.registry.kinds().map((k) => {
      const p = this.registry.get(k)!;
      return { kind: k, label: p.label, secretFields: p.secretFields, settings: z.toJSONSchema(p.settings, { io: 'input', unrepresentable: 'any' }) };
    });
  }

  list(): ChannelView[] {
    return this.repo.list().map((c) => this.view(c));
  }

  get(id: number): ChannelView {
    const c = this.repo.get(id);
    if (c === undefined) throw new ApiError('not_found');
    return this.view(c);
  }

  /** Creates a channel; returns it. */
  create(body: ChannelBody, who: Principal, ip: string): ChannelView {
    const plugin = this.plugin(body.kind);
    if (this.repo.nameTaken(body.name)) throw new ApiError('conflict', undefined, 'A channel with that name exists.');
    const settings = this.validate(plugin, keepSecrets(plugin, body.settings, undefined));
    const id = this.repo.create({ name: body.name, kind: body.kind, enabled: body.enabled, minSeverity: body.minSeverity, groupWindowSeconds: body.groupWindowSeconds, maxPerMinute: body.maxPerMinute, settings }, this.clock.now());
    this.dispatcher.reload();
    this.audit.append({ at: this.clock.now(), userId: who.userId, username: who.username, action: 'notifier.create', target: `notifier:${id}`, ip, detail: { name: body.name, kind: body.kind } });
    return this.get(id);
  }

  /** Replaces channel `id` (same kind); masked secrets keep their stored values. */
  update(id: number, body: ChannelBody, who: Principal, ip: string): ChannelView {
    const stored = this.repo.get(id);
    if (stored === undefined) throw new ApiError('not_found');
    if (body.kind !== stored.kind) throw new ApiError('validation_failed', [{ path: 'kind', message: 'the kind of a channel cannot change; create a new channel' }]);
    if (this.repo.nameTaken(body.name, id)) throw new ApiError('conflict', undefined, 'A channel with that name exists.');
    const plugin = this.plugin(stored.kind);
    const settings = this.validate(plugin, keepSecrets(plugin, body.settings, stored.settings));
    this.repo.update(id, { name: body.name, enabled: body.enabled, minSeverity: body.minSeverity, groupWindowSeconds: body.groupWindowSeconds, maxPerMinute: body.maxPerMinute, settings }, this.clock.now());
    this.dispatcher.reload();
    this.audit.append({ at: this.clock.now(), userId: who.userId, username: who.username, action: 'notifier.update', target: `notifier:${id}`, ip, detail: { name: body.name } });
    return this.get(id);
  }

  /** Deletes channel `id` and its delivery records. */
  remove(id: number, who: Principal, ip: string): void {
    if (!this.repo.remove(id)) throw new ApiError('not_found');
    this.dispatcher.reload();
    this.audit.append({ at: this.clock.now(), userId: who.userId, username: who.username, action: 'notifier.delete', target: `notifier:${id}`, ip, detail: {} });
  }

  /** Delivery records newest first (of one channel when given; keyset paging with `beforeId`). */
  deliveries(limit: number, channelId?: number, beforeId?: number): DeliveryRecord[] {
    return this.repo.deliveries(limit, channelId, beforeId);
  }

  /** Deletes finished delivery records older than `maxAgeMs`; returns how many. */
  pruneDeliveries(maxAgeMs: number): number {
    return this.repo.pruneDeliveries(this.clock.now() - maxAgeMs);
  }

  /**
   * Sends again, on their own, the failed alert deliveries whose next retry is due ({@link AUTO_RETRY_DELAYS_MS});
   * deliveries of disabled or deleted channels wait. Each retry is a new delivery record pointing at the failed one.
   */
  async retryDue(): Promise<AutoRetryResult> {
    const now = this.clock.now();
    const out: AutoRetryResult = { retried: 0, sent: 0, failed: 0 };
    for (const d of this.repo.failedUnretried(now - AUTO_RETRY_WINDOW_MS, 200)) {
      const delay = AUTO_RETRY_DELAYS_MS[d.chainDepth];
      if (delay === undefined || d.finishedAt + delay > now) continue;
      const rec = this.repo.getDelivery(d.id);
      if (rec === undefined || this.repo.get(rec.channelId)?.enabled !== true) continue;
      let r: DeliveryRecord | undefined;
      try {
        r = await this.dispatcher.retry(d.id);
      } catch (err) {
        if (err instanceof RetryError) continue;
        throw err;
      }
      if (r === undefined) continue;
      out.retried++;
      if (r.status === 'sent') out.sent++;
      else out.failed++;
    }
    return out;
  }

  /** Sends failed delivery `id` again; 404 when unknown, 409 when it did not fail. */
  async retry(id: number, who: Principal, ip: string): Promise<DeliveryRecord> {
    let d: DeliveryRecord | undefined;
    try {
      d = await this.dispatcher.retry(id);
    } catch (err) {
      if (err instanceof RetryError) throw new ApiError('conflict', undefined, err.message);
      throw err;
    }
    if (d === undefined) throw new ApiError('not_found');
    this.audit.append({ at: this.clock.now(), userId: who.userId, username: who.username, action: 'notifier.retry', target: `delivery:${id}`, ip, detail: { status: d.status } });
    return d;
  }

  private plugin(kind: string): NotifierPlugin {
    const p = this.registry.get(kind);
    if (p === undefined) throw new ApiError('validation_failed', [{ path: 'kind', message: `unknown kind; one of ${this.registry.kinds().join(', ')}` }]);
    return p;
  }

  private validate(plugin: NotifierPlugin, settings: Record<string, unknown>): Record<string, unknown> {
    const r = plugin.settings.safeParse(settings);
    if (!r.success) throw new ApiError('validation_failed', r.error.issues.map((i) => ({ path: ['settings', ...i.path].join('.'), message: i.message })));
    return r.data as Record<string, unknown>;
  }

  private view(c: StoredChannel): ChannelView {
    const plugin = this.registry.get(c.kind);
    return { ...c, settings: plugin === undefined ? {} : redactSecrets(plugin, c.settings) };
  }
}
