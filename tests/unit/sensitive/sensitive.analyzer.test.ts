// Unit tests of the sensitive analyzer: masking in call.sensitive, per-endpoint/field/client aggregation, records,
// detections, levels, the learned fast path and memory bounds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTx, makeCall, type TxSpec } from '../../fixtures/transaction.fixture.ts';
import { SensitiveAnalyzer, type SensitiveAnalyzerOptions } from '../../../appliance/src/analyzers/sensitive/sensitive.analyzer.ts';
import { resolveLevels } from '../../../appliance/src/analyzers/sensitive/sensitivity.levels.ts';
import { pathShape } from '../../../appliance/src/analyzers/sensitive/path.shape.ts';
import type { AnalysisReport } from '../../../appliance/src/analysis/analysis-report.types.ts';
import type { CallContext } from '../../../appliance/src/analyzers/call.context.ts';

const ID1 = '11010519491231002X';
const ID2 = '110101199003074514';
const BAD_ID = '110101199003074515';
const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';

function run(a: SensitiveAnalyzer, spec: TxSpec, auth: CallContext['auth'] = null): CallContext {
  const call = makeCall(makeTx(spec));
  call.auth = auth;
  a.onCall(call);
  return call;
}

function emptyReport(): AnalysisReport {
  return {
    schemaVersion: 1,
    stats: { packets: 0, bytes: 0, flows: 0, transactions: 0, parseErrors: 0, tcpGaps: 0, durationMs: 0, weird: {} },
    endpoints: [],
    findings: [],
    clients: [],
  };
}

function usersBody(ids: string[], phone = '13812345678'): string {
  return JSON.stringify({ data: ids.map((id, i) => ({ id: i + 1, idCard: id, mobile: phone, orderNo: '20240101123456789012' })) });
}

const AUTH = [['Authorization', `Bearer ${JWT}`]] as [string, string][];

test('call.sensitive holds masked hits without raw values', () => {
  const a = new SensitiveAnalyzer({ learning: false });
  const call = run(a, { target: '/v1/users/1', requestHeaders: AUTH, responseType: 'application/json', responseBody: usersBody([ID2]) });
  const id = call.sensitive.find((h) => h.type === 'cn_id_card');
  assert.ok(id);
  assert.equal(id.masked, '110101********4514');
  assert.equal(id.value, '');
  assert.equal(id.field, 'data[].idCard');
  const jwt = call.sensitive.find((h) => h.type === 'jwt');
  assert.ok(jwt?.credential);
  assert.match(jwt.masked, /^sha256:[0-9a-f]{16}$/);
  for (const h of call.sensitive) assert.ok(!JSON.stringify(h).includes(ID2) && !JSON.stringify(h).includes(JWT));
});

test('report: endpoint types, client records as distinct values per type per response', () => {
  const a = new SensitiveAnalyzer({ learning: false });
  run(a, { target: '/v1/users/7', clientIp: '10.0.0.9', requestHeaders: AUTH, responseType: 'application/json', responseBody: usersBody([ID1, ID2, ID1]) });
  run(a, { target: '/v1/users/8', clientIp: '10.0.0.9', requestHeaders: AUTH, responseType: 'application/json', responseBody: usersBody([ID1]) });
  run(a, { target: '/v1/ping', clientIp: '10.0.0.8', responseBody: 'pong' });
  const report = emptyReport();
  report.endpoints.push(
    { host: 'api.example.com', method: 'GET', path: '/v1/users/7', calls: 1, statuses: {}, auth: [], sensitive: [], params: [], inSpec: false, deprecated: false, risk: 0, firstSeen: '', lastSeen: '' },
    { host: 'api.example.com', method: 'GET', path: '/v1/ping', calls: 1, statuses: {}, auth: [], sensitive: [], params: [], inSpec: false, deprecated: false, risk: 0, firstSeen: '', lastSeen: '' },
  );
  report.clients.push({ ip: '10.0.0.9', calls: 2, identities: [], sensitiveRecords: 0 }, { ip: '10.0.0.8', calls: 1, identities: [], sensitiveRecords: 0 });
  a.contribute(report);
  assert.deepEqual(report.endpoints[0].sensitive, ['cn_id_card', 'cn_mobile']);
  assert.deepEqual(report.endpoints[1].sensitive, []);
  // response 1: 2 distinct ids + 1 mobile; response 2: 1 id + 1 mobile
  assert.equal(report.clients[0].sensitiveRecords, 5);
  assert.equal(report.clients[1].sensitiveRecords, 0);
  const exposure = report.findings.find((f) => f.type === 'sensitive_data_exposure');
  assert.equal(exposure?.severity, 'high');
  assert.equal(exposure?.path, '/v1/users/{n}');
  const snap = a.snapshot();
  const ep = snap.endpoints[0];
  assert.equal(ep.level, 4);
  assert.equal(ep.calls, 2);
  const idType = ep.types.find((t) => t.type === 'cn_id_card');
  assert.deepEqual([idType?.response, idType?.records, idType?.request], [4, 3, 0]);
  assert.deepEqual(ep.fields.map((f) => `${f.direction} ${f.location} ${f.field} L${f.level}`), ['response json data[].idCard L4', 'response json data[].mobile L3']);
  assert.equal(snap.clients[0].id, '10.0.0.9');
  assert.equal(snap.clients[0].hourly.length, 1);
  assert.equal(snap.clients[0].peakHourRecords, 5);
});

