/**
 * Streaming reader of capture files: classic pcap (either byte order, µs or ns timestamps, and the modified
 * "Kuznetzov" variant) and pcapng (any number of sections, each with its own byte order and interfaces; EPB, SPB
 * and the obsolete Packet Block). The file is read in large chunks into one reusable buffer; a record cut by a
 * chunk boundary is carried to the start of the buffer before the next read, and the buffer grows for a record
 * larger than a chunk (up to a sanity bound). Packets are handed to the sink as zero-copy views into that buffer.
 *
 * Malformed structures are counted in `SourceStats.errors` under stable `capture_*` reason ids and never throw;
 * only a file that cannot be read, is empty or is not a capture at all raises a {@link CaptureFormatError}.
 */
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { FrameSink, PacketSink, SourceStats } from '../packet.types.ts';

/** Raised when a file cannot be read as a capture at all (unreadable, empty, not pcap/pcapng, bad header). */
export class CaptureFormatError extends Error {
  override name = 'CaptureFormatError';
}

/** Capture container formats the reader understands. */
export type CaptureFormat = 'pcap' | 'pcapng';

/** Options of a {@link CaptureFileReader}. */
export interface CaptureReadOptions {
  /** Bytes read per file read (default 4 MiB). */
  chunkSize?: number;
  /** Called after every chunk read with the bytes read so far and the file size (0 when unknown, e.g. a pipe). */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** Largest record (pcap record or pcapng block) accepted, in bytes (default 64 MiB); beyond it the read stops. */
  maxRecordSize?: number;
  /**
   * Awaited before each chunk is read: lets a consumer that forwards results asynchronously (over IPC) hold the
   * reader back until it has caught up.
   */
  beforeRead?: () => Promise<void> | void;
}

const DEFAULT_CHUNK = 4 << 20;
const DEFAULT_MAX_RECORD = 64 << 20;
/** Room kept in front of a read-ahead chunk for the unparsed tail of the previous one (a larger tail is joined by copy). */
const READ_AHEAD_RESERVE = 256 << 10;

const PCAP_MAGIC_US = 0xa1b2c3d4;
const PCAP_MAGIC_NS = 0xa1b23c4d;
/** Alexey Kuznetzov's patched libpcap: µs timestamps, 24-byte record headers. */
const PCAP_MAGIC_KUZNETZOV = 0xa1b2cd34;
const PCAP_HEADER_LEN = 24;

const BT_SHB = 0x0a0d0d0a;
const BT_IDB = 1;
const BT_PB = 2;
const BT_SPB = 3;
const BT_EPB = 6;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const TWO_32 = 4294967296;

/** How an interface's 64-bit timestamp units become microseconds (values of `PcapngInterface.tsMode`). */
const TS_MICROS = 0; // units are µs
const TS_MULTIPLY = 1; // coarser than µs: multiply by `factor`
const TS_DIVIDE = 2; // finer than µs with `factor` <= 2^21: exact split division in doubles
const TS_POW2 = 3; // units of 2^-shift s, shift <= 32
const TS_BIG = 4; // anything else: exact BigInt arithmetic (rare resolutions)

/** Per-interface state of the current pcapng section. */
interface PcapngInterface {
  linkType: number;
  /** 0 = no limit. */
  snaplen: number;
  tsMode: number;
  factor: number;
  shift: number;
  /** Units per second for TS_BIG. */
  unitsPerSec: bigint;
  /** if_tsoffset, in µs. */
  offsetUs: number;
}

/** Sniffs the first bytes of a file: 'pcap', 'pcapng' or null when neither magic is present. */
export function detectCaptureFormat(head: Buffer): CaptureFormat | null {
  if (head.length < 4) return null;
  const le = head.readUInt32LE(0);
  const be = head.readUInt32BE(0);
  if (le === BT_SHB) return 'pcapng';
  if (isPcapMagic(le) || isPcapMagic(be)) return 'pcap';
  return null;
}

function isPcapMagic(m: number): boolean {
  return m === PCAP_MAGIC_US || m === PCAP_MAGIC_NS || m === PCAP_MAGIC_KUZNETZOV;
}

