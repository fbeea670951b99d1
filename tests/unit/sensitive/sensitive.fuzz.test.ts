// Fuzz tests: random and hostile strings through every detector and every scanner location must never throw,
// and every reported hit must be well-formed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SENSITIVE_DETECTORS } from '../../../appliance/src/analyzers/sensitive/detector.registry.ts';
import { SensitiveScanner } from '../../../appliance/src/analyzers/sensitive/sensitive.scanner.ts';
import { WeirdCounters } from '../../../appliance/src/engine/weird.counters.ts';
import { makeTx, runDetector } from './tx.fixture.ts';

let seed = 12345;
function rnd(): number {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 0x100000000;
}
const ALPHABET = '0123456789 -+()X.:@_=&?/\\"{}[]<>,;%eyJAKIAghp_xoxb-sk_live_京A张三省市路号\u0000\u00ff\ud800';

function randomText(max: number): string {
  const n = Math.floor(rnd() * max);
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHABET[Math.floor(rnd() * ALPHABET.length)];
  return s;
}

test('every detector survives random text and returns in-range matches', () => {
  for (let i = 0; i < 3000; i++) {
    const text = randomText(80);
    for (const d of SENSITIVE_DETECTORS) {
      for (const m of runDetector(d, text, i % 2 === 0 ? 'password' : 'mobile')) {
        assert.ok(m.start >= 0 && m.end <= text.length && m.start <= m.end, d.id);
        assert.ok(m.confidence >= 0 && m.confidence <= 1, d.id);
      }
    }
  }
});

test('the scanner never throws on random bodies, headers, queries and paths', () => {
  const weird = new WeirdCounters();
  const scanner = new SensitiveScanner({ weird });
  const types = ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=b', 'text/xml', 'text/plain', '', 'application/octet-stream'];
  for (let i = 0; i < 2000; i++) {
    const raw = Buffer.from(Array.from({ length: Math.floor(rnd() * 300) }, () => Math.floor(rnd() * 256)));
    const structured = ['{"a":[', '<a b="', '--b\r\nContent-Disposition: form-data; name="x"\r\n\r\n', 'a=%E5%', '[[[[[[[['][i % 5] + randomText(200);
    const tx = makeTx({
      method: 'POST',
      target: '/' + randomText(30) + '?' + randomText(40),
      requestHeaders: [[randomText(10) || 'X', randomText(40)], ['Cookie', randomText(40)]],
      requestType: types[i % types.length],
      requestBody: i % 3 === 0 ? raw : structured,
      responseType: types[(i + 3) % types.length],
      responseBody: i % 2 === 0 ? structured : raw,
    });
    const hits = scanner.scan(tx);
    for (const h of hits) {
      assert.ok(typeof h.type === 'string' && typeof h.field === 'string' && typeof h.masked === 'string');
      assert.ok(h.confidence >= 0.6 && h.confidence <= 1);
    }
  }
  assert.equal(weird.get('sensitive_scan_error'), 0);
});

test('deep nesting and huge digit runs stay bounded', () => {
  const weird = new WeirdCounters();
  const scanner = new SensitiveScanner({ weird });
  const deep = '['.repeat(10000) + '"13812345678"' + ']'.repeat(10000);
  assert.doesNotThrow(() => scanner.scan(makeTx({ responseType: 'application/json', responseBody: deep })));
  assert.equal(weird.get('sensitive_json_too_deep'), 1);
  const digits = '1 '.repeat(120000);
  const t0 = Date.now();
  scanner.scan(makeTx({ responseType: 'text/plain', responseBody: digits }));
  assert.ok(Date.now() - t0 < 5000);
});
