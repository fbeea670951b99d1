/**
 * A call log that opens after the service already answers: the service listens (wizard, sign-in) before the events
 * database is open, which is most of a boot's remaining start under software emulation. Until the real store is
 * there, appends are held in order and handed over when it opens; every query waits for it. When opening fails the
 * held calls are counted as lost and queries reject with the open's error. {@link DeferredCallEventStore.openWhenUsed}
 * defers the open until a call or a query needs the store (the first boot's wizard: loading DuckDB blocks the event
 * loop for a minute under TCG).
 */
import type { CallColumns } from './call-columns.ts';
import type { CallEvent, CallEventStore, CallsWriterStats } from './call-event.types.ts';

/** A {@link CallEventStore} whose real store is opened later with {@link DeferredCallEventStore.open}. */
export class DeferredCallEventStore implements CallEventStore {
  private store: CallEventStore | null = null;
  private held: Array<(s: CallEventStore) => void> = [];
  private heldCalls = 0;
  private failed: Error | null = null;
  private opening = false;
  private readonly early: CallsWriterStats = { written: 0, flushes: 0, lost: 0, lastFlushMs: 0 };
  private settle!: (s: CallEventStore | null) => void;
  /** Settles with the real store once open (null when opening failed). */
  private readonly opened = new Promise<CallEventStore | null>((resolve) => (this.settle = resolve));

  /** Opens the real store with `open`; resolves when it is open (held appends handed over), rejects when it failed. */
  async open(open: () => Promise<CallEventStore>): Promise<void> {
    if (this.opening) throw new Error('the call log is already being opened');
    this.opening = true;
    try {
      const store = await open();
      for (const write of this.held) write(store);
      this.held = [];
      this.heldCalls = 0;
      this.store = store;
      this.settle(store);
    } catch (err) {
      this.failed = err as Error;
      this.early.lost += this.heldCalls;
      this.held = [];
      this.heldCalls = 0;
      this.settle(null);
      throw err;
    }
  }

  /** Opens the real store with `open` when a call is appended or a query waits for it; settles as {@link open}. */
  openWhenUsed(open: () => Promise<CallEventStore>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.deferredOpen = () => this.open(open).then(resolve, reject);
    });
  }

  private deferredOpen: (() => void) | null = null;

  private openNow(): void {
    const start = this.deferredOpen;
    this.deferredOpen = null;
    start?.();
  }

  /** Whether the real store is open. */
  isOpen(): boolean {
    return this.store !== null;
  }

  /** Whether the real store is being opened (started, not yet open or failed). */
  isOpening(): boolean {
    return this.opening && this.store === null && this.failed === null;
  }

  private async ready(): Promise<CallEventStore> {
    this.openNow();
    const s = this.store ?? (await this.opened);
    if (s === null) throw this.failed ?? new Error('the call log could not be opened');
    return s;
  }

  get stats(): CallsWriterStats {
    return this.store?.stats ?? this.early;
  }

  append(events: readonly CallEvent[]): void {
    if (this.store !== null) return this.store.append(events);
    this.hold(events.length, (s) => s.append(events));
  }

  appendColumns(batch: CallColumns): void {
    if (this.store !== null) return this.store.appendColumns(batch);
    this.hold(batch.length, (s) => s.appendColumns(batch));
  }

  private hold(calls: number, write: (s: CallEventStore) => void): void {
    if (this.failed !== null) {
      this.early.lost += calls;
      return;
    }
    this.held.push(write);
    this.heldCalls += calls;
    this.openNow();
  }

  pending(): number {
    return this.store?.pending() ?? this.heldCalls;
  }

  async flush(): Promise<void> {
    return (await this.ready()).flush();
  }

  async usedBytes(): Promise<number> {
    return (await this.ready()).usedBytes();
  }

  async search(...a: Parameters<CallEventStore['search']>): ReturnType<CallEventStore['search']> {
    return (await this.ready()).search(...a);
  }

  async recent(...a: Parameters<CallEventStore['recent']>): ReturnType<CallEventStore['recent']> {
    return (await this.ready()).recent(...a);
  }

  async timeline(...a: Parameters<CallEventStore['timeline']>): ReturnType<CallEventStore['timeline']> {
    return (await this.ready()).timeline(...a);
  }

  async totals(...a: Parameters<CallEventStore['totals']>): ReturnType<CallEventStore['totals']> {
    return (await this.ready()).totals(...a);
  }

  async endpointTimeline(...a: Parameters<CallEventStore['endpointTimeline']>): ReturnType<CallEventStore['endpointTimeline']> {
    return (await this.ready()).endpointTimeline(...a);
  }

  async sensitiveSummary(...a: Parameters<CallEventStore['sensitiveSummary']>): ReturnType<CallEventStore['sensitiveSummary']> {
    return (await this.ready()).sensitiveSummary(...a);
  }

  async callsOfActors(...a: Parameters<CallEventStore['callsOfActors']>): ReturnType<CallEventStore['callsOfActors']> {
    return (await this.ready()).callsOfActors(...a);
  }

  async endpointClients(...a: Parameters<CallEventStore['endpointClients']>): ReturnType<CallEventStore['endpointClients']> {
    return (await this.ready()).endpointClients(...a);
  }

  async byId(...a: Parameters<CallEventStore['byId']>): ReturnType<CallEventStore['byId']> {
    return (await this.ready()).byId(...a);
  }

  async exportParquet(...a: Parameters<CallEventStore['exportParquet']>): ReturnType<CallEventStore['exportParquet']> {
    return (await this.ready()).exportParquet(...a);
  }

  async applyRetention(...a: Parameters<CallEventStore['applyRetention']>): ReturnType<CallEventStore['applyRetention']> {
    return (await this.ready()).applyRetention(...a);
  }

  async rollUpHours(...a: Parameters<CallEventStore['rollUpHours']>): ReturnType<CallEventStore['rollUpHours']> {
    return (await this.ready()).rollUpHours(...a);
  }

  async count(): Promise<number> {
    return (await this.ready()).count();
  }

  /** Closes the real store once its open settled (nothing to close when it failed or was never started). */
  async close(): Promise<void> {
    const s = this.opening ? await this.opened : null;
    await s?.close();
  }
}
