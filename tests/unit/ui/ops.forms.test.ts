// Tests of the operations pages' pure parts: the policy form's round trip to the API body, field errors by nested
// path, the notifier settings form generated from a kind's JSON Schema (secrets kept as ********), delivery outcomes
// in words, block-list export lines and report schedule bodies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../../ui/src/lib/api/api.client.ts';
import { format } from '../../../ui/src/lib/i18n/i18n.ts';
import type { MessageKey } from '../../../ui/src/lib/i18n/en.ts';
import { problemsByField, problemsUnder } from '../../../ui/src/components/policies/form.issues.ts';
import { draftFromPolicy, eventsOf, policyBody, type PolicyEvent, type PolicyView } from '../../../ui/src/components/policies/policy.form.ts';
import { SECRET_MASK, schemaFields, settingsFromValues, valuesFromSettings, type JsonSchema } from '../../../ui/src/components/notifications/schema.form.ts';
import { deliveryOutcome } from '../../../ui/src/components/notifications/delivery.text.ts';
import { entrySource, exportLines } from '../../../ui/src/components/policies/blocklist.export.ts';
import { draftFromSchedule, runHasFiles, scheduleBody } from '../../../ui/src/components/reports/schedule.form.ts';
import { previewLines, type PolicyPreviewView } from '../../../ui/src/components/policies/policy.preview.ts';

const stored: PolicyView = {
  id: 7,
  name: 'Night admin',
  description: 'admin at night',
  enabled: false,
  builtin: true,
  updatedAt: 1,
  conditions: { hosts: ['*.example.com'], templates: ['/v1/admin/**'], methods: ['POST'], clients: [], identities: [], sensitiveTypes: [], findingTypes: [], statuses: ['5xx', '401'], authSchemes: ['none'], minSeverity: 'high', timeOfDay: { from: '22:00', to: '06:00' }, window: { count: 5, seconds: 60, per: 'identity' } },
  actions: { raise: { severity: 'critical', type: 'night_admin' }, notify: [2, 3], block: { minutes: 30 }, suppress: false },
};

test('a stored policy survives the form unchanged, and empty conditions are left out', () => {
  const body = policyBody(draftFromPolicy(stored));
  assert.deepEqual(body, {
    name: 'Night admin',
    description: 'admin at night',
    enabled: false,
    conditions: { hosts: ['*.example.com'], templates: ['/v1/admin/**'], methods: ['POST'], statuses: ['5xx', '401'], authSchemes: ['none'], minSeverity: 'high', timeOfDay: { from: '22:00', to: '06:00' }, window: { count: 5, seconds: 60, per: 'identity' } },
    actions: { notify: [2, 3], suppress: false, raise: { severity: 'critical', type: 'night_admin' }, block: { minutes: 30 } },
  });
  const d = draftFromPolicy(null);
  d.name = '  Bulk export  ';
  d.lists.methods = 'get\n\n post \nget';
  d.lists.clients = '10.0.0.0/8';
  d.raiseType = ' ';
  assert.deepEqual(policyBody(d), { name: 'Bulk export', description: '', enabled: true, conditions: { methods: ['GET', 'POST'], clients: ['10.0.0.0/8'] }, actions: { notify: [], suppress: false, raise: { severity: 'medium' } } });
});

test('field errors are keyed by their nested field with 1-based lines, and a section collects its sub-fields', () => {
  const err = new ApiError('validation_failed', 400, 'invalid', [
    { path: 'conditions.clients.1', message: 'not an address' },
    { path: 'actions.block.minutes', message: 'too big' },
    { path: 'actions', message: 'a policy needs at least one action' },
    { path: 'settings.smtp.host', message: 'required' },
  ]);
  const p = problemsByField(err);
  assert.deepEqual(p['conditions.clients'], [{ line: 2, message: 'not an address' }]);
  assert.deepEqual(p['settings.smtp.host'], [{ line: null, message: 'required' }]);
  assert.deepEqual(problemsUnder(p, 'actions.block'), [{ line: null, message: 'too big' }]);
  assert.equal(problemsUnder(p, 'actions').length, 2);
  assert.deepEqual(problemsByField(new ApiError('conflict', 409, 'x')), {});
});

test('policy events narrow to one policy', () => {
  const ev = (id: number, policyId: number) => ({ id, policyId }) as PolicyEvent;
  assert.deepEqual(eventsOf([ev(1, 7), ev(2, 8), ev(3, 7)], 7).map((e) => e.id), [1, 3]);
  assert.equal(eventsOf([ev(1, 7), ev(2, 8)], null).length, 2);
});

const webhook: JsonSchema = {
  type: 'object',
  properties: {
    url: { type: 'string', maxLength: 2000, format: 'uri' },
    secret: { default: '', type: 'string', maxLength: 256 },
    headers: { default: {}, type: 'object', additionalProperties: { type: 'string' } },
    timeoutMs: { default: 5000, type: 'integer', minimum: 100, maximum: 60000 },
    allowSelfSigned: { default: false, type: 'boolean' },
    smtp: { type: 'object', properties: { host: { type: 'string' }, security: { type: 'string', enum: ['tls', 'starttls', 'none'] }, caPem: { type: 'string', maxLength: 20000 } }, required: ['host'] },
    to: { type: 'array', items: { type: 'string' } },
  },
  required: ['url'],
};

test('a settings schema becomes typed fields; nested objects are dotted, secrets marked', () => {
  const f = schemaFields(webhook, ['secret', 'headers.*', 'smtp.password']);
  assert.deepEqual(f.map((x) => [x.path, x.type, x.required, x.secret]), [
    ['url', 'string', true, false],
    ['secret', 'string', false, true],
    ['headers', 'map', false, true],
    ['timeoutMs', 'integer', false, false],
    ['allowSelfSigned', 'boolean', false, false],
    ['smtp.host', 'string', true, false],
    ['smtp.security', 'enum', false, false],
    ['smtp.caPem', 'text', false, false],
    ['to', 'lines', false, false],
  ]);
  assert.deepEqual(f[6].options, ['tls', 'starttls', 'none']);
});

