/**
 * TCP reassembly of ONE direction of a connection: turns segments (in any order, duplicated, overlapping, with
 * holes) into the ordered onData / onGap / onEnd calls of a StreamConsumer.
 *
 * Positions are kept as stream offsets (bytes since the stream's first sequence number, a plain JS number that
 * never wraps); a 32-bit sequence number is mapped to an offset relative to the next expected sequence with signed
 * 32-bit arithmetic, so wrap-around at 2^32 needs no special case.
 *
 * Policies:
 * - In-order payload with nothing buffered is passed to the consumer as the segment's own view (zero copy).
 * - Out-of-order payload is copied into a sorted list of non-overlapping chunks, bounded per direction
 *   (`reassemblyPerDirectionBytes`, weird `tcp_reassembly_depth_exceeded`) and globally (`reassemblyMemcapBytes`,
 *   weird `tcp_reassembly_memcap`); when a bound bites, the oldest hole is declared a gap.
 * - Overlaps: the first-received bytes win (delivered bytes are final; buffered bytes are kept). A segment that
 *   overlaps old data and brings new bytes counts weird `tcp_overlap`; when the overlapping bytes differ from
 *   buffered ones, also `tcp_overlap_mismatch` (delivered bytes are not kept, so they cannot be compared).
 * - A segment with nothing new is a retransmission: counted in the stats only (not a weird: it is normal TCP).
 * - Holes become gaps (onGap) when a bound bites, when the peer acknowledges bytes beyond them (the receiver got
 *   data the capture missed), at FIN, RST, timeout, eviction and shutdown. Each onGap counts weird `tcp_gap`.
 * - FIN ends the direction after everything before it was delivered (a hole before it becomes a gap at once).
 *   Data beyond the FIN counts weird `tcp_data_after_fin` and is dropped.
 */
import type { EngineSettings } from '../engine.settings.ts';
import type { WeirdCounters } from '../weird.counters.ts';
import type { Dir, StreamConsumer, StreamEndReason } from '../stream.types.ts';
import type { FlowStats } from './flow.stats.ts';

/** What all reassemblers of one flow table share: limits, anomaly counters and statistics (incl. global memory). */
export interface ReassemblyContext {
  readonly settings: EngineSettings;
  readonly weird: WeirdCounters;
  readonly stats: FlowStats;
}

/** A copied out-of-order piece of payload starting at stream offset `off`. */
class Chunk {
  constructor(
    readonly off: number,
    readonly data: Buffer,
  ) {}
}

/** Whether `a[aOff, aOff+n)` equals `b[bOff, bOff+n)`. */
function sameBytes(a: Buffer, aOff: number, b: Buffer, bOff: number, n: number): boolean {
  return a.compare(b, bOff, bOff + n, aOff, aOff + n) === 0;
}

/** Reassembles one direction of one TCP connection and feeds its consumer. */
export class TcpReassembler {
  /** Receiver of the stream; null when nobody is interested (payload is then only counted). */
  consumer: StreamConsumer | null;
  /** Whether the stream's initial sequence number is known (from a SYN, a SYN+ACK's ack or the first data). */
  started = false;
  /** A SYN from this side was seen; `isn` is its sequence number. */
  synSeen = false;
  isn = 0;
  /** Sequence number (mod 2^32) of the next byte to deliver. */
  nextSeq = 0;
  /** Stream offset of the next byte to deliver (= bytes delivered + gap bytes declared). */
  delivered = 0;
  /** Highest stream offset any segment reached (incl. uncaptured tails); bounds how far an ACK may declare a gap. */
  maxEnd = 0;
  /** A FIN was processed; `finOff` is the stream offset it occupies. */
  finSeen = false;
  finOff = 0;
  /** onEnd was called (or, without consumer, would have been). */
  ended = false;
  /** Payload bytes seen in this direction, including retransmissions (one-sided capture detection). */
  bytesSeen = 0;
  private chunks: Chunk[] = [];
  private buffered = 0;

  constructor(
    private readonly ctx: ReassemblyContext,
    /** Direction this instance reassembles. */
    readonly dir: Dir,
    consumer: StreamConsumer | null,
  ) {
    this.consumer = consumer;
  }

  /** Sets the stream start: `seq` becomes stream offset 0. */
  startAt(seq: number): void {
    this.started = true;
    this.nextSeq = seq >>> 0;
    this.delivered = 0;
    this.maxEnd = 0;
  }

