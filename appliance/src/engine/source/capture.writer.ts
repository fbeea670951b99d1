/**
 * Capture file writers: classic pcap (either byte order, µs or ns timestamps) and pcapng (several interfaces, each
 * with its own link type and timestamp resolution; EPB or SPB records). Used by the traffic generator, the tests
 * and exports. Output is buffered and written synchronously to a file descriptor, or collected in memory.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

const FLUSH_AT = 1 << 20;

/** Buffered sink shared by both writers: a file when given a path, else memory (see `toBuffer`). */
abstract class BufferedOutput {
  private chunks: Buffer[] = [];
  private pending = 0;
  private readonly fd: number | null;
  private readonly memory: Buffer[] = [];

  protected constructor(path: string | null) {
    this.fd = path === null ? null : openSync(path, 'w');
  }

  protected emit(buf: Buffer): void {
    this.chunks.push(buf);
    this.pending += buf.length;
    if (this.pending >= FLUSH_AT) this.flush();
  }

  /** Writes buffered bytes to the file (no-op in memory mode until `toBuffer`). */
  flush(): void {
    if (this.chunks.length === 0) return;
    const all = Buffer.concat(this.chunks, this.pending);
    this.chunks = [];
    this.pending = 0;
    if (this.fd === null) this.memory.push(all);
    else writeSync(this.fd, all);
  }

  /** Flushes and closes the file. */
  close(): void {
    this.flush();
    if (this.fd !== null) closeSync(this.fd);
  }

  /** The whole capture, in memory mode. */
  toBuffer(): Buffer {
    this.flush();
    return Buffer.concat(this.memory);
  }
}

/** Options of a classic pcap file. */
export interface PcapWriterOptions {
  linkType: number;
  /** Nanosecond timestamps (magic 0xa1b23c4d) instead of microseconds. */
  nanos?: boolean;
  /** Write big-endian headers (as a big-endian capturing host would). */
  bigEndian?: boolean;
  snaplen?: number;
}

/** Writes a classic pcap file. Pass `null` as path to build it in memory. */
export class PcapWriter extends BufferedOutput {
  private readonly nanos: boolean;
  private readonly be: boolean;
  private readonly snaplen: number;

  constructor(path: string | null, opts: PcapWriterOptions) {
    super(path);
    this.nanos = opts.nanos ?? false;
    this.be = opts.bigEndian ?? false;
    this.snaplen = opts.snaplen ?? 262144;
    const h = Buffer.alloc(24);
    const magic = this.nanos ? 0xa1b23c4d : 0xa1b2c3d4;
    if (this.be) {
      h.writeUInt32BE(magic, 0);
      h.writeUInt16BE(2, 4);
      h.writeUInt16BE(4, 6);
      h.writeUInt32BE(this.snaplen, 16);
      h.writeUInt32BE(opts.linkType, 20);
    } else {
      h.writeUInt32LE(magic, 0);
      h.writeUInt16LE(2, 4);
      h.writeUInt16LE(4, 6);
      h.writeUInt32LE(this.snaplen, 16);
      h.writeUInt32LE(opts.linkType, 20);
    }
    this.emit(h);
  }

  /**
   * Appends one packet captured at `tsUs` (µs since epoch). `data` longer than the snap length is cut and recorded
   * with its original length; `origLen` overrides the original length (to write deliberately truncated records).
   */
  writePacket(tsUs: number, data: Buffer, origLen = data.length): void {
    const incl = Math.min(data.length, this.snaplen);
    const h = Buffer.alloc(16);
    const sec = Math.floor(tsUs / 1e6);
    const frac = this.nanos ? (tsUs - sec * 1e6) * 1000 : tsUs - sec * 1e6;
    const w = this.be ? h.writeUInt32BE.bind(h) : h.writeUInt32LE.bind(h);
    w(sec >>> 0, 0);
    w(Math.round(frac) >>> 0, 4);
    w(incl, 8);
    w(Math.max(origLen, incl), 12);
    this.emit(h);
    this.emit(incl === data.length ? Buffer.from(data) : Buffer.from(data.subarray(0, incl)));
  }
}

