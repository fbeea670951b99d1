/**
 * TCP connection model of the traffic generator. A conversation records the segments both endpoints send (what the
 * endpoints did) and, separately, which of them the capture saw and when (what the sensor got): handshake or a
 * mid-stream start at any sequence offset, MSS / random / tiny segmentation, exact and overlapping retransmissions,
 * reordering, segments lost to the capture while the peer still acknowledges them, FIN or RST teardown, sequence
 * numbers wrapping past 2^32, one-sided captures and realistic timing. `render` turns the captured segments into
 * link-layer frames (optionally IP-fragmented).
 */
import { TcpFlag } from '../../appliance/src/engine/packet.types.ts';
import { Dir } from '../../appliance/src/engine/stream.types.ts';
import {
  buildTcpFrame,
  fragmentIpv4,
  fragmentIpv6,
  ipBytes,
  linkTypeOf,
  synOptions,
  timestampOptions,
  wrapIpPacket,
  type FragmentSpec,
  type Ipv6ExtHeader,
  type LinkSpec,
} from './packet.builder.ts';
import type { SeededRandom } from './seeded.random.ts';

/** One generated capture record. */
export interface CapturedPacket {
  /** µs since the epoch (may carry a sub-µs fraction for nanosecond captures). */
  ts: number;
  linkType: number;
  data: Buffer;
  /** pcapng interface the packet belongs to (index into the scenario's interface list). */
  ifIndex: number;
}

/** Static description of a connection. */
export interface ConversationOptions {
  ipVersion: 4 | 6;
  clientIp: string;
  serverIp: string;
  clientPort: number;
  serverPort: number;
  /** Link layer of client→server frames (default untagged Ethernet). */
  link?: LinkSpec;
  /** Link layer of server→client frames (default: `link`), for captures taken on two ports. */
  serverLink?: LinkSpec;
  /** pcapng interface of client→server frames (default 0) and of server→client frames (default: `ifIndex`). */
  ifIndex?: number;
  serverIfIndex?: number;
  /** Maximum segment size for 'mss' segmentation (default 1460). */
  mss?: number;
  /** Initial sequence numbers (default random). */
  clientIsn?: number;
  serverIsn?: number;
  /** Carry the TCP timestamps option on every segment. */
  tcpTimestamps?: boolean;
  ipv6ExtHeaders?: Ipv6ExtHeader[];
  /** IP-fragment every data segment whose payload is at least `minPayload` bytes. */
  fragment?: (FragmentSpec & { minPayload: number }) | null;
  /** Round-trip time between capture point and client in µs (default 1500). */
  rttUs?: number;
}

/** How `send` cuts a message into segments. */
export type Segmentation = 'mss' | 'random' | 'tiny' | number | number[];

/** One TCP segment an endpoint sent. */
export interface SegmentRecord {
  ts: number;
  dir: Dir;
  seq: number;
  ack: number;
  flags: number;
  window: number;
  payload: Buffer;
  /** Stream offset of the first payload byte (0 = first byte after the SYN). */
  offset: number;
  /** False when the capture missed this segment (the endpoints still exchanged it). */
  captured: boolean;
}

/** Byte range of one `send` in its direction's stream. */
export interface SentRange {
  start: number;
  end: number;
  /** Time of the first and last segment carrying the bytes. */
  firstTs: number;
  lastTs: number;
}

/** Records one TCP connection; see the file header. */
export class TcpConversation {
  readonly opts: ConversationOptions;
  readonly segments: SegmentRecord[] = [];
  /** Capture time of the next event, µs. */
  clock: number;
  /** Whether the capture saw the three-way handshake. */
  handshakeSeen = false;
  private readonly rng: SeededRandom;
  private readonly isn: [number, number];
  /** Bytes sent so far in each direction (stream offsets). */
  private readonly sent: [number, number] = [0, 0];
  /** Every byte sent per direction (after `streamBase`), for overlapping retransmissions. */
  private readonly streams: [Buffer[], Buffer[]] = [[], []];
  private readonly streamBase: [number, number] = [0, 0];
  private finSent: [boolean, boolean] = [false, false];
  private readonly addr: [Buffer, Buffer];
  private ipId: [number, number];
  private fragIdent: number;

