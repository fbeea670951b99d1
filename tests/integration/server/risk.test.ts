// Integration test of endpoint risk re-scoring through the running service: an upload with attacks scores the
// attacked endpoint (traffic + attack factors, mirrored in the inventory), marking its findings false positives
// re-scores it at once, the risk-rescoring job runs from the jobs table and keeps the score, and the movers of the
// period list the endpoint with its score before and after.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateScenario, writeScenarioCapture } from '../../../scripts/traffic/scenario.catalog.ts';
import { adminClient, withService, type Client } from './service.harness.ts';

async function analyse(admin: Client, pcap: Buffer, name: string): Promise<void> {
  const id = ((await admin.call('POST', `/api/v1/captures?name=${name}`, undefined, { raw: pcap })).json as { run: { id: number } }).run.id;
  for (let i = 0; i < 200; i++) {
    await new Promise((r) => setTimeout(r, 100));
    if (((await admin.call('GET', `/api/v1/captures/${id}`)).json as { run: { status: string } }).run.status !== 'running') return;
  }
}

interface Factor {
  factor: string;
  points: number;
  max: number;
  reasons: string[];
}
interface Risk {
  score: number;
  factors: Factor[];
  history: Array<{ at: number; score: number }>;
}
interface Endpoint {
  id: number;
  host: string;
  method: string;
  template: string;
  risk: number;
}

const points = (r: Risk, f: string): number => r.factors.find((x) => x.factor === f)?.points ?? 0;