/**
 * Reads one capture file from start to end and hands every packet to a synchronous sink. Use once: `run()` opens
 * the file (unless `open()` already did), reads it and closes it.
 */
export class CaptureFileReader {
  private readonly path: string;
  private readonly chunkSize: number;
  private readonly maxRecord: number;
  private readonly onProgress: ((bytesRead: number, totalBytes: number) => void) | undefined;
  private readonly beforeRead: (() => Promise<void> | void) | undefined;
  private readonly st: SourceStats = { packets: 0, bytes: 0, drops: null, errors: {} };

  private fh: FileHandle | null = null;
  private fmt: CaptureFormat | null = null;
  private used = false;
  private stopped = false;
  /** A structural error made the rest of the file unreadable. */
  private fatal = false;

  private buf: Buffer = Buffer.alloc(0);
  /** Buffer the read-ahead fills while `buf` is parsed (the two swap). */
  private spare: Buffer = Buffer.alloc(0);
  private start = 0;
  private end = 0;
  private filePos = 0;
  private totalBytes = 0;
  private eof = false;
  /** Bytes from `start` the next record needs before it can be parsed. */
  private need = 0;

  // pcap state
  private le = true;
  private tsDiv = 1;
  private recHdrLen = 16;
  private linkType = 0;
  private snaplen = 0;

  // pcapng state (current section)
  private ifaces: PcapngInterface[] = [];
  private lastTs = 0;

  /** Prepares a reader of `path`; nothing is opened before `open()` or `run()`. */
  constructor(path: string, opts: CaptureReadOptions = {}) {
    this.path = path;
    this.chunkSize = Math.max(1, Math.floor(opts.chunkSize ?? DEFAULT_CHUNK));
    this.maxRecord = Math.max(64, Math.floor(opts.maxRecordSize ?? DEFAULT_MAX_RECORD));
    this.onProgress = opts.onProgress;
    this.beforeRead = opts.beforeRead;
  }

  /** 'pcap' or 'pcapng', known after `open()` (null before). */
  get format(): CaptureFormat | null {
    return this.fmt;
  }

  /** Counters so far (live object; final once `run()` resolves). */
  get stats(): SourceStats {
    return this.st;
  }

  /** Asks `run()` to return after the current packet. */
  stop(): void {
    this.stopped = true;
  }

