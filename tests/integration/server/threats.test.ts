// Integration test of threats through the running service: findings of an upload stored with a status, a re-upload of
// the same capture not counting twice, status changes audited, and the attacker view (timeline of findings and calls
// from the call log) of the attacking client.
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

interface Finding {
  id: number;
  type: string;
  category: string;
  client: string;
  host: string;
  method: string;
  path: string;
  count: number;
  status: string;
}

test('threats: stored findings with status, idempotent re-upload, attacker timeline', async () => {
  await withService(async (svc, _dir, _clock, client) => {
    const admin = await adminClient(svc, client);
    const pcap = writeScenarioCapture(null, generateScenario('xss-payloads', 1), { format: 'pcap' }).buffer!;
    await analyse(admin, pcap, 'xss.pcap');
    const first = ((await admin.call('GET', '/api/v1/threats/findings')).json as { findings: Finding[] }).findings;
    const attacks = first.filter((f) => f.category === 'attack');
    assert.ok(attacks.length > 0, JSON.stringify(first.map((f) => f.type)));
    const total = first.reduce((n, f) => n + f.count, 0);

    await analyse(admin, pcap, 'xss-again.pcap');
    const again = ((await admin.call('GET', '/api/v1/threats/findings')).json as { findings: Finding[] }).findings;
    assert.equal(again.reduce((n, f) => n + f.count, 0), total, 'the same capture does not count twice');

    const target = attacks[0];
    const set = await admin.call('POST', `/api/v1/threats/findings/${target.id}/status`, { status: 'false_positive', note: 'pen test' });
    assert.equal(set.status, 200, JSON.stringify(set.json));
    assert.equal((set.json as { finding: Finding }).finding.status, 'false_positive');
    const open = ((await admin.call('GET', '/api/v1/threats/findings?status=open')).json as { findings: Finding[] }).findings;
    assert.ok(!open.some((f) => f.id === target.id));
    assert.equal((await admin.call('POST', `/api/v1/threats/findings/${target.id}/status`, { status: 'maybe' })).status, 400);
    assert.equal((await admin.call('POST', '/api/v1/threats/findings/999999/status', { status: 'resolved' })).status, 404);
    assert.ok(svc.services.audit.list(20).some((e) => e.action === 'finding.status'));

    const trace = (await admin.call('GET', `/api/v1/threats/trace?ip=${encodeURIComponent(target.client)}`)).json as { trace: { ips: string[]; endpoints: Array<{ actor: string; host: string; method: string; path: string; calls: number }>; timeline: Array<{ kind: string }>; summary: { findings: number } } };
    assert.ok(trace.trace.ips.includes(target.client));
    assert.ok(trace.trace.summary.findings >= 1);
    assert.ok(trace.trace.timeline.some((e) => e.kind === 'call'), 'calls come from the call log');
    const touched = trace.trace.endpoints.find((e) => e.actor === `ip:${target.client}` && e.host === target.host && e.method === target.method && e.path === target.path);
    assert.ok(touched !== undefined && touched.calls >= 2, `endpoints touched come from the call log (both uploads): ${JSON.stringify(trace.trace.endpoints)}`);
    assert.ok(trace.trace.timeline.some((e) => e.kind === 'finding'));
    assert.equal((await admin.call('GET', '/api/v1/threats/trace')).status, 400);
  });
});
