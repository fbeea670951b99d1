/**
 * Keeps the first bytes of one message body (after de-chunking) for analysis, bounded by the body limit, and counts
 * the whole wire length. Input buffers are the caller's reused views, so kept bytes are always copied; a body whose
 * length is known and small is copied into one buffer, others into pieces joined once at the end.
 */

/** Bodies with a known length up to this size get one preallocated buffer (larger ones grow with the data). */
const PREALLOC_MAX = 64 * 1024;

/** Collects one body at a time; reset with {@link begin}. */
export class BodyCollector {
  /** Body bytes seen on the wire (including bytes not kept and bytes lost in gaps). */
  wire = 0;
  /** Bytes kept so far. */
  kept = 0;
  /** The kept bytes are not the whole body (limit reached or a gap cut it). */
  truncated = false;
  private stopped = false;
  private fixed: Buffer | null = null;
  /** Kept pieces when there is no fixed buffer (the array is reused from body to body). */
  private readonly pieces: Buffer[] = [];

  constructor(private readonly limit: number) {}

  /** Starts a new body; `expected` is the Content-Length, or -1 when unknown. */
  begin(expected: number): void {
    this.wire = 0;
    this.kept = 0;
    this.truncated = false;
    this.stopped = false;
    if (this.pieces.length !== 0) this.pieces.length = 0;
    this.fixed = null;
    if (expected > 0 && expected <= PREALLOC_MAX) this.fixed = Buffer.allocUnsafe(expected < this.limit ? expected : this.limit);
  }

  /** Adds `n` bytes of `buf` from `off` (copied when kept). */
  add(buf: Buffer, off: number, n: number): void {
    this.wire += n;
    if (this.stopped) return;
    const room = this.limit - this.kept;
    if (n > room) {
      this.truncated = true;
      this.stopped = true;
      n = room;
      if (n <= 0) return;
    }
    const fixed = this.fixed;
    if (fixed !== null && this.kept + n <= fixed.length) {
      buf.copy(fixed, this.kept, off, off + n);
    } else {
      if (fixed !== null) {
        this.pieces.push(fixed.subarray(0, this.kept));
        this.fixed = null;
      }
      const piece = Buffer.allocUnsafe(n);
      buf.copy(piece, 0, off, off + n);
      this.pieces.push(piece);
    }
    this.kept += n;
  }

  /** `n` body bytes were never captured: count them and keep nothing more (the kept prefix stays contiguous). */
  gap(n: number): void {
    this.wire += n;
    this.stopped = true;
    this.truncated = true;
  }

  /** The body was cut (stream ended or framing broke inside it): keep what we have, flag it partial. */
  markTruncated(): void {
    this.stopped = true;
    this.truncated = true;
  }

  /** The kept bytes as one buffer (owned by the caller). */
  take(): Buffer {
    let out: Buffer;
    if (this.fixed !== null) out = this.kept === this.fixed.length ? this.fixed : this.fixed.subarray(0, this.kept);
    else if (this.pieces.length === 1) out = this.pieces[0];
    else out = this.pieces.length === 0 ? Buffer.alloc(0) : Buffer.concat(this.pieces, this.kept);
    this.fixed = null;
    if (this.pieces.length !== 0) this.pieces.length = 0;
    return out;
  }
}
