// Block-list address parsing: IPv4/IPv6 addresses and CIDR networks accepted in canonical form (RFC 5952 for IPv6,
// host bits cleared), everything else refused with a reason; plus the syslog/CEF escaping helpers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIpNetwork } from '../../../appliance/src/blocklist/ip-network.ts';
import { cefHeaderEscape, cefValueEscape, headerField, octetFrame, sdEscape } from '../../../appliance/src/notifiers/syslog/syslog.format.ts';

function text(s: string): string {
  const r = parseIpNetwork(s);
  assert.equal(typeof r, 'object', `${s}: ${String(r)}`);
  return (r as { text: string }).text;
}

test('valid addresses and networks come out canonical', () => {
  assert.equal(text('203.0.113.7'), '203.0.113.7');
  assert.equal(text(' 203.0.113.7/32 '), '203.0.113.7');
  assert.equal(text('203.0.113.77/24'), '203.0.113.0/24', 'host bits cleared');
  assert.equal(text('10.0.0.0/8'), '10.0.0.0/8');
  assert.equal(text('2001:DB8:0:0:0:0:0:1'), '2001:db8::1');
  assert.equal(text('2001:0db8:0000:0000:0001:0000:0000:0001'), '2001:db8::1:0:0:1', 'the first longest zero run is compressed');
  assert.equal(text('2001:db8:0:1:1:1:1:1'), '2001:db8:0:1:1:1:1:1', 'a single zero group is not compressed');
  assert.equal(text('2001:db8::1234/48'), '2001:db8::/48');
  assert.equal(text('::ffff:192.0.2.1'), '::ffff:c000:201');
  assert.equal(text('::1/128'), '::1');
  const v6 = parseIpNetwork('2001:db8::/32') as { family: number; prefix: number };
  assert.equal(v6.family, 6);
  assert.equal(v6.prefix, 32);
});

test('invalid input is refused with a reason', () => {
  for (const bad of ['', 'example.com', '256.1.1.1', '1.2.3', '01.2.3.4', '1.2.3.4/33', '1.2.3.4/-1', '1.2.3.4/', '1.2.3.4/08', '2001:db8::/129', 'fe80::1%eth0', '1:2:3:4:5:6:7:8:9', '1.2.3.4\n5.6.7.8', '1.2.3.4; drop']) {
    assert.equal(typeof parseIpNetwork(bad), 'string', JSON.stringify(bad));
  }
  assert.equal(parseIpNetwork('0.0.0.0/0'), 'a /0 network would block everything');
  assert.equal(parseIpNetwork('::/0'), 'a /0 network would block everything');
});

test('syslog and CEF escaping', () => {
  assert.equal(sdEscape('a"b\\c]d'), 'a\\"b\\\\c\\]d');
  assert.equal(cefHeaderEscape('a|b\\c\nd'), 'a\\|b\\\\c d');
  assert.equal(cefValueEscape('k=v\\x\r\ny'), 'k\\=v\\\\x\\r\\ny');
  assert.equal(headerField('my host\u00e9', 255), 'myhost');
  assert.equal(headerField('', 10), '-');
  assert.deepEqual(octetFrame('héllo'), Buffer.from('6 héllo'));
});
