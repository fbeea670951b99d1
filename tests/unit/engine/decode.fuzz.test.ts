// Fuzz tests of the decode stage: random byte strings and mutated valid packets through every link type, and random
// fragment storms under tight limits. The decoder must never throw, must account every packet in exactly one
// outcome, and must keep fragment memory within its limits (and release all of it on expiry).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinkType, type RawPacket } from '../../../appliance/src/engine/packet.types.ts';
import type { PacketDecoder } from '../../../appliance/src/engine/decode/packet.decoder.ts';
import type { WeirdCounters } from '../../../appliance/src/engine/weird.counters.ts';
import { bsd, ether, ext, fragHeader, ipv4, ipv6, newDecoder, outcomeSum, pkt, rng, sll, sll2, tcp, udp } from './decode.fixtures.ts';

const LINKS = [LinkType.NULL, LinkType.ETHERNET, LinkType.RAW, LinkType.LOOP, LinkType.LINUX_SLL, LinkType.IPV4, LinkType.IPV6, LinkType.LINUX_SLL2, 147];

/** Decodes one packet and checks the invariants that must hold whatever the bytes. */
function check(dec: PacketDecoder, weird: WeirdCounters, p: RawPacket): void {
  const s = dec.decode(p);
  if (s !== null) {
    assert.ok(s.ipVersion === 4 || s.ipVersion === 6);
    assert.equal(s.srcAddr.length, s.ipVersion === 4 ? 4 : 16);
    assert.ok(s.seq >= 0 && s.seq <= 0xffffffff && Number.isInteger(s.seq));
    assert.ok(s.ack >= 0 && s.ack <= 0xffffffff && Number.isInteger(s.ack));
    assert.ok(s.payloadMissing >= 0);
    assert.ok(s.vlans.length <= 8);
  }
  assert.equal(weird.get('decode_internal_error'), 0);
}

/** Valid frames of every kind, to be mutated. */
function corpus(): [number, Buffer][] {
  const t4 = ipv4(tcp({ payload: 'GET / HTTP/1.1\r\n\r\n' }), { options: Buffer.from([1, 1, 1, 0]) });
  const t6 = ipv6(Buffer.concat([ext(0, 60, 8), ext(60, 51, 16), ext(51, 6, 12), tcp({ payload: 'hello' })]), { nextHeader: 0 });
  const f4 = ipv4(tcp({ payload: Buffer.alloc(40) }).subarray(0, 32), { more: true, id: 3 });
  const f6 = ipv6(Buffer.concat([fragHeader(6, 8, true, 5), Buffer.alloc(16)]), { nextHeader: 44 });
  return [
    [LinkType.ETHERNET, ether(t4)],
    [LinkType.ETHERNET, ether(t4, 0x0800, [[0x88a8, 1], [0x8100, 2]])],
    [LinkType.ETHERNET, ether(t6, 0x86dd)],
    [LinkType.ETHERNET, ether(f4)],
    [LinkType.ETHERNET, ether(f6, 0x86dd)],
    [LinkType.ETHERNET, ether(ipv4(udp(), { proto: 17 }))],
    [LinkType.LINUX_SLL, sll(t4)],
    [LinkType.LINUX_SLL2, sll2(t6, 0x86dd)],
    [LinkType.RAW, t6],
    [LinkType.IPV4, t4],
    [LinkType.IPV6, t6],
    [LinkType.NULL, bsd(t4, 2, true)],
    [LinkType.LOOP, bsd(t6, 24, false)],
  ];
}