  /**
   * Opens the file, reads the first chunk and checks the file header. Throws {@link CaptureFormatError} when the
   * file cannot be read, is empty or is not a capture.
   */
  async open(): Promise<void> {
    if (this.used) throw new Error('CaptureFileReader: open() or run() called twice');
    this.used = true;
    try {
      this.fh = await open(this.path, 'r');
      const s = await this.fh.stat();
      this.totalBytes = s.isFile() ? s.size : 0;
      const first = this.totalBytes > 0 ? Math.min(this.chunkSize, this.totalBytes) : this.chunkSize;
      this.buf = Buffer.allocUnsafe(Math.max(first, 28));
      this.need = 28;
      // The header needs up to 28 bytes; keep reading until there are enough or the file ends.
      while (this.end < 28 && !this.eof) await this.fill();
    } catch (err) {
      await this.close();
      if (err instanceof CaptureFormatError) throw err;
      const reason = err instanceof Error ? err.message : String(err);
      throw new CaptureFormatError(`cannot read capture file ${this.path}: ${reason}`);
    }
    try {
      this.readFileHeader();
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  /** Closes the file (done by `run()`; needed only after an `open()` that is not followed by `run()`). */
  async close(): Promise<void> {
    const fh = this.fh;
    this.fh = null;
    if (fh) await fh.close().catch(() => undefined);
  }

  /**
   * Reads the file to its end (or until `stop()`), calling `sink` synchronously for each packet; yields to the
   * event loop between chunks. Resolves with the final counters.
   */
  async run(sink: PacketSink): Promise<SourceStats> {
    return this.runFrames({
      frame: (buf, off, end, ts, linkType, origLen, ifIndex) => sink({ ts, linkType, data: buf.subarray(off, end), origLen, ifIndex }),
    });
  }

  /**
   * Like {@link run}, but hands each packet to `sink.frame` as a range of the read buffer: no per-packet object or
   * view is created.
   */
  async runFrames(sink: FrameSink): Promise<SourceStats> {
    if (!this.fh) await this.open();
    try {
      while (!this.stopped && !this.fatal) {
        // Read ahead: the next chunk is read (on the thread pool) while this one is parsed.
        const ahead = this.eof || this.end - this.start < this.need ? null : await this.readAhead();
        if (this.fmt === 'pcap') this.parsePcap(sink);
        else this.parsePcapng(sink);
        if (ahead !== null) {
          await this.joinReadAhead(ahead);
          continue;
        }
        if (this.stopped || this.fatal) break;
        if (this.eof) {
          if (this.start < this.end) this.err('capture_truncated_record');
          break;
        }
        await this.refill();
      }
    } finally {
      await this.close();
    }
    return this.st;
  }

  private err(reason: string): void {
    this.st.errors[reason] = (this.st.errors[reason] ?? 0) + 1;
  }

  /**
   * Starts reading the next chunk into the spare buffer, after {@link READ_AHEAD_RESERVE} bytes kept free for the
   * unparsed tail of the current one. Resolves once the read is issued (after `beforeRead`), with the read itself.
   */
  private async readAhead(): Promise<{ read: Promise<number> }> {
    if (this.beforeRead !== undefined) await this.beforeRead();
    const size = READ_AHEAD_RESERVE + this.chunkSize;
    if (this.spare.length < size) this.spare = Buffer.allocUnsafe(size);
    const read = this.fh!.read(this.spare, READ_AHEAD_RESERVE, this.chunkSize, this.filePos).then((r) => r.bytesRead);
    read.catch(() => undefined);
    return { read };
  }

  /** Waits for the read-ahead and puts the unparsed tail of the current buffer in front of the bytes it read. */
  private async joinReadAhead(ahead: { read: Promise<number> }): Promise<void> {
    let n: number;
    try {
      n = await ahead.read;
    } catch (_err) {
      this.err('capture_read_error');
      this.fatal = true;
      return;
    }
    if (this.stopped || this.fatal) return;
    if (n === 0) {
      this.eof = true;
      return;
    }
    const left = this.end - this.start;
    const spare = this.spare;
    if (left <= READ_AHEAD_RESERVE) {
      this.buf.copy(spare, READ_AHEAD_RESERVE - left, this.start, this.end);
      this.spare = this.buf;
      this.buf = spare;
      this.start = READ_AHEAD_RESERVE - left;
      this.end = READ_AHEAD_RESERVE + n;
    } else {
      const joined = Buffer.allocUnsafe(left + n);
      this.buf.copy(joined, 0, this.start, this.end);
      spare.copy(joined, left, READ_AHEAD_RESERVE, READ_AHEAD_RESERVE + n);
      this.buf = joined;
      this.start = 0;
      this.end = left + n;
    }
    this.filePos += n;
    if (this.totalBytes > 0 && this.filePos >= this.totalBytes) this.eof = true;
    if (this.onProgress) this.onProgress(this.filePos, this.totalBytes);
  }

  /** Reads more bytes after `end` (one read call); sets `eof` when the file has no more. */
  private async fill(): Promise<void> {
    const fh = this.fh!;
    const want = Math.min(this.buf.length - this.end, Math.max(this.chunkSize, this.need - this.end));
    const { bytesRead } = await fh.read(this.buf, this.end, want, this.filePos);
    if (bytesRead === 0) {
      this.eof = true;
      return;
    }
    this.end += bytesRead;
    this.filePos += bytesRead;
    if (this.totalBytes > 0 && this.filePos >= this.totalBytes) this.eof = true;
    if (this.onProgress) this.onProgress(this.filePos, this.totalBytes);
  }

  /** Moves the unparsed tail to the buffer start (growing the buffer for a large record) and reads the next chunk. */
  private async refill(): Promise<void> {
    const left = this.end - this.start;
    const need = Math.max(this.need, left + 1);
    if (need > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, Math.min(this.buf.length * 2, this.maxRecord + 64)));
      this.buf.copy(grown, 0, this.start, this.end);
      this.buf = grown;
    } else if (left > 0 && this.start > 0) {
      this.buf.copyWithin(0, this.start, this.end);
    }
    this.start = 0;
    this.end = left;
    if (this.beforeRead !== undefined) await this.beforeRead();
    try {
      await this.fill();
    } catch (_err) {
      this.err('capture_read_error');
      this.fatal = true;
    }
  }

