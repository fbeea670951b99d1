// Unit tests of the inert-value pre-filter: what it lets through unread (ids, names, e-mails, paths, timestamps,
// JSON bodies of those) and what it hands to the scanner (trigger words, command first words, traversal pairs,
// base64 candidates); and a seeded fuzz test that the analyzer finds the same attacks with and without it on
// values built from detector keywords and inert separators, in form, JSON and path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InertFilter } from '../../../appliance/src/analyzers/attacks/attack-input.prefilter.ts';
import { defaultAttackDetectors } from '../../../appliance/src/analyzers/attacks/detector.registry.ts';
import { AttacksAnalyzer } from '../../../appliance/src/analyzers/attacks/attacks.analyzer.ts';
import type { AttackDetector } from '../../../appliance/src/analyzers/attacks/attack.types.ts';
import { SeededRandom } from '../../../scripts/traffic/seeded.random.ts';
import { detect } from './attack.helpers.ts';

const filter = new InertFilter(defaultAttackDetectors());
const inert = (s: string): boolean => filter.inert(s, 0, s.length);

test('inert: ids, names, e-mails, API paths, versions and timestamps', () => {
  for (const v of ['Alice Martin', 'user41026@example.com', '/api/v2/invoices/red-shoes/addresses/3387033', 'python-requests/2.31.0', '2023-11-14T22:13:20.000Z', '12:30', 'id', 'cat', 'api-v2-migration', '62c2e1c6-a490-4f91-9510-f84a8d2cb2b6', 'O Brien, Dublin']) {
    assert.ok(inert(v), v);
  }
  assert.ok(filter.inertJson('{"data":[{"id":8,"name":"Alice Martin","email":"a@example.com","amount":4.5,"ok":true,"tags":null}]}'));
  assert.ok(filter.inertJson('{"data":[{"id":8,"phone":"137","}'), 'a body cut off after an opening quote');
});

test('not inert: trigger words, command first words, traversal pairs, shell and SQL characters, base64 candidates', () => {
  for (const v of ['1 union select 1', 'x or 1', 'Northwind', 'tempdb', '4294967296', '/etc/passwd', 'document.cookie', 'id -u', 'cat /etc/hosts', 'python3.10 -c x', '/usr/bin/id', 'uname -a', '../x', '/.git/config', '__class__', '@@version', "I'd", 'a;b', 'x--', 'javascript:alert', 'MSB1bmlvbiBzZWxlY3QgMQ', '.env', 'abc.oastify.com', '中文']) {
    assert.ok(!inert(v), v);
  }
  assert.ok(!filter.inertJson('{"q":"1 union select 1"}'));
  assert.ok(!filter.inertJson('{"a":"x"} garbage'));
  assert.ok(!filter.inertJson('{"a":"\\u0027 or 1=1"}'));
  assert.ok(!filter.inertJson('{"a":"x", "b":"\' or 1=1 --'), 'a cut-off string with text is read');
  assert.ok(!new InertFilter([...defaultAttackDetectors(), { family: 'xss', needs: 0, parts: 511, detect: () => null }]).inert('abc', 0, 3), 'a detector without triggers turns the filter off');
});

/** Words the detectors look for, and ordinary ones, to build values from. */
const VOCABULARY = [
  'select', 'union', 'all', 'from', 'where', 'order', 'by', 'group', 'having', 'sleep', 'benchmark', 'waitfor', 'delay', 'exec', 'execute',
  'declare', 'create', 'drop', 'table', 'truncate', 'alter', 'values', 'into', 'outfile', 'procedure', 'analyse', 'or', 'and', 'xor', 'not',
  'null', 'is', 'like', 'rlike', 'regexp', 'between', 'true', 'tempdb', 'msdb', 'northwind', 'information_schema', 'sys', 'mysql', 'version',
  'e', '1', '2', '0', '10', '4294967296', '2147483647', 'etc', 'passwd', 'shadow', 'proc', 'self', 'environ', 'var', 'log', 'windows', 'system32',
  'win', 'ini', 'web', 'config', 'id_rsa', 'document', 'cookie', 'window', 'location', 'innerhtml', 'bin', 'usr', 'sbin', 'id', 'cat', 'ls',
  'whoami', 'wget', 'curl', 'python3', 'php7', 'nc', 'bash', 'sh', 'uname', 'type', 'echo', 'ping', 'exist', 'defined', 'invoke', 'iex', 'oastify',
  'interact', 'com', 'users_tbl', 'limit', 'join', 'alice', 'martin', 'orders', 'user', 'example', 'api', 'v1', 'items', 'red', 'shoes', '2023', 'T22', 'Z', 'a', 'n', 'u',
];
const SEPARATORS = [' ', ' ', ' ', '/', '.', '-', ',', '@', '~', ' -', '/', ':'];

function withoutFilter(): AttackDetector[] {
  return defaultAttackDetectors().map((d) => ({ ...d, triggers: undefined }));
}

function families(a: AttacksAnalyzer, spec: Parameters<typeof detect>[0]): string {
  return detect(spec, a).map((d) => d.rule).sort().join(',');
}

test('fuzz: the same detections with and without the pre-filter on keyword values in form, JSON and path', () => {
  const rng = new SeededRandom(20261129);
  const filtered = new AttacksAnalyzer();
  const plain = new AttacksAnalyzer({}, withoutFilter());
  let inertCount = 0;
  // payloads that need no SQL or shell punctuation come first, then random ones
  const fixed = ['1 union select 1', 'waitfor delay 0', 'select null', 'execute xp_dirtree', 'order by 1', '1 or true', 'uname -a', 'id -u', '/usr/bin/id', 'document.cookie', 'wget x', 'if exist x', 'abc.oastify.com/x', 'web.config', 'win.ini', 'is null', 'xor'];
  for (let i = 0; i < 3000 + fixed.length; i++) {
    let v = i < fixed.length ? fixed[i] : rng.chance(0.2) ? rng.pick(SEPARATORS).trim() : '';
    const words = i < fixed.length ? 0 : rng.int(1, 5);
    for (let w = 0; w < words; w++) v += (w > 0 ? rng.pick(SEPARATORS) : '') + (rng.chance(0.1) ? rng.pick(VOCABULARY).toUpperCase() : rng.pick(VOCABULARY));
    if (i < fixed.length) assert.notEqual(families(plain, { target: `/s?q=${encodeURIComponent(v)}` }), '', `${v} is an attack without the filter`);
    if (inert(v)) inertCount++;
    const form = { method: 'POST', target: '/f', requestType: 'application/x-www-form-urlencoded', requestBody: `v=${v}` };
    const json = { method: 'POST', target: '/j', requestType: 'application/json', requestBody: JSON.stringify({ v }) };
    const path = { target: `/${v.replace(/ /g, '-')}` };
    for (const spec of [form, json, path]) assert.equal(families(filtered, spec), families(plain, spec), `${JSON.stringify(v)} in ${spec.target}`);
  }
  assert.ok(inertCount > 300, `only ${inertCount} inert values: the fuzz does not exercise the filter`);
});
