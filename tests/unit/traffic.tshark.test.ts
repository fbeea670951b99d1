// Independent check of the generator with Wireshark's dissectors: tshark must find, in each lossless scenario's
// capture, exactly the requests (host, method, URI) the golden expectations list. Needs /usr/bin/tshark.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalizeHost } from '../../scripts/traffic/api-content.generator.ts';
import { generateScenario, listScenarios, writeScenarioCapture } from '../../scripts/traffic/scenario.catalog.ts';

const TSHARK = '/usr/bin/tshark';
const dir = mkdtempSync(join(tmpdir(), 'traffic-tshark-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** Requests tshark sees, as sorted "host method uri" lines. */
function tsharkRequests(file: string): string[] {
  const r = spawnSync(
    TSHARK,
    ['-r', file, '-o', 'tcp.reassemble_out_of_order:TRUE', '-Y', 'http.request', '-T', 'fields', '-E', 'aggregator=|', '-e', 'http.host', '-e', 'http.request.method', '-e', 'http.request.uri'],
    { encoding: 'utf8', maxBuffer: 64 << 20 },
  );
  assert.equal(r.status, 0, r.stderr);
  const out: string[] = [];
  for (const line of r.stdout.split('\n').filter((l) => l.length > 0)) {
    const [hosts, methods, uris] = line.split('\t').map((f) => f.split('|'));
    methods.forEach((m, i) => out.push(`${normalizeHost(hosts[i] ?? '')} ${m} ${uris[i]}`));
  }
  return out.sort();
}

for (const info of listScenarios().filter((s) => !s.lossy && s.name !== 'server-first-midstream')) {
  test(`tshark agrees with the expectations: ${info.name}`, (t) => {
    if (!existsSync(TSHARK)) {
      t.skip('tshark not installed');
      return;
    }
    const s = generateScenario(info.name);
    const file = join(dir, `${info.name}.${info.formats[0]}`);
    writeScenarioCapture(file, s);
    const want = s.expected.filter((e) => e.method !== '').map((e) => `${e.host} ${e.method} ${e.uri}`).sort();
    assert.deepEqual(tsharkRequests(file), want);
  });
}