  constructor(opts: ConversationOptions, rng: SeededRandom, startTs: number) {
    this.opts = opts;
    this.rng = rng;
    this.clock = startTs;
    this.isn = [opts.clientIsn ?? rng.u32(), opts.serverIsn ?? rng.u32()];
    this.addr = [ipBytes(opts.clientIp), ipBytes(opts.serverIp)];
    this.ipId = [rng.int(0, 0xffff), rng.int(0, 0xffff)];
    this.fragIdent = rng.u32();
  }

  /** Round-trip time, µs. */
  get rtt(): number {
    return this.opts.rttUs ?? 1500;
  }

  /** Bytes sent so far in a direction. */
  sentBytes(dir: Dir): number {
    return this.sent[dir];
  }

  /** Advances the clock by `us`. */
  wait(us: number): this {
    this.clock += us;
    return this;
  }

  /** Sequence number of stream offset `offset` in `dir` (mod 2^32). */
  seqOf(dir: Dir, offset: number): number {
    return (this.isn[dir] + 1 + offset) >>> 0;
  }

  private ackFor(dir: Dir): number {
    const peer = dir === Dir.ToServer ? Dir.ToClient : Dir.ToServer;
    return this.seqOf(peer, this.sent[peer] + (this.finSent[peer] ? 1 : 0));
  }

  private push(dir: Dir, flags: number, payload: Buffer, offset: number, seq: number): SegmentRecord {
    const rec: SegmentRecord = {
      ts: this.clock,
      dir,
      seq,
      ack: flags & TcpFlag.ACK ? this.ackFor(dir) : 0,
      flags,
      window: dir === Dir.ToServer ? 64240 : 65160,
      payload,
      offset,
      captured: true,
    };
    this.segments.push(rec);
    return rec;
  }

  /** Three-way handshake (SYN, SYN-ACK, ACK), with the client→server latency around the capture point. */
  handshake(): this {
    this.push(Dir.ToServer, TcpFlag.SYN, Buffer.alloc(0), 0, this.isn[0]);
    this.wait(30);
    const synAck = this.push(Dir.ToClient, TcpFlag.SYN | TcpFlag.ACK, Buffer.alloc(0), 0, this.isn[1]);
    synAck.ack = (this.isn[0] + 1) >>> 0;
    this.wait(this.rtt);
    this.push(Dir.ToServer, TcpFlag.ACK, Buffer.alloc(0), 0, this.seqOf(Dir.ToServer, 0));
    this.wait(20);
    this.handshakeSeen = true;
    return this;
  }

  /**
   * Starts mid-stream: no handshake, and both streams begin `clientOffset` / `serverOffset` bytes after the ISN (the
   * bytes before them were exchanged before the capture started).
   */
  skipTo(clientOffset: number, serverOffset: number): this {
    this.sent[0] = clientOffset;
    this.sent[1] = serverOffset;
    this.streamBase[0] = clientOffset;
    this.streamBase[1] = serverOffset;
    return this;
  }

  private sizes(data: number, how: Segmentation): number[] {
    const mss = this.opts.mss ?? 1460;
    const out: number[] = [];
    let left = data;
    let i = 0;
    while (left > 0) {
      let n: number;
      if (how === 'mss') n = mss;
      else if (how === 'tiny') n = 1;
      else if (how === 'random') n = this.rng.int(1, mss);
      else if (typeof how === 'number') n = how;
      else n = how[Math.min(i, how.length - 1)];
      n = Math.max(1, Math.min(n, left, mss));
      out.push(n);
      left -= n;
      i++;
    }
    return out;
  }

