// Unit tests of the live capture source's pure parts: cap link-type strings, origLen recovery for cut packets, the
// non-promiscuous filter prefix, the CAP_NET_RAW probe and option validation (nothing here opens a device).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinkType } from '../../../appliance/src/engine/packet.types.ts';
import { LiveCaptureSource, capLinkType, effectiveFilter, hasCapNetRaw, recoverOrigLen } from '../../../appliance/src/engine/source/live-capture.source.ts';

/** An IPv4 header (20 bytes) announcing `total` bytes, followed by `extra` bytes. */
function ipv4(total: number, extra = 20): Buffer {
  const b = Buffer.alloc(20 + extra);
  b[0] = 0x45;
  b.writeUInt16BE(total, 2);
  b[9] = 6;
  return b;
}

/** An IPv6 header announcing `payload` bytes, followed by `extra` bytes. */
function ipv6(payload: number, extra = 20): Buffer {
  const b = Buffer.alloc(40 + extra);
  b[0] = 0x60;
  b.writeUInt16BE(payload, 4);
  b[6] = 6;
  return b;
}

function ether(type: number, vlans: number[] = []): Buffer {
  const b = Buffer.alloc(14 + 4 * vlans.length);
  let o = 12;
  for (const tpid of vlans) {
    b.writeUInt16BE(tpid, o);
    b.writeUInt16BE(100, o + 2);
    o += 4;
  }
  b.writeUInt16BE(type, o);
  return b;
}

test('cap link-type strings map to LINKTYPE numbers', () => {
  assert.equal(capLinkType('ETHERNET'), LinkType.ETHERNET);
  assert.equal(capLinkType('LINKTYPE_LINUX_SLL'), LinkType.LINUX_SLL);
  assert.equal(capLinkType('NULL'), LinkType.NULL);
  assert.equal(capLinkType('RAW'), LinkType.RAW);
  assert.equal(capLinkType('IEEE802_11_RADIO'), 127);
  assert.equal(capLinkType('Unknown linktype 276'), LinkType.LINUX_SLL2);
  assert.equal(capLinkType('something else'), -1);
  assert.equal(capLinkType('toString'), -1);
});

test('recoverOrigLen reads the IPv4/IPv6 length after each link header', () => {
  assert.equal(recoverOrigLen(LinkType.ETHERNET, Buffer.concat([ether(0x0800), ipv4(1500)])), 14 + 1500);
  assert.equal(recoverOrigLen(LinkType.ETHERNET, Buffer.concat([ether(0x86dd), ipv6(3000)])), 14 + 40 + 3000);
  assert.equal(recoverOrigLen(LinkType.ETHERNET, Buffer.concat([ether(0x0800, [0x88a8, 0x8100]), ipv4(900)])), 22 + 900);
  const sll = Buffer.alloc(16);
  sll.writeUInt16BE(0x0800, 14);
  assert.equal(recoverOrigLen(LinkType.LINUX_SLL, Buffer.concat([sll, ipv4(700)])), 16 + 700);
  const sll2 = Buffer.alloc(20);
  sll2.writeUInt16BE(0x86dd, 0);
  assert.equal(recoverOrigLen(LinkType.LINUX_SLL2, Buffer.concat([sll2, ipv6(100)])), 20 + 140);
  assert.equal(recoverOrigLen(LinkType.RAW, ipv6(5000)), 5040);
  assert.equal(recoverOrigLen(LinkType.NULL, Buffer.concat([Buffer.from([2, 0, 0, 0]), ipv4(600)])), 604);
});

test('recoverOrigLen never goes below the captured length and ignores what is not IP', () => {
  assert.equal(recoverOrigLen(LinkType.ETHERNET, Buffer.concat([ether(0x0800), ipv4(10)])), 14 + 40);
  assert.equal(recoverOrigLen(LinkType.ETHERNET, Buffer.concat([ether(0x0806), ipv4(4000)])), 14 + 40);
  assert.equal(recoverOrigLen(LinkType.ETHERNET, Buffer.concat([ether(0x0800), ipv6(4000)])), 14 + 60);
  assert.equal(recoverOrigLen(LinkType.ETHERNET, Buffer.alloc(10)), 10);
  assert.equal(recoverOrigLen(LinkType.ETHERNET, ether(0x0800)), 14);
  assert.equal(recoverOrigLen(LinkType.RAW, ipv6(0)), 60, 'jumbogram: length unknown');
  assert.equal(recoverOrigLen(147, ipv4(4000)), 40, 'unknown link type');
  assert.equal(recoverOrigLen(LinkType.RAW, Buffer.alloc(0)), 0);
});

test('the non-promiscuous prefix wraps the user filter', () => {
  assert.equal(effectiveFilter('  tcp port 80 ', null), 'tcp port 80');
  assert.equal(effectiveFilter('', null), '');
  assert.equal(
    effectiveFilter('tcp port 80 or udp', '02:00:00:00:00:01'),
    '(ether dst 02:00:00:00:00:01 or ether src 02:00:00:00:00:01 or ether multicast) and (tcp port 80 or udp)',
  );
  assert.equal(effectiveFilter(' ', '02:00:00:00:00:01'), '(ether dst 02:00:00:00:00:01 or ether src 02:00:00:00:00:01 or ether multicast)');
});

test('the CAP_NET_RAW probe answers on Linux', () => {
  assert.equal(typeof hasCapNetRaw(), 'boolean', '/proc/self/status should be readable on Linux');
});

test('options are validated when the source is made', () => {
  assert.throws(() => new LiveCaptureSource({ iface: '' }), RangeError);
  assert.throws(() => new LiveCaptureSource({ iface: 'lo', snaplen: 65536 }), /snaplen must be an integer from 64 to 65535/);
  assert.throws(() => new LiveCaptureSource({ iface: 'lo', snaplen: 10 }), RangeError);
  assert.throws(() => new LiveCaptureSource({ iface: 'lo', bufferBytes: 1000 }), /bufferBytes/);
  assert.throws(() => new LiveCaptureSource({ iface: 'lo', bufferBytes: 2 ** 31 }), /bufferBytes/);
  const s = new LiveCaptureSource({ iface: 'lo', bpf: ' tcp ' });
  assert.equal(s.bpf, 'tcp');
  assert.equal(s.promiscuous, true);
  assert.equal(s.bufferBytes, 64 << 20);
  assert.equal(s.snaplen, 65535);
  assert.equal(s.linkType, -1);
  assert.equal(s.running, false);
  assert.deepEqual(
    { packets: s.stats.packets, bytes: s.stats.bytes, drops: s.stats.drops, dropsSource: s.stats.dropsSource, kernelDrops: s.stats.kernelDrops },
    { packets: 0, bytes: 0, drops: null, dropsSource: 'none', kernelDrops: null },
  );
});
