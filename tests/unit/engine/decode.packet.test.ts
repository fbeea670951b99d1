// Unit tests of the decode stage (non-fragment path): every link type, VLAN/QinQ tags, IPv4 options, padding trim,
// snap-length cuts, IPv6 extension chains, skipped protocols with their counters, the reused segment, and every
// malformed case returning null with its weird counted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinkType, type TcpSegment } from '../../../appliance/src/engine/packet.types.ts';
import {
  CLIENT4,
  CLIENT6,
  SERVER4,
  SERVER6,
  bsd,
  ether,
  ext,
  fragHeader,
  ipv4,
  ipv6,
  newDecoder,
  outcomeSum,
  pkt,
  sll,
  sll2,
  tcp,
  udp,
} from './decode.fixtures.ts';

const HTTP = 'GET / HTTP/1.1\r\nHost: a\r\n\r\n';

/** Plain copy of the interesting segment fields (the segment itself is reused). */
function snap(s: TcpSegment | null) {
  assert.ok(s !== null, 'expected a TCP segment');
  return {
    ipVersion: s.ipVersion,
    src: [...s.srcAddr],
    dst: [...s.dstAddr],
    srcPort: s.srcPort,
    dstPort: s.dstPort,
    seq: s.seq,
    ack: s.ack,
    flags: s.flags,
    window: s.window,
    payload: s.payload.toString('latin1'),
    payloadMissing: s.payloadMissing,
    vlans: [...s.vlans],
    ts: s.ts,
  };
}

test('Ethernet/IPv4/TCP: every segment field, seq/ack as unsigned 32-bit', () => {
  const { dec, weird } = newDecoder();
  const frame = ether(ipv4(tcp({ srcPort: 40000, dstPort: 8080, seq: 0xfffffff0, ack: 0x80000001, flags: 0x12, window: 1234, payload: HTTP })));
  const s = snap(dec.decode(pkt(LinkType.ETHERNET, frame, 42)));
  assert.deepEqual(s, {
    ipVersion: 4,
    src: CLIENT4,
    dst: SERVER4,
    srcPort: 40000,
    dstPort: 8080,
    seq: 0xfffffff0,
    ack: 0x80000001,
    flags: 0x12,
    window: 1234,
    payload: HTTP,
    payloadMissing: 0,
    vlans: [],
    ts: 42,
  });
  assert.equal(dec.stats.tcp, 1);
  assert.equal(dec.stats.ipv4, 1);
  assert.deepEqual(weird.toJSON(), {});
});

test('the returned segment is one reused object; addresses follow the latest packet', () => {
  const { dec } = newDecoder();
  const a = dec.decode(pkt(LinkType.ETHERNET, ether(ipv4(tcp({ payload: 'a' })))));
  const b = dec.decode(pkt(LinkType.ETHERNET, ether(ipv4(tcp({ payload: 'b' }), { src: [1, 2, 3, 4] }))));
  assert.equal(a, b);
  assert.deepEqual([...b!.srcAddr], [1, 2, 3, 4]);
  assert.equal(b!.payload.toString(), 'b');
});