  /**
   * Sends `data` from `dir`, cut per `how`; segments are spaced by their serialization time. The last one has PSH.
   * Returns the stream range and the times of its first and last segments.
   */
  send(dir: Dir, data: Buffer, how: Segmentation = 'mss'): SentRange {
    const start = this.sent[dir];
    const firstTs = this.clock;
    let pos = 0;
    const sizes = this.sizes(data.length, how);
    for (let i = 0; i < sizes.length; i++) {
      const piece = data.subarray(pos, pos + sizes[i]);
      const flags = TcpFlag.ACK | (i === sizes.length - 1 ? TcpFlag.PSH : 0);
      const off = this.sent[dir];
      this.sent[dir] += piece.length;
      this.push(dir, flags, piece, off, this.seqOf(dir, off));
      pos += sizes[i];
      if (i < sizes.length - 1) this.wait(Math.max(1, Math.round(sizes[i] / 125)) + 2);
    }
    this.streams[dir].push(data);
    const lastTs = this.clock;
    this.wait(5);
    return { start, end: this.sent[dir], firstTs, lastTs };
  }

  /** A pure ACK from `dir` acknowledging everything the peer sent so far. */
  ack(dir: Dir): SegmentRecord {
    const r = this.push(dir, TcpFlag.ACK, Buffer.alloc(0), this.sent[dir], this.seqOf(dir, this.sent[dir] + (this.finSent[dir] ? 1 : 0)));
    this.wait(5);
    return r;
  }

  /** FIN (with ACK) from `dir`. */
  fin(dir: Dir): SegmentRecord {
    const r = this.push(dir, TcpFlag.FIN | TcpFlag.ACK, Buffer.alloc(0), this.sent[dir], this.seqOf(dir, this.sent[dir]));
    this.finSent[dir] = true;
    this.wait(5);
    return r;
  }

  /** RST (with ACK) from `dir`. */
  rst(dir: Dir): SegmentRecord {
    const r = this.push(dir, TcpFlag.RST | TcpFlag.ACK, Buffer.alloc(0), this.sent[dir], this.seqOf(dir, this.sent[dir]));
    this.wait(5);
    return r;
  }

  /** Orderly close started by `by`: FIN, FIN-ACK from the peer, last ACK. */
  close(by: Dir = Dir.ToServer): this {
    const peer = by === Dir.ToServer ? Dir.ToClient : Dir.ToServer;
    this.fin(by);
    this.wait(by === Dir.ToServer ? 40 : this.rtt);
    this.fin(peer);
    this.wait(peer === Dir.ToServer ? 40 : this.rtt);
    this.ack(by);
    return this;
  }

  /** Data segments of `dir` overlapping stream range [start, end), in send order. */
  dataSegments(dir: Dir, start = 0, end = Infinity): SegmentRecord[] {
    return this.segments.filter((s) => s.dir === dir && s.payload.length > 0 && s.offset < end && s.offset + s.payload.length > start);
  }

  /** Marks a segment as missed by the capture (the endpoints still exchanged it, so later ACKs cover it). */
  lose(seg: SegmentRecord): void {
    seg.captured = false;
  }

  /** Records an exact duplicate of `seg` sent `delayUs` after it. */
  retransmit(seg: SegmentRecord, delayUs: number): SegmentRecord {
    const copy: SegmentRecord = { ...seg, ts: seg.ts + delayUs, captured: true };
    this.segments.push(copy);
    return copy;
  }

  /** Records a retransmission of stream bytes [start, end) of `dir` (same bytes as the original) at time `ts`. */
  retransmitRange(dir: Dir, start: number, end: number, ts: number): SegmentRecord {
    const all = Buffer.concat(this.streams[dir]);
    const rec: SegmentRecord = {
      ts,
      dir,
      seq: this.seqOf(dir, start),
      ack: this.ackFor(dir),
      flags: TcpFlag.ACK | TcpFlag.PSH,
      window: dir === Dir.ToServer ? 64240 : 65160,
      payload: Buffer.from(all.subarray(start - this.streamBase[dir], end - this.streamBase[dir])),
      offset: start,
      captured: true,
    };
    this.segments.push(rec);
    return rec;
  }

  /** Swaps the capture times of two segments (the later one is seen first). */
  swap(a: SegmentRecord, b: SegmentRecord): void {
    const t = a.ts;
    a.ts = b.ts;
    b.ts = t;
  }

  /** Marks every segment of a direction as missed (a one-sided capture). */
  dropDirection(dir: Dir): void {
    for (const s of this.segments) if (s.dir === dir) s.captured = false;
  }

