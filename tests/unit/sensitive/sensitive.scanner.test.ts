// Unit tests of the transaction scanner: data placed in every location (path, query, header, cookie, form, JSON,
// multipart, XML, plain text) in both directions, with the reported type, location and field; limits and weirds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ScanPart, SensitiveScanner, scanTransaction } from '../../../appliance/src/analyzers/sensitive/sensitive.scanner.ts';
import type { SensitiveHit } from '../../../appliance/src/analyzers/sensitive/sensitive.scanner.ts';
import { WeirdCounters } from '../../../appliance/src/engine/weird.counters.ts';
import { makeTx } from './tx.fixture.ts';

const ID = '11010519491231002X';
const MOBILE = '13812345678';

function brief(hits: SensitiveHit[]): string[] {
  return hits.map((h) => `${h.direction} ${h.location} ${h.field} ${h.type}`);
}

test('path segments: an ID number in the path, the previous segment as hint', () => {
  const hits = scanTransaction(makeTx({ target: `/api/idcard/${ID}/detail` }));
  assert.deepEqual(brief(hits), ['request path path[2] cn_id_card']);
  assert.equal(hits[0].confidence, 0.99);
  assert.equal(hits[0].masked, '110105********002X');
});

test('query: URL-decoded parameters with their names as fields and hints', () => {
  const hits = scanTransaction(makeTx({ target: `/search?page=2&mobile=${MOBILE}&email=bob%40example.com&name=%E5%BC%A0%E4%B8%89&access_token=abcdef123456` }));
  assert.deepEqual(brief(hits), [
    'request query mobile cn_mobile',
    'request query email email',
    'request query name cn_name',
    'request query access_token bearer_token_in_url',
  ]);
  assert.equal(hits[0].confidence, 0.97);
});

test('headers and cookies: sensitive headers reported, credential carriers flagged, plain headers skipped', () => {
  const jwt = `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from('{"sub":"u1"}').toString('base64url')}.c2ln`;
  const hits = scanTransaction(makeTx({
    requestHeaders: [
      ['Authorization', `Bearer ${jwt}`],
      ['X-Id-Card', ID],
      ['Cookie', `theme=dark; phone=${MOBILE}; session=0123456789abcdef`],
      ['Content-Length', '13812345678'],
      ['User-Agent', 'Mozilla/5.0 Chrome/120.0.0.0 (contact 13912345678)'],
    ],
    responseHeaders: [['Set-Cookie', 'token=zyxwvu987654; Path=/; HttpOnly']],
  }));
  assert.deepEqual(brief(hits), [
    'request header authorization jwt',
    'request header x-id-card cn_id_card',
    'request cookie phone cn_mobile',
    'request cookie session secret',
    'response cookie token secret',
  ]);
  assert.deepEqual(hits.map((h) => h.credential), [true, false, true, true, true]);
  assert.match(hits[3].masked, /^sha256:[0-9a-f]{16}$/);
});

test('form body: urlencoded fields, UTF-8 percent-escapes and + as space', () => {
  const hits = scanTransaction(makeTx({
    method: 'POST',
    requestType: 'application/x-www-form-urlencoded; charset=UTF-8',
    requestBody: `username=bob&password=s3cr3t%21&realName=%E7%8E%8B%E5%B0%8F%E6%98%8E&addr=%E5%8C%97%E4%BA%AC%E5%B8%82%E6%9C%9D%E9%98%B3%E5%8C%BA%E5%BB%BA%E5%9B%BD%E8%B7%AF88%E5%8F%B7&tel=010-62345678+`,
  }));
  assert.deepEqual(brief(hits), ['request form password password', 'request form realName cn_name', 'request form addr cn_address', 'request form tel cn_landline']);
  assert.equal(hits[0].value, 's3cr3t!');
  assert.equal(hits[1].value, '王小明');
});

test('JSON: nested objects and arrays give normalised paths; response direction', () => {
  const body = JSON.stringify({
    code: 0,
    data: {
      items: [
        { id: 1, idCard: ID, contact: { mobile: MOBILE }, tags: ['a'] },
        { id: 2, idCard: '440306199001011237', contact: { mobile: '13912345678' }, cards: ['6200000000000005'] },
      ],
      total: 2,
      ts: 1700000000000,
      orderNo: '202311141234567890',
    },
  });
  const hits = scanTransaction(makeTx({ responseType: 'application/json', responseBody: body }));
  assert.deepEqual(brief(hits), [
    'response json data.items[].idCard cn_id_card',
    'response json data.items[].contact.mobile cn_mobile',
    'response json data.items[].contact.mobile cn_mobile',
    'response json data.items[].cards[] bank_card',
  ]);
});

