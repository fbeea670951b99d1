// Integration test of raw sensitive values through the running service: nothing raw is kept while raw storage is off
// (the default: pipelines are asked for none and the service stores none); with it on, an uploaded capture leaves a few encrypted samples per endpoint × field × type, listed
// masked; revealing one is admin-only and audited; the raw value is in no report file and not in the state database
// in clear; switching storage off deletes the samples and the reveal is refused with `raw_storage_off`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateScenario, writeScenarioCapture } from '../../../scripts/traffic/scenario.catalog.ts';
import { adminClient, withService } from '../server/service.harness.ts';
import { analyse } from './sensitive.upload.ts';


interface Sample {
  id: number;
  typeId: string;
  host: string;
  field: string;
  masked: string;
}

/** Every file under `dir` (recursively) as latin1 text, except the uploaded captures themselves. */
function filesText(dir: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesText(p));
    else if (!/\.(?:cap|pcap|pcapng)$/.test(e.name)) out.push([p, readFileSync(p).toString('latin1')]);
  }
  return out;
}

test('raw sensitive values: off by default, encrypted samples when on, admin-only audited reveal, deleted when off', async () => {
  await withService(async (svc, dir, _clock, client) => {
    const admin = await adminClient(svc, client);
    const pcap = writeScenarioCapture(null, generateScenario('sensitive-data', 1), { format: 'pcap' }).buffer!;

    const group = { host: 'h', method: 'GET', path: '/p', direction: 'response' as const, location: 'json', field: 'mobile', type: 'cn_mobile' };
    assert.equal(svc.services.sensitiveRaw?.perField(), 0, 'pipelines keep nothing raw while storage is off');
    assert.equal(svc.services.sensitiveRaw?.store([{ ...group, values: [{ raw: '13812345678', masked: '138****5678', seenUs: 1 }] }]), 0);
    assert.deepEqual((await admin.call('GET', '/api/v1/sensitive/samples')).json, { enabled: false, samples: [] }, 'nothing raw while storage is off');
    const offReveal = await admin.call('POST', '/api/v1/sensitive/samples/1/reveal');
    assert.equal(offReveal.status, 409);
    assert.equal((offReveal.json as { error: { code: string } }).error.code, 'raw_storage_off');

    assert.equal((await admin.call('PUT', '/api/v1/settings/retention', { maxAgeDays: 30, maxGiB: 0, storeRawSensitive: true })).status, 200);
    await analyse(admin, pcap, 'on.pcap');
    const listed = (await admin.call('GET', '/api/v1/sensitive/samples?limit=500')).json as { enabled: boolean; samples: Sample[] };
    assert.equal(listed.enabled, true);
    assert.ok(listed.samples.length >= 5, `samples: ${listed.samples.length}`);
    const groups = new Map<string, number>();
    for (const s of listed.samples) groups.set(`${s.host} ${s.field} ${s.typeId}`, (groups.get(`${s.host} ${s.field} ${s.typeId}`) ?? 0) + 1);
    assert.ok([...groups.values()].every((n) => n <= 3), 'at most 3 per endpoint × field × type');
    assert.ok(listed.samples.every((s) => s.masked.length > 0 && !('value' in s)));
    const sample = listed.samples.find((s) => s.typeId === 'cn_mobile' || s.typeId === 'cn_id_card' || s.typeId === 'email') ?? listed.samples[0];

    await admin.call('POST', '/api/v1/users', { username: 'viewer1', password: 'Viewer-pass-123', role: 'viewer' });
    const viewer = client();
    await viewer.login('viewer1', 'Viewer-pass-123');
    assert.equal((await viewer.call('GET', '/api/v1/sensitive/samples')).status, 200, 'viewers see masked samples');
    assert.equal((await viewer.call('POST', `/api/v1/sensitive/samples/${sample.id}/reveal`)).status, 403, 'only admins reveal');

    const revealed = await admin.call('POST', `/api/v1/sensitive/samples/${sample.id}/reveal`);
    assert.equal(revealed.status, 200);
    const value = (revealed.json as { sample: { value: string; masked: string } }).sample.value;
    assert.ok(value.length >= 5 && value !== sample.masked);
    assert.equal(value.length, sample.masked.length, 'the masked form keeps the length of the value');
    for (let i = 0; i < value.length; i++) if (sample.masked[i] !== '*') assert.equal(sample.masked[i], value[i], 'masked form agrees with the value');
    assert.equal((await admin.call('POST', '/api/v1/sensitive/samples/999999/reveal')).status, 404);

    const audit = ((await admin.call('GET', '/api/v1/audit')).json as { entries: Array<{ action: string; target: string; username: string; detail: unknown }> }).entries;
    const entry = audit.find((e) => e.action === 'sensitive.raw_reveal');
    assert.ok(entry !== undefined, 'the reveal is audited');
    assert.equal(entry.username, 'admin');
    assert.equal(entry.target, `sensitive_sample:${sample.id}`);
    assert.ok(!JSON.stringify(audit).includes(value), 'the audit names the sample, never the value');

    // at rest: no report file, database page or WAL holds the value in clear
    for (const [path, text] of filesText(dir)) assert.ok(!text.includes(value), `${path} holds the raw value`);

    assert.equal((await admin.call('PUT', '/api/v1/settings/retention', { maxAgeDays: 30, maxGiB: 0, storeRawSensitive: false })).status, 200);
    assert.equal(svc.services.sensitiveRaw?.list().samples.length, 0);
    const after = await admin.call('POST', `/api/v1/sensitive/samples/${sample.id}/reveal`);
    assert.equal((after.json as { error: { code: string } }).error.code, 'raw_storage_off');
    assert.equal((await admin.call('PUT', '/api/v1/settings/retention', { maxAgeDays: 30, maxGiB: 0, storeRawSensitive: true })).status, 200);
    assert.deepEqual(((await admin.call('GET', '/api/v1/sensitive/samples')).json as { samples: Sample[] }).samples, [], 'switching off deleted them');
  });
});