/** One pcapng interface description. */
export interface PcapngInterface {
  linkType: number;
  snaplen?: number;
  /** Timestamp resolution as a power of ten (if_tsresol): 6 = µs (default), 9 = ns, 3 = ms. */
  tsResolution?: number;
}

/** Writes a pcapng file (little-endian section). Pass `null` as path to build it in memory. */
export class PcapngWriter extends BufferedOutput {
  private readonly ifaces: PcapngInterface[] = [];

  constructor(path: string | null) {
    super(path);
    // Section Header Block: type, length, byte-order magic, version 1.0, section length -1 (unknown).
    const b = Buffer.alloc(28);
    b.writeUInt32LE(0x0a0d0d0a, 0);
    b.writeUInt32LE(28, 4);
    b.writeUInt32LE(0x1a2b3c4d, 8);
    b.writeUInt16LE(1, 12);
    b.writeUInt16LE(0, 14);
    b.writeInt32LE(-1, 16);
    b.writeInt32LE(-1, 20);
    b.writeUInt32LE(28, 24);
    this.emit(b);
  }

  /** Declares an interface and returns its index for `writePacket`. */
  addInterface(iface: PcapngInterface): number {
    const res = iface.tsResolution ?? 6;
    const opts = res === 6 ? Buffer.alloc(0) : Buffer.from([9, 0, 1, 0, res, 0, 0, 0, 0, 0, 0, 0]); // if_tsresol + opt_endofopt
    const len = 20 + opts.length;
    const b = Buffer.alloc(len);
    b.writeUInt32LE(1, 0);
    b.writeUInt32LE(len, 4);
    b.writeUInt16LE(iface.linkType, 8);
    b.writeUInt32LE(iface.snaplen ?? 262144, 12);
    opts.copy(b, 16);
    b.writeUInt32LE(len, len - 4);
    this.emit(b);
    this.ifaces.push(iface);
    return this.ifaces.length - 1;
  }

  /** Appends an Enhanced Packet Block on interface `ifIndex`, captured at `tsUs` (µs since epoch). */
  writePacket(ifIndex: number, tsUs: number, data: Buffer, origLen = data.length): void {
    const iface = this.ifaces[ifIndex];
    if (!iface) throw new Error(`pcapng: unknown interface ${ifIndex}`);
    const incl = Math.min(data.length, iface.snaplen ?? 262144);
    const padded = (incl + 3) & ~3;
    const len = 32 + padded;
    const b = Buffer.alloc(len);
    const units = BigInt(Math.round(tsUs)) * 10n ** BigInt(iface.tsResolution ?? 6) / 1_000_000n;
    b.writeUInt32LE(6, 0);
    b.writeUInt32LE(len, 4);
    b.writeUInt32LE(ifIndex, 8);
    b.writeUInt32LE(Number(units >> 32n), 12);
    b.writeUInt32LE(Number(units & 0xffffffffn), 16);
    b.writeUInt32LE(incl, 20);
    b.writeUInt32LE(Math.max(origLen, incl), 24);
    data.copy(b, 28, 0, incl);
    b.writeUInt32LE(len, len - 4);
    this.emit(b);
  }

  /** Appends a Simple Packet Block (no timestamp; always interface 0). */
  writeSimplePacket(data: Buffer, origLen = data.length): void {
    const iface = this.ifaces[0];
    if (!iface) throw new Error('pcapng: a simple packet block needs interface 0');
    const incl = Math.min(data.length, iface.snaplen ?? 262144);
    const padded = (incl + 3) & ~3;
    const len = 16 + padded;
    const b = Buffer.alloc(len);
    b.writeUInt32LE(3, 0);
    b.writeUInt32LE(len, 4);
    b.writeUInt32LE(origLen, 8);
    data.copy(b, 12, 0, incl);
    b.writeUInt32LE(len, len - 4);
    this.emit(b);
  }
}