test('link types: SLL, SLL2, RAW (v4 and v6), IPV4, IPV6, NULL in both byte orders, LOOP', () => {
  const v4 = ipv4(tcp({ payload: 'four' }));
  const v6 = ipv6(tcp({ payload: 'six' }));
  const cases: [string, number, Buffer, 4 | 6][] = [
    ['sll v4', LinkType.LINUX_SLL, sll(v4), 4],
    ['sll v6', LinkType.LINUX_SLL, sll(v6, 0x86dd), 6],
    ['sll2 v4', LinkType.LINUX_SLL2, sll2(v4), 4],
    ['sll2 v6', LinkType.LINUX_SLL2, sll2(v6, 0x86dd), 6],
    ['raw v4', LinkType.RAW, v4, 4],
    ['raw v6', LinkType.RAW, v6, 6],
    ['ipv4', LinkType.IPV4, v4, 4],
    ['ipv6', LinkType.IPV6, v6, 6],
    ['null le inet', LinkType.NULL, bsd(v4, 2, true), 4],
    ['null be inet', LinkType.NULL, bsd(v4, 2, false), 4],
    ['null le inet6 (24)', LinkType.NULL, bsd(v6, 24, true), 6],
    ['null be inet6 (28)', LinkType.NULL, bsd(v6, 28, false), 6],
    ['null le inet6 (30)', LinkType.NULL, bsd(v6, 30, true), 6],
    ['loop inet', LinkType.LOOP, bsd(v4, 2, false), 4],
    ['loop inet6', LinkType.LOOP, bsd(v6, 24, false), 6],
  ];
  for (const [name, lt, data, version] of cases) {
    const { dec, weird } = newDecoder();
    const s = snap(dec.decode(pkt(lt, data)));
    assert.equal(s.ipVersion, version, name);
    assert.equal(s.payload, version === 4 ? 'four' : 'six', name);
    assert.deepEqual(s.src, version === 4 ? CLIENT4 : CLIENT6, name);
    assert.deepEqual(s.dst, version === 4 ? SERVER4 : SERVER6, name);
    assert.deepEqual(weird.toJSON(), {}, name);
  }
});

test('LOOP is network byte order only; unknown address families are non-IP', () => {
  const { dec, weird } = newDecoder();
  assert.equal(dec.decode(pkt(LinkType.LOOP, bsd(ipv4(tcp()), 2, true))), null);
  assert.equal(dec.decode(pkt(LinkType.NULL, bsd(ipv4(tcp()), 17, true))), null);
  assert.equal(dec.stats.nonIp, 2);
  assert.deepEqual(weird.toJSON(), {});
});

test('VLAN: 802.1Q, QinQ 0x88a8 and 0x9100, stacked tags recorded outer first; untagged clears them', () => {
  const { dec } = newDecoder();
  const inner = ipv4(tcp({ payload: 'x' }));
  assert.deepEqual(snap(dec.decode(pkt(LinkType.ETHERNET, ether(inner, 0x0800, [[0x8100, 100]])))).vlans, [100]);
  assert.deepEqual(snap(dec.decode(pkt(LinkType.ETHERNET, ether(inner, 0x0800, [[0x88a8, 10], [0x8100, 20]])))).vlans, [10, 20]);
  assert.deepEqual(snap(dec.decode(pkt(LinkType.ETHERNET, ether(inner, 0x0800, [[0x9100, 4095], [0x8100, 1]])))).vlans, [4095, 1]);
  const three = snap(dec.decode(pkt(LinkType.ETHERNET, ether(inner, 0x0800, [[0x88a8, 7], [0x8100, 8], [0x8100, 9]]))));
  assert.deepEqual(three.vlans, [7, 8, 9]);
  assert.equal(three.payload, 'x');
  assert.deepEqual(snap(dec.decode(pkt(LinkType.ETHERNET, ether(inner)))).vlans, []);
  assert.deepEqual(snap(dec.decode(pkt(LinkType.LINUX_SLL, sll(Buffer.concat([Buffer.from([0x20, 0x05, 0x08, 0x00]), inner]), 0x8100)))).vlans, [5]);
  assert.equal(dec.stats.vlanTagged, 5);
});

test('IPv4 options are skipped', () => {
  const { dec } = newDecoder();
  const options = Buffer.from([0x07, 0x07, 0x04, 0, 0, 0, 0, 0x01, 0x01, 0x01, 0x01, 0x00]);
  const frame = ether(ipv4(tcp({ payload: 'opt' }), { options }));
  assert.equal(frame[14] & 0x0f, 8);
  assert.equal(snap(dec.decode(pkt(LinkType.ETHERNET, frame))).payload, 'opt');
});

