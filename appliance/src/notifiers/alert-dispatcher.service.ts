/**
 * The alert dispatcher: the one entry point producers (the policy engine) call with an alert. It sends each alert to
 * every enabled channel whose minimum severity it meets, through that channel's grouper (grouping window and
 * per-minute limit, see alert.grouper.ts), and records every delivery (status, tries, what went wrong in words).
 * Time comes from the Clock: `pump()` sends what is due now; the service calls it every second, tests call it after
 * moving a ManualClock. What waits in the groupers is saved to SQLite at most once a second while it changes (and at
 * close), and taken back when the dispatcher is built, so a restart loses at most the last second of grouping.
 */
import type { Clock } from '../store/clock.repository.ts';
import type { DeliveryKind, DeliveryRecord, NotifierChannelsRepository, StoredChannel } from '../store/sqlite/notifier-channels.repository.ts';
import { AlertGrouper } from './alert.grouper.ts';
import { alertTitle, SUMMARY_TYPE, TEST_TYPE, testAlert } from './alert.format.ts';
import { AlertSchema, sanitizeAlert, severityRank, type Alert } from './alert.types.ts';
import { NotifierError, type Notifier, type NotifierContext } from './notifier.types.ts';
import type { NotifierRegistry } from './notifier.registry.ts';

/** Options of the dispatcher. */
export interface DispatcherOptions {
  version: string;
  /** Base URL of the UI for links in messages ('' when unknown). */
  publicUrl: string;
  /** Waits between retries (default: a timer). */
  sleep?: (ms: number) => Promise<void>;
  /** Where unexpected failures are logged. */
  log?: (line: string) => void;
}

interface ChannelState {
  channel: StoredChannel;
  grouper: AlertGrouper;
  notifier: Notifier | null;
  /** The channel's last queued delivery: messages of one channel go out one after another, in order. */
  queue: Promise<unknown>;
}

/** A delivery that cannot be sent again (it did not fail, or its alert is missing). */
export class RetryError extends Error {
  override readonly name = 'RetryError';
}

/** Least time between two saves of the waiting alerts. */
const SAVE_EVERY_MS = 1000;

/** Longest error text kept in a delivery record. */
const MAX_ERROR_CHARS = 500;

/** Sends alerts to the configured channels. */
export class AlertDispatcher {
  private readonly states = new Map<number, ChannelState>();
  private readonly inflight = new Set<Promise<void>>();
  private readonly ctx: NotifierContext;
  private readonly log: (line: string) => void;
  private lastSave = -Infinity;

  constructor(
    private readonly repo: NotifierChannelsRepository,
    private readonly registry: NotifierRegistry,
    private readonly clock: Clock,
    opts: DispatcherOptions,
  ) {
    this.ctx = {
      version: opts.version,
      publicUrl: opts.publicUrl,
      now: () => clock.now(),
      sleep: opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
    };
    this.log = opts.log ?? (() => {});
    this.reload();
  }

  /** Sets the base URL of the UI used for links in messages. */
  setPublicUrl(url: string): void {
    this.ctx.publicUrl = url.replace(/\/+$/, '');
  }

  /** Re-reads the channels (after a change); groups of channels that still exist keep their pending alerts. */
  reload(): void {
    const seen = new Set<number>();
    for (const c of this.repo.list()) {
      seen.add(c.id);
      const policy = { windowMs: c.groupWindowSeconds * 1000, maxPerMinute: c.maxPerMinute };
      const st = this.states.get(c.id);
      if (st === undefined) {
        const grouper = new AlertGrouper(policy);
        const saved = this.repo.pendingOf(c.id);
        if (saved !== undefined && !grouper.restore(saved)) this.log(`waiting alerts of ${c.name} could not be read back; dropped`);
        this.states.set(c.id, { channel: c, grouper, notifier: null, queue: Promise.resolve() });
      } else {
        st.notifier?.close();
        st.notifier = null;
        st.channel = c;
        st.grouper.policy = policy;
      }
    }
    for (const [id, st] of this.states) {
      if (!seen.has(id)) {
        st.notifier?.close();
        this.states.delete(id);
      }
    }
  }

  /**
   * Takes one alert: cleaned, then grouped per channel. Returns a promise of the deliveries this call made due
   * (callers in the pipeline need not wait for it). `channelIds` limits it to those channels (a policy's `notify`);
   * without it every enabled channel whose minimum severity the alert meets gets it.
   */
  dispatch(alert: Alert, channelIds?: readonly number[]): Promise<void> {
    const a = sanitizeAlert(alert);
    const now = this.clock.now();
    const only = channelIds === undefined ? null : new Set(channelIds);
    for (const [id, st] of this.states) {
      if (only !== null && !only.has(id)) continue;
      if (!st.channel.enabled || severityRank(a.severity) < severityRank(st.channel.minSeverity)) continue;
      st.grouper.add(a, now);
    }
    return this.pump();
  }

  /** Sends what is due at the clock's time; resolves when those deliveries have ended. */
  pump(): Promise<void> {
    const now = this.clock.now();
    const started: Promise<void>[] = [];
    for (const st of this.states.values()) {
      for (const a of st.grouper.due(now)) {
        const next = st.queue.then(() => this.deliver(st, a.type === SUMMARY_TYPE ? 'summary' : 'alert', a));
        st.queue = next;
        started.push(this.track(next).then(() => undefined));
      }
    }
    if (now - this.lastSave >= SAVE_EVERY_MS) this.savePending(now);
    return started.length === 0 ? Promise.resolve() : Promise.all(started).then(() => undefined);
  }

