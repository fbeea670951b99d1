/**
 * Benchmark capture writer: streams a large, realistic capture of HTTP/1.1 API traffic to disk in bounded memory.
 * Many concurrent keep-alive connections (Ethernet/IPv4, handshake, 5–30 transactions each, FIN), requests of
 * 300–700 bytes (GET and JSON POST/PUT), JSON responses of 200 B–4 KB (some chunked, some gzip), MSS segmentation
 * and ACKs. Every generated transaction is complete (request and response), so an engine must report exactly
 * `transactions`. Deterministic by seed. Content comes from small precomputed pools so generation stays fast.
 */
import { gzipSync } from 'node:zlib';
import { LinkType, TcpFlag } from '../../appliance/src/engine/packet.types.ts';
import { PcapngWriter, PcapWriter } from '../../appliance/src/engine/source/capture.writer.ts';
import { ApiContent } from './api-content.generator.ts';
import { chunkBody } from './http-message.builder.ts';
import { checksumAdd, synOptions, tcpFrameLength, writeTcpFrame, type LinkSpec, type TcpFrameSpec } from './packet.builder.ts';
import { SeededRandom } from './seeded.random.ts';

/** Options of {@link writeBenchCapture}. */
export interface BenchOptions {
  /** Transactions to generate (all complete). */
  transactions: number;
  seed?: number;
  format?: 'pcap' | 'pcapng';
  /** Concurrent client connections (default 2000). */
  clients?: number;
}

/** What was written. */
export interface BenchResult {
  transactions: number;
  packets: number;
  /** File size in bytes. */
  bytes: number;
  connections: number;
}

const MSS = 1460;
const ETH: LinkSpec = { kind: 'ethernet' };
const START_US = 1_700_000_000_000_000;
const EMPTY: Buffer = Buffer.alloc(0);
const SYN_OPTS = synOptions(MSS);

/** Precomputed pools of response messages and request bodies. */
interface ContentPools {
  responses: Buffer[];
  /** Per response, the payload checksum sum of each MSS-sized segment. */
  responseSums: number[][];
  bodies: string[];
  agents: string[];
  hosts: string[];
  paths: string[];
}

function buildPools(rng: SeededRandom): ContentPools {
  const content = new ApiContent(rng);
  const responses: Buffer[] = [];
  for (let i = 0; i < 160; i++) {
    const r = rng.next();
    const size = r < 0.7 ? rng.int(100, 450) : r < 0.95 ? rng.int(450, 1400) : rng.int(1400, 3700);
    const body = Buffer.from(content.json(size));
    const mode = rng.next();
    let head = 'HTTP/1.1 200 OK\r\nDate: Tue, 14 Nov 2023 22:13:20 GMT\r\nContent-Type: application/json\r\n';
    let wire: Buffer = body;
    if (mode < 0.2) {
      wire = gzipSync(body);
      head += 'Content-Encoding: gzip\r\n';
    }
    if (mode > 0.8) {
      wire = chunkBody(wire, [rng.int(200, 1000)]);
      head += 'Transfer-Encoding: chunked\r\n';
    } else head += `Content-Length: ${wire.length}\r\n`;
    if (rng.chance(0.5)) head += 'Cache-Control: no-store\r\n';
    responses.push(Buffer.concat([Buffer.from(`${head}\r\n`, 'latin1'), wire]));
  }
  const bodies: string[] = [];
  for (let i = 0; i < 48; i++) bodies.push(content.json(rng.int(40, 260)).slice(0, rng.int(60, 260)) + '"}');
  const agents = [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
    'okhttp/4.12.0',
    'python-requests/2.31.0',
    'MyShop-iOS/5.2.1 CFNetwork/1485 Darwin/23.1.0',
  ];
  const hosts = content.hosts(40).map((h) => h.header);
  const paths: string[] = [];
  for (let i = 0; i < 64; i++) paths.push(content.path().split('?')[0]);
  const responseSums = responses.map((r) => {
    const sums: number[] = [];
    for (let off = 0; off < r.length; off += MSS) sums.push(checksumAdd(r, off, Math.min(off + MSS, r.length), 0));
    return sums;
  });
  return { responses, responseSums, bodies, agents, hosts, paths };
}

const BLOCK = 1 << 20;

/** A record sink the bench writes TCP frames to. */
interface FrameSink {
  /** Writes one frame captured at `tsUs`; returns the bytes added to the file. */
  writeTcp(tsUs: number, spec: TcpFrameSpec): number;
  close(): void;
}

