// Unit tests of IP fragment reassembly in the decode stage: IPv4 and IPv6 fragments in order, out of order,
// overlapping (first arrival wins), duplicated, timed out, and every limit (table size, memcap, 65535 bytes) and
// inconsistency with its weird.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinkType, type TcpSegment } from '../../../appliance/src/engine/packet.types.ts';
import type { PacketDecoder } from '../../../appliance/src/engine/decode/packet.decoder.ts';
import { ether, ext, fragHeader, ipv4, ipv6, newDecoder, outcomeSum, pkt, tcp, udp, type Ipv4Opts } from './decode.fixtures.ts';

const SEC = 1_000_000;

/** A TCP segment (20-byte header + `len` payload bytes counting up) used as the fragmented IP payload. */
function tcpBytes(len: number, fill = 0): Buffer {
  const payload = Buffer.alloc(len);
  for (let i = 0; i < len; i++) payload[i] = fill === 0 ? 0x41 + (i % 26) : fill;
  return tcp({ payload });
}

/** Ethernet IPv4 fragment carrying `whole[off, off + len)`; MF set unless it reaches the end (or `more` says). */
function frag4(whole: Buffer, off: number, len: number, o: Ipv4Opts & { more?: boolean } = {}): Buffer {
  const more = o.more ?? off + len < whole.length;
  return ether(ipv4(whole.subarray(off, off + len), { id: 77, ...o, fragOffset: off, more }));
}

function feed(dec: PacketDecoder, frames: Buffer[], ts = 1 * SEC): (TcpSegment | null)[] {
  return frames.map((f) => {
    const s = dec.decode(pkt(LinkType.ETHERNET, f, ts));
    return s === null ? null : ({ ...s, payload: Buffer.from(s.payload) } as TcpSegment);
  });
}

test('IPv4 fragments in order are reassembled into one TCP segment', () => {
  const { dec, weird } = newDecoder();
  const whole = tcpBytes(100);
  const out = feed(dec, [frag4(whole, 0, 48), frag4(whole, 48, 48), frag4(whole, 96, 24)]);
  assert.equal(out[0], null);
  assert.equal(out[1], null);
  const s = out[2]!;
  assert.deepEqual(s.payload, whole.subarray(20));
  assert.equal(s.payloadMissing, 0);
  assert.equal(s.srcPort, 51000);
  assert.equal(s.ipVersion, 4);
  const st = dec.stats;
  assert.equal(st.fragments, 3);
  assert.equal(st.fragmentsHeld, 2);
  assert.equal(st.reassembledDatagrams, 1);
  assert.equal(st.tcp, 1);
  assert.equal(outcomeSum(st), st.packets);
  assert.equal(dec.pendingDatagrams, 0);
  assert.equal(dec.fragmentBytes, 0);
  assert.deepEqual(weird.toJSON(), {});
});

test('IPv4 fragments out of order, first fragment with options, VLAN of the completing frame', () => {
  const { dec, weird } = newDecoder();
  const whole = tcpBytes(200);
  const options = Buffer.from([0x94, 0x04, 0, 0]);
  const frames = [frag4(whole, 160, 60), frag4(whole, 80, 80), frag4(whole, 0, 80, { options })];
  frames[2] = ether(frames[2].subarray(14), 0x0800, [[0x8100, 42]]);
  const out = feed(dec, frames);
  assert.deepEqual(out.slice(0, 2), [null, null]);
  assert.deepEqual(out[2]!.payload, whole.subarray(20));
  assert.deepEqual(out[2]!.vlans, [42]);
  assert.deepEqual(weird.toJSON(), {});
});

