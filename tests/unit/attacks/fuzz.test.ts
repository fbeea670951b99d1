// Fuzz test of the attack analyzer: random hostile requests (random bytes and fragments of payloads in every part)
// never make it throw, stay within a time bound, and leave evidence free of control characters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeCall, makeTx } from '../../fixtures/transaction.fixture.ts';
import { AttacksAnalyzer } from '../../../appliance/src/analyzers/attacks/attacks.analyzer.ts';
import { SeededRandom } from '../../../scripts/traffic/seeded.random.ts';

const PIECES = ["'", '"', '`', '<', '>', '(', ')', ';', '|', '&', '$', '{', '}', '${', '%', '%25', '%u0027', '&#x', '\\u00', '\\x', '--', '/*', '*/', '#', '../', '..\\', '://', '@', '[', ']', ' or ', ' union select ', 'sleep(', '<script', 'onload=', 'javascript:', 'jndi:', '${lower:', '{{', '}}', '__class__', '$ne', 'cat /etc/passwd', '\u0000', '\r\n', '中文', '\uff1c', '\u202e', 'A'.repeat(50)];

function junk(rng: SeededRandom, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += rng.chance(0.5) ? rng.pick(PIECES) : String.fromCharCode(rng.int(0, 255));
  return s;
}

test('random hostile requests never throw, stay bounded, and produce clean evidence', () => {
  const rng = new SeededRandom(20261129);
  const a = new AttacksAnalyzer();
  const t0 = performance.now();
  let detections = 0;
  for (let i = 0; i < 1500; i++) {
    const ctype = rng.pick(['application/json', 'application/x-www-form-urlencoded', 'text/xml', 'multipart/form-data; boundary=b', '', 'text/plain']);
    const body = ctype.startsWith('multipart') ? `--b\r\nContent-Disposition: form-data; name="${junk(rng, 2)}"\r\n\r\n${junk(rng, 10)}\r\n--b--` : junk(rng, rng.int(0, 40));
    const tx = makeTx({
      method: rng.pick(['GET', 'POST', 'PUT']),
      target: `/${encodeURIComponent(junk(rng, 3))}/${junk(rng, 2).replace(/[?#\s]/g, '')}?${junk(rng, 4).replace(/[#\s]/g, '')}=${junk(rng, 6).replace(/[#\s]/g, '')}`,
      requestHeaders: [['User-Agent', junk(rng, 5)], ['Cookie', `${junk(rng, 2)}=${junk(rng, 4)}`], ['X-Api-Version', junk(rng, 3)]],
      requestType: ctype === '' ? undefined : ctype,
      requestBody: Buffer.from(body, 'latin1'),
      status: rng.pick([200, 403, 500, null]),
      responseBody: junk(rng, 20),
    });
    const call = makeCall(tx);
    a.onCall(call);
    for (const d of call.detections) {
      detections++;
      assert.equal(d.category, 'attack');
      // eslint-disable-next-line no-control-regex
      assert.ok(!/[\u0000-\u001f\u007f\u202e]/.test(d.evidence), d.evidence);
      assert.ok(d.evidence.length < 400);
    }
  }
  assert.ok(detections > 100, `hostile junk should trip detectors (${detections})`);
  assert.ok(performance.now() - t0 < 8000, 'bounded time');
});

test('huge values are inspected in head and tail, bodies past the body limit are not read', () => {
  const a = new AttacksAnalyzer({ maxValueLength: 1000, maxBodyBytes: 4096 });
  const call = makeCall(makeTx({ method: 'POST', target: '/x?q=' + 'a'.repeat(100000) + '%20%27%20OR%20%271%27%3D%271', requestType: 'application/json', requestBody: '{"a":"' + 'b'.repeat(200000) + '<script>"}' }));
  const t0 = performance.now();
  a.onCall(call);
  assert.ok(performance.now() - t0 < 500);
  assert.deepEqual(call.detections.map((d) => d.type), ['sqli'], 'padding before a payload does not hide it; the body past 4 KiB is not read');
});