  private readFileHeader(): void {
    const b = this.buf;
    if (this.end === 0) throw new CaptureFormatError(`empty capture file: ${this.path}`);
    const fmt = detectCaptureFormat(b.subarray(0, this.end));
    if (fmt === null) {
      const hex = b.subarray(0, Math.min(4, this.end)).toString('hex');
      throw new CaptureFormatError(`not a pcap or pcapng file: ${this.path} (starts with 0x${hex})`);
    }
    this.fmt = fmt;
    if (fmt === 'pcapng') {
      if (this.end < 12) throw new CaptureFormatError(`truncated pcapng section header: ${this.path}`);
      const bom = b.readUInt32LE(8);
      if (bom !== BYTE_ORDER_MAGIC && b.readUInt32BE(8) !== BYTE_ORDER_MAGIC) {
        throw new CaptureFormatError(`bad pcapng byte-order magic in ${this.path} (0x${b.subarray(8, 12).toString('hex')})`);
      }
      return;
    }
    if (this.end < PCAP_HEADER_LEN) throw new CaptureFormatError(`truncated pcap file header: ${this.path}`);
    this.le = isPcapMagic(b.readUInt32LE(0));
    const magic = this.le ? b.readUInt32LE(0) : b.readUInt32BE(0);
    this.tsDiv = magic === PCAP_MAGIC_NS ? 1000 : 1;
    this.recHdrLen = magic === PCAP_MAGIC_KUZNETZOV ? 24 : 16;
    this.snaplen = this.le ? b.readUInt32LE(16) : b.readUInt32BE(16);
    this.linkType = (this.le ? b.readUInt32LE(20) : b.readUInt32BE(20)) & 0xffff;
    this.start = PCAP_HEADER_LEN;
  }

  /** Walks classic pcap records in [start, end). */
  private parsePcap(sink: FrameSink): void {
    const b = this.buf;
    const end = this.end;
    const le = this.le;
    const hdr = this.recHdrLen;
    const tsDiv = this.tsDiv;
    const snaplen = this.snaplen;
    const linkType = this.linkType;
    const maxRecord = this.maxRecord;
    const st = this.st;
    let p = this.start;
    while (p + hdr <= end) {
      const sec = le ? b.readUInt32LE(p) : b.readUInt32BE(p);
      const frac = le ? b.readUInt32LE(p + 4) : b.readUInt32BE(p + 4);
      const caplen = le ? b.readUInt32LE(p + 8) : b.readUInt32BE(p + 8);
      let origLen = le ? b.readUInt32LE(p + 12) : b.readUInt32BE(p + 12);
      if (caplen > maxRecord) {
        this.err('capture_record_too_large');
        this.fatal = true;
        break;
      }
      const dataStart = p + hdr;
      const recEnd = dataStart + caplen;
      if (recEnd > end) {
        this.need = hdr + caplen;
        this.start = p;
        return;
      }
      p = recEnd;
      if (caplen === 0 && origLen === 0) {
        this.err('capture_zero_length_record');
        continue;
      }
      if (caplen > snaplen && snaplen !== 0) this.err('capture_caplen_exceeds_snaplen');
      if (origLen < caplen) {
        this.err('capture_origlen_below_caplen');
        origLen = caplen;
      }
      st.packets++;
      st.bytes += caplen;
      sink.frame(b, dataStart, recEnd, sec * 1e6 + (tsDiv === 1 ? frac : Math.floor(frac / tsDiv)), linkType, origLen, 0);
      if (this.stopped) break;
    }
    this.need = hdr;
    this.start = p;
  }

