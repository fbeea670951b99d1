// Integration tests: generated captures with sensitive values in every location (gzip and chunked included) and
// look-alike decoys go through the real engine and analyzers (analyzeCaptureFile); the report's per-endpoint types,
// client records and findings are checked against the ground truth.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeCaptureFile, defaultAnalyzers } from '../../../appliance/src/analysis/offline-analysis.service.ts';
import { SensitiveAnalyzer } from '../../../appliance/src/analyzers/sensitive/sensitive.analyzer.ts';
import type { AnalysisReport } from '../../../appliance/src/analysis/analysis-report.types.ts';
import { writeScenarioCapture, generateScenario } from '../../../scripts/traffic/scenario.catalog.ts';
import { PLACEMENTS, buildSensitiveScenario, type EndpointTruth } from '../../../scripts/traffic/sensitive/sensitive.scenario.ts';
import { scoreSensitive } from '../../../scripts/traffic/sensitive/sensitive.scoring.ts';
import { detectorById } from '../../../appliance/src/analyzers/sensitive/detector.registry.ts';

/** Default analyzers with the sensitive analyzer scanning every call fully (the reference the fast path must match). */
function fullScanAnalyzers(): ReturnType<typeof defaultAnalyzers> {
  return defaultAnalyzers().map((a) => (a.id === 'sensitive' ? new SensitiveAnalyzer({ learning: false }) : a));
}

async function analyze(
  seed: number,
  opts: Parameters<typeof buildSensitiveScenario>[1],
  format: 'pcap' | 'pcapng' = 'pcap',
  alsoFull = false,
): Promise<{ report: AnalysisReport; truth: EndpointTruth[]; full: AnalysisReport | null }> {
  const dir = mkdtempSync(join(tmpdir(), 'sensitive-capture-'));
  try {
    const { scenario, truth } = buildSensitiveScenario(seed, opts);
    const file = join(dir, `s.${format}`);
    writeScenarioCapture(file, scenario, { format });
    return { report: await analyzeCaptureFile(file), truth, full: alsoFull ? await analyzeCaptureFile(file, { analyzers: fullScanAnalyzers() }) : null };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('per-endpoint types on unseen traffic: F1 >= 0.95, no decoy flagged, every location found', async () => {
  const placementsSeen = new Set<string>();
  for (const seed of [9101, 9102]) {
    const { report, truth } = await analyze(seed, { endpoints: 52, decoyEndpoints: 12, callsPerEndpoint: 3 });
    const score = scoreSensitive(report, truth);
    assert.ok(score.f1 >= 0.95, `seed ${seed}: F1 ${score.f1.toFixed(3)}: ${score.errors.join('; ')}`);
    assert.deepEqual(score.decoysFlagged, [], `seed ${seed}: decoys flagged`);
    for (const [p, c] of Object.entries(score.byPlacement)) {
      placementsSeen.add(p);
      assert.ok(c.found / c.placed >= 0.9, `seed ${seed}: ${p} found ${c.found}/${c.placed}`);
    }
  }
  assert.deepEqual([...placementsSeen].sort(), [...PLACEMENTS].sort(), 'the scenarios place values in every location');
});

test('the learned fast path keeps detection and counts records on many calls per endpoint', async () => {
  const { report, truth, full } = await analyze(9201, { endpoints: 16, decoyEndpoints: 6, callsPerEndpoint: 40 }, 'pcapng', true);
  const score = scoreSensitive(report, truth);
  assert.ok(score.f1 >= 0.95, `F1 ${score.f1.toFixed(3)}: ${score.errors.join('; ')}`);
  assert.deepEqual(score.decoysFlagged, []);
  const records = report.clients.reduce((n, c) => n + c.sensitiveRecords, 0);
  const responseTypes = truth.flatMap((t) => t.placed.filter((p) => p.placement.endsWith('response') || p.placement === 'response-header'));
  assert.ok(responseTypes.length > 0);
  // every response-side placement serves one record per call; 40 calls per endpoint
  assert.ok(records >= responseTypes.length * 40 * 0.9, `records ${records} for ${responseTypes.length} response placements`);
  // the fast path counts exactly what scanning every call fully counts, per client and per endpoint and type
  assert.ok(full !== null);
  assert.deepEqual(
    report.clients.map((c) => [c.ip, c.sensitiveRecords]),
    full.clients.map((c) => [c.ip, c.sensitiveRecords]),
  );
  const perType = (r: AnalysisReport): string[] => (r.sensitive?.endpoints ?? []).flatMap((e) => e.types.map((t) => `${e.method} ${e.path} ${t.type} ${t.records}`)).sort();
  assert.deepEqual(perType(report), perType(full));
});

test('findings: unauthenticated sensitive APIs, tokens in URLs and exposure; no raw value in the report', async () => {
  const { report, truth } = await analyze(9301, { endpoints: 40, decoyEndpoints: 8, callsPerEndpoint: 2 });
  const unauthFindings = report.findings.filter((f) => f.type === 'unauthenticated_sensitive_api');
  for (const t of truth) {
    const servesL3 = t.placed.some((p) => (p.placement.endsWith('response') || p.placement === 'response-header') && (detectorById(p.type)?.defaultLevel ?? 0) >= 3);
    const flagged = unauthFindings.some((f) => f.host.toLowerCase() === t.host && f.method === t.method && t.paths.includes(f.path));
    assert.equal(flagged, t.unauthenticated && servesL3, `${t.method} ${t.host} ${t.paths[0]} (unauthenticated ${t.unauthenticated}, serves L3+ ${servesL3})`);
  }
  for (const f of unauthFindings) assert.equal(f.client, '', 'endpoint-scoped');
  const urlSecrets = truth.filter((t) => t.placed.some((p) => p.placement === 'query' && detectorById(p.type)?.secret === true));
  const tokenFindings = report.findings.filter((f) => f.type === 'token_in_url');
  assert.equal(new Set(tokenFindings.map((f) => `${f.host} ${f.path}`)).size, urlSecrets.reduce((n, t) => n + t.paths.length, 0));
  const exposure = report.findings.filter((f) => f.type === 'sensitive_data_exposure');
  assert.ok(exposure.length > 0);
  assert.ok(report.clients.some((c) => c.sensitiveRecords > 0));
  const text = JSON.stringify(report);
  for (const t of truth) for (const v of t.values) assert.ok(!text.includes(v), `raw value of ${t.types.join(',')} leaked into the report`);
});

test('the catalogue scenario runs through analyze with sensitive types reported', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sensitive-catalog-'));
  try {
    const file = join(dir, 'c.pcap');
    writeScenarioCapture(file, generateScenario('sensitive-data', 3), { format: 'pcap' });
    const report = await analyzeCaptureFile(file);
    assert.ok(report.endpoints.filter((e) => e.sensitive.length > 0).length >= 15);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