test('TCP options are skipped', () => {
  const { dec } = newDecoder();
  const s = snap(dec.decode(pkt(LinkType.ETHERNET, ether(ipv4(tcp({ options: Buffer.from([2, 4, 5, 0xb4, 1, 1, 4, 2]), payload: 'p' }))))));
  assert.equal(s.payload, 'p');
});

test('Ethernet padding and FCS trailers are trimmed to the IP total length', () => {
  const { dec } = newDecoder();
  const frame = Buffer.concat([ether(ipv4(tcp({ flags: 0x10 }))), Buffer.alloc(6, 0xaa)]);
  assert.equal(frame.length, 60);
  const s = snap(dec.decode(pkt(LinkType.ETHERNET, frame)));
  assert.equal(s.payload, '');
  assert.equal(s.payloadMissing, 0);
  const v6 = Buffer.concat([ether(ipv6(tcp({ payload: 'ab' })), 0x86dd), Buffer.from([0xde, 0xad, 0xbe, 0xef])]);
  assert.equal(snap(dec.decode(pkt(LinkType.ETHERNET, v6))).payload, 'ab');
});

test('snap-length cut: partial payload and payloadMissing, IPv4 and IPv6', () => {
  const { dec, weird } = newDecoder();
  const body = 'x'.repeat(100);
  const full = ether(ipv4(tcp({ payload: body })));
  const s = snap(dec.decode(pkt(LinkType.ETHERNET, full.subarray(0, 14 + 20 + 20 + 30), 1, full.length)));
  assert.equal(s.payload, 'x'.repeat(30));
  assert.equal(s.payloadMissing, 70);
  const full6 = ether(ipv6(tcp({ payload: body })), 0x86dd);
  const s6 = snap(dec.decode(pkt(LinkType.ETHERNET, full6.subarray(0, 14 + 40 + 20), 1, full6.length)));
  assert.equal(s6.payload, '');
  assert.equal(s6.payloadMissing, 100);
  assert.equal(dec.stats.snaplenCut, 2);
  assert.deepEqual(weird.toJSON(), {});
});

test('snap-length cut through the TCP options is tcp_truncated', () => {
  const { dec, weird } = newDecoder();
  const full = ether(ipv4(tcp({ options: Buffer.alloc(12, 1), payload: 'abc' })));
  assert.equal(dec.decode(pkt(LinkType.ETHERNET, full.subarray(0, 14 + 20 + 24), 1, full.length)), null);
  assert.equal(weird.get('tcp_truncated'), 1);
});

test('IPv6 with hop-by-hop, routing, destination options and AH before TCP', () => {
  const { dec, weird } = newDecoder();
  const chain = Buffer.concat([ext(0, 43, 8), ext(43, 60, 16), ext(60, 51, 24), ext(51, 6, 12), tcp({ payload: 'deep' })]);
  const s = snap(dec.decode(pkt(LinkType.ETHERNET, ether(ipv6(chain, { nextHeader: 0 }), 0x86dd))));
  assert.equal(s.payload, 'deep');
  assert.equal(s.ipVersion, 6);
  assert.deepEqual(weird.toJSON(), {});
});

test('IPv6 atomic fragment (offset 0, no MF) is decoded as a whole datagram', () => {
  const { dec } = newDecoder();
  const chain = Buffer.concat([fragHeader(6, 0, false, 7), tcp({ payload: 'atomic' })]);
  assert.equal(snap(dec.decode(pkt(LinkType.RAW, ipv6(chain, { nextHeader: 44 })))).payload, 'atomic');
  assert.equal(dec.stats.fragments, 0);
});

