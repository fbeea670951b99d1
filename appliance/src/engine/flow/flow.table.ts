/**
 * The flow table: finds the TCP connection of every decoded segment, decides client and server, runs the two
 * direction reassemblers and manages the connection lifecycle (handshake, FIN, RST, idle and closed timeouts,
 * eviction at the table cap, end of capture).
 *
 * Lookup: the addresses are read as 32-bit words and hashed per side; the two side hashes are combined
 * commutatively, so both directions land in the same bucket without building a canonical key. Buckets are an
 * open array of intrusive chains compared word by word (no per-packet string or object allocation). The hash is
 * seeded per table so crafted tuples cannot be aimed at one chain.
 *
 * VLAN tags are not part of the key: a SPAN that shows the same packets on two VLANs (router on a stick) then
 * yields one connection with retransmissions instead of duplicated transactions. The ConnectionInfo carries the
 * tags of the first packet.
 *
 * Lifecycle: flows live in an LRU list (moved to the tail on every packet, O(1)); the head is the idle-timeout
 * and eviction candidate. An RST does not end the connection at once: the flow waits `tcpRstGraceMs` in a "reset"
 * list, still delivering data in flight. If the side that sent the RST then sends data or a SYN, the RST was not
 * real (forged, out of window, or ignored by the receiver — a known IDS evasion): weird `tcp_rst_ignored`, and the
 * connection goes on. Otherwise both directions end with reason `rst` when the grace expires. When both
 * directions have ended (FIN each way, or an expired RST), the flow moves to a "closed" list where it absorbs late packets (retransmissions, final ACKs) for `tcpClosedTimeoutSec`; a new SYN
 * with another ISN on that tuple (port reuse) replaces it at once. Segments without payload (pure ACK, FIN, RST)
 * never create a flow, so late packets of a forgotten connection produce nothing.
 */
import type { EngineSettings } from '../engine.settings.ts';
import type { WeirdCounters } from '../weird.counters.ts';
import type { TcpSegment } from '../packet.types.ts';
import type { DecodedSegment } from '../decode/decode.context.ts';
import { Dir, type ConnectionInfo, type StreamConsumer, type StreamConsumerFactory, type StreamEndReason } from '../stream.types.ts';
import { formatIp } from '../ip.format.ts';
import { newFlowStats, type FlowStats } from './flow.stats.ts';
import { guessDestinationIsServer } from './flow.roles.ts';
import { TcpReassembler, type ReassemblyContext } from './tcp.reassembler.ts';

const FIN = 0x01;
const SYN = 0x02;
const RST = 0x04;
const ACK = 0x10;
const CONTROL = FIN | SYN | RST;
const SWEEP_INTERVAL_US = 1_000_000;
const INITIAL_BUCKETS = 1024;

/** One tracked TCP connection. Addresses are stored as 32-bit words (IPv4 uses word 0 only). */
class Flow {
  hashNext: Flow | null = null;
  prev: Flow | null = null;
  next: Flow | null = null;
  lastTs: number;
  closed = false;
  closedAt = 0;
  /** Capture time of a pending RST (in the reset list), or -1. */
  rstAt = -1;
  /** The RST came from the client. */
  rstByClient = false;
  readonly toServer: TcpReassembler;
  readonly toClient: TcpReassembler;

  constructor(
    readonly hash: number,
    readonly ipVersion: number,
    readonly c0: number,
    readonly c1: number,
    readonly c2: number,
    readonly c3: number,
    readonly cPort: number,
    readonly s0: number,
    readonly s1: number,
    readonly s2: number,
    readonly s3: number,
    readonly sPort: number,
    readonly conn: ConnectionInfo,
    ts: number,
    ctx: ReassemblyContext,
    consumer: StreamConsumer | null,
  ) {
    this.lastTs = ts;
    this.toServer = new TcpReassembler(ctx, Dir.ToServer, consumer);
    this.toClient = new TcpReassembler(ctx, Dir.ToClient, consumer);
  }
}

/** An intrusive doubly-linked list of flows (each flow is in at most one list). */
class FlowList {
  head: Flow | null = null;
  tail: Flow | null = null;

  push(f: Flow): void {
    f.prev = this.tail;
    f.next = null;
    if (this.tail !== null) this.tail.next = f;
    else this.head = f;
    this.tail = f;
  }

