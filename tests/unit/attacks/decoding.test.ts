// Unit tests of the attack input decodings (URL, double URL, %u, HTML entities, backslash escapes, fullwidth
// forms, base64) and of input extraction from every request part.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base64Text, charMask, fullyDecode, htmlDecode, unescapeBackslash, urlDecode } from '../../../appliance/src/analyzers/attacks/attack-input.decoder.ts';
import { extractInputs } from '../../../appliance/src/analyzers/attacks/attack-input.extractor.ts';
import { resolveAttackSettings } from '../../../appliance/src/analyzers/attacks/attacks.settings.ts';
import { CharClass } from '../../../appliance/src/analyzers/attacks/attack.types.ts';
import { makeTx } from '../../fixtures/transaction.fixture.ts';
import { detect } from './attack.helpers.ts';

test('decoders: URL (UTF-8, %u), entities with and without semicolons, escapes, fullwidth, bounded rounds', () => {
  assert.equal(urlDecode('%3Cscript%3E'), '<script>');
  assert.equal(urlDecode('%E4%B8%AD%u0027'), "中'");
  assert.equal(urlDecode('100%'), '100%');
  assert.equal(htmlDecode('&lt;a&#62;&#x27;&#39&colon;'), "<a>'':");
  assert.equal(unescapeBackslash('\\u003cscript\\x3e\\047'), "<script>'");
  assert.equal(fullyDecode('%253Cscript%253E'), '<script>');
  assert.equal(fullyDecode('＜ｓｃｒｉｐｔ＞'), '<script>');
  assert.equal(fullyDecode('it’s'), "it's");
  assert.equal(fullyDecode('%25252525252541'), '%25252541', 'at most three rounds');
});

test('base64: only whole values of printable text', () => {
  assert.equal(base64Text(Buffer.from("1' OR '1'='1").toString('base64')), "1' OR '1'='1");
  assert.equal(base64Text('dGVzdA'), null, 'too short');
  assert.equal(base64Text(Buffer.from([0, 1, 2, 200, 3, 4, 5, 6, 7, 8, 9, 10, 11]).toString('base64')), null, 'binary');
  assert.equal(base64Text('abcdefghijklmnop'), null, 'no upper case: an ordinary word');
});

test('char mask: classes present', () => {
  const m = charMask("a'b<c>(d);e--f");
  assert.ok(m & CharClass.Quote && m & CharClass.Angle && m & CharClass.Paren && m & CharClass.Sep && m & CharClass.Dash2);
  assert.equal(charMask('abc123'), 0);
});

test('payloads are found after each decoding, in each part', () => {
  const sqli = "1' OR '1'='1";
  const cases: Array<[string, Parameters<typeof detect>[0]]> = [
    ['double URL', { target: `/a?id=${encodeURIComponent(encodeURIComponent(sqli))}` }],
    ['HTML entities', { target: `/a?id=${encodeURIComponent('1&#39; OR &#39;1&#39;=&#39;1')}` }],
    ['unicode escapes in JSON', { method: 'POST', target: '/a', requestType: 'application/json', requestBody: '{"id":"1\\u0027 OR \\u00271\\u0027=\\u00271"}' }],
    ['\\x escapes', { target: `/a?id=${encodeURIComponent("1\\x27 OR \\x271\\x27=\\x271")}` }],
    ['base64 cookie', { requestHeaders: [['Cookie', `prefs=${Buffer.from(sqli).toString('base64')}`]] }],
    ['SQL comments', { target: `/a?id=${encodeURIComponent("1'/**/OR/**/'1'='1")}` }],
    ['form field', { method: 'POST', target: '/login', requestType: 'application/x-www-form-urlencoded', requestBody: `user=${encodeURIComponent(sqli)}&pw=x` }],
    ['XML text', { method: 'POST', target: '/soap', requestType: 'text/xml', requestBody: `<r><id>1' OR '1'='1</id></r>` }],
    ['multipart field', { method: 'POST', target: '/up', requestType: 'multipart/form-data; boundary=XyZ', requestBody: `--XyZ\r\nContent-Disposition: form-data; name="id"\r\n\r\n${sqli}\r\n--XyZ--\r\n` }],
    ['JSON key', { method: 'POST', target: '/a', requestType: 'application/json', requestBody: JSON.stringify({ [sqli]: 1 }) }],
    ['path segment', { target: `/items/${encodeURIComponent(sqli)}` }],
    ['X-Forwarded-For', { requestHeaders: [['X-Forwarded-For', sqli]] }],
  ];
  for (const [what, spec] of cases) assert.ok(detect(spec).some((d) => d.type === 'sqli'), what);
});

test('extraction: names and values of every part, structural headers only with a $, plain tokens skipped', () => {
  const tx = makeTx({
    method: 'POST',
    target: '/p/a%20b?x.y=1%202&plain=abc-123&y',
    requestHeaders: [['User-Agent', 'ua'], ['Accept', 'text/html'], ['Accept-Language', '${jndi:x}'], ['Cookie', 'c=v w; id=7; d.e=f']],
    requestType: 'application/json',
    requestBody: '{"k":"v w","n":5,"plain":"abc","o":{"k.2":"v2"}}',
  });
  const got = extractInputs(tx, resolveAttackSettings()).map((i) => `${i.part}${i.isName ? ':name' : ''}${i.structural ? ':structural' : ''} ${i.name}=${i.value}`);
  assert.deepEqual(got, [
    'path =/p/a b', 'query:name x.y=x.y', 'query x.y=1 2', 'header User-Agent=ua', 'header:structural Accept-Language=${jndi:x}',
    'cookie c=v w', 'cookie:name d.e=d.e', 'json k=v w', 'json:name k.2=k.2',
  ]);
  const many = makeTx({ target: '/?' + Array.from({ length: 500 }, (_, i) => `p${i}=v%20w`).join('&') });
  assert.equal(extractInputs(many, resolveAttackSettings({ maxInputs: 50 })).length, 50);
});
