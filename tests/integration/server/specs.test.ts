// Integration test of declared specs through the running service: upload (YAML body, attached hosts, duplicates
// collapse), refusal of an invalid spec in words, the inventory with declared templates applied, the comparison
// (shadow, zombie, orphan, drift), the reconstructed OpenAPI download, deletion, and persistence in SQLite.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validate } from '@readme/openapi-parser';
import { generateScenario, writeScenarioCapture } from '../../../scripts/traffic/scenario.catalog.ts';
import { adminClient, withService, type Client } from './service.harness.ts';

const SPEC = `openapi: 3.0.3
info: { title: Orders, version: "1" }
paths:
  /api/v1/orders:
    get: { responses: { "200": { description: ok } } }
    post: { deprecated: true, responses: { "201": { description: created } } }
  /api/v1/orders/{id}:
    put: { parameters: [{ name: id, in: path, required: true, schema: { type: integer } }], responses: { "200": { description: ok } } }
  /api/v1/reports/{year}:
    get: { parameters: [{ name: year, in: path, required: true, schema: { type: integer } }], responses: { "200": { description: ok } } }
`;

async function uploadCapture(admin: Client): Promise<void> {
  const pcap = writeScenarioCapture(null, generateScenario('keepalive', 1), { format: 'pcap' }).buffer!;
  const id = ((await admin.call('POST', '/api/v1/captures?name=k.pcap', undefined, { raw: pcap })).json as { run: { id: number } }).run.id;
  for (let i = 0; i < 150; i++) {
    const st = ((await admin.call('GET', `/api/v1/captures/${id}`)).json as { run: { status: string } }).run.status;
    if (st !== 'running') return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('declared specs: upload, comparison with traffic, OpenAPI export, deletion', async () => {
  await withService(async (svc, _dir, _clock, client) => {
    const admin = await adminClient(svc, client);
    await uploadCapture(admin);
    const bad = await admin.call('POST', '/api/v1/specs?name=bad.yaml', undefined, { raw: Buffer.from('openapi: 3.0.0\npaths: {}\n') });
    assert.equal(bad.status, 400);
    assert.match((bad.json as { error: { message: string } }).error.message, /not valid/);
    const badHost = await admin.call('POST', '/api/v1/specs?name=x&hosts=a%20b', undefined, { raw: Buffer.from(SPEC) });
    assert.equal(badHost.status, 400);

    const up = await admin.call('POST', '/api/v1/specs?name=orders.yaml&hosts=api.example.com', undefined, { raw: Buffer.from(SPEC) });
    assert.equal(up.status, 201, JSON.stringify(up.json));
    const spec = (up.json as { spec: { id: number; operations: number; hosts: string[] } }).spec;
    assert.equal(spec.operations, 4);
    assert.deepEqual(spec.hosts, ['api.example.com']);
    const again = await admin.call('POST', '/api/v1/specs?name=orders-copy.yaml&hosts=api.example.com', undefined, { raw: Buffer.from(SPEC) });
    assert.equal(again.status, 200, 'the same spec for the same hosts is not stored twice');
    assert.equal((await admin.call('GET', '/api/v1/specs')).json !== null, true);
    assert.equal(((await admin.call('GET', '/api/v1/specs')).json as { specs: unknown[] }).specs.length, 1);

    const eps = ((await admin.call('GET', '/api/v1/inventory/endpoints')).json as { endpoints: Array<{ method: string; path: string; inSpec: boolean; deprecated: boolean }> }).endpoints;
    const put = eps.find((e) => e.method === 'PUT')!;
    assert.equal(put.path, '/api/v1/orders/{id}');
    assert.equal(put.inSpec, true);
    const diff = (await admin.call('GET', '/api/v1/inventory/diff')).json as { shadow: Array<{ path: string }>; zombie: Array<{ path: string }>; orphan: Array<{ path: string }>; drift: unknown[] };
    assert.deepEqual(diff.zombie.map((z) => z.path), ['/api/v1/orders']);
    assert.deepEqual(diff.orphan.map((o) => o.path), ['/api/v1/reports/{year}']);
    assert.ok(diff.shadow.some((x) => x.path === '/api/v1/users/me'));
    const findings = ((await admin.call('GET', '/api/v1/findings')).json as { findings: Array<{ type: string }> }).findings;
    assert.ok(findings.some((f) => f.type === 'zombie_api') && findings.some((f) => f.type === 'shadow_api'));

    const oas = await admin.call('GET', '/api/v1/inventory/openapi?host=api.example.com');
    assert.equal(oas.status, 200);
    assert.match(String(oas.headers['content-disposition']), /api\.example\.com\.openapi\.json/);
    assert.ok((await validate(oas.json as never)).valid);
    assert.equal((await admin.call('GET', '/api/v1/inventory/openapi?host=nope.example')).status, 404);

    const one = (await admin.call('GET', `/api/v1/specs/${spec.id}`)).json as { spec: { spec: { operations: unknown[] } } };
    assert.equal(one.spec.spec.operations.length, 4);
    assert.equal((await admin.call('DELETE', `/api/v1/specs/${spec.id}`)).status, 204);
    const after = ((await admin.call('GET', '/api/v1/inventory/endpoints')).json as { endpoints: Array<{ method: string; path: string; inSpec: boolean }> }).endpoints;
    assert.ok(after.every((e) => !e.inSpec));
    assert.ok(svc.services.audit.list(20).some((e) => e.action === 'spec.upload'));
  });
});