  /** Resolves when no delivery is in flight, or after `maxMs` (shutdown does not wait for a hanging receiver). */
  async idle(maxMs = Infinity): Promise<void> {
    const deadline = Date.now() + maxMs;
    while (this.inflight.size > 0 && Date.now() < deadline) {
      let timer: NodeJS.Timeout | undefined;
      const limit = Number.isFinite(maxMs) ? new Promise<void>((r) => (timer = setTimeout(r, Math.max(0, deadline - Date.now())))) : new Promise<void>(() => {});
      await Promise.race([Promise.all([...this.inflight]), limit]);
      clearTimeout(timer);
    }
  }

  /** Groups waiting in channel `id` (open or folded into the next summary). */
  pending(id: number): number {
    return this.states.get(id)?.grouper.pending ?? 0;
  }

  /** Sends a test message through channel `id` now (no grouping, no limit, not queued); returns the delivery record. */
  async sendTest(id: number): Promise<DeliveryRecord | undefined> {
    const st = this.states.get(id);
    if (st === undefined) return undefined;
    const deliveryId = await this.track(this.deliver(st, 'test', testAlert(this.clock.now())));
    return this.repo.getDelivery(deliveryId);
  }

  /**
   * Sends the alert of failed delivery `id` again through its channel (queued, no grouping or limit); returns the new
   * delivery record, undefined when there is no such delivery or channel. Throws RetryError when it did not fail.
   */
  async retry(id: number): Promise<DeliveryRecord | undefined> {
    const d = this.repo.getDelivery(id);
    const st = d === undefined ? undefined : this.states.get(d.channelId);
    if (d === undefined || st === undefined) return undefined;
    if (d.status !== 'failed') throw new RetryError(`delivery ${id} is ${d.status}; only failed deliveries are sent again`);
    const parsed = AlertSchema.safeParse(this.repo.deliveryAlert(id));
    if (!parsed.success) throw new RetryError(`delivery ${id} has no stored alert to send again`);
    const next = st.queue.then(() => this.deliver(st, d.kind, parsed.data as Alert, id));
    st.queue = next;
    const newId = await this.track(next);
    return this.repo.getDelivery(newId);
  }

  /** Saves what waits in the groupers and closes every notifier. */
  close(): void {
    this.savePending(this.clock.now());
    for (const st of this.states.values()) st.notifier?.close();
  }

  /** Writes the waiting alerts of every channel whose grouper changed. */
  private savePending(now: number): void {
    const changed = [...this.states].filter(([, st]) => st.grouper.dirty).map(([channelId, st]) => ({ channelId, state: st.grouper.snapshot() }));
    this.lastSave = now;
    if (changed.length === 0) return;
    try {
      this.repo.savePending(changed, now);
    } catch (err) {
      this.log(`waiting alerts not saved: ${(err as Error).message}`);
    }
  }

  private track<T>(p: Promise<T>): Promise<T> {
    const done = p.then(
      () => undefined,
      () => undefined,
    );
    this.inflight.add(done);
    void done.then(() => this.inflight.delete(done));
    return p;
  }

  private notifierOf(st: ChannelState): Notifier {
    if (st.notifier !== null) return st.notifier;
    const plugin = this.registry.get(st.channel.kind);
    if (plugin === undefined) throw new NotifierError(`This appliance has no notifier of kind "${st.channel.kind}".`, 0, false);
    const parsed = plugin.settings.safeParse(st.channel.settings);
    if (!parsed.success) throw new NotifierError(`The channel's settings are not valid any more (${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}); edit and save the channel.`, 0, false);
    st.notifier = plugin.create(parsed.data, this.ctx);
    return st.notifier;
  }

  private async deliver(st: ChannelState, kind: DeliveryKind, a: Alert, retryOf: number | null = null): Promise<number> {
    try {
      return await this.attempt(st, kind, a, retryOf);
    } catch (err) {
      this.log(`delivery through ${st.channel.name} not recorded: ${(err as Error)?.message ?? String(err)}`);
      return 0;
    }
  }

  private async attempt(st: ChannelState, kind: DeliveryKind, a: Alert, retryOf: number | null): Promise<number> {
    const id = this.repo.startDelivery({ channelId: st.channel.id, kind, alertType: a.type, severity: a.severity, title: alertTitle(a, 'en').slice(0, 300), count: a.count, alert: a, retryOf }, this.clock.now());
    try {
      const n = this.notifierOf(st);
      const r = kind === 'test' && a.type === TEST_TYPE ? await n.test() : await n.send(a);
      this.repo.finishDelivery(id, 'sent', r.attempts, '', r.detail.slice(0, MAX_ERROR_CHARS), this.clock.now());
    } catch (err) {
      const e = err instanceof NotifierError ? err : new NotifierError(`Sending failed: ${(err as Error)?.message ?? String(err)}`, 1, true);
      if (!(err instanceof NotifierError)) this.log(`notifier ${st.channel.name}: ${String((err as Error)?.stack ?? err)}`);
      this.repo.finishDelivery(id, 'failed', e.attempts, e.message.slice(0, MAX_ERROR_CHARS), e.detail.slice(0, MAX_ERROR_CHARS), this.clock.now());
    }
    return id;
  }
}