test('overlapping IPv4 fragments: the first bytes to arrive win and differing overlaps count ip_frag_overlap', () => {
  const { dec, weird } = newDecoder();
  const whole = tcpBytes(76); // 96 bytes of IP payload
  const other = tcpBytes(76, 0x7a);
  // [8, 40) arrives first; the later [0, 24) overlaps [8, 24) with other bytes; [24, 96) overlaps [24, 40).
  const out = feed(dec, [frag4(whole, 8, 32), frag4(other, 0, 24, { more: true }), frag4(other, 24, 72)]);
  const expected = Buffer.concat([other.subarray(0, 8), whole.subarray(8, 40), other.subarray(40, 96)]);
  assert.deepEqual(out[2]!.payload, expected.subarray(20));
  assert.equal(weird.get('ip_frag_overlap'), 2);
  assert.equal(dec.stats.fragmentDuplicates, 0);
});

test('duplicated IPv4 fragments are counted as duplicates, not overlaps', () => {
  const { dec, weird } = newDecoder();
  const whole = tcpBytes(100);
  const out = feed(dec, [frag4(whole, 0, 64), frag4(whole, 0, 64), frag4(whole, 32, 32), frag4(whole, 64, 56), frag4(whole, 64, 56)]);
  assert.deepEqual(out.slice(0, 3), [null, null, null]);
  assert.deepEqual(out[3]!.payload, whole.subarray(20));
  // The datagram is gone once complete: the late duplicate starts a new one and waits.
  assert.equal(out[4], null);
  assert.equal(dec.stats.fragmentDuplicates, 2);
  assert.equal(dec.pendingDatagrams, 1);
  assert.deepEqual(weird.toJSON(), {});
});

test('datagrams are keyed by (src, dst, id, protocol)', () => {
  const { dec } = newDecoder();
  const a = tcpBytes(60, 0x61);
  const b = tcpBytes(60, 0x62);
  const out = feed(dec, [
    frag4(a, 0, 40, { id: 1 }),
    frag4(b, 0, 40, { id: 2 }),
    frag4(b, 40, 40, { id: 1, proto: 17 }),
    frag4(b, 40, 40, { id: 2, src: [9, 9, 9, 9] }),
    frag4(b, 40, 40, { id: 2 }),
    frag4(a, 40, 40, { id: 1 }),
  ]);
  assert.deepEqual(out.slice(0, 4), [null, null, null, null]);
  assert.equal(out[4]!.payload.toString(), 'b'.repeat(60));
  assert.equal(out[5]!.payload.toString(), 'a'.repeat(60));
  assert.equal(dec.pendingDatagrams, 2);
});

test('an incomplete datagram expires after fragmentTimeoutSec of packet time', () => {
  const { dec, weird } = newDecoder({ fragmentTimeoutSec: 30 });
  const whole = tcpBytes(100);
  feed(dec, [frag4(whole, 0, 48)], 10 * SEC);
  dec.expire(40 * SEC - 1);
  assert.equal(dec.pendingDatagrams, 1);
  dec.expire(40 * SEC);
  assert.equal(dec.pendingDatagrams, 0);
  assert.equal(dec.fragmentBytes, 0);
  assert.equal(weird.get('ip_frag_timeout'), 1);
  const out = feed(dec, [frag4(whole, 48, 72)], 41 * SEC);
  assert.equal(out[0], null);
  assert.equal(dec.pendingDatagrams, 1);
});

test('a full fragment table evicts the oldest datagram (ip_frag_table_full)', () => {
  const { dec, weird } = newDecoder({ maxFragmentDatagrams: 2 });
  const whole = tcpBytes(60);
  feed(dec, [frag4(whole, 0, 40, { id: 1 }), frag4(whole, 0, 40, { id: 2 }), frag4(whole, 0, 40, { id: 3 })]);
  assert.equal(weird.get('ip_frag_table_full'), 1);
  assert.equal(dec.pendingDatagrams, 2);
  const out = feed(dec, [frag4(whole, 40, 40, { id: 1 }), frag4(whole, 40, 40, { id: 3 })]);
  assert.equal(out[0], null);
  assert.deepEqual(out[1]!.payload, whole.subarray(20));
  const none = newDecoder({ maxFragmentDatagrams: 0 });
  assert.equal(none.dec.decode(pkt(LinkType.ETHERNET, frag4(whole, 0, 40))), null);
  assert.equal(none.weird.get('ip_frag_table_full'), 1);
  assert.equal(none.dec.stats.fragmentsDropped, 1);
});