test('look-alikes are not data: bad check digit, order numbers, timestamps', () => {
  const a = new SensitiveAnalyzer({ learning: false });
  const call = run(a, {
    target: '/v1/orders',
    requestHeaders: AUTH,
    responseType: 'application/json',
    responseBody: JSON.stringify({ idCard: BAD_ID, orderNo: '6222021234567890123', ts: 1700000000123, created: '20240101120000' }),
  });
  assert.deepEqual(call.sensitive.filter((h) => !h.credential), []);
  assert.equal(a.snapshot().endpoints.length, 0);
});

test('unauthenticated_sensitive_api: no credential, or scheme none; not with a credential', () => {
  const a = new SensitiveAnalyzer({ learning: false });
  const anon = run(a, { target: '/v1/users/1', responseType: 'application/json', responseBody: usersBody([ID2]) });
  const d = anon.detections.find((x) => x.type === 'unauthenticated_sensitive_api');
  assert.ok(d);
  assert.equal(d.scope, 'endpoint');
  assert.equal(d.severity, 'high');
  assert.ok(!d.evidence.includes(ID2));
  const authed = run(a, { target: '/v1/users/1', requestHeaders: AUTH, responseType: 'application/json', responseBody: usersBody([ID2]) });
  assert.equal(authed.detections.length, 0);
  const none = run(a, { target: '/v1/users/1', requestHeaders: [['Cookie', 'theme=dark']], responseType: 'application/json', responseBody: usersBody([ID2]) }, { scheme: 'none', carrier: '', identity: '' });
  assert.equal(none.detections.filter((x) => x.type === 'unauthenticated_sensitive_api').length, 1);
  const ipOnly = run(a, { target: '/v1/whoami', responseType: 'application/json', responseBody: JSON.stringify({ ip: '8.8.8.8' }) });
  assert.equal(ipOnly.detections.length, 0, 'L2 data alone stays below the default threshold');
  assert.equal(a.snapshot().endpoints.find((e) => e.path === '/v1/users/{n}')?.unauthenticatedCalls, 2);
});

test('token_in_url for a JWT or password in the query, not for a credential header', () => {
  const a = new SensitiveAnalyzer({ learning: false });
  const q = run(a, { target: `/v1/export?access_token=${JWT}&page=2`, requestHeaders: AUTH });
  const d = q.detections.find((x) => x.type === 'token_in_url');
  assert.ok(d);
  assert.equal(d.scope, 'client');
  assert.match(d.evidence, /query parameter "access_token": sha256:/);
  assert.ok(!d.evidence.includes(JWT));
  const pw = run(a, { target: '/login?user=bob&password=S3cret!pass', requestHeaders: AUTH });
  assert.equal(pw.detections.find((x) => x.type === 'token_in_url')?.severity, 'high');
  const header = run(a, { target: '/v1/export', requestHeaders: AUTH });
  assert.equal(header.detections.length, 0);
});

test('levels: edits apply at once to labels, records and thresholds', () => {
  const a = new SensitiveAnalyzer({ learning: false });
  run(a, { target: '/v1/contacts', requestHeaders: AUTH, responseType: 'application/json', responseBody: JSON.stringify({ email: 'li.lei@example.cn' }) });
  assert.equal(a.snapshot().endpoints[0].level, 3);
  a.setLevels(resolveLevels(new Map([['email', 1]])));
  const snap = a.snapshot();
  assert.equal(snap.endpoints[0].level, 1);
  assert.equal(snap.clients[0].records, 0, 'L1 data is not counted as records');
  const anon = run(a, { target: '/v1/contacts', responseType: 'application/json', responseBody: JSON.stringify({ email: 'li.lei@example.cn' }) });
  assert.equal(anon.detections.length, 0);
  a.setLevels(resolveLevels(new Map([['email', 4]])));
  const anon2 = run(a, { target: '/v1/contacts', responseType: 'application/json', responseBody: JSON.stringify({ email: 'li.lei@example.cn' }) });
  assert.equal(anon2.detections[0]?.severity, 'high');
});