  remove(f: Flow): void {
    if (f.prev !== null) f.prev.next = f.next;
    else this.head = f.next;
    if (f.next !== null) f.next.prev = f.prev;
    else this.tail = f.prev;
    f.prev = null;
    f.next = null;
  }
}

/** Hash of one endpoint (address words + port), seeded. */
function sideHash(seed: number, a0: number, a1: number, a2: number, a3: number, port: number): number {
  let h = Math.imul(a0 ^ seed, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 15) ^ a1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 13) ^ a2, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 16) ^ a3, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 15) ^ port, 0x85ebca6b);
  return h ^ (h >>> 13);
}

/** Final avalanche of the combined (order-independent) hash of both endpoints. */
function connHash(hA: number, hB: number, ipVersion: number): number {
  let h = (hA + hB + ipVersion) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return h ^ (h >>> 16);
}

/** Reads 4 bytes at `off` as a signed 32-bit big-endian word (bounds are checked by the caller). */
function word(b: Buffer, off: number): number {
  return (b[off] << 24) | (b[off + 1] << 16) | (b[off + 2] << 8) | b[off + 3];
}

/**
 * Tracks TCP connections and reassembles their byte streams for the stream consumers the factory creates.
 * Time is capture time (µs); `advance` must be called with the capture clock for timeouts to fire.
 */
export class FlowTable {
  /** Counters of the stage, updated in place. */
  readonly stats: FlowStats = newFlowStats();
  private readonly ctx: ReassemblyContext;
  private buckets: (Flow | null)[] = new Array<Flow | null>(INITIAL_BUCKETS).fill(null);
  private mask = INITIAL_BUCKETS - 1;
  private readonly lru = new FlowList();
  private readonly closedList = new FlowList();
  /** Flows with a pending RST, oldest first. */
  private readonly resetList = new FlowList();
  private readonly seed = (Math.random() * 0x100000000) | 0;
  private nextFlowId = 1;
  private nextSweepTs = 0;
  private lastSweepTs = 0;
  private nowTs = 0;
  private current: Flow | null = null;

  constructor(
    private readonly settings: EngineSettings,
    private readonly weird: WeirdCounters,
    private readonly factory: StreamConsumerFactory,
  ) {
    this.ctx = { settings, weird, stats: this.stats };
  }

  /**
   * Processes one decoded segment. The segment object and its buffers are only borrowed: addresses are copied into
   * a new flow, payload bytes only when they must wait out of order. Never throws: a consumer that throws is
   * detached from its flow (weird `flow_consumer_error`).
   */
  onSegment(seg: TcpSegment): void {
    const p = seg.payload;
    this.segment(seg, p, 0, p.length);
  }

  /** {@link onSegment} for the decode stage's segment: the payload is read as a range, no view is made. */
  onDecoded(seg: DecodedSegment): void {
    this.segment(seg, seg.buf, seg.off, seg.end);
  }

  /** Processes `seg` whose payload is `pbuf[poff..pend)`. */
  private segment(seg: TcpSegment, pbuf: Buffer, poff: number, pend: number): void {
    this.stats.segments++;
    if (seg.ts > this.nowTs) this.nowTs = seg.ts;
    try {
      this.process(seg, pbuf, poff, pend);
    } catch (_err) {
      this.weird.inc('flow_consumer_error');
      const f = this.current;
      if (f !== null) {
        f.toServer.consumer = null;
        f.toClient.consumer = null;
      }
    }
    this.current = null;
  }

  /**
   * Applies the idle and closed timeouts at capture time `nowTs` (µs). Cheap to call per packet: the lists are
   * swept at most once per capture second (and whenever the clock goes backwards).
   */
  advance(nowTs: number): void {
    if (nowTs < this.nextSweepTs && nowTs >= this.lastSweepTs) return;
    this.lastSweepTs = nowTs;
    this.nextSweepTs = nowTs + SWEEP_INTERVAL_US;
    if (nowTs > this.nowTs) this.nowTs = nowTs;
    const graceUs = this.settings.tcpRstGraceMs * 1e3;
    for (let f = this.resetList.head; f !== null && f.rstAt + graceUs <= nowTs; f = this.resetList.head) {
      this.endReset(f);
    }
    const closedUs = this.settings.tcpClosedTimeoutSec * 1e6;
    for (let f = this.closedList.head; f !== null && f.closedAt + closedUs <= nowTs; f = this.closedList.head) {
      this.remove(f, false);
    }
    const idleUs = this.settings.tcpIdleTimeoutSec * 1e6;
    for (let f = this.lru.head; f !== null && f.lastTs + idleUs <= nowTs; f = this.lru.head) {
      this.terminate(f, 'timeout', nowTs, false);
    }
  }

