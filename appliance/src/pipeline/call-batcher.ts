/**
 * Collects call-log rows in a pipeline process and hands them on in batches (to the parent over IPC), so the
 * per-message cost is paid once per batch: a batch leaves when it reaches its size or its age. Batches are in
 * columns (CallColumns: typed arrays and one dictionary of distinct strings), so IPC copies a few buffers instead of
 * cloning an object per row.
 */
import type { CallContext, CallSink } from '../analyzers/call.context.ts';
import { CallColumnsBuilder, type CallColumns } from '../store/events/call-columns.ts';
import { toCallEvent } from './call-event.mapper.ts';

/** Batches call-log rows for `emit`. */
export class CallBatcher {
  private readonly rows: CallColumnsBuilder;
  private oldest = 0;
  /** Rows handed to `emit` so far. */
  emitted = 0;

  /**
   * @param source the call log's source label (`upload:<id>`, `live:<iface>`)
   * @param emit receives each full batch
   * @param maxRows a batch leaves at this many rows (default 2,000)
   * @param maxAgeMs … or when its oldest row is this old (default 250 ms)
   */
  constructor(
    private readonly source: string,
    private readonly emit: (batch: CallColumns) => void,
    private readonly maxRows = 2000,
    private readonly maxAgeMs = 250,
  ) {
    this.rows = new CallColumnsBuilder(maxRows);
  }

  /** The CallSink to give the analysis pipeline. */
  readonly sink: CallSink = (ctx: CallContext): void => {
    if (this.rows.length === 0) this.oldest = Date.now();
    this.rows.add(toCallEvent(ctx, this.source));
    if (this.rows.length >= this.maxRows || Date.now() - this.oldest >= this.maxAgeMs) this.drain();
  };

  /** Emits what is collected (call at the end of a source and from a timer when traffic is slow). */
  drain(): void {
    if (this.rows.length === 0) return;
    const batch = this.rows.take();
    this.emitted += batch.length;
    this.emit(batch);
  }

  /** Emits the batch when it is older than its age limit. */
  drainIfOld(): void {
    if (this.rows.length > 0 && Date.now() - this.oldest >= this.maxAgeMs) this.drain();
  }
}