  /** A SYN (or SYN+ACK) sent in this direction with sequence number `seq`: the stream starts at seq+1. */
  onSyn(seq: number): void {
    if (this.started) {
      if (this.synSeen && seq === this.isn) return;
      // A new ISN is only believable while nothing was delivered yet; otherwise the SYN is ignored.
      if (this.delivered !== 0 || this.chunks.length !== 0 || this.ended) return;
    }
    this.synSeen = true;
    this.isn = seq;
    this.startAt(seq + 1);
  }

  /**
   * Payload sent in this direction starting at sequence `seq`; `missing` bytes that followed it on the wire were not
   * captured (snap length). `payload` is only borrowed: it is delivered as is or copied.
   */
  onData(seq: number, payload: Buffer, missing: number, ts: number): void {
    this.onBytes(seq, payload, 0, payload.length, missing, ts);
  }

  /** {@link onData} for the payload `buf[off..end)` (borrowed, like `payload`). */
  onBytes(seq: number, buf: Buffer, off: number, end: number, missing: number, ts: number): void {
    const len = end - off;
    this.bytesSeen += len + missing;
    const consumer = this.consumer;
    if (consumer === null) return;
    if (this.ended) {
      this.afterEnd(seq, len + missing);
      return;
    }
    if (!this.started) this.startAt(seq);
    const diff = (seq - this.nextSeq) | 0;
    if (diff === 0 && missing === 0 && this.buffered === 0) {
      this.delivered += len;
      this.nextSeq = (this.nextSeq + len) >>> 0;
      if (this.delivered > this.maxEnd) this.maxEnd = this.delivered;
      this.ctx.stats.bytesDelivered += len;
      if (consumer.onBytes !== undefined) consumer.onBytes(this.dir, buf, off, end, ts);
      else consumer.onData(this.dir, off === 0 && end === buf.length ? buf : buf.subarray(off, end), ts);
      return;
    }
    this.slowData(this.delivered + diff, buf, off, len, missing, ts);
  }

  /**
   * The peer acknowledged everything before sequence `ack` of this direction. Bytes acknowledged but never seen
   * were lost by the capture, not by the receiver: declare them as a gap now so the parser can go on.
   */
  onAck(ack: number, ts: number): void {
    const diff = (ack - this.nextSeq) | 0;
    if (diff <= 0 || !this.started || this.ended || this.consumer === null) return;
    const target = this.delivered + diff;
    if (target > this.maxEnd && diff > this.ctx.settings.reassemblyPerDirectionBytes) {
      this.ctx.weird.inc('tcp_ack_beyond_data');
      return;
    }
    this.skipTo(target, ts);
  }

  /** A FIN sent in this direction occupying sequence `seq`: deliver (or declare missing) everything before it, end. */
  onFin(seq: number, ts: number): void {
    if (this.ended) return;
    this.finSeen = true;
    if (this.consumer === null) {
      this.ended = true;
      return;
    }
    if (!this.started) this.startAt(seq);
    let off = this.delivered + ((seq - this.nextSeq) | 0);
    if (off < this.delivered) off = this.delivered;
    this.finOff = off;
    if (off > this.maxEnd) this.maxEnd = off;
    this.skipTo(off, ts);
    this.end('fin', ts);
  }

  /** Ends the direction for `reason`: holes before buffered data become gaps, buffered data is delivered, onEnd. */
  finish(reason: StreamEndReason, ts: number): void {
    if (this.ended) return;
    const n = this.chunks.length;
    if (n !== 0 && this.consumer !== null) {
      const last = this.chunks[n - 1];
      this.skipTo(last.off + last.data.length, ts);
    }
    this.end(reason, ts);
  }

  /** Frees the out-of-order buffer (flow removal). */
  release(): void {
    if (this.buffered !== 0) {
      this.ctx.stats.reassemblyBytes -= this.buffered;
      this.buffered = 0;
    }
    if (this.chunks.length !== 0) this.chunks = [];
  }

  private end(reason: StreamEndReason, ts: number): void {
    this.ended = true;
    if (this.chunks.length !== 0) {
      if (reason === 'fin') this.ctx.weird.inc('tcp_data_after_fin');
      this.release();
    }
    const consumer = this.consumer;
    if (consumer !== null) consumer.onEnd(this.dir, reason, ts);
  }