  /** End of capture: delivers what is buffered (holes become gaps), ends every open direction and empties the table. */
  closeAll(reason: StreamEndReason = 'shutdown'): void {
    for (let f = this.closedList.head; f !== null; f = this.closedList.head) this.remove(f, false);
    for (let f = this.resetList.head; f !== null; f = this.resetList.head) this.terminate(f, 'rst', f.rstAt, false);
    for (let f = this.lru.head; f !== null; f = this.lru.head) this.terminate(f, reason, this.nowTs, false);
  }

  private process(seg: TcpSegment, pbuf: Buffer, poff: number, pend: number): void {
    const v = seg.ipVersion;
    const src = seg.srcAddr;
    const dst = seg.dstAddr;
    let s0: number, s1: number, s2: number, s3: number, d0: number, d1: number, d2: number, d3: number;
    if (v === 4 && src.length >= 4 && dst.length >= 4) {
      s0 = word(src, 0);
      d0 = word(dst, 0);
      s1 = s2 = s3 = d1 = d2 = d3 = 0;
    } else if (v === 6 && src.length >= 16 && dst.length >= 16) {
      s0 = word(src, 0);
      s1 = word(src, 4);
      s2 = word(src, 8);
      s3 = word(src, 12);
      d0 = word(dst, 0);
      d1 = word(dst, 4);
      d2 = word(dst, 8);
      d3 = word(dst, 12);
    } else {
      this.weird.inc('flow_bad_address');
      return;
    }
    const sp = seg.srcPort;
    const dp = seg.dstPort;
    const h = connHash(sideHash(this.seed, s0, s1, s2, s3, sp), sideHash(this.seed, d0, d1, d2, d3, dp), v);
    let flow: Flow | null = this.buckets[h & this.mask];
    let dir: Dir = Dir.ToServer;
    for (; flow !== null; flow = flow.hashNext) {
      if (flow.hash !== h || flow.ipVersion !== v) continue;
      if (flow.cPort === sp && flow.sPort === dp && flow.c0 === s0 && flow.s0 === d0 && flow.c1 === s1 && flow.s1 === d1 && flow.c2 === s2 && flow.s2 === d2 && flow.c3 === s3 && flow.s3 === d3) {
        dir = Dir.ToServer;
        break;
      }
      if (flow.cPort === dp && flow.sPort === sp && flow.c0 === d0 && flow.s0 === s0 && flow.c1 === d1 && flow.s1 === s1 && flow.c2 === d2 && flow.s2 === s2 && flow.c3 === d3 && flow.s3 === s3) {
        dir = Dir.ToClient;
        break;
      }
    }
    const flags = seg.flags;
    if (flow !== null && flow.rstAt >= 0 && (flags & RST) === 0 && (dir === Dir.ToServer) === flow.rstByClient) {
      // the RST's own sender speaks again: either a new connection on the tuple, or evidence the RST was not real
      const sender = dir === Dir.ToServer ? flow.toServer : flow.toClient;
      let resume = pend !== poff || seg.payloadMissing !== 0;
      if ((flags & SYN) !== 0) {
        if (!sender.synSeen) resume = true;
        else if ((flags & ACK) === 0 && sender.isn !== seg.seq) {
          this.terminate(flow, 'rst', flow.rstAt, false);
          flow = null;
          resume = false;
        }
      }
      if (resume && flow !== null) {
        this.weird.inc('tcp_rst_ignored');
        flow.rstAt = -1;
        this.resetList.remove(flow);
        this.lru.push(flow);
      }
    }
    if (flow !== null && flow.closed && (flags & (SYN | ACK)) === SYN) {
      const sender = dir === Dir.ToServer ? flow.toServer : flow.toClient;
      if (!sender.synSeen || sender.isn !== seg.seq) {
        this.remove(flow, false);
        flow = null;
      }
    }
    if (flow === null) {
      flow = this.create(seg, h, pend !== poff);
      if (flow === null) return;
      dir = flow.cPort === sp && flow.c0 === s0 && flow.c1 === s1 && flow.c2 === s2 && flow.c3 === s3 ? Dir.ToServer : Dir.ToClient;
    } else if (!flow.closed && flow.rstAt < 0) {
      flow.lastTs = seg.ts;
      if (this.lru.tail !== flow) {
        this.lru.remove(flow);
        this.lru.push(flow);
      }
    }
    this.current = flow;
    const snd = dir === Dir.ToServer ? flow.toServer : flow.toClient;
    const rcv = dir === Dir.ToServer ? flow.toClient : flow.toServer;
    if ((flags & CONTROL) !== 0) {
      this.control(flow, snd, rcv, seg, dir, pbuf, poff, pend);
      return;
    }
    if ((flags & ACK) !== 0) rcv.onAck(seg.ack, seg.ts);
    if (pend !== poff || seg.payloadMissing !== 0) snd.onBytes(seg.seq, pbuf, poff, pend, seg.payloadMissing, seg.ts);
  }