test('fuzz: random byte strings through every link type never throw', () => {
  const rand = rng(1);
  const { dec, weird } = newDecoder();
  for (let i = 0; i < 20000; i++) {
    const len = Math.floor(rand() * 160);
    const data = Buffer.alloc(len);
    for (let k = 0; k < len; k++) data[k] = Math.floor(rand() * 256);
    // Bias the leading bytes toward IP versions and known ethertypes so that deeper layers get exercised too.
    if (len > 0 && rand() < 0.5) data[0] = rand() < 0.5 ? 0x45 : 0x60;
    if (len > 13 && rand() < 0.5) data.writeUInt16BE([0x0800, 0x86dd, 0x8100, 0x88a8][Math.floor(rand() * 4)], 12);
    const lt = LINKS[Math.floor(rand() * LINKS.length)];
    check(dec, weird, pkt(lt, data, i, rand() < 0.3 ? len + Math.floor(rand() * 3000) : len));
  }
  assert.equal(outcomeSum(dec.stats), dec.stats.packets);
  assert.ok(dec.stats.malformed > 0);
});

test('fuzz: mutated valid packets (byte flips, truncation, wrong link type) never throw', () => {
  const rand = rng(2);
  const { dec, weird } = newDecoder({ maxFragmentDatagrams: 16, fragmentMemcapBytes: 16384 });
  const base = corpus();
  let produced = 0;
  for (let i = 0; i < 30000; i++) {
    const [lt0, orig] = base[Math.floor(rand() * base.length)];
    let data = Buffer.from(orig);
    const flips = Math.floor(rand() * 4);
    for (let k = 0; k < flips && data.length > 0; k++) data[Math.floor(rand() * data.length)] = Math.floor(rand() * 256);
    if (rand() < 0.3) data = data.subarray(0, Math.floor(rand() * data.length));
    const lt = rand() < 0.1 ? LINKS[Math.floor(rand() * LINKS.length)] : lt0;
    const origLen = rand() < 0.3 ? orig.length : data.length;
    if (dec.decode(pkt(lt, data, i * 1000, origLen)) !== null) produced++;
    assert.equal(weird.get('decode_internal_error'), 0);
    if (i % 100 === 0) dec.expire(i * 1000);
  }
  assert.ok(produced > 1000, `only ${produced} segments survived`);
  assert.equal(outcomeSum(dec.stats), dec.stats.packets);
});

test('fuzz: random fragment storms stay within the fragment limits and release everything on expiry', () => {
  const rand = rng(3);
  const memcap = 8192;
  const maxDatagrams = 8;
  const { dec, weird } = newDecoder({ maxFragmentDatagrams: maxDatagrams, fragmentMemcapBytes: memcap, fragmentTimeoutSec: 1 });
  let ts = 0;
  for (let i = 0; i < 20000; i++) {
    ts += Math.floor(rand() * 2000);
    const v6 = rand() < 0.3;
    const off = Math.floor(rand() * (rand() < 0.05 ? 8192 : 64)) * 8;
    const len = rand() < 0.9 ? Math.floor(rand() * 12) * 8 : Math.floor(rand() * 100);
    const more = rand() < 0.7;
    const id = Math.floor(rand() * 12);
    const payload = Buffer.alloc(len, Math.floor(rand() * 3));
    if (off === 0 && len >= 20) tcp({ payload: Buffer.alloc(len - 20) }).copy(payload);
    const frame = v6
      ? ether(ipv6(Buffer.concat([fragHeader(6, off, more, id), payload]), { nextHeader: 44 }), 0x86dd)
      : ether(ipv4(payload, { id, fragOffset: off, more }));
    check(dec, weird, pkt(LinkType.ETHERNET, frame, ts));
    if (rand() < 0.2) dec.expire(ts);
    assert.ok(dec.fragmentBytes >= 0 && dec.fragmentBytes <= memcap, `held ${dec.fragmentBytes}`);
    assert.ok(dec.pendingDatagrams <= maxDatagrams);
  }
  assert.ok(dec.stats.reassembledDatagrams > 0);
  assert.ok(weird.get('ip_frag_overlap') > 0);
  assert.equal(outcomeSum(dec.stats), dec.stats.packets);
  dec.expire(ts + 2_000_000);
  assert.equal(dec.pendingDatagrams, 0);
  assert.equal(dec.fragmentBytes, 0);
});
