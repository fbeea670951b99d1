// Unit tests of the capture file writers: header fields, record layout, truncation and pcapng block framing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PcapWriter, PcapngWriter } from '../../../appliance/src/engine/source/capture.writer.ts';
import { LinkType } from '../../../appliance/src/engine/packet.types.ts';

test('pcap writer: little-endian µs header and record', () => {
  const w = new PcapWriter(null, { linkType: LinkType.ETHERNET });
  w.writePacket(1_700_000_000_123_456, Buffer.from('abcd'));
  const b = w.toBuffer();
  assert.equal(b.readUInt32LE(0), 0xa1b2c3d4);
  assert.equal(b.readUInt32LE(20), LinkType.ETHERNET);
  assert.equal(b.readUInt32LE(24), 1_700_000_000);
  assert.equal(b.readUInt32LE(28), 123_456);
  assert.equal(b.readUInt32LE(32), 4);
  assert.equal(b.subarray(40).toString(), 'abcd');
});

test('pcap writer: big-endian ns header and snaplen cut keeps the original length', () => {
  const w = new PcapWriter(null, { linkType: LinkType.RAW, nanos: true, bigEndian: true, snaplen: 2 });
  w.writePacket(1_000_001, Buffer.from('abcd'));
  const b = w.toBuffer();
  assert.equal(b.readUInt32BE(0), 0xa1b23c4d);
  assert.equal(b.readUInt32BE(28), 1000);
  assert.equal(b.readUInt32BE(32), 2);
  assert.equal(b.readUInt32BE(36), 4);
  assert.equal(b.length, 24 + 16 + 2);
});

test('pcapng writer: blocks are framed with matching trailing lengths', () => {
  const w = new PcapngWriter(null);
  const i0 = w.addInterface({ linkType: LinkType.ETHERNET });
  const i1 = w.addInterface({ linkType: LinkType.RAW, tsResolution: 9 });
  w.writePacket(i0, 5_000_000, Buffer.from('xyz'));
  w.writePacket(i1, 5_000_000, Buffer.from('hello'));
  w.writeSimplePacket(Buffer.from('q'));
  const b = w.toBuffer();
  const types: number[] = [];
  for (let off = 0; off < b.length; ) {
    const len = b.readUInt32LE(off + 4);
    assert.equal(b.readUInt32LE(off + len - 4), len);
    types.push(b.readUInt32LE(off));
    off += len;
  }
  assert.deepEqual(types, [0x0a0d0d0a, 1, 1, 6, 6, 3]);
  // second EPB: ns resolution, 5 s = 5e9 units
  const epb2 = 28 + 20 + 32 + 32 + 4;
  assert.equal(b.readUInt32LE(epb2 + 8), 1);
  assert.equal(b.readUInt32LE(epb2 + 12) * 2 ** 32 + b.readUInt32LE(epb2 + 16), 5e9);
});