test('non-TCP traffic is counted and skipped', () => {
  const { dec, weird } = newDecoder();
  const E = LinkType.ETHERNET;
  assert.equal(dec.decode(pkt(E, ether(ipv4(udp(), { proto: 17 })))), null);
  assert.equal(dec.decode(pkt(E, ether(ipv6(udp(), { nextHeader: 17 }), 0x86dd))), null);
  assert.equal(dec.decode(pkt(E, ether(ipv4(Buffer.alloc(8), { proto: 1 })))), null);
  assert.equal(dec.decode(pkt(E, ether(ipv6(Buffer.alloc(8), { nextHeader: 58 }), 0x86dd))), null);
  assert.equal(dec.decode(pkt(E, ether(ipv4(Buffer.alloc(8), { proto: 47 })))), null);
  assert.equal(dec.decode(pkt(E, ether(ipv6(Buffer.alloc(8), { nextHeader: 50 }), 0x86dd))), null);
  assert.equal(dec.decode(pkt(E, ether(ipv6(Buffer.alloc(0), { nextHeader: 59 }), 0x86dd))), null);
  assert.equal(dec.decode(pkt(E, ether(Buffer.alloc(28), 0x0806))), null);
  assert.equal(dec.decode(pkt(E, ether(Buffer.alloc(28), 0x0806))), null);
  assert.equal(dec.decode(pkt(E, ether(Buffer.alloc(46), 0x0026))), null);
  assert.equal(dec.decode(pkt(E, ether(Buffer.alloc(28), 0x0806, [[0x8100, 3]]))), null);
  const st = dec.stats;
  assert.equal(st.udp, 2);
  assert.equal(st.icmp, 2);
  assert.equal(st.otherIp, 3);
  assert.deepEqual([...st.otherIpByProto].sort((a, b) => a[0] - b[0]), [[47, 1], [50, 1], [59, 1]]);
  assert.equal(st.nonIp, 4);
  assert.deepEqual([...st.nonIpByEthertype].sort((a, b) => a[0] - b[0]), [[0, 1], [0x0806, 3]]);
  assert.equal(outcomeSum(st), st.packets);
  assert.deepEqual(weird.toJSON(), {});
});

test('unknown link type: link_unknown_type', () => {
  const { dec, weird } = newDecoder();
  assert.equal(dec.decode(pkt(147, ipv4(tcp()))), null);
  assert.equal(dec.decode(pkt(-1, ipv4(tcp()))), null);
  assert.equal(dec.decode(pkt(1.5, ipv4(tcp()))), null);
  assert.equal(dec.decode(pkt(100000, ipv4(tcp()))), null);
  assert.equal(weird.get('link_unknown_type'), 4);
  assert.equal(dec.stats.unsupportedLink, 4);
});