  /** Payload for an ended direction: a retransmission, or data beyond the FIN. */
  private afterEnd(seq: number, n: number): void {
    if (!this.finSeen) return;
    const off = this.delivered + ((seq - this.nextSeq) | 0);
    if (off + n > this.finOff) {
      this.ctx.weird.inc('tcp_data_after_fin');
    } else if (n !== 0) {
      this.ctx.stats.retransmittedBytes += n;
      this.ctx.stats.retransmittedSegments++;
    }
  }

  /** Everything but the in-order, nothing-buffered case. `s` is the stream offset of `buf[po..po+len)`. */
  private slowData(s: number, buf: Buffer, po: number, len: number, missing: number, ts: number): void {
    const stats = this.ctx.stats;
    const settings = this.ctx.settings;
    const e = s + len;
    const eAll = e + missing;
    if (eAll > this.maxEnd) this.maxEnd = eAll;
    for (;;) {
      if (e <= this.delivered) {
        if (len !== 0) {
          stats.retransmittedBytes += len;
          stats.retransmittedSegments++;
        }
        break;
      }
      if (s <= this.delivered) {
        this.mergeDeliver(s, e, buf, po, ts);
        break;
      }
      const fresh = this.freshBytes(s, e);
      if (fresh === 0) {
        if (this.differsFromBuffered(s, e, buf, po)) {
          stats.overlapBytes += len;
          this.ctx.weird.inc('tcp_overlap');
          this.ctx.weird.inc('tcp_overlap_mismatch');
        } else {
          stats.retransmittedBytes += len;
          stats.retransmittedSegments++;
        }
        break;
      }
      const first = this.chunks.length !== 0 ? this.chunks[0].off : s;
      if (this.buffered + fresh > settings.reassemblyPerDirectionBytes) {
        this.ctx.weird.inc('tcp_reassembly_depth_exceeded');
        this.skipTo(first < s ? first : s, ts);
        continue;
      }
      if (stats.reassemblyBytes + fresh > settings.reassemblyMemcapBytes) {
        this.ctx.weird.inc('tcp_reassembly_memcap');
        this.skipTo(first < s ? first : s, ts);
        continue;
      }
      this.insert(s, e, buf, po);
      break;
    }
    if (missing !== 0 && this.delivered >= e && this.delivered < eAll) this.skipTo(eAll, ts);
  }

  /**
   * Delivers a segment (stream offsets [s, e), bytes from `buf[po..]`) that starts at or before the delivery point
   * and ends after it, merged with buffered chunks.
   */
  private mergeDeliver(s: number, e: number, buf: Buffer, po: number, ts: number): void {
    const stats = this.ctx.stats;
    let overlapped = false;
    let mismatch = false;
    let cur = this.delivered;
    if (s < cur) {
      stats.overlapBytes += cur - s;
      overlapped = true;
    }
    while (cur < e) {
      const c = this.chunks.length !== 0 ? this.chunks[0] : undefined;
      if (c !== undefined && c.off === cur) {
        const cEnd = c.off + c.data.length;
        const ovEnd = e < cEnd ? e : cEnd;
        stats.overlapBytes += ovEnd - cur;
        overlapped = true;
        if (!mismatch && !sameBytes(buf, po + cur - s, c.data, 0, ovEnd - cur)) mismatch = true;
        this.deliverFirstChunk(ts);
        cur = this.delivered;
      } else {
        const end = c !== undefined && c.off < e ? c.off : e;
        this.emit(buf, po + cur - s, po + end - s, ts);
        cur = end;
      }
    }
    this.drain(ts);
    if (overlapped) {
      this.ctx.weird.inc('tcp_overlap');
      if (mismatch) this.ctx.weird.inc('tcp_overlap_mismatch');
    }
  }

  /** Bytes of [s, e) not already covered by buffered chunks. */
  private freshBytes(s: number, e: number): number {
    let fresh = e - s;
    for (const c of this.chunks) {
      if (c.off >= e) break;
      const cEnd = c.off + c.data.length;
      if (cEnd <= s) continue;
      fresh -= (cEnd < e ? cEnd : e) - (c.off > s ? c.off : s);
    }
    return fresh;
  }