  /** Segments with SYN, FIN or RST (payload `pbuf[poff..pend)`). */
  private control(flow: Flow, snd: TcpReassembler, rcv: TcpReassembler, seg: TcpSegment, dir: Dir, pbuf: Buffer, poff: number, pend: number): void {
    const flags = seg.flags;
    const ts = seg.ts;
    if ((flags & RST) !== 0) {
      if (!flow.closed && flow.rstAt < 0) {
        flow.rstAt = ts;
        flow.rstByClient = dir === Dir.ToServer;
        this.lru.remove(flow);
        this.resetList.push(flow);
      }
      return;
    }
    if (flow.rstAt >= 0 && (flags & SYN) === 0 && pend === poff && seg.payloadMissing === 0 && (dir === Dir.ToServer) === flow.rstByClient) {
      // a bare FIN from the side that just sent an RST belongs to the same (forged or dead) close
      this.weird.inc('tcp_fin_after_rst');
      return;
    }
    let seq = seg.seq;
    if ((flags & SYN) !== 0) {
      snd.onSyn(seq);
      if ((flags & ACK) !== 0 && !rcv.started) rcv.startAt(seg.ack);
      seq = (seq + 1) >>> 0;
      if (pend !== poff) this.weird.inc('tcp_syn_with_data');
    }
    if ((flags & ACK) !== 0) rcv.onAck(seg.ack, ts);
    const len = pend - poff + seg.payloadMissing;
    if (len !== 0) snd.onBytes(seq, pbuf, poff, pend, seg.payloadMissing, ts);
    if ((flags & FIN) !== 0) snd.onFin((seq + len) >>> 0, ts);
    if (snd.ended && rcv.ended) this.markClosed(flow, ts);
  }

  /** Creates the flow of a segment that matched none, or returns null when the segment must not create one. */
  private create(seg: TcpSegment, h: number, hasPayload: boolean): Flow | null {
    const flags = seg.flags;
    const syn = (flags & SYN) !== 0;
    if ((flags & RST) !== 0 || (!syn && !hasPayload && seg.payloadMissing === 0)) {
      this.stats.segmentsWithoutFlow++;
      return null;
    }
    const midstream = !syn;
    const srcIsClient = syn ? (flags & ACK) === 0 : guessDestinationIsServer(seg.srcPort, seg.dstPort);
    if (this.stats.flowsActive >= this.settings.maxFlows) this.makeRoom();
    const v = seg.ipVersion;
    const cAddr = srcIsClient ? seg.srcAddr : seg.dstAddr;
    const sAddr = srcIsClient ? seg.dstAddr : seg.srcAddr;
    const cPort = srcIsClient ? seg.srcPort : seg.dstPort;
    const sPort = srcIsClient ? seg.dstPort : seg.srcPort;
    const alen = v === 4 ? 4 : 16;
    const conn: ConnectionInfo = {
      flowId: this.nextFlowId++,
      ipVersion: v,
      clientIp: formatIp(cAddr, 0, alen),
      clientPort: cPort,
      serverIp: formatIp(sAddr, 0, alen),
      serverPort: sPort,
      vlans: seg.vlans.slice(),
      midstream,
    };
    let consumer: StreamConsumer | null = null;
    try {
      consumer = this.factory(conn);
    } catch (_err) {
      this.weird.inc('flow_consumer_error');
    }
    const six = v === 6;
    const flow = new Flow(
      h,
      v,
      word(cAddr, 0),
      six ? word(cAddr, 4) : 0,
      six ? word(cAddr, 8) : 0,
      six ? word(cAddr, 12) : 0,
      cPort,
      word(sAddr, 0),
      six ? word(sAddr, 4) : 0,
      six ? word(sAddr, 8) : 0,
      six ? word(sAddr, 12) : 0,
      sPort,
      conn,
      seg.ts,
      this.ctx,
      consumer,
    );
    const i = h & this.mask;
    flow.hashNext = this.buckets[i];
    this.buckets[i] = flow;
    this.lru.push(flow);
    const stats = this.stats;
    stats.flowsCreated++;
    stats.flowsActive++;
    if (midstream) stats.flowsMidstream++;
    if (consumer === null) stats.flowsDeclined++;
    if (stats.flowsActive > this.buckets.length) this.grow();
    return flow;
  }