  /** Walks pcapng blocks in [start, end). */
  private parsePcapng(sink: FrameSink): void {
    const b = this.buf;
    const end = this.end;
    const maxRecord = this.maxRecord;
    let p = this.start;
    while (p + 12 <= end) {
      let type = this.le ? b.readUInt32LE(p) : b.readUInt32BE(p);
      if (type === BT_SHB) {
        const bom = b.readUInt32LE(p + 8);
        if (bom === BYTE_ORDER_MAGIC) this.le = true;
        else if (b.readUInt32BE(p + 8) === BYTE_ORDER_MAGIC) this.le = false;
        else {
          this.err('capture_bad_section_header');
          this.fatal = true;
          break;
        }
        type = BT_SHB;
      }
      const le = this.le;
      const len = le ? b.readUInt32LE(p + 4) : b.readUInt32BE(p + 4);
      if (len < 12 || (len & 3) !== 0) {
        this.err('capture_bad_block_length');
        this.fatal = true;
        break;
      }
      if (len > maxRecord) {
        this.err('capture_record_too_large');
        this.fatal = true;
        break;
      }
      if (p + len > end) {
        this.need = len;
        this.start = p;
        return;
      }
      const blk = p;
      p += len;
      if ((le ? b.readUInt32LE(p - 4) : b.readUInt32BE(p - 4)) !== len) this.err('capture_block_length_mismatch');
      if (type === BT_EPB || type === BT_PB) {
        if (len < 32) {
          this.err('capture_bad_block_length');
          continue;
        }
        const ifIndex = type === BT_EPB ? (le ? b.readUInt32LE(blk + 8) : b.readUInt32BE(blk + 8)) : le ? b.readUInt16LE(blk + 8) : b.readUInt16BE(blk + 8);
        const hi = le ? b.readUInt32LE(blk + 12) : b.readUInt32BE(blk + 12);
        const lo = le ? b.readUInt32LE(blk + 16) : b.readUInt32BE(blk + 16);
        const caplen = le ? b.readUInt32LE(blk + 20) : b.readUInt32BE(blk + 20);
        let origLen = le ? b.readUInt32LE(blk + 24) : b.readUInt32BE(blk + 24);
        if (ifIndex >= this.ifaces.length) {
          this.err('capture_unknown_interface');
          continue;
        }
        if (caplen > len - 32) {
          this.err('capture_caplen_exceeds_block');
          continue;
        }
        const iface = this.ifaces[ifIndex];
        if (caplen > iface.snaplen && iface.snaplen !== 0) this.err('capture_caplen_exceeds_snaplen');
        if (origLen < caplen) {
          this.err('capture_origlen_below_caplen');
          origLen = caplen;
        }
        const ts = this.toMicros(iface, hi, lo);
        this.lastTs = ts;
        this.st.packets++;
        this.st.bytes += caplen;
        sink.frame(b, blk + 28, blk + 28 + caplen, ts, iface.linkType, origLen, ifIndex);
        if (this.stopped) break;
      } else if (type === BT_SPB) {
        if (len < 16) {
          this.err('capture_bad_block_length');
          continue;
        }
        if (this.ifaces.length === 0) {
          this.err('capture_unknown_interface');
          continue;
        }
        const iface = this.ifaces[0];
        const origLen = le ? b.readUInt32LE(blk + 8) : b.readUInt32BE(blk + 8);
        let caplen = Math.min(origLen, len - 16);
        if (iface.snaplen !== 0 && caplen > iface.snaplen) caplen = iface.snaplen;
        this.st.packets++;
        this.st.bytes += caplen;
        sink.frame(b, blk + 12, blk + 12 + caplen, this.lastTs, iface.linkType, origLen, 0);
        if (this.stopped) break;
      } else if (type === BT_IDB) {
        if (len < 20) {
          this.err('capture_bad_block_length');
          continue;
        }
        this.ifaces.push(this.parseIdb(b, blk, len));
      } else if (type === BT_SHB) {
        if (len < 28) {
          this.err('capture_bad_block_length');
          this.fatal = true;
          break;
        }
        if ((le ? b.readUInt16LE(blk + 12) : b.readUInt16BE(blk + 12)) !== 1) this.err('capture_unsupported_section_version');
        this.ifaces = [];
      }
      // Other blocks (NRB, ISB, DSB, custom, ...) carry nothing the engine uses: skipped by length.
    }
    this.need = 12;
    this.start = p;
  }

