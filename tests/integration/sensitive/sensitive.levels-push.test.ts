// Integration test: the user's sensitivity levels reach an upload analysis running in its own process (the
// capture-analysis worker), from the file it starts with and from a message sent while it runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeScenarioCapture } from '../../../scripts/traffic/scenario.catalog.ts';
import { buildSensitiveScenario } from '../../../scripts/traffic/sensitive/sensitive.scenario.ts';
import type { AnalysisReport } from '../../../appliance/src/analysis/analysis-report.types.ts';

const WORKER = join(import.meta.dirname, '../../../appliance/src/pipeline/capture-analysis.worker.ts');

/** Runs the worker on `capture` with `levels` in its policies file; `message` is sent once it runs. Returns the report. */
function runWorker(dir: string, capture: string, levels: Array<[string, number]>, message?: Array<[string, number]>): Promise<AnalysisReport> {
  const out = join(dir, `r${Math.random().toString(36).slice(2)}.json`);
  const file = join(dir, 'policies.json');
  writeFileSync(file, JSON.stringify({ policies: [], timeZone: 'UTC', inventoryDecisions: [], sensitiveLevels: levels }));
  return new Promise((resolve, reject) => {
    const child = fork(WORKER, [capture, out, 'upload:test', file], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced' });
    if (message !== undefined) child.send({ type: 'sensitiveLevels', levels: message });
    child.on('message', (m: { type: string; message?: string }) => {
      if (m.type === 'failed') reject(new Error(m.message));
    });
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(readFileSync(out, 'utf8')) as AnalysisReport) : reject(new Error(`worker exit ${code}`))));
  });
}

function levelsOf(report: AnalysisReport, type: string): number[] {
  const snap = report.sensitive;
  assert.ok(snap !== undefined, 'the report carries the sensitive snapshot');
  return [...new Set(snap.endpoints.flatMap((e) => e.types.filter((t) => t.type === type).map((t) => t.level)))];
}

test('an upload analysis applies the levels it starts with, and a level message sent while it runs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sensitive-levels-'));
  try {
    const { scenario, truth } = buildSensitiveScenario(9401, { endpoints: 24, decoyEndpoints: 2, callsPerEndpoint: 2 });
    const type = truth.flatMap((t) => t.types).find((t) => t === 'email' || t === 'cn_mobile') ?? truth[0].types[0];
    const capture = join(dir, 'c.pcap');
    writeScenarioCapture(capture, scenario, { format: 'pcap' });
    const edited = await runWorker(dir, capture, [[type, 1]]);
    assert.deepEqual(levelsOf(edited, type), [1], `the level from the file (default L3 for ${type})`);
    const pushed = await runWorker(dir, capture, [], [[type, 4]]);
    assert.deepEqual(levelsOf(pushed, type), [4], 'the level from the message');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