test('the fragment memcap evicts older datagrams, then drops a datagram that cannot fit', () => {
  const { dec, weird } = newDecoder({ fragmentMemcapBytes: 100 });
  const whole = tcpBytes(60);
  feed(dec, [frag4(whole, 0, 40, { id: 1 })]);
  assert.equal(dec.fragmentBytes, 60);
  feed(dec, [frag4(whole, 0, 40, { id: 2 })]);
  assert.equal(weird.get('ip_frag_memcap'), 1);
  assert.equal(dec.pendingDatagrams, 1);
  assert.equal(dec.fragmentBytes, 60);
  const big = tcpBytes(300);
  assert.equal(feed(dec, [frag4(big, 0, 200, { id: 3 })])[0], null);
  assert.equal(weird.get('ip_frag_memcap'), 3);
  assert.equal(dec.pendingDatagrams, 0);
  assert.equal(dec.fragmentBytes, 0);
  assert.equal(dec.stats.fragmentsDropped, 1);
  assert.equal(outcomeSum(dec.stats), dec.stats.packets);
});

test('fragments past 65535 bytes: ip_frag_too_large drops the datagram', () => {
  const { dec, weird } = newDecoder();
  const whole = tcpBytes(60);
  feed(dec, [frag4(whole, 0, 40)]);
  const late = ether(ipv4(Buffer.alloc(16), { id: 77, fragOffset: 65512, more: false }));
  assert.equal(dec.decode(pkt(LinkType.ETHERNET, late)), null);
  assert.equal(weird.get('ip_frag_too_large'), 1);
  assert.equal(dec.pendingDatagrams, 0);
});

test('bad fragment lengths and inconsistent ends are dropped', () => {
  const { dec, weird } = newDecoder();
  const whole = tcpBytes(100);
  feed(dec, [frag4(whole, 0, 47, { more: true }), frag4(whole, 0, 0, { more: true })]);
  assert.equal(weird.get('ip_frag_bad_length'), 2);
  feed(dec, [frag4(whole, 0, 48), frag4(whole, 96, 24)]);
  const out = feed(dec, [frag4(whole, 96, 16, { more: false }), frag4(tcpBytes(200), 112, 16, { more: true }), frag4(whole, 48, 48)]);
  assert.equal(weird.get('ip_frag_inconsistent'), 2);
  assert.deepEqual(out[2]!.payload, whole.subarray(20));
  assert.equal(dec.stats.fragmentsDropped, 4);
  assert.equal(outcomeSum(dec.stats), dec.stats.packets);
});

test('a zero-length last fragment closes the datagram', () => {
  const { dec } = newDecoder();
  const whole = tcpBytes(44);
  const out = feed(dec, [frag4(whole, 0, 64, { more: true }), ether(ipv4(Buffer.alloc(0), { id: 77, fragOffset: 64, more: false }))]);
  assert.deepEqual(out[1]!.payload, whole.subarray(20));
});

test('a fragment cut by the snap length is dropped (ip_frag_truncated)', () => {
  const { dec, weird } = newDecoder();
  const f = frag4(tcpBytes(100), 0, 64);
  assert.equal(dec.decode(pkt(LinkType.ETHERNET, f.subarray(0, 60), 1, f.length)), null);
  assert.equal(weird.get('ip_frag_truncated'), 1);
  assert.equal(dec.pendingDatagrams, 0);
});

test('reassembled datagrams take the outcome of their content', () => {
  const { dec, weird } = newDecoder();
  const u = udp(Buffer.alloc(40));
  assert.deepEqual(feed(dec, [frag4(u, 0, 16, { proto: 17 }), frag4(u, 16, 32, { proto: 17 })]), [null, null]);
  assert.equal(dec.stats.udp, 1);
  const bad = tcp({ dataOffset: 3, payload: Buffer.alloc(20) });
  assert.deepEqual(feed(dec, [frag4(bad, 0, 16, { id: 5 }), frag4(bad, 16, 24, { id: 5 })]), [null, null]);
  assert.equal(weird.get('tcp_bad_data_offset'), 1);
  assert.equal(dec.stats.reassembledDatagrams, 2);
  assert.equal(outcomeSum(dec.stats), dec.stats.packets);
});

