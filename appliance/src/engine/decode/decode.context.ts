/**
 * Mutable per-packet state shared by the layer decoders of the decode stage, plus the one TcpSegment instance the
 * stage hands out. Layer decoders are plain functions in dispatch tables; they read and advance this context
 * instead of allocating result objects, which keeps the per-packet path free of allocations.
 */
import type { TcpSegment } from '../packet.types.ts';
import type { EngineSettings } from '../engine.settings.ts';
import type { WeirdCounters } from '../weird.counters.ts';
import type { DecodeStats } from './decode.stats.ts';
import type { IpDefragmenter } from './ip.defragmenter.ts';

/** Layer-decoder result: stop, the packet is finished (its outcome was counted). */
export const STOP = -1;
/** Network-decoder result: the IP layer is done, `l4Proto`/`off`/`end` are set, dispatch to the transport table. */
export const TO_TRANSPORT = 0x10000;
/** Ethertype slot used for 802.3 frames whose type field is a length (≤ 1500), i.e. LLC. */
export const ETHERTYPE_LLC = 0;

/** Most VLAN tags accepted on one frame; more is counted as `vlan_too_many_tags`. */
export const MAX_VLAN_TAGS = 8;

const EMPTY = Buffer.alloc(0);

/**
 * Decoder state for the packet being decoded. Offsets are into `data`, which is the captured frame or, after IP
 * reassembly, the rebuilt datagram.
 */
export class DecodeContext {
  /** Capture time (µs) of the current packet. */
  ts = 0;
  /** Where the frame would end in `data` had it been captured whole (start + wire length, never before `end`). */
  origEnd = 0;
  /** Bytes buffer being decoded. */
  data: Buffer = EMPTY;
  /** Start of the current layer's header. */
  off = 0;
  /** End of the bytes that belong to the current layer and were captured (trailers and padding excluded). */
  end = 0;
  /** Bytes the IP header announced but the capture did not keep (snap length). */
  missing = 0;
  /** IP protocol / IPv6 next header of the transport layer. */
  l4Proto = 0;
  ipVersion: 4 | 6 = 4;
  /** Offset of the source address in `data` (the destination follows it). */
  addrOff = 0;
  /** VLAN tags written into `seg.vlans` so far for this packet. */
  nvlans = 0;
  /** `data` is a datagram rebuilt from fragments. */
  reassembled = false;

  /** The segment handed out by `decode()`; overwritten by the next packet. */
  readonly seg = new DecodedSegment();
  /** Decoder-owned address buffers that `seg.srcAddr` / `seg.dstAddr` point to. */
  readonly src4 = Buffer.alloc(4);
  readonly dst4 = Buffer.alloc(4);
  readonly src6 = Buffer.alloc(16);
  readonly dst6 = Buffer.alloc(16);

  constructor(
    readonly settings: EngineSettings,
    readonly weird: WeirdCounters,
    readonly stats: DecodeStats,
    readonly defrag: IpDefragmenter,
  ) {
  }

  /** Resets the per-packet state for a new frame `data[off..end)` whose wire length is `origLen`. */
  begin(ts: number, data: Buffer, off: number, end: number, origLen: number): void {
    this.ts = ts;
    this.origEnd = off + (origLen > end - off ? origLen : end - off);
    this.data = data;
    this.off = off;
    this.end = end;
    this.missing = 0;
    this.l4Proto = 0;
    this.addrOff = 0;
    this.nvlans = 0;
    this.reassembled = false;
  }

  /** Counts a malformed packet under `reason` and returns STOP. */
  malformed(reason: string): number {
    this.weird.inc(reason);
    this.stats.malformed++;
    return STOP;
  }
}

/** A shared empty buffer for segments without payload. */
export const EMPTY_PAYLOAD = EMPTY;

/**
 * The decode stage's TcpSegment: the payload is kept as the range `buf[off..end)` of the packet (or rebuilt
 * datagram) and `payload` makes a view of it only when read, so the engine's own path never creates one.
 */
export class DecodedSegment implements TcpSegment {
  ts = 0;
  ipVersion: 4 | 6 = 4;
  srcAddr: Buffer = EMPTY;
  dstAddr: Buffer = EMPTY;
  srcPort = 0;
  dstPort = 0;
  seq = 0;
  ack = 0;
  flags = 0;
  window = 0;
  /** Buffer holding the payload, and the payload's range in it. */
  buf: Buffer = EMPTY;
  off = 0;
  end = 0;
  payloadMissing = 0;
  vlans: number[] = [];

  /** The payload as a view (made on each read). */
  get payload(): Buffer {
    return this.off === this.end ? EMPTY : this.buf.subarray(this.off, this.end);
  }
}
