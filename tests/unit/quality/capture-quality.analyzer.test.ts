// Tests of the capture-quality analyzer: per-host counts of one-sided, gap, truncated, no-response and mid-stream calls,
// and the report section ordered by calls; plus the engine's TLS/non-HTTP counts reaching the report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeCall, makeTx } from '../../fixtures/transaction.fixture.ts';
import { CaptureQualityAnalyzer } from '../../../appliance/src/analyzers/quality/capture-quality.analyzer.ts';
import { TxFlag } from '../../../appliance/src/engine/transaction.types.ts';
import type { AnalysisReport } from '../../../appliance/src/analysis/analysis-report.types.ts';
import { analyzeCaptureFile } from '../../../appliance/src/analysis/offline-analysis.service.ts';
import { generateScenario, writeScenarioCapture } from '../../../scripts/traffic/scenario.catalog.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

test('flags are counted per host and hosts are listed busiest first', () => {
  const a = new CaptureQualityAnalyzer();
  const flags = [0, TxFlag.OneSided | TxFlag.NoResponse, TxFlag.Gap, TxFlag.Truncated | TxFlag.Midstream];
  for (const f of flags) a.onCall(makeCall(makeTx({ host: 'api.example.com', flags: f })));
  a.onCall(makeCall(makeTx({ host: 'shop.example.com' })));
  const report = { captureQuality: undefined } as unknown as AnalysisReport;
  a.contribute(report);
  assert.deepEqual(report.captureQuality, [
    { host: 'api.example.com', calls: 4, oneSided: 1, gaps: 1, truncated: 1, noResponse: 1, midstream: 1 },
    { host: 'shop.example.com', calls: 1, oneSided: 0, gaps: 0, truncated: 0, noResponse: 0, midstream: 0 },
  ]);
});

test('a one-sided capture shows in the report', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'quality-'));
  try {
    const file = join(dir, 'one-sided.pcap');
    writeScenarioCapture(file, generateScenario('one-sided-request', 1), { format: 'pcap' });
    const r = await analyzeCaptureFile(file);
    const q = r.captureQuality ?? [];
    assert.ok(q.length > 0);
    assert.ok(q.every((h) => h.oneSided === h.calls && h.noResponse === h.calls), JSON.stringify(q));
    assert.equal(r.stats.tlsConnections, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
