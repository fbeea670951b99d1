// Unit tests of printable IP addresses (RFC 5952 canonical IPv6).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIp } from '../../../appliance/src/engine/ip.format.ts';

const v6 = (hex: string) => Buffer.from(hex.replace(/:/g, ''), 'hex');

test('formats IPv4 dotted quads', () => {
  assert.equal(formatIp(Buffer.from([192, 0, 2, 33])), '192.0.2.33');
  assert.equal(formatIp(Buffer.from([9, 9, 10, 0, 2, 1, 9]), 2, 4), '10.0.2.1');
});

test('formats IPv6 canonically', () => {
  assert.equal(formatIp(v6('2001:0db8:0000:0000:0000:0000:0000:0001')), '2001:db8::1');
  assert.equal(formatIp(v6('0000:0000:0000:0000:0000:0000:0000:0001')), '::1');
  assert.equal(formatIp(v6('0000:0000:0000:0000:0000:0000:0000:0000')), '::');
  assert.equal(formatIp(v6('2001:0db8:0000:0001:0000:0000:0000:0001')), '2001:db8:0:1::1');
  assert.equal(formatIp(v6('2001:0db8:0000:0000:0001:0000:0000:0001')), '2001:db8::1:0:0:1');
  assert.equal(formatIp(v6('2001:0db8:0001:0001:0001:0001:0000:0001')), '2001:db8:1:1:1:1:0:1');
  assert.equal(formatIp(v6('0000:0000:0000:0000:0000:ffff:c000:0221')), '::ffff:192.0.2.33');
});

test('rejects other lengths', () => {
  assert.throws(() => formatIp(Buffer.alloc(5)), RangeError);
});