test('fast path: after learning, records are counted from known fields only and look-alikes count nothing', () => {
  const opts: SensitiveAnalyzerOptions = { learning: { minFullScans: 2, stableAfter: 2, sampleEvery: 1000, validateEvery: 1 } };
  const a = new SensitiveAnalyzer(opts);
  for (let i = 0; i < 3; i++) run(a, { target: `/v1/users/${i}`, requestHeaders: AUTH, responseType: 'application/json', responseBody: usersBody([ID1, ID2]) });
  assert.equal(a.stats.fullScans, 3, 'stable after 2 scans with nothing new (the first learns the fields)');
  const before = a.snapshot().clients[0].records;
  const fast = run(a, { target: '/v1/users/99', requestHeaders: AUTH, responseType: 'application/json', responseBody: usersBody([ID1, ID2, ID1, ID2]) });
  assert.equal(a.stats.fastCalls, 1);
  assert.equal(fast.sensitive.length, 0, 'the fast path does not list response values');
  // distinct values per type per response, as a full scan counts them: 2 ids + 1 mobile
  assert.equal(a.snapshot().clients[0].records - before, 3);
  run(a, { target: '/v1/users/100', requestHeaders: AUTH, responseType: 'application/json', responseBody: usersBody([BAD_ID, BAD_ID], 'n/a') });
  assert.equal(a.stats.fastCalls, 2);
  assert.equal(a.snapshot().clients[0].records - before, 3, 'invalid values in known fields count nothing');
  const tok = run(a, { target: `/v1/users/5?access_token=${JWT}`, requestHeaders: AUTH, responseType: 'application/json', responseBody: usersBody([ID1]) });
  assert.equal(a.stats.fastCalls, 3);
  assert.ok(tok.detections.some((d) => d.type === 'token_in_url'), 'the request line is scanned on every call');
});

test('fast path with periodic validation: a known field that turns invalid stops counting within validateEvery messages', () => {
  const a = new SensitiveAnalyzer({ learning: { minFullScans: 2, stableAfter: 2, sampleEvery: 1000, validateEvery: 4 } });
  const spec = { requestHeaders: AUTH, responseType: 'application/json' };
  for (let i = 0; i < 3; i++) run(a, { ...spec, target: `/v1/p/${i}`, responseBody: JSON.stringify({ data: [{ idCard: ID2 }] }) });
  const records = () => a.snapshot().clients[0]?.records ?? 0;
  run(a, { ...spec, target: '/v1/p/10', responseBody: JSON.stringify({ data: [{ idCard: ID1 }, { idCard: ID2 }] }) });
  const afterGood = records();
  const counted: number[] = [];
  for (let i = 0; i < 8; i++) {
    const before = records();
    run(a, { ...spec, target: `/v1/p/${20 + i}`, responseBody: JSON.stringify({ data: [{ idCard: BAD_ID }, { idCard: BAD_ID }] }) });
    counted.push(records() - before);
  }
  assert.equal(a.stats.fastCalls, 9);
  assert.ok(afterGood >= 2);
  const firstZero = counted.indexOf(0);
  assert.ok(firstZero >= 0 && firstZero < 4, `counted ${counted.join(',')}`);
  assert.deepEqual(counted.slice(firstZero), new Array(8 - firstZero).fill(0), 'once validation fails it stays due until a value passes');
});

test('fast path samples a full scan every Nth call and learns new fields', () => {
  const a = new SensitiveAnalyzer({ learning: { minFullScans: 1, stableAfter: 1, sampleEvery: 3 } });
  for (let i = 0; i < 2; i++) run(a, { target: '/v1/a', requestHeaders: AUTH, responseType: 'application/json', responseBody: JSON.stringify({ idCard: ID2 }) });
  for (let i = 0; i < 6; i++) run(a, { target: '/v1/a', requestHeaders: AUTH, responseType: 'application/json', responseBody: JSON.stringify({ idCard: ID2, email: 'new@example.org' }) });
  assert.ok(a.stats.fullScans >= 3);
  const fields = a.snapshot().endpoints[0].fields.map((f) => f.field);
  assert.ok(fields.includes('email'));
});