/**
 * Classic pcap (little-endian, µs) that frames records straight into large blocks handed to the base writer, so each
 * byte is copied once instead of three times (the base writer's per-packet path allocates and copies per record).
 */
class BlockPcapWriter extends PcapWriter implements FrameSink {
  private block = Buffer.allocUnsafe(BLOCK);
  private pos = 0;

  constructor(path: string) {
    super(path, { linkType: LinkType.ETHERNET });
  }

  writeTcp(tsUs: number, spec: TcpFrameSpec): number {
    const len = tcpFrameLength(spec);
    if (this.pos + 16 + len > this.block.length) this.spill();
    const b = this.block;
    const p = this.pos;
    const sec = Math.floor(tsUs / 1e6);
    b.writeUInt32LE(sec, p);
    b.writeUInt32LE(tsUs - sec * 1e6, p + 4);
    b.writeUInt32LE(len, p + 8);
    b.writeUInt32LE(len, p + 12);
    writeTcpFrame(b, p + 16, spec);
    this.pos = p + 16 + len;
    return 16 + len;
  }

  private spill(): void {
    if (this.pos > 0) this.emit(this.block.subarray(0, this.pos));
    this.block = Buffer.allocUnsafe(BLOCK);
    this.pos = 0;
  }

  override close(): void {
    this.spill();
    super.close();
  }
}

/** pcapng counterpart of {@link BlockPcapWriter}: one Ethernet interface (µs), Enhanced Packet Blocks. */
class BlockPcapngWriter extends PcapngWriter implements FrameSink {
  private block = Buffer.allocUnsafe(BLOCK);
  private pos = 0;

  constructor(path: string) {
    super(path);
    this.addInterface({ linkType: LinkType.ETHERNET });
  }

  writeTcp(tsUs: number, spec: TcpFrameSpec): number {
    const len = tcpFrameLength(spec);
    const padded = (len + 3) & ~3;
    const total = 32 + padded;
    if (this.pos + total > this.block.length) this.spill();
    const b = this.block;
    const p = this.pos;
    const high = Math.floor(tsUs / 4294967296);
    b.writeUInt32LE(6, p);
    b.writeUInt32LE(total, p + 4);
    b.writeUInt32LE(0, p + 8);
    b.writeUInt32LE(high, p + 12);
    b.writeUInt32LE(tsUs - high * 4294967296, p + 16);
    b.writeUInt32LE(len, p + 20);
    b.writeUInt32LE(len, p + 24);
    writeTcpFrame(b, p + 28, spec);
    b.fill(0, p + 28 + len, p + 28 + padded);
    b.writeUInt32LE(total, p + 28 + padded);
    this.pos = p + total;
    return total;
  }

  private spill(): void {
    if (this.pos > 0) this.emit(this.block.subarray(0, this.pos));
    this.block = Buffer.allocUnsafe(BLOCK);
    this.pos = 0;
  }

  override close(): void {
    this.spill();
    super.close();
  }
}

/** One connection slot: a client that keeps opening keep-alive connections. */
interface Slot {
  id: number;
  clientIp: Buffer;
  serverIp: Buffer;
  clientPort: number;
  serverPort: number;
  host: string;
  /** The header fields this client sends on every request, ready to copy. */
  fixedHeaders: Buffer;
  cSeq: number;
  sSeq: number;
  cId: number;
  sId: number;
  /** Transactions left on the current connection; -1 = no connection open. */
  left: number;
  /** Planned packets not yet written. */
  qTs: number[];
  qDir: number[];
  qFlags: number[];
  qData: Buffer[];
  /** Payload checksum sum, or -1 to compute it. */
  qSum: number[];
  qPos: number;
}

/** Min-heap of slots keyed by the time of their next planned packet. */
class SlotHeap {
  private readonly keys: number[] = [];
  private readonly slots: Slot[] = [];

  get size(): number {
    return this.slots.length;
  }

  push(key: number, slot: Slot): void {
    let i = this.slots.length;
    this.keys.push(key);
    this.slots.push(slot);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.keys[p] < key || (this.keys[p] === key && this.slots[p].id < slot.id)) break;
      this.keys[i] = this.keys[p];
      this.slots[i] = this.slots[p];
      i = p;
    }
    this.keys[i] = key;
    this.slots[i] = slot;
  }

  pop(): Slot {
    const top = this.slots[0];
    const lastKey = this.keys.pop()!;
    const last = this.slots.pop()!;
    const n = this.slots.length;
    if (n > 0) {
      let i = 0;
      while (true) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && (this.keys[c + 1] < this.keys[c] || (this.keys[c + 1] === this.keys[c] && this.slots[c + 1].id < this.slots[c].id))) c++;
        if (this.keys[c] > lastKey || (this.keys[c] === lastKey && this.slots[c].id > last.id)) break;
        this.keys[i] = this.keys[c];
        this.slots[i] = this.slots[c];
        i = c;
      }
      this.keys[i] = lastKey;
      this.slots[i] = last;
    }
    return top;
  }
}

