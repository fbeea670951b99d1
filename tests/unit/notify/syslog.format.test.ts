// Syslog and CEF messages built from hostile text (seeded random strings full of the characters each format must
// escape) parse back, with independent parsers, to exactly the sanitised alert: no field can break out of its place.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { syslogMessage, octetFrame } from '../../../appliance/src/notifiers/syslog/syslog.format.ts';
import { sanitizeAlert, type Alert } from '../../../appliance/src/notifiers/alert.types.ts';
import { parse5424, parseCef, unframe } from './syslog.parse.ts';

const NASTY = ['|', '\\', '=', ']', '"', '[', ' ', '\n', '\r', '\t', '\u0000', '\u2028', 'é', '中', '<', '>', '%', 'x', '1', ':', 'cs1=', 'msg=', '\\=', '\\|'];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function nasty(r: () => number, max: number): string {
  let out = '';
  const n = Math.floor(r() * max);
  for (let i = 0; i < n; i++) out += NASTY[Math.floor(r() * NASTY.length)];
  return out;
}

test('RFC 5424 and CEF round-trip hostile alert text', () => {
  const r = rng(42);
  for (let i = 0; i < 300; i++) {
    const a: Alert = sanitizeAlert({
      type: `t${nasty(r, 8)}`,
      category: 'attack',
      severity: (['info', 'low', 'medium', 'high', 'critical'] as const)[i % 5],
      host: nasty(r, 20),
      endpoint: `GET /${nasty(r, 20)}`,
      client: nasty(r, 10),
      identity: nasty(r, 10),
      evidence: nasty(r, 60),
      count: 1 + i,
      firstSeen: 1_000,
      lastSeen: 2_000,
      linkPath: '',
    });
    const fields = { facility: 'local0' as const, hostname: 'radar', appName: 'api-radar', version: '1|2\\3', publicUrl: '' };
    const plain = parse5424(unframe(octetFrame(syslogMessage(a, { ...fields, format: 'rfc5424' }, 5_000)))[0]);
    const sd = plain.sd!.get('apiradar@32473')!;
    assert.equal(sd.get('endpoint'), a.endpoint);
    assert.equal(sd.get('evidence'), undefined);
    if (a.host !== '') assert.equal(sd.get('host'), a.host);
    if (a.identity !== '') assert.equal(sd.get('identity'), a.identity);
    assert.equal(sd.get('count'), String(a.count));
    assert.ok(plain.msg.endsWith(a.evidence), 'the evidence is the end of the message');
    assert.match(plain.msgId, /^[\x21-\x7e]{1,32}$/);

    const cef = parseCef(parse5424(syslogMessage(a, { ...fields, format: 'cef' }, 5_000)).msg);
    assert.equal(cef.deviceVersion, '1|2\\3');
    assert.equal(cef.signatureId, a.type);
    if (a.evidence !== '') assert.equal(cef.ext.get('msg'), a.evidence);
    if (a.client !== '') assert.equal(cef.ext.get('src'), a.client);
    if (a.identity !== '') assert.equal(cef.ext.get('suser'), a.identity);
    assert.equal(cef.ext.get('request'), a.endpoint.slice(4));
    assert.equal(cef.ext.get('cnt'), String(a.count));
    assert.equal(cef.ext.has('cs1'), false, 'no link without a public URL');
  }
});
