// Integration test of the sensitive-data API through the running service: an uploaded capture of the sensitive-data
// scenario fills the types, the endpoints and fields per type and the top recipients; a re-upload of the same capture
// does not count twice; level edits are admin-only, audited and relabel the views at once; no value is ever returned.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateScenario, writeScenarioCapture } from '../../../scripts/traffic/scenario.catalog.ts';
import { adminClient, withService } from '../server/service.harness.ts';
import { analyse } from './sensitive.upload.ts';


interface TypeRow {
  typeId: string;
  level: number;
  defaultLevel: number;
  edited: boolean;
  endpoints: number;
  fields: number;
  records: number;
}
interface EndpointRow {
  host: string;
  path: string;
  level: number;
  types: Array<{ typeId: string; level: number }>;
  fields: Array<{ field: string; typeId: string; level: number; hits: number }>;
}
interface RecipientRow {
  id: string;
  records: number;
  byType: Array<{ typeId: string; records: number }>;
}

test('sensitive API: types, endpoints and fields per type, top recipients, audited level edits', async () => {
  await withService(async (svc, _dir, _clock, client) => {
    const admin = await adminClient(svc, client);
    const scenario = generateScenario('sensitive-data', 1);
    const pcap = writeScenarioCapture(null, scenario, { format: 'pcap' }).buffer!;
    await analyse(admin, pcap, 'sensitive.pcap');

    const types = ((await admin.call('GET', '/api/v1/sensitive/types')).json as { types: TypeRow[] }).types;
    assert.ok(types.length >= 26, 'every detector type is listed');
    const seen = types.filter((t) => t.endpoints > 0);
    assert.ok(seen.length >= 3, JSON.stringify(seen.map((t) => t.typeId)));
    const withRecords = seen.find((t) => t.records > 0 && t.level >= 2);
    assert.ok(withRecords !== undefined, 'some type has records received');

    const t = withRecords.typeId;
    const perType = ((await admin.call('GET', `/api/v1/sensitive/types/${t}/endpoints`)).json as { endpoints: EndpointRow[] }).endpoints;
    assert.equal(perType.length, withRecords.endpoints);
    for (const e of perType) {
      assert.ok(e.fields.length > 0 && e.fields.every((f) => f.typeId === t && f.hits > 0));
      assert.ok(e.level >= withRecords.level);
    }
    assert.equal((await admin.call('GET', '/api/v1/sensitive/types/not_a_type/endpoints')).status, 404);

    const recipients = ((await admin.call('GET', `/api/v1/sensitive/recipients?type=${t}`)).json as { recipients: RecipientRow[] }).recipients;
    assert.ok(recipients.length > 0);
    const total = recipients.reduce((n, r) => n + r.records, 0);
    assert.equal(total, withRecords.records, 'records per client add up to the type total');
    for (let i = 1; i < recipients.length; i++) assert.ok(recipients[i - 1].records >= recipients[i].records, 'most records first');

    await analyse(admin, pcap, 'sensitive-again.pcap');
    const again = ((await admin.call('GET', `/api/v1/sensitive/recipients?type=${t}`)).json as { recipients: RecipientRow[] }).recipients;
    assert.equal(again.reduce((n, r) => n + r.records, 0), total, 'the same capture does not count twice');

    const all = ((await admin.call('GET', '/api/v1/sensitive/endpoints')).json as { endpoints: EndpointRow[] }).endpoints;
    for (let i = 1; i < all.length; i++) assert.ok(all[i - 1].level >= all[i].level, 'highest level first');
    const body = JSON.stringify({ types, perType, recipients, all });
    const strings = body.replace(/"(?:host|path|id)":"[^"]*"/g, '').replace(/:-?\d+(?:\.\d+)?/g, ':0');
    const raw = /1[3-9]\d{9}|\d{17}[\dX]|[\w.]+@[\w.]+\.[a-z]+/.exec(strings);
    assert.equal(raw, null, 'no raw value in the API');

    // level edits: validated, audited, applied to every view
    const target = perType[0].types.find((x) => x.typeId === t)!;
    const newLevel = target.level === 4 ? 3 : 4;
    assert.equal((await admin.call('PUT', `/api/v1/sensitive/types/${t}/level`, { level: 7 })).status, 400);
    assert.equal((await admin.call('PUT', '/api/v1/sensitive/types/not_a_type/level', { level: 2 })).status, 404);
    const set = await admin.call('PUT', `/api/v1/sensitive/types/${t}/level`, { level: newLevel });
    assert.equal(set.status, 200, JSON.stringify(set.json));
    assert.deepEqual((set.json as { type: { level: number; edited: boolean } }).type.level, newLevel);
    const relabelled = ((await admin.call('GET', `/api/v1/sensitive/types/${t}/endpoints`)).json as { endpoints: EndpointRow[] }).endpoints;
    assert.ok(relabelled.every((e) => e.fields.every((f) => f.level === newLevel)));
    assert.ok(svc.services.audit.list(20).some((e) => e.action === 'sensitive.level_set' && e.target === `sensitive_type:${t}`));
    const reset = await admin.call('DELETE', `/api/v1/sensitive/types/${t}/level`);
    assert.equal((reset.json as { type: { level: number; edited: boolean } }).type.edited, false);
    assert.equal((reset.json as { type: { level: number } }).type.level, withRecords.defaultLevel);
  });
});