test('risk: uploads score endpoints, finding status re-scores them, the job keeps them, movers list the change', async () => {
  await withService(async (svc, _dir, clock, client) => {
    const admin = await adminClient(svc, client);
    const t0 = clock.now();
    clock.advance(60_000);
    await analyse(admin, writeScenarioCapture(null, generateScenario('xss-payloads', 1), { format: 'pcap' }).buffer!, 'xss.pcap');

    const findings = ((await admin.call('GET', '/api/v1/threats/findings?category=attack')).json as { findings: Array<{ id: number; host: string; method: string; path: string }> }).findings;
    assert.ok(findings.length > 0);
    const target = findings[0];
    const endpoints = ((await admin.call('GET', '/api/v1/inventory/apis?limit=500')).json as { endpoints: Endpoint[] }).endpoints;
    const ep = endpoints.find((e) => e.host === target.host && e.method === target.method && e.template === target.path);
    assert.ok(ep !== undefined, `endpoint of ${target.method} ${target.path} is stored`);

    const before = ((await admin.call('GET', `/api/v1/risk/endpoints/${ep.id}`)).json as { risk: Risk }).risk;
    assert.ok(points(before, 'attacks') > 0, JSON.stringify(before.factors));
    assert.equal(before.score, before.factors.reduce((n, f) => n + f.points, 0));
    assert.equal(ep.risk, before.score, 'the inventory shows the consolidated score');
    assert.equal(before.history.length, 1);

    // Every attack finding on the endpoint is a false positive: the attack points go at once.
    clock.advance(600_000);
    for (const f of findings.filter((x) => x.host === target.host && x.method === target.method && x.path === target.path)) {
      assert.equal((await admin.call('POST', `/api/v1/threats/findings/${f.id}/status`, { status: 'false_positive', note: 'pen test' })).status, 200);
    }
    const after = ((await admin.call('GET', `/api/v1/risk/endpoints/${ep.id}`)).json as { risk: Risk }).risk;
    assert.equal(points(after, 'attacks'), 0, JSON.stringify(after.factors));
    assert.equal(after.score, before.score - points(before, 'attacks'));
    assert.equal(points(after, 'sensitivity'), points(before, 'sensitivity'), 'traffic factors are kept');
    assert.equal(points(after, 'auth'), points(before, 'auth'));
    assert.deepEqual(after.history.map((h) => h.score), [after.score, before.score]);
    const stored = ((await admin.call('GET', `/api/v1/inventory/apis/${ep.id}`)).json as { endpoint: Endpoint }).endpoint;
    assert.equal(stored.risk, after.score);

    // The scheduled job re-scores everything and changes nothing more.
    clock.advance(600_000);
    const run = await admin.call('POST', '/api/v1/jobs/risk-rescoring/run');
    assert.equal(run.status, 200, JSON.stringify(run.json));
    const runs = ((await admin.call('GET', '/api/v1/jobs/risk-rescoring/runs')).json as { runs: Array<{ status: string; message: string }> }).runs;
    assert.equal(runs[0].status, 'succeeded');
    assert.match(runs[0].message, new RegExp(`re-scored ${endpoints.length} endpoints, 0 changed`));

    // Movers: from before the upload, the endpoint is new (null → its score now); from after the upload, it dropped.
    const all = ((await admin.call('GET', `/api/v1/risk/movers?from=${t0}&to=${clock.now()}`)).json as { movers: Array<{ endpointId: number; before: number | null; after: number; delta: number }> }).movers;
    const first = all.find((m) => m.endpointId === ep.id);
    assert.deepEqual(first && { before: first.before, after: first.after }, after.score >= 5 ? { before: null, after: after.score } : undefined);
    const since = ((await admin.call('GET', `/api/v1/risk/movers?from=${t0 + 120_000}&to=${clock.now()}&hosts=${encodeURIComponent(target.host)}`)).json as { movers: Array<{ endpointId: number; before: number | null; after: number; delta: number }> }).movers;
    const moved = since.find((m) => m.endpointId === ep.id);
    assert.deepEqual(moved && { before: moved.before, after: moved.after, delta: moved.delta }, { before: before.score, after: after.score, delta: after.score - before.score });
    const data = ((await admin.call('GET', `/api/v1/reports/data?from=${t0 + 120_000}&to=${clock.now()}`)).json as { data: { changes: { riskMovers: Array<{ path: string; before: number | null; after: number }>; riskMoverCount: number } } }).data;
    assert.ok(data.changes.riskMovers.some((m) => m.path === target.path && m.before === before.score && m.after === after.score), JSON.stringify(data.changes));
    assert.equal(data.changes.riskMoverCount, since.length);
    const elsewhere = ((await admin.call('GET', `/api/v1/risk/movers?from=${t0 + 120_000}&to=${clock.now()}&hosts=other.example`)).json as { movers: unknown[] }).movers;
    assert.deepEqual(elsewhere, []);

    // Traffic factors (sensitive data here) survive the job's re-scoring, which recomputes from what is stored.
    await analyse(admin, writeScenarioCapture(null, generateScenario('sensitive-data', 1), { format: 'pcap' }).buffer!, 'sensitive.pcap');
    const scored = ((await admin.call('GET', '/api/v1/inventory/apis?limit=500')).json as { endpoints: Endpoint[] }).endpoints.filter((e) => e.risk > 0);
    const risks = await Promise.all(scored.map(async (e) => ((await admin.call('GET', `/api/v1/risk/endpoints/${e.id}`)).json as { risk: Risk }).risk));
    const sensitive = risks.filter((r) => points(r, 'sensitivity') > 0);
    assert.ok(sensitive.length > 0, 'the sensitive-data capture scores sensitivity');
    clock.advance(600_000);
    assert.equal((await admin.call('POST', '/api/v1/jobs/risk-rescoring/run')).status, 200);
    const again = await Promise.all(scored.map(async (e) => ((await admin.call('GET', `/api/v1/risk/endpoints/${e.id}`)).json as { risk: Risk }).risk));
    assert.deepEqual(again.map((r) => r.score), risks.map((r) => r.score));

    assert.equal((await admin.call('GET', '/api/v1/risk/endpoints/999999')).status, 404);
    assert.equal((await admin.call('GET', '/api/v1/risk/movers?from=10&to=5')).status, 400);
    assert.equal((await admin.call('GET', '/api/v1/risk/movers')).status, 400);
  });
});