  /** Decodes an Interface Description Block (link type, snap length, if_tsresol, if_tsoffset). */
  private parseIdb(b: Buffer, blk: number, len: number): PcapngInterface {
    const le = this.le;
    const iface: PcapngInterface = {
      linkType: le ? b.readUInt16LE(blk + 8) : b.readUInt16BE(blk + 8),
      snaplen: le ? b.readUInt32LE(blk + 12) : b.readUInt32BE(blk + 12),
      tsMode: TS_MICROS,
      factor: 1,
      shift: 0,
      unitsPerSec: 1_000_000n,
      offsetUs: 0,
    };
    const optEnd = blk + len - 4;
    let o = blk + 16;
    while (o + 4 <= optEnd) {
      const code = le ? b.readUInt16LE(o) : b.readUInt16BE(o);
      const olen = le ? b.readUInt16LE(o + 2) : b.readUInt16BE(o + 2);
      if (code === 0) break;
      const v = o + 4;
      if (v + olen > optEnd) {
        this.err('capture_bad_option');
        break;
      }
      if (code === 9 && olen >= 1) setResolution(iface, b[v]);
      else if (code === 14 && olen >= 8) iface.offsetUs = Number(le ? b.readBigInt64LE(v) : b.readBigInt64BE(v)) * 1e6;
      o = v + ((olen + 3) & ~3);
    }
    return iface;
  }

  /** Converts a 64-bit timestamp (hi, lo) in the interface's units to µs since the epoch, rounded down. */
  private toMicros(iface: PcapngInterface, hi: number, lo: number): number {
    let us: number;
    switch (iface.tsMode) {
      case TS_MICROS:
        us = hi * TWO_32 + lo;
        break;
      case TS_DIVIDE: {
        const d = iface.factor;
        const r = hi % d;
        us = ((hi - r) / d) * TWO_32 + Math.floor((r * TWO_32 + lo) / d);
        break;
      }
      case TS_MULTIPLY:
        us = (hi * TWO_32 + lo) * iface.factor;
        break;
      case TS_POW2: {
        const k = iface.shift;
        const sec = hi * 2 ** (32 - k) + Math.floor(lo / 2 ** k);
        const frac = lo % 2 ** k;
        us = sec * 1e6 + Math.floor((frac * 1e6) / 2 ** k);
        break;
      }
      default: {
        const units = (BigInt(hi) << 32n) | BigInt(lo);
        us = Number((units * 1_000_000n) / iface.unitsPerSec);
      }
    }
    return us + iface.offsetUs;
  }
}

/** Applies an if_tsresol byte: MSB clear = 10^-v s, MSB set = 2^-v s. */
function setResolution(iface: PcapngInterface, raw: number): void {
  const v = raw & 0x7f;
  if ((raw & 0x80) === 0) {
    iface.unitsPerSec = 10n ** BigInt(v);
    if (v === 6) iface.tsMode = TS_MICROS;
    else if (v < 6) {
      iface.tsMode = TS_MULTIPLY;
      iface.factor = 10 ** (6 - v);
    } else if (v <= 12) {
      iface.tsMode = TS_DIVIDE;
      iface.factor = 10 ** (v - 6);
    } else iface.tsMode = TS_BIG;
  } else {
    iface.unitsPerSec = 1n << BigInt(v);
    if (v <= 32) {
      iface.tsMode = TS_POW2;
      iface.shift = v;
    } else iface.tsMode = TS_BIG;
  }
}