/** IPv6 fragment frames of `fragmentable` (bytes after the fragment header) with unfragmentable `pre` headers. */
function frags6(fragmentable: Buffer, cuts: number[], opts: { id?: number; next?: number; pre?: Buffer; preNext?: number } = {}): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < cuts.length; i++) {
    const start = cuts[i];
    const end = i + 1 < cuts.length ? cuts[i + 1] : fragmentable.length;
    const fh = fragHeader(opts.next ?? 6, start, end < fragmentable.length, opts.id ?? 0xdeadbeef);
    const pre = opts.pre ?? Buffer.alloc(0);
    out.push(ether(ipv6(Buffer.concat([pre, fh, fragmentable.subarray(start, end)]), { nextHeader: opts.pre ? (opts.preNext ?? 0) : 44 }), 0x86dd));
  }
  return out;
}

test('IPv6 fragments in and out of order, with the 32-bit id in the key', () => {
  const { dec, weird } = newDecoder();
  const whole = tcpBytes(180);
  const inOrder = feed(dec, frags6(whole, [0, 64, 128]));
  assert.deepEqual(inOrder.slice(0, 2), [null, null]);
  assert.deepEqual(inOrder[2]!.payload, whole.subarray(20));
  assert.equal(inOrder[2]!.ipVersion, 6);
  const a = frags6(whole, [0, 104], { id: 1 });
  const b = frags6(tcpBytes(180, 0x62), [0, 104], { id: 0x80000001 });
  const out = feed(dec, [b[1], a[1], a[0], b[0]]);
  assert.deepEqual(out.slice(0, 2), [null, null]);
  assert.deepEqual(out[2]!.payload, whole.subarray(20));
  assert.equal(out[3]!.payload.toString(), 'b'.repeat(180));
  assert.equal(dec.stats.reassembledDatagrams, 3);
  assert.deepEqual(weird.toJSON(), {});
});

test('IPv6 fragments with hop-by-hop before and destination options after the fragment header', () => {
  const { dec, weird } = newDecoder();
  const fragmentable = Buffer.concat([ext(60, 6, 16), tcpBytes(100)]);
  const frames = frags6(fragmentable, [0, 56], { pre: ext(0, 44, 8), preNext: 0, next: 60 });
  const out = feed(dec, [frames[1], frames[0]]);
  assert.equal(out[0], null);
  assert.deepEqual(out[1]!.payload, tcpBytes(100).subarray(20));
  assert.deepEqual(weird.toJSON(), {});
});

test('IPv6: a fragment header inside a reassembled datagram is ipv6_nested_fragment', () => {
  const { dec, weird } = newDecoder();
  const fragmentable = Buffer.concat([fragHeader(6, 8, false, 9), tcpBytes(40)]);
  feed(dec, frags6(fragmentable, [0, 32], { next: 44 }));
  assert.equal(weird.get('ipv6_nested_fragment'), 1);
  assert.equal(dec.stats.malformed, 1);
});

test('IPv6 fragment limits use the same machinery', () => {
  const { dec, weird } = newDecoder();
  const whole = tcpBytes(60);
  feed(dec, [...frags6(whole, [0, 36]).slice(0, 1)]);
  assert.equal(weird.get('ip_frag_bad_length'), 1);
  const tooFar = ether(ipv6(Buffer.concat([fragHeader(6, 65528, false, 1), Buffer.alloc(16)]), { nextHeader: 44 }), 0x86dd);
  assert.equal(dec.decode(pkt(LinkType.ETHERNET, tooFar)), null);
  assert.equal(weird.get('ip_frag_too_large'), 1);
  feed(dec, [frags6(whole, [0, 40])[0]], 0);
  dec.expire(31 * SEC);
  assert.equal(weird.get('ip_frag_timeout'), 1);
  assert.equal(dec.pendingDatagrams, 0);
});
