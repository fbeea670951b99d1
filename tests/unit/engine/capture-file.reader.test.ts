// Unit tests of the streaming capture file reader: pcap byte orders and resolutions, pcapng sections, interfaces,
// block kinds and timestamp resolutions, chunk-boundary handling, and the counted (never thrown) malformations.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaptureFileReader, CaptureFormatError, detectCaptureFormat } from '../../../appliance/src/engine/source/capture-file.reader.ts';
import type { CaptureReadOptions } from '../../../appliance/src/engine/source/capture-file.reader.ts';
import { PcapWriter, PcapngWriter } from '../../../appliance/src/engine/source/capture.writer.ts';
import { LinkType } from '../../../appliance/src/engine/packet.types.ts';
import type { SourceStats } from '../../../appliance/src/engine/packet.types.ts';

const dir = mkdtempSync(join(tmpdir(), 'capture-file-reader-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;

function tmpFile(bytes: Buffer): string {
  const p = join(dir, `f${fileNo++}.cap`);
  writeFileSync(p, bytes);
  return p;
}

interface Got {
  ts: number;
  linkType: number;
  data: string;
  origLen: number;
  ifIndex: number;
}

async function readAll(bytes: Buffer, opts?: CaptureReadOptions): Promise<{ pkts: Got[]; stats: SourceStats; format: string | null }> {
  const r = new CaptureFileReader(tmpFile(bytes), opts);
  const pkts: Got[] = [];
  const stats = await r.run((p) => pkts.push({ ts: p.ts, linkType: p.linkType, data: p.data.toString('latin1'), origLen: p.origLen, ifIndex: p.ifIndex }));
  return { pkts, stats, format: r.format };
}

// ---- hand-crafted pcapng blocks (either byte order) ----

function u16(le: boolean, v: number): Buffer {
  const b = Buffer.alloc(2);
  if (le) b.writeUInt16LE(v);
  else b.writeUInt16BE(v);
  return b;
}
function u32(le: boolean, v: number): Buffer {
  const b = Buffer.alloc(4);
  if (le) b.writeUInt32LE(v >>> 0);
  else b.writeUInt32BE(v >>> 0);
  return b;
}
function pad4(b: Buffer): Buffer {
  return Buffer.concat([b, Buffer.alloc((4 - (b.length & 3)) & 3)]);
}
function block(le: boolean, type: number, body: Buffer): Buffer {
  const padded = pad4(body);
  const len = 12 + padded.length;
  return Buffer.concat([u32(le, type), u32(le, len), padded, u32(le, len)]);
}
function shb(le: boolean): Buffer {
  return block(le, 0x0a0d0d0a, Buffer.concat([u32(le, 0x1a2b3c4d), u16(le, 1), u16(le, 0), Buffer.alloc(8, 0xff)]));
}
function option(le: boolean, code: number, value: Buffer): Buffer {
  return Buffer.concat([u16(le, code), u16(le, value.length), pad4(value)]);
}
function idb(le: boolean, linkType: number, snaplen: number, opts: Buffer[] = []): Buffer {
  const o = opts.length ? Buffer.concat([...opts, Buffer.alloc(4)]) : Buffer.alloc(0);
  return block(le, 1, Buffer.concat([u16(le, linkType), u16(le, 0), u32(le, snaplen), o]));
}
function tsresol(le: boolean, v: number): Buffer {
  return option(le, 9, Buffer.from([v]));
}
function tsoffset(le: boolean, sec: number): Buffer {
  const b = Buffer.alloc(8);
  if (le) b.writeBigInt64LE(BigInt(sec));
  else b.writeBigInt64BE(BigInt(sec));
  return option(le, 14, b);
}
function epb(le: boolean, ifIndex: number, units: bigint, data: string, origLen = data.length): Buffer {
  const d = Buffer.from(data, 'latin1');
  const hdr = Buffer.concat([u32(le, ifIndex), u32(le, Number(units >> 32n)), u32(le, Number(units & 0xffffffffn)), u32(le, d.length), u32(le, origLen)]);
  return block(le, 6, Buffer.concat([hdr, d]));
}
function spb(le: boolean, data: string, origLen = data.length): Buffer {
  return block(le, 3, Buffer.concat([u32(le, origLen), Buffer.from(data, 'latin1')]));
}
function pb(le: boolean, ifIndex: number, units: bigint, data: string): Buffer {
  const d = Buffer.from(data, 'latin1');
  const hdr = Buffer.concat([u16(le, ifIndex), u16(le, 0), u32(le, Number(units >> 32n)), u32(le, Number(units & 0xffffffffn)), u32(le, d.length), u32(le, d.length)]);
  return block(le, 2, Buffer.concat([hdr, d]));
}

const T0 = 1_700_000_000_123_456;

function samplePcap(opts: { nanos?: boolean; bigEndian?: boolean } = {}): Buffer {
  const w = new PcapWriter(null, { linkType: LinkType.ETHERNET, ...opts });
  for (let i = 0; i < 20; i++) w.writePacket(T0 + i * 1001, Buffer.alloc(10 + i * 37, 0x41 + i));
  return w.toBuffer();
}

function samplePcapng(): Buffer {
  const w = new PcapngWriter(null);
  const a = w.addInterface({ linkType: LinkType.ETHERNET });
  const b = w.addInterface({ linkType: LinkType.RAW, tsResolution: 9 });
  for (let i = 0; i < 20; i++) w.writePacket(i % 2 === 0 ? a : b, T0 + i * 1001, Buffer.alloc(10 + i * 37, 0x41 + i));
  w.writeSimplePacket(Buffer.from('tail'));
  return w.toBuffer();
}

// ---- format detection and file-level errors ----

test('detectCaptureFormat recognises pcap (both orders, µs/ns) and pcapng, rejects anything else', () => {
  assert.equal(detectCaptureFormat(samplePcap()), 'pcap');
  assert.equal(detectCaptureFormat(samplePcap({ nanos: true, bigEndian: true })), 'pcap');
  assert.equal(detectCaptureFormat(samplePcapng()), 'pcapng');
  assert.equal(detectCaptureFormat(Buffer.from('{\n  "a": 1}')), null);
  assert.equal(detectCaptureFormat(Buffer.from([0xd4, 0xc3])), null);
});

test('a file that is not a capture throws one CaptureFormatError naming the first bytes', async () => {
  const p = tmpFile(Buffer.from('{\n  "not": "a capture"}\n'));
  await assert.rejects(new CaptureFileReader(p).run(() => undefined), (e: unknown) => {
    assert.ok(e instanceof CaptureFormatError);
    assert.equal(e.message, `not a pcap or pcapng file: ${p} (starts with 0x7b0a2020)`);
    assert.ok(!e.message.includes('\n'));
    return true;
  });
});

test('empty, missing, directory and header-truncated files throw CaptureFormatError', async () => {
  await assert.rejects(new CaptureFileReader(tmpFile(Buffer.alloc(0))).run(() => undefined), (e: unknown) => e instanceof CaptureFormatError && /^empty capture file: /.test(e.message));
  await assert.rejects(new CaptureFileReader(join(dir, 'nope.pcap')).run(() => undefined), (e: unknown) => e instanceof CaptureFormatError && /cannot read capture file .*ENOENT/.test(e.message));
  const sub = join(dir, 'a-directory');
  mkdirSync(sub);
  await assert.rejects(new CaptureFileReader(sub).run(() => undefined), CaptureFormatError);
  await assert.rejects(new CaptureFileReader(tmpFile(samplePcap().subarray(0, 20))).run(() => undefined), /truncated pcap file header/);
  const badBom = shb(true);
  badBom.writeUInt32LE(0x12345678, 8);
  await assert.rejects(new CaptureFileReader(tmpFile(badBom)).run(() => undefined), /bad pcapng byte-order magic/);
});

test('open() exposes the format before any packet is read', async () => {
  const r = new CaptureFileReader(tmpFile(samplePcapng()));
  assert.equal(r.format, null);
  await r.open();
  assert.equal(r.format, 'pcapng');
  const st = await r.run(() => undefined);
  assert.equal(st.packets, 21);
});

// ---- classic pcap ----

test('pcap little-endian µs: timestamps, link type, data and lengths', async () => {
  const { pkts, stats, format } = await readAll(samplePcap());
  assert.equal(format, 'pcap');
  assert.equal(pkts.length, 20);
  assert.deepEqual(stats.errors, {});
  assert.equal(stats.packets, 20);
  assert.equal(stats.bytes, pkts.reduce((n, p) => n + p.data.length, 0));
  assert.equal(stats.drops, null);
  pkts.forEach((p, i) => {
    assert.equal(p.ts, T0 + i * 1001);
    assert.equal(p.linkType, LinkType.ETHERNET);
    assert.equal(p.data, String.fromCharCode(0x41 + i).repeat(10 + i * 37));
    assert.equal(p.origLen, 10 + i * 37);
    assert.equal(p.ifIndex, 0);
  });
});

test('pcap big-endian ns: same packets, nanoseconds rounded down to µs', async () => {
  const le = await readAll(samplePcap());
  const be = await readAll(samplePcap({ bigEndian: true, nanos: true }));
  assert.deepEqual(be.pkts, le.pkts);
  // 999 ns past the second → 0 µs; 1999 ns → 1 µs.
  const w = new PcapWriter(null, { linkType: LinkType.RAW, nanos: true, bigEndian: true });
  w.writePacket(5_000_000, Buffer.from('a'));
  w.writePacket(5_000_000, Buffer.from('b'));
  const b = w.toBuffer();
  b.writeUInt32BE(999, 24 + 4);
  b.writeUInt32BE(1999, 24 + 17 + 4);
  const { pkts } = await readAll(b);
  assert.deepEqual(pkts.map((p) => p.ts), [5_000_000, 5_000_001]);
  assert.equal(pkts[0].linkType, LinkType.RAW);
});

test('pcap link type: FCS bits in the upper bits are masked off', async () => {
  const b = samplePcap();
  b.writeUInt32LE(0x10000000 | (4 << 28) | LinkType.LINUX_SLL, 20);
  const { pkts } = await readAll(b);
  assert.equal(pkts[0].linkType, LinkType.LINUX_SLL);
});

test('pcap: records straddling tiny chunks (64 and 7 bytes) read exactly like one big chunk', async () => {
  for (const bytes of [samplePcap(), samplePcap({ bigEndian: true, nanos: true })]) {
    const ref = await readAll(bytes);
    for (const chunkSize of [64, 7, 1]) {
      const got = await readAll(bytes, { chunkSize });
      assert.deepEqual(got.pkts, ref.pkts, `chunkSize ${chunkSize}`);
      assert.deepEqual(got.stats.errors, {});
    }
  }
});

test('pcap read ahead: records larger than the read-ahead reserve, across many chunk sizes, read like one big chunk', async () => {
  const w = new PcapWriter(null, { linkType: LinkType.ETHERNET, snaplen: 1 << 20 });
  // small records around records of 300 KiB and 700 KiB (more than the 256 KiB kept in front of a read-ahead chunk)
  const sizes = [60, 300 << 10, 1500, 90, 700 << 10, 40, 1400, 700 << 10, 300 << 10, 20];
  for (let i = 0; i < 200; i++) sizes.push(60 + ((i * 977) % 1440));
  sizes.forEach((n, i) => w.writePacket(T0 + i, Buffer.alloc(n, 0x30 + (i % 64))));
  const bytes = w.toBuffer();
  const ref = await readAll(bytes);
  assert.equal(ref.pkts.length, sizes.length);
  for (const chunkSize of [1000, 64 << 10, 200 << 10, 600 << 10, 900 << 10, 1 << 20]) {
    // every read after the first (in open()) is preceded by its own beforeRead; onProgress marks each read
    let asked = 0;
    let reads = 0;
    const got = await readAll(bytes, {
      chunkSize,
      beforeRead: () => void asked++,
      onProgress: () => {
        reads++;
        assert.ok(asked >= reads - 1, `read ${reads} without its beforeRead (chunkSize ${chunkSize})`);
      },
    });
    assert.deepEqual(got.pkts, ref.pkts, `chunkSize ${chunkSize}`);
    assert.deepEqual(got.stats.errors, {});
    assert.ok(reads > 1);
  }
});

test('pcap read ahead: stop() with a read in flight ends the run cleanly', async () => {
  const w = new PcapWriter(null, { linkType: LinkType.ETHERNET });
  for (let i = 0; i < 2000; i++) w.writePacket(T0 + i, Buffer.alloc(100, i & 0xff));
  const r = new CaptureFileReader(tmpFile(w.toBuffer()), { chunkSize: 4096 });
  let n = 0;
  const st = await r.run(() => {
    if (++n === 300) r.stop();
  });
  assert.equal(n, 300);
  assert.equal(st.packets, 300);
});

test('pcap: truncated last record is counted, earlier packets delivered', async () => {
  const full = samplePcap();
  for (const cut of [5, 16, 17]) {
    const { pkts, stats } = await readAll(full.subarray(0, full.length - cut), { chunkSize: 100 });
    assert.equal(pkts.length, 19, `cut ${cut}`);
    assert.deepEqual(stats.errors, { capture_truncated_record: 1 });
  }
  // A record header cut in the middle.
  const justHeader = full.subarray(0, 24 + 10);
  const r = await readAll(justHeader);
  assert.equal(r.pkts.length, 0);
  assert.deepEqual(r.stats.errors, { capture_truncated_record: 1 });
});

test('pcap: caplen above the snap length is counted but the record is still read', async () => {
  const w = new PcapWriter(null, { linkType: LinkType.ETHERNET, snaplen: 100 });
  w.writePacket(T0, Buffer.alloc(50, 1));
  w.writePacket(T0, Buffer.alloc(60, 2));
  const b = w.toBuffer();
  b.writeUInt32LE(40, 16); // header snaplen now below both records
  const { pkts, stats } = await readAll(b);
  assert.equal(pkts.length, 2);
  assert.equal(pkts[1].data.length, 60);
  assert.deepEqual(stats.errors, { capture_caplen_exceeds_snaplen: 2 });
});

test('pcap: a huge caplen stops the read with capture_record_too_large, no runaway buffer', async () => {
  const b = samplePcap();
  const third = 24 + (16 + 10) + (16 + 47);
  b.writeUInt32LE(0x7fffffff, third + 8);
  const { pkts, stats } = await readAll(b, { chunkSize: 64 });
  assert.equal(pkts.length, 2);
  assert.deepEqual(stats.errors, { capture_record_too_large: 1 });
  // A record larger than the configured bound but shorter than the file.
  const small = await readAll(samplePcap(), { maxRecordSize: 200 });
  assert.equal(small.stats.errors.capture_record_too_large, 1);
  assert.ok(small.pkts.every((p) => p.data.length <= 200));
});

test('pcap: a caplen running past the end of the file is a truncated record', async () => {
  const b = samplePcap();
  const last = b.length - (16 + 10 + 19 * 37);
  b.writeUInt32LE(100_000, last + 8);
  const { pkts, stats } = await readAll(b, { chunkSize: 256 });
  assert.equal(pkts.length, 19);
  assert.deepEqual(stats.errors, { capture_truncated_record: 1 });
});

test('pcap: zero-length garbage records and origLen < caplen are counted', async () => {
  const b = Buffer.concat([samplePcap(), Buffer.alloc(16 * 3)]);
  const { pkts, stats } = await readAll(b);
  assert.equal(pkts.length, 20);
  assert.deepEqual(stats.errors, { capture_zero_length_record: 3 });
  const w = new PcapWriter(null, { linkType: 1 });
  w.writePacket(T0, Buffer.from('abcdef'));
  const c = w.toBuffer();
  c.writeUInt32LE(2, 24 + 12);
  const r = await readAll(c);
  assert.equal(r.pkts[0].origLen, 6);
  assert.deepEqual(r.stats.errors, { capture_origlen_below_caplen: 1 });
});

test('pcap: modified (Kuznetzov) magic with 24-byte record headers', async () => {
  const h = Buffer.alloc(24);
  h.writeUInt32LE(0xa1b2cd34, 0);
  h.writeUInt16LE(2, 4);
  h.writeUInt16LE(4, 6);
  h.writeUInt32LE(65535, 16);
  h.writeUInt32LE(1, 20);
  const rec = Buffer.alloc(24 + 3);
  rec.writeUInt32LE(7, 0);
  rec.writeUInt32LE(5, 4);
  rec.writeUInt32LE(3, 8);
  rec.writeUInt32LE(3, 12);
  rec.write('xyz', 24, 'latin1');
  const { pkts } = await readAll(Buffer.concat([h, rec, rec]));
  assert.deepEqual(pkts.map((p) => [p.ts, p.data]), [[7_000_005, 'xyz'], [7_000_005, 'xyz']]);
});

// ---- pcapng ----

test('pcapng: two interfaces with their own link types and resolutions, then an SPB', async () => {
  const { pkts, stats, format } = await readAll(samplePcapng());
  assert.equal(format, 'pcapng');
  assert.deepEqual(stats.errors, {});
  assert.equal(pkts.length, 21);
  pkts.slice(0, 20).forEach((p, i) => {
    assert.equal(p.ifIndex, i % 2);
    assert.equal(p.linkType, i % 2 === 0 ? LinkType.ETHERNET : LinkType.RAW);
    assert.equal(p.ts, T0 + i * 1001);
    assert.equal(p.data, String.fromCharCode(0x41 + i).repeat(10 + i * 37));
  });
  assert.deepEqual(pkts[20], { ts: T0 + 19 * 1001, linkType: LinkType.ETHERNET, data: 'tail', origLen: 4, ifIndex: 0 });
});

test('pcapng: big-endian section followed by a little-endian one, each with its own interfaces', async () => {
  const bytes = Buffer.concat([
    shb(false),
    idb(false, LinkType.LINUX_SLL, 0, [tsresol(false, 3)]),
    epb(false, 0, 1_700_000_000_123n, 'be-ms'),
    block(false, 4, Buffer.from('name resolution')), // NRB: skipped
    shb(true),
    idb(true, LinkType.IPV4, 0),
    idb(true, LinkType.IPV6, 0, [tsresol(true, 9)]),
    epb(true, 1, 1_700_000_000_123_456_999n, 'le-ns'), // beyond 2^53: a plain double division would give ...457
    epb(true, 0, 1_700_000_000_123_456n, 'le-us'),
  ]);
  const { pkts, stats } = await readAll(bytes);
  assert.deepEqual(stats.errors, {});
  assert.deepEqual(pkts, [
    { ts: 1_700_000_000_123_000, linkType: LinkType.LINUX_SLL, data: 'be-ms', origLen: 5, ifIndex: 0 },
    { ts: 1_700_000_000_123_456, linkType: LinkType.IPV6, data: 'le-ns', origLen: 5, ifIndex: 1 },
    { ts: 1_700_000_000_123_456, linkType: LinkType.IPV4, data: 'le-us', origLen: 5, ifIndex: 0 },
  ]);
  // Interfaces of the first section do not leak into the second.
  const leak = await readAll(Buffer.concat([shb(false), idb(false, 1, 0), shb(true), epb(true, 0, 0n, 'x')]));
  assert.equal(leak.pkts.length, 0);
  assert.deepEqual(leak.stats.errors, { capture_unknown_interface: 1 });
});

test('pcapng: power-of-2 and exotic resolutions, if_tsoffset, obsolete Packet Block', async () => {
  const le = true;
  const bytes = Buffer.concat([
    shb(le),
    idb(le, 1, 0, [tsresol(le, 0x80 | 20), tsoffset(le, 1_000)]), // 2^-20 s units, +1000 s
    idb(le, 1, 0, [tsresol(le, 15)]), // femtoseconds: BigInt path
    idb(le, 1, 0, [tsresol(le, 0)]), // seconds
    idb(le, 1, 0, [tsresol(le, 12)]), // picoseconds
    epb(le, 0, (5n << 20n) | (1n << 19n), 'half'), // 5.5 s
    epb(le, 1, 1_234_567_890_123_456_789n, 'fs'),
    epb(le, 2, 1_700_000_000n, 'sec'),
    epb(le, 3, 12_345_678_901_234_567n, 'ps'),
    pb(le, 2, 42n, 'old'),
  ]);
  const { pkts, stats } = await readAll(bytes);
  assert.deepEqual(stats.errors, {});
  assert.deepEqual(pkts.map((p) => [p.ifIndex, p.ts, p.data]), [
    [0, 1_005_500_000, 'half'],
    [1, 1_234_567_890, 'fs'],
    [2, 1_700_000_000_000_000, 'sec'],
    [3, 12_345_678_901, 'ps'],
    [2, 42_000_000, 'old'],
  ]);
});

test('pcapng: SPB takes interface 0, the last timestamp, and min(origLen, snaplen, body) bytes', async () => {
  const le = false;
  const bytes = Buffer.concat([
    shb(le),
    idb(le, LinkType.RAW, 4),
    spb(le, 'ab', 2), // before any timestamp: 0
    epb(le, 0, 9_000_000n, 'abcd'),
    spb(le, 'abcdefgh', 1500), // snaplen 4 cuts it
    spb(le, 'abcdefgh', 3), // origLen 3 < body
  ]);
  const { pkts, stats } = await readAll(bytes);
  assert.deepEqual(stats.errors, {});
  assert.deepEqual(pkts.map((p) => [p.ts, p.data, p.origLen, p.linkType]), [
    [0, 'ab', 2, LinkType.RAW],
    [9_000_000, 'abcd', 4, LinkType.RAW],
    [9_000_000, 'abcd', 1500, LinkType.RAW],
    [9_000_000, 'abc', 3, LinkType.RAW],
  ]);
  const orphan = await readAll(Buffer.concat([shb(le), spb(le, 'x')]));
  assert.deepEqual(orphan.stats.errors, { capture_unknown_interface: 1 });
});

test('pcapng: unknown blocks (ISB, DSB, custom) are skipped by length', async () => {
  const le = true;
  const bytes = Buffer.concat([
    shb(le),
    idb(le, 1, 0),
    block(le, 5, Buffer.alloc(24)), // ISB
    block(le, 0x0000000a, Buffer.alloc(40, 7)), // DSB
    block(le, 0x00000bad, Buffer.alloc(13, 1)), // custom
    epb(le, 0, 1n, 'ok'),
  ]);
  const { pkts, stats } = await readAll(bytes, { chunkSize: 7 });
  assert.deepEqual(stats.errors, {});
  assert.deepEqual(pkts.map((p) => p.data), ['ok']);
});

test('pcapng: blocks straddling tiny chunks (64 and 7 bytes) read exactly like one big chunk', async () => {
  const bytes = samplePcapng();
  const ref = await readAll(bytes);
  for (const chunkSize of [64, 7, 1]) {
    const got = await readAll(bytes, { chunkSize });
    assert.deepEqual(got.pkts, ref.pkts, `chunkSize ${chunkSize}`);
    assert.deepEqual(got.stats.errors, {});
  }
});

test('pcapng: absurd, misaligned, too-small and zero block lengths stop the read with a count', async () => {
  const head = Buffer.concat([shb(true), idb(true, 1, 0), epb(true, 0, 1n, 'one')]);
  const cases: [number, string][] = [
    [0xfffffff0, 'capture_record_too_large'],
    [0x7ffffffc, 'capture_record_too_large'],
    [33, 'capture_bad_block_length'],
    [8, 'capture_bad_block_length'],
    [0, 'capture_bad_block_length'],
  ];
  for (const [len, reason] of cases) {
    const bad = epb(true, 0, 2n, 'two');
    bad.writeUInt32LE(len, 4);
    const { pkts, stats } = await readAll(Buffer.concat([head, bad, epb(true, 0, 3n, 'three')]), { chunkSize: 64 });
    assert.deepEqual(pkts.map((p) => p.data), ['one'], `len ${len}`);
    assert.deepEqual(stats.errors, { [reason]: 1 }, `len ${len}`);
  }
  const zeros = await readAll(Buffer.concat([head, Buffer.alloc(64)]));
  assert.equal(zeros.pkts.length, 1);
  assert.deepEqual(zeros.stats.errors, { capture_bad_block_length: 1 });
});

test('pcapng: block length past the end of the file is a truncated record', async () => {
  const bytes = samplePcapng();
  const cut = await readAll(bytes.subarray(0, bytes.length - 6), { chunkSize: 50 });
  assert.equal(cut.pkts.length, 20);
  assert.deepEqual(cut.stats.errors, { capture_truncated_record: 1 });
});

test('pcapng: caplen beyond the block or the snap length, trailing length mismatch, short EPB', async () => {
  const le = true;
  const over = epb(le, 0, 1n, 'abcd');
  over.writeUInt32LE(400, 20);
  const mismatch = epb(le, 0, 2n, 'mm');
  mismatch.writeUInt32LE(999, mismatch.length - 4);
  const shortEpb = block(le, 6, Buffer.alloc(8));
  const bytes = Buffer.concat([shb(le), idb(le, 1, 2), over, epb(le, 0, 3n, 'snapped'), mismatch, shortEpb, epb(le, 7, 4n, 'noif')]);
  const { pkts, stats } = await readAll(bytes);
  assert.deepEqual(pkts.map((p) => p.data), ['snapped', 'mm']);
  assert.deepEqual(stats.errors, {
    capture_caplen_exceeds_block: 1,
    capture_caplen_exceeds_snaplen: 1,
    capture_block_length_mismatch: 1,
    capture_bad_block_length: 1,
    capture_unknown_interface: 1,
  });
});

test('pcapng: a later section header with a bad byte-order magic stops the read', async () => {
  const bad = shb(true);
  bad.writeUInt32LE(0xdeadbeef, 8);
  const { pkts, stats } = await readAll(Buffer.concat([samplePcapng(), bad, samplePcapng()]));
  assert.equal(pkts.length, 21);
  assert.deepEqual(stats.errors, { capture_bad_section_header: 1 });
});

// ---- API behaviour ----

test('stop() from the sink ends the run after the current packet', async () => {
  const r = new CaptureFileReader(tmpFile(samplePcap()), { chunkSize: 64 });
  let n = 0;
  const st = await r.run(() => {
    if (++n === 5) r.stop();
  });
  assert.equal(n, 5);
  assert.equal(st.packets, 5);
  assert.equal(r.stats, st);
});

test('onProgress reports growing byte counts up to the file size', async () => {
  const bytes = samplePcap();
  const seen: [number, number][] = [];
  const r = new CaptureFileReader(tmpFile(bytes), { chunkSize: 256, onProgress: (a, b) => seen.push([a, b]) });
  await r.run(() => undefined);
  assert.ok(seen.length > 3);
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i][0] > seen[i - 1][0]);
  assert.deepEqual(seen[seen.length - 1], [bytes.length, bytes.length]);
});