  /** Frees one slot: the oldest closed flow if any, else the least recently seen live flow (evicted). */
  private makeRoom(): void {
    if (this.closedList.head !== null) {
      this.remove(this.closedList.head, false);
      return;
    }
    if (this.resetList.head !== null) {
      this.terminate(this.resetList.head, 'rst', this.resetList.head.rstAt, false);
      return;
    }
    const victim = this.lru.head;
    if (victim === null) return;
    this.weird.inc('flow_table_evicted');
    this.terminate(victim, 'evicted', this.nowTs, true);
  }

  /** Ends both directions of a live flow for `reason` and removes it; a throwing consumer is only counted. */
  private terminate(f: Flow, reason: StreamEndReason, ts: number, evicted: boolean): void {
    try {
      f.toServer.finish(reason, ts);
    } catch (_err) {
      this.weird.inc('flow_consumer_error');
    }
    try {
      f.toClient.finish(reason, ts);
    } catch (_err) {
      this.weird.inc('flow_consumer_error');
    }
    this.remove(f, evicted);
  }

  private markClosed(flow: Flow, ts: number): void {
    if (flow.closed) return;
    if (flow.rstAt >= 0) {
      flow.rstAt = -1;
      this.resetList.remove(flow);
    } else {
      this.lru.remove(flow);
    }
    flow.closed = true;
    flow.closedAt = ts;
    this.closedList.push(flow);
  }

  /** The grace of a pending RST expired: both directions end with reason `rst` at the RST's time, and the flow is closed. */
  private endReset(f: Flow): void {
    const ts = f.rstAt;
    try {
      f.toServer.finish('rst', ts);
    } catch (_err) {
      this.weird.inc('flow_consumer_error');
    }
    try {
      f.toClient.finish('rst', ts);
    } catch (_err) {
      this.weird.inc('flow_consumer_error');
    }
    this.markClosed(f, ts);
  }

  /** Unlinks a flow from its bucket chain and list and accounts for it. */
  private remove(f: Flow, evicted: boolean): void {
    const i = f.hash & this.mask;
    let p = this.buckets[i];
    if (p === f) {
      this.buckets[i] = f.hashNext;
    } else {
      while (p !== null && p.hashNext !== f) p = p.hashNext;
      if (p !== null) p.hashNext = f.hashNext;
    }
    f.hashNext = null;
    if (f.closed) this.closedList.remove(f);
    else if (f.rstAt >= 0) this.resetList.remove(f);
    else this.lru.remove(f);
    f.toServer.release();
    f.toClient.release();
    const stats = this.stats;
    stats.flowsActive--;
    if (evicted) stats.flowsEvicted++;
    else stats.flowsClosed++;
    if (f.toServer.bytesSeen > 0 !== f.toClient.bytesSeen > 0) stats.flowsOneSided++;
  }

  /** Doubles the bucket array and rechains every flow. */
  private grow(): void {
    const old = this.buckets;
    const size = old.length * 2;
    const buckets = new Array<Flow | null>(size).fill(null);
    const mask = size - 1;
    for (let b = 0; b < old.length; b++) {
      for (let f = old[b]; f !== null; ) {
        const next = f.hashNext;
        const i = f.hash & mask;
        f.hashNext = buckets[i];
        buckets[i] = f;
        f = next;
      }
    }
    this.buckets = buckets;
    this.mask = mask;
  }
}