test('new channels start from the defaults; stored secrets go back as ******** so the service keeps them', () => {
  const f = schemaFields(webhook, ['secret', 'headers.*']);
  const fresh = valuesFromSettings(webhook, f, null);
  assert.equal(fresh.timeoutMs, '5000');
  assert.equal(fresh['smtp.security'], 'tls');
  assert.equal(fresh.allowSelfSigned, false);
  const stored = { url: 'https://hooks.example/x', secret: SECRET_MASK, headers: { 'X-Key': SECRET_MASK }, timeoutMs: 2000, allowSelfSigned: true, smtp: { host: 'mail', security: 'none' }, to: ['a@example.com', 'b@example.com'] };
  const v = valuesFromSettings(webhook, f, stored);
  assert.equal(v.headers, `X-Key: ${SECRET_MASK}`);
  assert.equal(v.to, 'a@example.com\nb@example.com');
  assert.deepEqual(settingsFromValues(f, v), stored);
  v.secret = '';
  v.timeoutMs = '';
  v.url = '';
  const out = settingsFromValues(f, v);
  assert.equal('secret' in out, false, 'an emptied optional field falls back to the default');
  assert.equal('timeoutMs' in out, false);
  assert.equal(out.url, '', 'a required field is sent so the service names it');
});

test('delivery outcomes read as sentences in both languages', () => {
  const en = (k: MessageKey, p?: Record<string, string | number>) => format('en', k, p);
  const zh = (k: MessageKey, p?: Record<string, string | number>) => format('zh-CN', k, p);
  assert.equal(deliveryOutcome({ status: 'sent', attempts: 1, error: '', detail: 'HTTP 200' }, en), 'delivered (1 try); the receiver answered: HTTP 200');
  assert.equal(deliveryOutcome({ status: 'failed', attempts: 3, error: 'The receiver answered 503.', detail: '' }, en), 'not delivered (3 tries): The receiver answered 503.');
  assert.equal(deliveryOutcome({ status: 'failed', attempts: 1, error: '', detail: '' }, zh), '未送达（1 次尝试）：未提供原因');
  assert.equal(deliveryOutcome({ status: 'sending', attempts: 0, error: '', detail: '' }, en), 'still being sent.');
});

test('export lines put the token in the Authorization header, never in the URL', () => {
  const lines = exportLines('https://radar.example:8443/', 'rbl_abc');
  assert.deepEqual(lines.map((l) => l.url), ['https://radar.example:8443/api/v1/blocklist/export/plain', 'https://radar.example:8443/api/v1/blocklist/export/nginx', 'https://radar.example:8443/api/v1/blocklist/export/json']);
  assert.equal(lines[0].curl, "curl -fsS -H 'Authorization: Bearer rbl_abc' -o blocklist.txt 'https://radar.example:8443/api/v1/blocklist/export/plain'");
  assert.ok(lines.every((l) => !l.url.includes('rbl_')));
  assert.match(exportLines('https://r', null)[1].curl, /Bearer <token>.*blocklist\.conf/);
  assert.deepEqual(entrySource('policy:4'), { kind: 'policy', ref: '4' });
  assert.deepEqual(entrySource('manual'), { kind: 'manual', ref: '' });
  assert.deepEqual(entrySource('finding:sqli'), { kind: 'finding', ref: 'sqli' });
});

test('report schedule bodies read recipients and hosts one per line; runs without files offer no preview', () => {
  const d = draftFromSchedule(null, 'en');
  assert.equal(d.frequency, 'weekly');
  d.name = ' Weekly ';
  d.recipients = 'sec@example.com\n\nceo@example.com ';
  assert.deepEqual(scheduleBody(d), { name: 'Weekly', enabled: true, frequency: 'weekly', timeOfDay: '08:00', weekday: 1, dayOfMonth: 1, language: 'en', recipients: ['sec@example.com', 'ceo@example.com'], hosts: [] });
  assert.deepEqual(runHasFiles({ htmlPath: '', pdfPath: '' }), { html: false, pdf: false });
  assert.deepEqual(runHasFiles({ htmlPath: '/d/reports/1.html', pdfPath: '/d/reports/1.pdf' }), { html: true, pdf: true });
});

test('policy preview lines: counts in words in both languages, nothing found, truncation and approximations', () => {
  const en = (k: MessageKey, p?: Record<string, string | number>) => format('en', k, p);
  const zh = (k: MessageKey, p?: Record<string, string | number>) => format('zh-CN', k, p);
  const p: PolicyPreviewView = { fromUs: 0, toUs: 1, scanned: 12345, truncated: true, matched: 20, raised: 20, suppressed: 0, notifications: 20, blockedClients: 4, clients: [], samples: [], approximations: ['severity per call'] };
  assert.deepEqual(previewLines(p, 'en', en), [
    '12,345 calls replayed; the policy would have fired on 20.',
    'Findings raised: 20 · detections suppressed: 0 · notifications: 20 · clients blocked: 4.',
    'Only the newest calls of the window were replayed.',
    'severity per call',
  ]);
  assert.equal(previewLines(p, 'zh-CN', zh)[0], '已重放 12,345 次调用；此策略将命中 20 次。');
  assert.deepEqual(previewLines({ ...p, matched: 0, truncated: false }, 'en', en), ['12,345 calls replayed; the policy would have fired on 0.', 'No stored call in this window matches the policy.']);
});
