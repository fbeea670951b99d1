// Integration test of the finding → calls link through the running service: after an upload, each finding's calls
// (`GET /calls?finding=`) are exactly the calls of its client and endpoint carrying its detection type, as many as the
// finding counts; a call's detail (`GET /calls/:id`) names the finding back; one endpoint's clients add up to its calls.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateScenario, writeScenarioCapture } from '../../../scripts/traffic/scenario.catalog.ts';
import { adminClient, analyseUpload, withService } from './service.harness.ts';

interface Finding {
  id: number;
  type: string;
  host: string;
  method: string;
  path: string;
  client: string;
  count: number;
}

interface Call {
  id: number;
  clientIp: string;
  identity: string;
  host: string;
  method: string;
  template: string;
  uri: string;
  detections: string[];
}

test('calls behind each finding, call detail with its findings, clients of an endpoint', async () => {
  await withService(async (svc, _dir, _clock, client) => {
    const admin = await adminClient(svc, client);
    await analyseUpload(admin, writeScenarioCapture(null, generateScenario('xss-payloads', 1), { format: 'pcap' }).buffer!);
    const findings = ((await admin.call('GET', '/api/v1/threats/findings?limit=1000')).json as { findings: Finding[] }).findings;
    const perCall = findings.filter((f) => f.client !== '');
    assert.ok(perCall.length > 0);
    const all = ((await admin.call('GET', '/api/v1/calls?limit=500')).json as { calls: Call[] }).calls;
    for (const f of perCall) {
      const r = await admin.call('GET', `/api/v1/calls?finding=${f.id}&limit=500`);
      assert.equal(r.status, 200, JSON.stringify(r.json));
      const calls = (r.json as { calls: Call[] }).calls;
      const expected = all.filter((c) => c.detections.includes(f.type) && c.clientIp === f.client && c.host === f.host && c.method === f.method && (c.template || c.uri.split('?')[0]) === f.path);
      assert.deepEqual(calls.map((c) => c.id).sort(), expected.map((c) => c.id).sort(), `finding ${f.type} ${f.path}`);
      assert.equal(calls.length, f.count, `finding ${f.type} ${f.path} counts its calls`);
      const detail = await admin.call('GET', `/api/v1/calls/${calls[0].id}`);
      assert.equal(detail.status, 200);
      const d = detail.json as { call: Call & { userAgent: string; responseBytes: number }; findings: Finding[] };
      assert.equal(d.call.id, calls[0].id);
      assert.ok(d.findings.some((x) => x.id === f.id), 'the call names the finding back');
    }
    assert.equal((await admin.call('GET', '/api/v1/calls/99999999')).status, 404);
    assert.equal((await admin.call('GET', '/api/v1/calls/abc')).status, 404);
    assert.equal((await admin.call('GET', '/api/v1/calls?finding=99999999')).status, 404);
    assert.equal((await admin.call('GET', '/api/v1/calls?finding=abc')).status, 400);

    const ep = all.find((c) => c.template !== '')!;
    const q = new URLSearchParams({ host: ep.host, method: ep.method, template: ep.template, from: '2000-01-01T00:00:00Z' });
    const clients = (await admin.call('GET', `/api/v1/calls/endpoint-clients?${q.toString()}`)).json as { total: number; clients: Array<{ clientIp: string; identity: string; calls: number }> };
    const ofEndpoint = all.filter((c) => c.host === ep.host && c.method === ep.method && c.template === ep.template);
    assert.equal(clients.clients.reduce((n, c) => n + c.calls, 0), ofEndpoint.length);
    assert.equal(clients.total, new Set(ofEndpoint.map((c) => c.clientIp + ' ' + c.identity)).size);
    assert.equal((await admin.call('GET', '/api/v1/calls/endpoint-clients?host=x')).status, 400);
  });
});
