// Integration test of policies through the running service: the built-in set, validation, user policies applied in
// the upload pipeline (raise → finding; notify/block → recorded action; suppress → finding gone), built-ins protected
// from deletion, every change audited.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateScenario, writeScenarioCapture } from '../../../scripts/traffic/scenario.catalog.ts';
import { adminClient, withService, type Client } from './service.harness.ts';

async function analyse(admin: Client, name: string): Promise<void> {
  const pcap = writeScenarioCapture(null, generateScenario('keepalive', 1), { format: 'pcap' }).buffer!;
  const id = ((await admin.call('POST', `/api/v1/captures?name=${name}`, undefined, { raw: pcap })).json as { run: { id: number } }).run.id;
  for (let i = 0; i < 150; i++) {
    await new Promise((r) => setTimeout(r, 100));
    if (((await admin.call('GET', `/api/v1/captures/${id}`)).json as { run: { status: string } }).run.status !== 'running') return;
  }
}

test('policies: built-ins, user rules applied in the pipeline, recorded actions, suppression', async () => {
  await withService(async (svc, _dir, clock, client) => {
    const admin = await adminClient(svc, client);
    const list = ((await admin.call('GET', '/api/v1/policies')).json as { policies: Array<{ id: number; builtin: boolean; name: string; enabled: boolean }> }).policies;
    assert.ok(list.filter((p) => p.builtin).length >= 5);
    const builtin = list.find((p) => p.builtin)!;
    assert.equal((await admin.call('DELETE', `/api/v1/policies/${builtin.id}`)).status, 409, 'built-ins are disabled, not deleted');
    assert.equal((await admin.call('POST', '/api/v1/policies', { name: 'no action', conditions: {}, actions: {} })).status, 400);

    const watch = await admin.call('POST', '/api/v1/policies', { name: 'Who reads me', conditions: { templates: ['/api/v1/users/*'], methods: ['GET'] }, actions: { raise: { severity: 'high', type: 'me_read' } } });
    assert.equal(watch.status, 200, JSON.stringify(watch.json));
    // A real webhook receiver as the notification channel the policy names.
    const received: Array<{ body: string; signature: string | undefined }> = [];
    const rx = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ body, signature: req.headers['x-api-radar-signature'] as string | undefined });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => rx.listen(0, '127.0.0.1', r));
    const ch = await admin.call('POST', '/api/v1/notifiers', { name: 'SOC', kind: 'webhook', minSeverity: 'info', groupWindowSeconds: 0, maxPerMinute: 100, settings: { url: `http://127.0.0.1:${(rx.address() as AddressInfo).port}/hook`, secret: 'k' } });
    assert.equal(ch.status, 201, JSON.stringify(ch.json));
    const channelId = (ch.json as { channel: { id: number } }).channel.id;
    const deny = await admin.call('POST', '/api/v1/policies', { name: 'Unauthorised', conditions: { statuses: ['401'] }, actions: { notify: [channelId], block: { minutes: 30 } } });
    assert.equal(deny.status, 200, JSON.stringify(deny.json));
    await analyse(admin, 'one.pcap');
    // "Test this policy" through the API: validated, answered, nothing saved (the clock just after the capture's calls).
    const newest = ((await admin.call('GET', '/api/v1/calls?limit=1')).json as { calls: Array<{ time: string }> }).calls[0];
    assert.ok(newest !== undefined, 'the upload filled the call log');
    clock.set(Date.parse(newest.time) + 60_000);
    assert.equal((await admin.call('POST', '/api/v1/policies/preview', { policy: { name: 'x', conditions: {}, actions: { raise: { severity: 'low' } } }, hours: 0 })).status, 400);
    const preview = await admin.call('POST', '/api/v1/policies/preview', { policy: { name: 'any call', conditions: {}, actions: { raise: { severity: 'low' } } }, hours: 168 });
    assert.equal(preview.status, 200, JSON.stringify(preview.json));
    const pv = (preview.json as { preview: { scanned: number; matched: number } }).preview;
    assert.ok(pv.scanned > 0, JSON.stringify(pv));
    assert.equal(pv.matched, pv.scanned, 'a policy without conditions matches every replayed call');
    const findings = ((await admin.call('GET', '/api/v1/findings')).json as { findings: Array<{ type: string; category: string; severity: string; evidence: string }> }).findings;
    const me = findings.find((f) => f.type === 'me_read');
    assert.ok(me !== undefined, JSON.stringify(findings.map((f) => f.type)));
    assert.equal(me.category, 'policy');
    assert.match(me.evidence, /policy "Who reads me"/);
    const events = ((await admin.call('GET', '/api/v1/policies/events')).json as { events: Array<{ policyName: string; blockMinutes: number; notify: number[] }> }).events;
    assert.equal(events.length, 1);
    assert.deepEqual({ name: events[0].policyName, block: events[0].blockMinutes, notify: events[0].notify }, { name: 'Unauthorised', block: 30, notify: [channelId] });
    for (let i = 0; i < 50 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    rx.close();
    assert.equal(received.length, 1, 'the channel got the alert');
    assert.match(received[0].body, /Unauthorised/);
    assert.ok(received[0].signature !== undefined, 'signed');
    const blocked = (await admin.call('GET', '/api/v1/blocklist')).json as { entries: Array<{ value: string; source: string; expiresAt: number | null }> };
    assert.equal(blocked.entries.length, 1);
    assert.match(blocked.entries[0].source, /^policy:/);
    assert.ok(blocked.entries[0].expiresAt !== null);

    // A suppress rule for the same type: the next analysis has no such finding.
    const quiet = await admin.call('POST', '/api/v1/policies', { name: 'Allowed readers', conditions: { findingTypes: ['me_read'] }, actions: { suppress: true } });
    assert.equal(quiet.status, 200);
    // Policies run in order: the suppress rule comes after the rule that raises, so the finding is dropped.
    const watchId = (watch.json as { policy: { id: number } }).policy.id;
    assert.equal((await admin.call('PUT', `/api/v1/policies/${watchId}`, { name: 'Who reads me (renamed)', conditions: { templates: ['/api/v1/users/*'] }, actions: { raise: { severity: 'high', type: 'me_read' } } })).status, 200);
    await analyse(admin, 'two.pcap');
    const after = ((await admin.call('GET', '/api/v1/findings')).json as { findings: Array<{ type: string }> }).findings;
    assert.ok(!after.some((f) => f.type === 'me_read'));
    const actions = svc.services.audit.list(50).map((e) => e.action);
    for (const a of ['policy.create', 'policy.update']) assert.ok(actions.includes(a), a);
  });
});

test('the block-list expiry job removes expired entries when the scheduler ticks', async () => {
  await withService(async (svc, _dir, clock, client) => {
    const admin = await adminClient(svc, client);
    const add = await admin.call('POST', '/api/v1/blocklist', { value: '198.51.100.7', reason: 'test', ttlSeconds: 120 });
    assert.equal(add.status, 201, JSON.stringify(add.json));
    const count = async (): Promise<number> => ((await admin.call('GET', '/api/v1/blocklist')).json as { entries: unknown[] }).entries.length;
    assert.equal(await count(), 1);
    clock.advance(60_000);
    await svc.services.jobs.tick(clock.now());
    assert.equal(await count(), 1, 'not expired yet');
    clock.advance(120_000);
    const ran = await svc.services.jobs.tick(clock.now());
    assert.match(String(ran.get('blocklist-expiry')?.message), /1 block-list entries expired/);
    assert.equal(await count(), 0);
  });
});