test('memory bounds are counted', () => {
  const a = new SensitiveAnalyzer({ learning: false, limits: { maxDetails: 1, maxClients: 1 } });
  run(a, { target: '/a', clientIp: '10.0.0.1', requestHeaders: AUTH, responseType: 'application/json', responseBody: usersBody([ID2]) });
  run(a, { target: '/b', clientIp: '10.0.0.2', requestHeaders: AUTH, responseType: 'application/json', responseBody: usersBody([ID2]) });
  const snap = a.snapshot();
  assert.equal(snap.endpoints.length, 1);
  assert.equal(snap.stats.detailsDropped, 1);
  assert.equal(snap.stats.clientsDropped, 1);
});

test('path shapes group identifier segments only', () => {
  assert.equal(pathShape('/api/v1/users/123'), '/api/v1/users/{n}');
  assert.equal(pathShape('/api/v1/users/0e8f1c2a-1111-2222-3333-444455556666/items'), '/api/v1/users/{h}/items');
  assert.equal(pathShape('/v1/orders/summary'), '/v1/orders/summary');
  assert.equal(pathShape('/v2/accounts/{accountId}'), '/v2/accounts/{accountId}');
  assert.equal(pathShape('/'), '/');
});

test('a profile with more fields than the cap turns wild and is scanned fully on every call', () => {
  const a = new SensitiveAnalyzer({ learning: { minFullScans: 1, stableAfter: 1, sampleEvery: 1000, maxFields: 2 } });
  const body = (i: number) => JSON.stringify({ users: { [`u${i}a`]: { idCard: ID2 }, [`u${i}b`]: { idCard: ID1 } } });
  for (let i = 0; i < 4; i++) run(a, { target: '/v1/map', requestHeaders: AUTH, responseType: 'application/json', responseBody: body(i) });
  assert.equal(a.stats.wildProfiles, 1);
  assert.equal(a.stats.fastCalls, 0);
  assert.equal(a.stats.fullScans, 4);
});

test('call.sensitiveRecords: the response records of full and fast-path calls alike (later analyzers read it)', () => {
  const a = new SensitiveAnalyzer({ learning: { minFullScans: 2, stableAfter: 2, sampleEvery: 1000, validateEvery: 1 } });
  const full = run(a, { target: '/v1/users/1', requestHeaders: AUTH, responseType: 'application/json', responseBody: usersBody([ID1, ID2]) });
  assert.equal(full.sensitiveRecords, 3, '2 distinct ids + 1 distinct mobile');
  for (let i = 2; i < 4; i++) run(a, { target: `/v1/users/${i}`, requestHeaders: AUTH, responseType: 'application/json', responseBody: usersBody([ID1, ID2]) });
  const fast = run(a, { target: '/v1/users/9', requestHeaders: AUTH, responseType: 'application/json', responseBody: usersBody([ID1, ID2, ID1]) });
  assert.equal(a.stats.fastCalls, 1);
  assert.equal(fast.sensitive.length, 0);
  assert.equal(fast.sensitiveRecords, 3, 'distinct values, as a full scan counts them: 2 ids + 1 mobile');
  const none = run(a, { target: '/v1/ping', responseBody: 'pong' });
  assert.equal(none.sensitiveRecords, undefined);
});

test('periodic full scans back off while nothing new is learned, and come back to sampleEvery on a new field', () => {
  const a = new SensitiveAnalyzer({ learning: { minFullScans: 1, stableAfter: 1, sampleEvery: 4, maxSampleEvery: 16 } });
  const call = (body: object) => run(a, { target: '/v1/b', requestHeaders: AUTH, responseType: 'application/json', responseBody: JSON.stringify(body) });
  const fullAt: number[] = [];
  for (let i = 0; i < 60; i++) {
    const before = a.stats.fullScans;
    call({ idCard: ID2 });
    if (a.stats.fullScans > before) fullAt.push(i);
  }
  const gaps = fullAt.slice(1).map((x, i) => x - fullAt[i]);
  // learning (2 scans), then periods 4, 8, 16, 16, ...
  assert.deepEqual(gaps.slice(1, 5), [4, 8, 16, 16], `full scans at ${fullAt.join(',')}`);
  const after: number[] = [];
  for (let i = 0; i < 16; i++) {
    const before = a.stats.fullScans;
    call({ idCard: ID2, email: 'new@example.org' });
    if (a.stats.fullScans > before) after.push(i);
  }
  assert.ok(a.snapshot().endpoints[0].fields.some((f) => f.field === 'email'), 'the next periodic scan finds the new field');
  // found at the due periodic scan, one more learning scan makes the profile stable, then the period starts at 4 again
  assert.deepEqual(after.slice(1).map((x, i) => x - after[i]), [1, 4, 8], `full scans at ${after.join(',')}`);
});