test('JSON: top-level arrays, escaped keys and values, numbers, sniffing without content type', () => {
  const body = '[{"\\u59d3\\u540d":"\\u5f20\\u4e09","phone":13812345678,"note":"a\\"b"},{"email":"carol@example.org"}]';
  const hits = scanTransaction(makeTx({ responseBody: body }));
  assert.deepEqual(brief(hits), ['response json [].姓名 cn_name', 'response json [].phone cn_mobile', 'response json [].email email']);
  assert.equal(hits[0].value, '张三');
});

test('JSON: a truncated body keeps the hits before the cut and counts a weird', () => {
  const weird = new WeirdCounters();
  const s = new SensitiveScanner({ weird });
  const hits = s.scan(makeTx({ responseType: 'application/json', responseBody: `{"list":[{"idCard":"${ID}"},{"idCard":"4403` }));
  assert.deepEqual(brief(hits), ['response json list[].idCard cn_id_card']);
  assert.equal(weird.get('sensitive_json_malformed'), 1);
});

test('JSON declared but not JSON falls back to a plain-text scan', () => {
  const hits = scanTransaction(makeTx({ responseType: 'application/json', responseBody: `error: user ${MOBILE} not found` }));
  assert.deepEqual(brief(hits), ['response body  cn_mobile']);
});

test('multipart/form-data: text fields by name, JSON parts walked, binary files skipped', () => {
  const b = 'XyZ--boundary';
  const body = [
    `--${b}`, 'Content-Disposition: form-data; name="idCard"', '', ID,
    `--${b}`, 'Content-Disposition: form-data; name="profile"', 'Content-Type: application/json', '', `{"user":{"email":"dan@example.com"}}`,
    `--${b}`, 'Content-Disposition: form-data; name="avatar"; filename="a.png"', 'Content-Type: image/png', '', `\u0089PNG ${MOBILE}`,
    `--${b}--`, '',
  ].join('\r\n');
  const hits = scanTransaction(makeTx({ method: 'POST', requestType: `multipart/form-data; boundary=${b}`, requestBody: body }));
  assert.deepEqual(brief(hits), ['request multipart idCard cn_id_card', 'request multipart profile.user.email email']);
});

test('XML: element text and attributes with dotted paths; entities decoded, DOCTYPE not expanded', () => {
  const xml = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "${MOBILE}">]><soap:Envelope xmlns:soap="urn:x"><soap:Body><user mobile="${MOBILE}"><idCard>${ID}</idCard><email>eve&#64;example.com</email><note>&e;</note></user></soap:Body></soap:Envelope>`;
  const hits = scanTransaction(makeTx({ responseType: 'text/xml; charset=utf-8', responseBody: xml }));
  assert.deepEqual(brief(hits), ['response xml Envelope.Body.user@mobile cn_mobile', 'response xml Envelope.Body.user.idCard cn_id_card', 'response xml Envelope.Body.user.email email']);
});

test('plain-text and HTML responses are scanned as text', () => {
  const hits = scanTransaction(makeTx({ responseType: 'text/html', responseBody: `<p>Call ${MOBILE} or mail <b>frank@example.com</b>, server 10.20.30.40</p>` }));
  assert.deepEqual(brief(hits), ['response body  cn_mobile', 'response body  email', 'response body  ipv4']);
});

test('binary bodies are skipped', () => {
  assert.deepEqual(scanTransaction(makeTx({ responseType: 'image/png', responseBody: `\u0000\u0001 ${MOBILE}` })), []);
  assert.deepEqual(scanTransaction(makeTx({ responseBody: Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(` ${MOBILE}`)]) })), []);
});

test('GBK-declared bodies are decoded before scanning', () => {
  const gbk = Buffer.from([0xd0, 0xd5, 0xc3, 0xfb]); // "姓名" in GBK
  const name = Buffer.from([0xd5, 0xc5, 0xc8, 0xfd]); // "张三"
  const body = Buffer.concat([Buffer.from('{"'), gbk, Buffer.from('":"'), name, Buffer.from('"}')]);
  const hits = scanTransaction(makeTx({ responseType: 'application/json; charset=GBK', responseBody: body }));
  assert.deepEqual(brief(hits), ['response json 姓名 cn_name']);
});

test('token detectors suppress the generic secret; URL tokens and JWTs are both reported', () => {
  const jwt = `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from('{"sub":"1"}').toString('base64url')}.c2ln`;
  const hits = scanTransaction(makeTx({ target: `/cb?token=${jwt}`, responseType: 'application/json', responseBody: `{"access_token":"${jwt}","refresh_token":"r-0123456789"}` }));
  assert.deepEqual(brief(hits), ['request query token jwt', 'request query token bearer_token_in_url', 'response json access_token jwt', 'response json refresh_token secret']);
});