/**
 * Writes a benchmark capture of `opts.transactions` complete HTTP transactions to `path`, streaming (memory stays
 * bounded by the number of concurrent connections).
 */
export async function writeBenchCapture(path: string, opts: BenchOptions): Promise<BenchResult> {
  const rng = new SeededRandom(opts.seed ?? 1);
  const pools = buildPools(rng);
  const format = opts.format ?? 'pcap';
  const out: FrameSink = format === 'pcap' ? new BlockPcapWriter(path) : new BlockPcapngWriter(path);
  let bytes = format === 'pcap' ? 24 : 48;
  let packets = 0;
  let planned = 0;
  let connections = 0;
  const total = opts.transactions;
  const nClients = Math.max(1, Math.min(opts.clients ?? 2000, 60000));
  const heap = new SlotHeap();
  const spec = {
    link: ETH,
    ipVersion: 4 as const,
    src: EMPTY as Buffer,
    dst: EMPTY as Buffer,
    srcPort: 0,
    dstPort: 0,
    seq: 0,
    ack: 0,
    flags: 0,
    window: 0,
    payload: EMPTY as Buffer,
    options: null as Buffer | null,
    payloadSum: undefined as number | undefined,
    ipId: 0,
  };

  const enqueue = (s: Slot, ts: number, dir: number, flags: number, data: Buffer, sum: number): void => {
    s.qTs.push(ts);
    s.qDir.push(dir);
    s.qFlags.push(flags);
    s.qData.push(data);
    s.qSum.push(sum);
  };

  const sendData = (s: Slot, ts: number, dir: number, data: Buffer, sums: number[] | null): number => {
    for (let off = 0, k = 0; off < data.length; off += MSS, k++) {
      const end = Math.min(off + MSS, data.length);
      enqueue(s, ts, dir, TcpFlag.ACK | (end === data.length ? TcpFlag.PSH : 0), data.subarray(off, end), sums ? sums[k] : -1);
      ts += Math.max(2, ((end - off) >> 7) + 1);
    }
    return ts;
  };

  const buildRequest = (s: Slot): Buffer => {
    const r = rng.next();
    const path = pools.paths[(rng.next() * pools.paths.length) | 0];
    const id = (rng.next() * 9_000_000 + 1000) | 0;
    const line = r < 0.65 ? `GET ${path}/${id}?page=${(id % 50) + 1}&limit=20 HTTP/1.1\r\n` : `${r < 0.85 ? 'POST' : 'PUT'} ${path}/${id} HTTP/1.1\r\n`;
    const body = r < 0.65 ? '' : pools.bodies[(rng.next() * pools.bodies.length) | 0];
    let tail = `X-Request-ID: ${id.toString(16)}-${s.id}-${planned}\r\n`;
    if (body) tail += `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n`;
    tail += '\r\n';
    const fixed = s.fixedHeaders;
    const buf = Buffer.allocUnsafe(line.length + fixed.length + tail.length + body.length);
    let off = buf.write(line, 0, 'latin1');
    off += fixed.copy(buf, off);
    off += buf.write(tail, off, 'latin1');
    if (body) buf.write(body, off, 'latin1');
    return buf;
  };

  /** Plans the slot's next packets starting at `ts`: open, one exchange, or close. Returns false when done. */
  const plan = (s: Slot, ts: number): boolean => {
    s.qTs.length = 0;
    s.qDir.length = 0;
    s.qFlags.length = 0;
    s.qData.length = 0;
    s.qSum.length = 0;
    s.qPos = 0;
    if (s.left < 0) {
      if (planned >= total) return false;
      connections++;
      s.left = rng.int(5, 30);
      s.clientPort = s.clientPort >= 64000 ? 32768 + (s.id % 1000) : s.clientPort + 1 + rng.int(0, 7);
      s.cSeq = rng.u32();
      s.sSeq = rng.u32();
      enqueue(s, ts, 0, TcpFlag.SYN, EMPTY, 0);
      enqueue(s, ts + 40, 1, TcpFlag.SYN | TcpFlag.ACK, EMPTY, 0);
      enqueue(s, ts + 40 + rng.int(200, 20000), 0, TcpFlag.ACK, EMPTY, 0);
      return true;
    }
    if (s.left === 0 || planned >= total) {
      enqueue(s, ts, 0, TcpFlag.FIN | TcpFlag.ACK, EMPTY, 0);
      enqueue(s, ts + 60, 1, TcpFlag.FIN | TcpFlag.ACK, EMPTY, 0);
      enqueue(s, ts + 60 + rng.int(200, 20000), 0, TcpFlag.ACK, EMPTY, 0);
      s.left = -2;
      return true;
    }
    planned++;
    s.left--;
    const req = buildRequest(s);
    let t = sendData(s, ts, 0, req, null);
    t += rng.int(200, 8000);
    const k = (rng.next() * pools.responses.length) | 0;
    t = sendData(s, t, 1, pools.responses[k], pools.responseSums[k]);
    enqueue(s, t + rng.int(200, 20000), 0, TcpFlag.ACK, EMPTY, 0);
    return true;
  };

  /** Writes the slot's next planned packet and reschedules it. */
  const emit = (s: Slot): void => {
    const i = s.qPos++;
    const ts = s.qTs[i];
    const dir = s.qDir[i];
    const flags = s.qFlags[i];
    const data = s.qData[i];
    const toServer = dir === 0;
    spec.src = toServer ? s.clientIp : s.serverIp;
    spec.dst = toServer ? s.serverIp : s.clientIp;
    spec.srcPort = toServer ? s.clientPort : s.serverPort;
    spec.dstPort = toServer ? s.serverPort : s.clientPort;
    const synSeen = flags & TcpFlag.SYN;
    spec.seq = toServer ? s.cSeq : s.sSeq;
    spec.ack = flags & TcpFlag.ACK ? (toServer ? s.sSeq : s.cSeq) : 0;
    spec.flags = flags;
    spec.window = toServer ? 64240 : 65160;
    spec.payload = data;
    spec.options = synSeen ? SYN_OPTS : null;
    const sum = s.qSum[i];
    spec.payloadSum = sum < 0 ? undefined : sum;
    spec.ipId = toServer ? s.cId++ & 0xffff : s.sId++ & 0xffff;
    bytes += out.writeTcp(ts, spec);
    const adv = data.length + (synSeen || flags & TcpFlag.FIN ? 1 : 0);
    if (toServer) s.cSeq = (s.cSeq + adv) >>> 0;
    else s.sSeq = (s.sSeq + adv) >>> 0;
    packets++;
    if (s.qPos < s.qTs.length) {
      heap.push(s.qTs[s.qPos], s);
      return;
    }
    if (s.left === -2) s.left = -1;
    const think = s.left === -1 ? rng.int(50_000, 2_000_000) : rng.int(20_000, 400_000);
    if (plan(s, ts + think)) heap.push(s.qTs[0], s);
  };

  for (let i = 0; i < nClients; i++) {
    const s: Slot = {
      id: i,
      clientIp: Buffer.from([172, 16 + (i >> 16), (i >> 8) & 0xff, i & 0xff]),
      serverIp: Buffer.from([10, 20, 0, 10 + (i % 40)]),
      clientPort: 32768 + rng.int(0, 20000),
      serverPort: i % 40 === 1 || i % 40 === 5 ? 8080 : 80,
      host: pools.hosts[i % 40],
      fixedHeaders: Buffer.from(
        `Host: ${pools.hosts[i % 40]}\r\nUser-Agent: ${pools.agents[i % pools.agents.length]}\r\nAccept: application/json\r\n` +
          `Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.${Buffer.from(`{"sub":"user-${i}"}`).toString('base64url')}.${rng.hex(43)}\r\n` +
          'Accept-Encoding: gzip\r\n',
        'latin1',
      ),
      cSeq: 0,
      sSeq: 0,
      cId: rng.int(0, 0xffff),
      sId: rng.int(0, 0xffff),
      left: -1,
      qTs: [],
      qDir: [],
      qFlags: [],
      qData: [],
      qSum: [],
      qPos: 0,
    };
    if (plan(s, START_US + rng.int(0, 2_000_000))) heap.push(s.qTs[0], s);
  }
  while (heap.size > 0) emit(heap.pop());
  out.close();
  return { transactions: planned, packets, bytes, connections };
}