test('report.sensitive: endpoints with fields, recipients with records per type, never a value', () => {
  const a = new SensitiveAnalyzer({ learning: false });
  run(a, { target: '/v1/users/7', clientIp: '10.0.0.9', requestHeaders: AUTH, responseType: 'application/json', responseBody: usersBody([ID1, ID2]) }, { scheme: 'jwt', carrier: 'authorization', identity: 'sub:alice' });
  const report = emptyReport();
  a.contribute(report);
  const s = report.sensitive;
  assert.ok(s);
  assert.equal(s.endpoints.length, 1);
  assert.ok(s.endpoints[0].fields.some((f) => f.field === 'data[].idCard' && f.types[0].type === 'cn_id_card' && f.types[0].count === 2));
  assert.deepEqual(s.clients.map((c) => [c.id, c.records]), [['10.0.0.9', 3]]);
  assert.deepEqual(s.identities[0].byType.map((t) => [t.type, t.records]), [['cn_id_card', 2], ['cn_mobile', 1]]);
  const text = JSON.stringify(report);
  for (const v of [ID1, ID2, '13812345678', JWT]) assert.ok(!text.includes(v));
});

test('fast path counts records exactly as full scans do: distinct values, values of an unseen length, response-header secrets', () => {
  const learning = { minFullScans: 2, stableAfter: 2, sampleEvery: 1000 };
  const spec = (i: number, emails: string[]): Parameters<typeof run>[1] => ({
    target: `/v1/people/${i}`,
    requestHeaders: AUTH,
    responseType: 'application/json',
    responseHeaders: [['X-Amz-Access-Key-Id', 'AKIAIOSFODNN7EXAMPLE']],
    responseBody: JSON.stringify({ data: emails.map((e) => ({ email: e, note: 'ok' })) }),
  });
  const calls = [
    ...Array.from({ length: 4 }, (_, i) => spec(i, [`user${i}@example.com`, `other${i}@example.com`])),
    spec(10, ['a@b.cn', 'a@b.cn', 'much.longer.address.than.before@example.com']),
    spec(11, ['x@y.cn', 'user1@example.com', 'user1@example.com']),
  ];
  const fast = new SensitiveAnalyzer({ learning });
  const full = new SensitiveAnalyzer({ learning: false });
  const records: Array<[number | undefined, number | undefined]> = calls.map((c) => [run(fast, c).sensitiveRecords, run(full, c).sensitiveRecords]);
  assert.ok(fast.stats.fastCalls >= 2, 'the last calls took the fast path');
  for (const [f, s] of records) assert.equal(f, s);
  assert.deepEqual(records.slice(-2).map((r) => r[0]), [3, 3], '2 distinct e-mails (one shorter, one longer than learned) + the key in the header');
  assert.equal(fast.snapshot().clients[0].records, full.snapshot().clients[0].records);
});

test('raw samples: off by default; when on, the first N distinct values per endpoint × field × type, never secrets, never in the report', () => {
  const spec = (ids: string[]): TxSpec => ({ target: `/v1/users/7?token=${JWT}`, requestHeaders: AUTH, responseType: 'application/json', responseBody: usersBody(ids) });
  const off = new SensitiveAnalyzer({ learning: false });
  run(off, spec([ID1, ID2]));
  assert.deepEqual(off.takeRawSamples(), []);
  const a = new SensitiveAnalyzer({ learning: false, rawSamples: 1 });
  const call = run(a, spec([ID1, ID2]));
  run(a, spec([ID2]));
  assert.ok(call.sensitive.every((h) => h.value === ''), 'call.sensitive stays without values');
  const samples = a.takeRawSamples();
  const ids = samples.find((g) => g.type === 'cn_id_card');
  assert.ok(ids !== undefined);
  assert.equal(ids.field, 'data[].idCard');
  assert.deepEqual(ids.values.map((v) => v.raw), [ID1], 'one value per group when rawSamples is 1');
  assert.equal(ids.values[0].masked.length, ID1.length);
  assert.ok(call.sensitive.some((h) => h.type === 'jwt'), 'the JWT in the query was found');
  assert.ok(!samples.some((g) => g.type === 'jwt'), 'secrets stay fingerprints');
  const report = emptyReport();
  a.contribute(report);
  assert.ok(!JSON.stringify(report).includes(ID1), 'the report holds no raw value');
  assert.deepEqual(a.takeRawSamples(), [], 'taken once');
  a.setRawSamples(0);
  run(a, spec([ID1]));
  assert.deepEqual(a.takeRawSamples(), []);
});
