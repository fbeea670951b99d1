// Unit tests of the traffic generator's frame builder and PRNG: addresses, checksums, link headers, IPv4/IPv6
// fragmentation, checked against hand-computed values and the independent capture inspector.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinkType } from '../../appliance/src/engine/packet.types.ts';
import {
  buildTcpFrame,
  checksumAdd,
  checksumFinish,
  fragmentIpv4,
  fragmentIpv6,
  ipBytes,
  linkTypeOf,
  wrapIpPacket,
  type TcpFrameSpec,
} from '../../scripts/traffic/packet.builder.ts';
import { decodeCapture, type InspectRecord } from '../../scripts/traffic/capture.inspect.ts';
import { SeededRandom } from '../../scripts/traffic/seeded.random.ts';

function spec(over: Partial<TcpFrameSpec> = {}): TcpFrameSpec {
  return {
    link: { kind: 'ethernet' },
    ipVersion: 4,
    src: ipBytes('192.168.1.10'),
    dst: ipBytes('10.0.0.80'),
    srcPort: 51000,
    dstPort: 80,
    seq: 0xfffffff0,
    ack: 12345,
    flags: 0x18,
    window: 64240,
    payload: Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'),
    ipId: 7,
    ...over,
  };
}

function rec(linkType: number, data: Buffer, ts = 1): InspectRecord {
  return { ts, linkType, ifIndex: 0, data, origLen: data.length };
}

test('ipBytes parses IPv4 and compressed IPv6', () => {
  assert.deepEqual([...ipBytes('10.1.2.3')], [10, 1, 2, 3]);
  assert.equal(ipBytes('2001:db8::1').toString('hex'), '20010db8000000000000000000000001');
  assert.equal(ipBytes('::1').toString('hex'), '00000000000000000000000000000001');
  assert.throws(() => ipBytes('1.2.3'));
});

test('checksum matches the classic IPv4 header example (0xb861)', () => {
  const h = Buffer.from('450000730000400040110000c0a80001c0a800c7', 'hex');
  assert.equal(checksumFinish(checksumAdd(h, 0, h.length, 0)), 0xb861);
  // Odd length: the last byte is padded with zero.
  assert.equal(checksumFinish(checksumAdd(Buffer.from([0x01]), 0, 1, 0)), 0xfeff);
});