  /** Captured segments in capture order (stable for equal times). */
  capturedSegments(): SegmentRecord[] {
    return this.segments
      .map((s, i) => ({ s, i }))
      .filter((x) => x.s.captured)
      .sort((a, b) => a.s.ts - b.s.ts || a.i - b.i)
      .map((x) => x.s);
  }

  /**
   * Capture time at which stream byte `offset` of `dir` becomes available in order (all captured bytes before it
   * present), as an in-order reassembler delivers it; falls back to the first captured segment holding the byte
   * when a capture hole precedes it, and to null when no captured segment holds it.
   */
  deliveryTs(dir: Dir, offset: number): number | null {
    const segs = this.capturedSegments().filter((s) => s.dir === dir && s.payload.length > 0);
    if (segs.length === 0) return null;
    let next = Math.min(...segs.map((s) => s.offset));
    const pending: SegmentRecord[] = [];
    for (const s of segs) {
      pending.push(s);
      let progressed = true;
      while (progressed) {
        progressed = false;
        for (let i = 0; i < pending.length; i++) {
          const p = pending[i];
          if (p.offset <= next && p.offset + p.payload.length > next) {
            next = p.offset + p.payload.length;
            pending.splice(i, 1);
            progressed = true;
            break;
          } else if (p.offset + p.payload.length <= next) {
            pending.splice(i, 1);
            i--;
          }
        }
      }
      if (next > offset) return s.ts;
    }
    const holder = segs.find((s) => s.offset <= offset && s.offset + s.payload.length > offset);
    return holder ? holder.ts : null;
  }

  /** Renders the captured segments to link-layer frames, in capture order. */
  render(): CapturedPacket[] {
    const out: CapturedPacket[] = [];
    const o = this.opts;
    const mss = o.mss ?? 1460;
    const clientLink = o.link ?? { kind: 'ethernet' };
    const serverLink = o.serverLink ?? clientLink;
    for (const s of this.capturedSegments()) {
      const toServer = s.dir === Dir.ToServer;
      const link = toServer ? clientLink : serverLink;
      const ifIndex = toServer ? (o.ifIndex ?? 0) : (o.serverIfIndex ?? o.ifIndex ?? 0);
      const linkType = linkTypeOf(link, o.ipVersion);
      let options: Buffer | null = null;
      if (s.flags & TcpFlag.SYN) options = synOptions(mss);
      if (o.tcpTimestamps) {
        const ts = timestampOptions(Math.floor(s.ts / 1000), Math.floor(s.ts / 1000) - 1);
        options = options ? Buffer.concat([options, ts]) : ts;
      }
      const fragment = o.fragment && s.payload.length >= o.fragment.minPayload ? o.fragment : null;
      const id = this.ipId[s.dir];
      this.ipId[s.dir] = (id + 1) & 0xffff;
      const spec = {
        ipVersion: o.ipVersion,
        src: this.addr[s.dir],
        dst: this.addr[1 - s.dir],
        srcPort: toServer ? o.clientPort : o.serverPort,
        dstPort: toServer ? o.serverPort : o.clientPort,
        seq: s.seq,
        ack: s.ack,
        flags: s.flags,
        window: s.window,
        payload: s.payload,
        options,
        ipId: id,
        ipv6ExtHeaders: o.ipv6ExtHeaders ?? null,
        outgoing: !toServer,
      };
      if (fragment === null) {
        out.push({ ts: s.ts, linkType, ifIndex, data: buildTcpFrame({ ...spec, link }) });
        continue;
      }
      const bare = buildTcpFrame({ ...spec, link: null, dontFragment: false });
      const frags = o.ipVersion === 4 ? fragmentIpv4(bare, fragment, this.rng) : fragmentIpv6(bare, fragment, this.fragIdent++, this.rng);
      for (let i = 0; i < frags.length; i++) {
        out.push({ ts: s.ts + i * 3, linkType, ifIndex, data: wrapIpPacket(link, frags[i], !toServer) });
      }
    }
    return out;
  }
}