test('packet data are views into one read buffer, not copies', async () => {
  const r = new CaptureFileReader(tmpFile(samplePcap()));
  const backing = new Set<ArrayBufferLike>();
  await r.run((p) => {
    backing.add(p.data.buffer);
  });
  assert.equal(backing.size, 1);
});

// ---- fuzz ----

/** Small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('fuzz: random truncations and byte flips never throw anything but CaptureFormatError and always end', async () => {
  const rand = rng(0xc0ffee);
  const seeds = [samplePcap(), samplePcap({ bigEndian: true, nanos: true }), samplePcapng(), Buffer.concat([shb(false), idb(false, 1, 64, [tsresol(false, 0x80 | 10)]), epb(false, 0, 77n, 'big-endian'), spb(false, 'spb')])];
  let formatErrors = 0;
  let countedErrors = 0;
  for (let iter = 0; iter < 400; iter++) {
    const base = seeds[iter % seeds.length];
    let m = Buffer.from(base);
    const flips = 1 + Math.floor(rand() * 8);
    for (let k = 0; k < flips; k++) {
      const at = Math.floor(rand() * m.length);
      m[at] = rand() < 0.5 ? Math.floor(rand() * 256) : m[at] ^ (1 << Math.floor(rand() * 8));
    }
    if (rand() < 0.5) m = m.subarray(0, Math.floor(rand() * m.length));
    const chunkSize = [7, 64, 4096][iter % 3];
    const r = new CaptureFileReader(tmpFile(m), { chunkSize, maxRecordSize: 1 << 20 });
    let n = 0;
    try {
      const st = await r.run((p) => {
        n++;
        assert.ok(p.data.length <= m.length);
        assert.ok(Number.isFinite(p.ts));
      });
      assert.equal(st.packets, n);
      assert.ok(n <= m.length / 12, `iteration ${iter}: ${n} packets from ${m.length} bytes`);
      countedErrors += Object.values(st.errors).reduce((a, b) => a + b, 0);
    } catch (e) {
      assert.ok(e instanceof CaptureFormatError, `iteration ${iter}: ${String(e)}`);
      formatErrors++;
    }
  }
  assert.ok(formatErrors > 0 && countedErrors > 0);
});