test('Ethernet/IPv4/TCP frame: fields, IP and TCP checksums verify', () => {
  const f = buildTcpFrame(spec());
  assert.equal(f.readUInt16BE(12), 0x0800);
  assert.equal(f[14], 0x45);
  assert.equal(f.readUInt16BE(16), f.length - 14);
  assert.equal(f.readUInt16BE(18), 7);
  assert.equal(f.readUInt16BE(20), 0x4000);
  assert.equal(checksumFinish(checksumAdd(f, 14, 34, 0)), 0);
  assert.equal(f.readUInt32BE(38), 0xfffffff0);
  const d = decodeCapture([rec(LinkType.ETHERNET, f)]);
  assert.equal(d.badIpChecksums, 0);
  assert.equal(d.badTcpChecksums, 0);
  assert.equal(d.segments[0].payload.toString(), 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  f[f.length - 1] ^= 0xff;
  assert.equal(decodeCapture([rec(LinkType.ETHERNET, f)]).badTcpChecksums, 1);
});

test('802.1Q / QinQ tags and link headers of SLL, SLL2, NULL, LOOP, raw', () => {
  const q = buildTcpFrame(spec({ link: { kind: 'ethernet', vlans: [300, 100] } }));
  assert.equal(q.readUInt16BE(12), 0x88a8);
  assert.equal(q.readUInt16BE(14), 300);
  assert.equal(q.readUInt16BE(16), 0x8100);
  assert.equal(q.readUInt16BE(18), 100);
  assert.equal(q.readUInt16BE(20), 0x0800);
  assert.deepEqual(decodeCapture([rec(LinkType.ETHERNET, q)]).segments[0].vlans, [300, 100]);

  const sll = buildTcpFrame(spec({ link: { kind: 'sll' }, outgoing: true }));
  assert.equal(sll.readUInt16BE(0), 4);
  assert.equal(sll.readUInt16BE(14), 0x0800);
  const sll2 = buildTcpFrame(spec({ link: { kind: 'sll2', ifIndex: 9 }, ipVersion: 6, src: ipBytes('2001:db8::1'), dst: ipBytes('2001:db8::2') }));
  assert.equal(sll2.readUInt16BE(0), 0x86dd);
  assert.equal(sll2.readUInt32BE(4), 9);
  assert.equal(sll2[20] >> 4, 6);
  const nul = buildTcpFrame(spec({ link: { kind: 'null', af6: 30 }, ipVersion: 6, src: ipBytes('::1'), dst: ipBytes('::1') }));
  assert.equal(nul.readUInt32LE(0), 30);
  const loop = buildTcpFrame(spec({ link: { kind: 'loop' } }));
  assert.equal(loop.readUInt32BE(0), 2);
  const raw = buildTcpFrame(spec({ link: { kind: 'raw' } }));
  assert.equal(raw[0], 0x45);
  assert.equal(linkTypeOf({ kind: 'raw', perVersion: true }, 6), LinkType.IPV6);
  assert.equal(linkTypeOf({ kind: 'sll2' }), LinkType.LINUX_SLL2);
  for (const [lt, f] of [[LinkType.LINUX_SLL, sll], [LinkType.LINUX_SLL2, sll2], [LinkType.NULL, nul], [LinkType.LOOP, loop], [LinkType.RAW, raw]] as const) {
    const d = decodeCapture([rec(lt, f)]);
    assert.equal(d.badTcpChecksums, 0, `link ${lt}`);
    assert.equal(d.segments.length, 1);
  }
});

test('IPv6 extension headers chain to TCP and keep the TCP checksum valid', () => {
  const f = buildTcpFrame(spec({ ipVersion: 6, src: ipBytes('2001:db8::1'), dst: ipBytes('2001:db8::2'), ipv6ExtHeaders: [{ kind: 'hop-by-hop' }, { kind: 'destination', length: 16 }] }));
  const ip = f.subarray(14);
  assert.equal(ip[6], 0); // hop-by-hop
  assert.equal(ip[40], 60); // then destination options
  assert.equal(ip[48], 6); // then TCP
  assert.equal(ip[49], 1); // 16 bytes = (1 + 1) * 8
  assert.equal(ip.readUInt16BE(4), ip.length - 40);
  const d = decodeCapture([rec(LinkType.ETHERNET, f)]);
  assert.equal(d.badTcpChecksums, 0);
  assert.equal(d.segments[0].src, '2001:db8::1');
});

test('IPv4 fragments: reversed, overlapping, valid header checksums, reassemble to the datagram', () => {
  const payload = Buffer.alloc(1000, 0).map((_, i) => i & 0xff);
  const bare = buildTcpFrame(spec({ link: null, payload: Buffer.from(payload), dontFragment: false }));
  const frags = fragmentIpv4(bare, { count: 3, order: 'reverse', overlap: true });
  assert.equal(frags.length, 3);
  const offsets = frags.map((f) => (f.readUInt16BE(6) & 0x1fff) * 8);
  assert.deepEqual(offsets, [...offsets].sort((a, b) => b - a));
  assert.equal(frags[2].readUInt16BE(6) & 0x2000, 0x2000);
  assert.equal(frags[0].readUInt16BE(6) & 0x2000, 0);
  for (const f of frags) assert.equal(checksumFinish(checksumAdd(f, 0, 20, 0)), 0);
  const body = frags.reduce((n, f) => n + f.length - 20, 0);
  assert.equal(body, bare.length - 20 + 16, 'two 8-byte overlaps');
  const d = decodeCapture(frags.map((f) => rec(LinkType.ETHERNET, wrapIpPacket({ kind: 'ethernet' }, f))));
  assert.equal(d.reassembled, 1);
  assert.equal(d.badTcpChecksums, 0);
  assert.deepEqual(d.segments[0].payload, Buffer.from(payload));
});

test('IPv6 fragments keep the unfragmentable extension headers and reassemble', () => {
  const payload = Buffer.alloc(1500, 0x41);
  const bare = buildTcpFrame(spec({ link: null, ipVersion: 6, src: ipBytes('2001:db8::1'), dst: ipBytes('2001:db8::2'), payload, ipv6ExtHeaders: [{ kind: 'hop-by-hop' }] }));
  const frags = fragmentIpv6(bare, { count: 4, order: 'shuffle' }, 0xabcdef, new SeededRandom(3));
  assert.equal(frags.length, 4);
  for (const f of frags) {
    assert.equal(f[6], 0);
    assert.equal(f[40], 44);
    assert.equal(f.readUInt32BE(48 + 4), 0xabcdef);
    assert.equal(f.readUInt16BE(4), f.length - 40);
  }
  const d = decodeCapture(frags.map((f) => rec(LinkType.RAW, f)));
  assert.equal(d.reassembled, 1);
  assert.equal(d.badTcpChecksums, 0);
  assert.deepEqual(d.segments[0].payload, payload);
});

test('SeededRandom is deterministic and in range', () => {
  const a = new SeededRandom(42);
  const b = new SeededRandom(42);
  const xs = Array.from({ length: 100 }, () => a.next());
  assert.deepEqual(xs, Array.from({ length: 100 }, () => b.next()));
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  assert.notDeepEqual(xs, Array.from({ length: 100 }, () => new SeededRandom(43).next()));
  const r = new SeededRandom(1);
  for (let i = 0; i < 1000; i++) {
    const v = r.int(3, 5);
    assert.ok(v >= 3 && v <= 5);
  }
  assert.match(r.uuid(), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