  /** Whether the parts of [s, e) that buffered chunks cover hold different bytes than `buf[po..]`. */
  private differsFromBuffered(s: number, e: number, buf: Buffer, po: number): boolean {
    for (const c of this.chunks) {
      if (c.off >= e) break;
      const cEnd = c.off + c.data.length;
      if (cEnd <= s) continue;
      const from = c.off > s ? c.off : s;
      const to = cEnd < e ? cEnd : e;
      if (!sameBytes(buf, po + from - s, c.data, from - c.off, to - from)) return true;
    }
    return false;
  }

  /** Copies the parts of [s, e) (bytes from `buf[po..]`, all after the delivery point) that no chunk covers into new chunks. */
  private insert(s: number, e: number, buf: Buffer, po: number): void {
    const stats = this.ctx.stats;
    const chunks = this.chunks;
    stats.outOfOrderSegments++;
    let overlapped = false;
    let mismatch = false;
    let i = 0;
    while (i < chunks.length && chunks[i].off + chunks[i].data.length <= s) i++;
    let cur = s;
    while (cur < e) {
      const c = i < chunks.length ? chunks[i] : undefined;
      if (c !== undefined && c.off <= cur) {
        const cEnd = c.off + c.data.length;
        const ovEnd = e < cEnd ? e : cEnd;
        stats.overlapBytes += ovEnd - cur;
        overlapped = true;
        if (!mismatch && !sameBytes(buf, po + cur - s, c.data, cur - c.off, ovEnd - cur)) mismatch = true;
        cur = ovEnd;
        i++;
      } else {
        const end = c !== undefined && c.off < e ? c.off : e;
        const n = end - cur;
        // A dedicated allocation: a pooled slice would pin a whole 8 KiB pool and defeat the memory accounting.
        const copy = Buffer.allocUnsafeSlow(n);
        buf.copy(copy, 0, po + cur - s, po + end - s);
        chunks.splice(i, 0, new Chunk(cur, copy));
        i++;
        this.buffered += n;
        stats.reassemblyBytes += n;
        if (stats.reassemblyBytes > stats.reassemblyBytesPeak) stats.reassemblyBytesPeak = stats.reassemblyBytes;
        cur = end;
      }
    }
    if (overlapped) {
      this.ctx.weird.inc('tcp_overlap');
      if (mismatch) this.ctx.weird.inc('tcp_overlap_mismatch');
    }
  }

  /** Advances the delivery point to at least `target`: buffered chunks on the way are delivered, holes are gaps. */
  private skipTo(target: number, ts: number): void {
    while (this.delivered < target) {
      const c = this.chunks.length !== 0 ? this.chunks[0] : undefined;
      if (c !== undefined && c.off === this.delivered) {
        this.deliverFirstChunk(ts);
        continue;
      }
      const holeEnd = c !== undefined && c.off < target ? c.off : target;
      this.gap(holeEnd - this.delivered, ts);
    }
    this.drain(ts);
  }

  /** Delivers the buffered chunks that have become contiguous with the delivery point. */
  private drain(ts: number): void {
    while (this.chunks.length !== 0 && this.chunks[0].off === this.delivered) this.deliverFirstChunk(ts);
  }

  private deliverFirstChunk(ts: number): void {
    const c = this.chunks.shift() as Chunk;
    const n = c.data.length;
    this.buffered -= n;
    this.ctx.stats.reassemblyBytes -= n;
    this.emit(c.data, 0, n, ts);
  }

  /** Delivers `buf[from..to)` to the consumer. */
  private emit(buf: Buffer, from: number, to: number, ts: number): void {
    const n = to - from;
    this.delivered += n;
    this.nextSeq = (this.nextSeq + n) >>> 0;
    this.ctx.stats.bytesDelivered += n;
    const consumer = this.consumer;
    if (consumer === null) return;
    if (consumer.onBytes !== undefined) consumer.onBytes(this.dir, buf, from, to, ts);
    else consumer.onData(this.dir, from === 0 && to === buf.length ? buf : buf.subarray(from, to), ts);
  }

  private gap(n: number, ts: number): void {
    this.delivered += n;
    this.nextSeq = (this.nextSeq + n) >>> 0;
    this.ctx.stats.gapBytes += n;
    this.ctx.weird.inc('tcp_gap');
    const consumer = this.consumer;
    if (consumer !== null) consumer.onGap(this.dir, n, ts);
  }
}