test('look-alikes in a realistic order response produce no hits', () => {
  const body = JSON.stringify({
    orderNo: '202311141234567890', tradeNo: '4200001234202311148765432101', ts: 1700000000123, createdAt: '2023-11-14T22:13:20.000Z',
    amount: 13812.34, sku: 'E12345678', version: '1.2.3.4', traceId: '13812345678', requestId: '6222021234567890',
    userAgent: 'Mozilla/5.0 Chrome/120.0.0.0 Safari/537.36', mac: '00:1a:2b:3c:4d:5e', time: '12:30:45', invoice: '110105194912310021',
  });
  assert.deepEqual(brief(scanTransaction(makeTx({ responseType: 'application/json', responseBody: body }))), []);
});

test('limits: hits per type per message and per transaction are capped and counted', () => {
  const weird = new WeirdCounters();
  const emails = Array.from({ length: 10 }, (_, i) => `u${i}@example.com`);
  const s = new SensitiveScanner({ weird, maxHitsPerType: 3 });
  const hits = s.scan(makeTx({ responseType: 'application/json', responseBody: JSON.stringify(emails), target: `/x?a=${emails[0]}` }));
  assert.equal(hits.filter((h) => h.direction === 'response').length, 3);
  assert.equal(hits.filter((h) => h.direction === 'request').length, 1);
  assert.equal(weird.get('sensitive_hits_capped'), 1);
  const total = new SensitiveScanner({ maxHits: 4 }).scan(makeTx({ responseType: 'application/json', responseBody: JSON.stringify(emails) }));
  assert.equal(total.length, 4);
});

test('limits: only the first maxBodyBytes of a body are scanned', () => {
  const weird = new WeirdCounters();
  const body = 'x'.repeat(100) + ` ${MOBILE} ` + 'y'.repeat(100) + ' 13912345678';
  const hits = new SensitiveScanner({ weird, maxBodyBytes: 150 }).scan(makeTx({ responseType: 'text/plain', responseBody: body }));
  assert.deepEqual(hits.map((h) => h.value), [MOBILE]);
  assert.equal(weird.get('sensitive_body_truncated'), 1);
});

test('minConfidence: a stricter threshold drops weaker matches', () => {
  const tx = makeTx({ responseType: 'text/plain', responseBody: `${MOBILE} ${ID}` });
  assert.deepEqual(new SensitiveScanner({ minConfidence: 0.8 }).scan(tx).map((h) => h.type), ['cn_id_card']);
  assert.deepEqual(new SensitiveScanner().scan(tx).map((h) => h.type), ['cn_mobile', 'cn_id_card']);
});

test('a transaction without request or response still scans the side it has', () => {
  const respOnly = makeTx({ method: '', responseType: 'application/json', responseBody: `{"mobile":"${MOBILE}"}` });
  assert.deepEqual(brief(scanTransaction(respOnly)), ['response json mobile cn_mobile']);
  const reqOnly = makeTx({ target: `/u?mobile=${MOBILE}`, status: null, responseBody: `{"mobile":"13912345678"}` });
  assert.deepEqual(brief(scanTransaction(reqOnly)), ['request query mobile cn_mobile']);
});

test('path segments: percent-encoded and plain paths find the same values, with the previous segment as a hint', () => {
  const s = new SensitiveScanner({ todayYmd: 20260101 });
  const plain = s.scan(makeTx({ target: '/v1/idcard/110101199003074514/mobile/13812345678' }), ScanPart.RequestLine);
  const encoded = s.scan(makeTx({ target: '/v1/id%63ard/110101199003074514/mobile/1381234567%38' }), ScanPart.RequestLine);
  const view = (hits: typeof plain) => hits.map((h) => `${h.type}@${h.field}`).sort();
  assert.deepEqual(view(plain), ['cn_id_card@path[2]', 'cn_mobile@path[4]']);
  assert.deepEqual(view(encoded), view(plain));
  assert.deepEqual(view(s.scan(makeTx({ target: '/v1/orders/20240101123456' }), ScanPart.RequestLine)), [], 'timestamps in paths are not data');
});

test('ID-card birth dates are checked against the fixed date when one is set (scan and confirms alike), else the clock', () => {
  const withCheck = (first17: string): string => {
    const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum = 0;
    for (let i = 0; i < 17; i++) sum += Number(first17[i]) * w[i];
    return first17 + '10X98765432'[sum % 11];
  };
  const born20250615 = withCheck('11010120250615123');
  const early = new SensitiveScanner({ todayYmd: 20250101 });
  const late = new SensitiveScanner({ todayYmd: 20250701 });
  const clock = new SensitiveScanner();
  const types = (s: SensitiveScanner) => s.scan(makeTx({ target: `/v1/idcard/${born20250615}` }), ScanPart.RequestLine).map((h) => h.type);
  assert.deepEqual(types(early), [], 'born after the fixed today');
  assert.deepEqual(types(late), ['cn_id_card']);
  assert.deepEqual(types(clock), ['cn_id_card'], 'the clock is past 2025-06-15');
  assert.equal(early.confirms('cn_id_card', born20250615, 'json', 'idCard'), false);
  assert.equal(late.confirms('cn_id_card', born20250615, 'json', 'idCard'), true);
});