test('malformed packets return null and count their reason', () => {
  const good4 = ipv4(tcp({ payload: 'data' }));
  const good6 = ipv6(tcp({ payload: 'data' }));
  const E = LinkType.ETHERNET;
  const cases: [string, number, Buffer, number?][] = [
    ['eth_truncated', E, Buffer.alloc(13)],
    ['sll_truncated', LinkType.LINUX_SLL, Buffer.alloc(15)],
    ['sll2_truncated', LinkType.LINUX_SLL2, Buffer.alloc(19)],
    ['raw_truncated', LinkType.RAW, Buffer.alloc(0)],
    ['raw_bad_version', LinkType.RAW, Buffer.from([0x50, 0, 0, 0])],
    ['null_truncated', LinkType.NULL, Buffer.alloc(3)],
    ['loop_truncated', LinkType.LOOP, Buffer.alloc(2)],
    ['vlan_truncated', E, ether(Buffer.alloc(2), 0x8100)],
    ['vlan_too_many_tags', E, ether(good4, 0x0800, Array.from({ length: 9 }, (_, i): [number, number] => [0x8100, i]))],
    ['ipv4_truncated', E, ether(good4.subarray(0, 19))],
    ['ipv4_bad_version', E, ether(ipv4(tcp(), { version: 5 }))],
    ['ipv4_bad_version', LinkType.IPV4, good6],
    ['ipv4_bad_header_length', E, ether(ipv4(tcp(), { ihl: 4 }))],
    ['ipv4_bad_total_length', E, ether(ipv4(tcp(), { totalLength: 19 }))],
    ['ipv4_truncated', E, ether(ipv4(tcp(), { ihl: 15, totalLength: 60 }))],
    ['ipv4_bad_total_length', E, ether(ipv4(tcp(), { ihl: 15 }))],
    // The IP length exceeds the frame while the frame was not cut by the snap length.
    ['ipv4_truncated', E, ether(ipv4(tcp(), { totalLength: 1000 }))],
    ['ipv6_truncated', E, ether(good6.subarray(0, 39), 0x86dd)],
    ['ipv6_bad_version', E, ether(ipv6(tcp(), { version: 4 }), 0x86dd)],
    ['ipv6_bad_version', LinkType.IPV6, good4],
    ['ipv6_truncated', E, ether(ipv6(tcp(), { payloadLength: 1000 }), 0x86dd)],
    ['ipv6_bad_ext_header', E, ether(ipv6(Buffer.concat([ext(0, 6, 8)]), { nextHeader: 0, payloadLength: 4 }), 0x86dd)],
    ['ipv6_bad_ext_header', E, ether(ipv6(Buffer.from([6, 5, 0, 0, 0, 0, 0, 0]), { nextHeader: 60 }), 0x86dd)],
    ['ipv6_bad_ext_header', E, ether(ipv6(Buffer.from([6, 9, 0, 0, 0, 0, 0, 0]), { nextHeader: 51 }), 0x86dd)],
    ['tcp_truncated', E, ether(ipv4(tcp().subarray(0, 19)))],
    ['tcp_truncated', LinkType.RAW, ipv6(tcp().subarray(0, 12))],
    ['tcp_bad_data_offset', E, ether(ipv4(tcp({ dataOffset: 4 })))],
    ['tcp_bad_data_offset', E, ether(ipv4(tcp({ dataOffset: 15, payload: 'abc' })))],
  ];
  for (const [reason, lt, data, origLen] of cases) {
    const { dec, weird } = newDecoder();
    assert.equal(dec.decode(pkt(lt, data, 1, origLen)), null, reason);
    assert.deepEqual(weird.toJSON(), { [reason]: 1 }, reason);
    assert.equal(dec.stats.malformed, 1, reason);
    assert.equal(outcomeSum(dec.stats), 1, reason);
  }
});

test('IPv4 total length 0 (TSO) is read as the rest of the frame and counted', () => {
  const { dec, weird } = newDecoder();
  const full = ether(ipv4(tcp({ payload: 'y'.repeat(50) }), { totalLength: 0 }));
  assert.deepEqual(snap(dec.decode(pkt(LinkType.ETHERNET, full))).payload, 'y'.repeat(50));
  const cut = snap(dec.decode(pkt(LinkType.ETHERNET, full.subarray(0, full.length - 20), 1, full.length)));
  assert.equal(cut.payload, 'y'.repeat(30));
  assert.equal(cut.payloadMissing, 20);
  assert.equal(weird.get('ipv4_zero_total_length'), 2);
  assert.equal(dec.stats.malformed, 0);
});

test('an origLen below the captured length is taken as the captured length', () => {
  const { dec, weird } = newDecoder();
  assert.equal(snap(dec.decode(pkt(LinkType.ETHERNET, ether(ipv4(tcp({ payload: 'q' }))), 1, 0))).payload, 'q');
  assert.deepEqual(weird.toJSON(), {});
});

test('checksums are not verified', () => {
  const { dec } = newDecoder();
  const frame = ether(ipv4(tcp({ payload: 'z' })));
  frame.writeUInt16BE(0xbeef, 14 + 10);
  frame.writeUInt16BE(0xdead, 14 + 20 + 16);
  assert.equal(snap(dec.decode(pkt(LinkType.ETHERNET, frame))).payload, 'z');
});
