// Notifier and block-list routes through the running service (HTTPS, SQLite, ManualClock): channel CRUD with
// write-only secrets, "send test" to a real webhook receiver, the delivery list, roles; the block list with
// validation, expiry moved by the clock, token rotation and the three exports fetched with the token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { adminClient, withService, type Client } from '../server/service.harness.ts';
import { startWebhook } from './receivers.ts';

async function userClient(admin: Client, client: () => Client, role: 'viewer' | 'analyst'): Promise<Client> {
  const username = `${role}1`;
  assert.equal((await admin.call('POST', '/api/v1/users', { username, password: 'Role-pass-12345', role })).status, 201);
  const c = client();
  assert.equal((await c.login(username, 'Role-pass-12345')).status, 200);
  return c;
}

function fetchExport(port: number, ca: Buffer, path: string, authorization?: string): Promise<{ status: number; type: string; body: string; wwwAuth: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
    const req = request({ host: 'localhost', port, path, method: 'GET', headers, ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body: Buffer.concat(chunks).toString('utf8'), wwwAuth: String(res.headers['www-authenticate'] ?? '') }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('notification channels: CRUD with write-only secrets, send test, deliveries, roles', async () => {
  const rx = await startWebhook([200]);
  try {
    await withService(async (svc, _dir, _clock, client) => {
      const admin = await adminClient(svc, client);
      const analyst = await userClient(admin, client, 'analyst');
      const viewer = await userClient(admin, client, 'viewer');
      const kinds = (await admin.call('GET', '/api/v1/notifiers/kinds')).json as { kinds: Array<{ kind: string; secretFields: string[]; settings: { properties: Record<string, unknown> } }> };
      assert.deepEqual(kinds.kinds.map((k) => k.kind), ['email', 'syslog', 'webhook']);
      assert.ok('url' in kinds.kinds[2].settings.properties, 'the settings form schema is served');

      const body = { name: 'SOC hook', kind: 'webhook', minSeverity: 'high', groupWindowSeconds: 30, maxPerMinute: 10, settings: { url: rx.url, secret: 'hmac-key-1' } };
      assert.equal((await analyst.call('POST', '/api/v1/notifiers', body)).status, 403, 'only admins create channels');
      const created = await admin.call('POST', '/api/v1/notifiers', body);
      assert.equal(created.status, 201, JSON.stringify(created.json));
      const ch = (created.json as { channel: { id: number; settings: Record<string, unknown>; minSeverity: string } }).channel;
      assert.equal(ch.settings.secret, '********');
      assert.equal(ch.settings.retries, 3, 'defaults filled in');
      const listed = await analyst.call('GET', '/api/v1/notifiers');
      assert.equal(listed.status, 200);
      assert.equal(JSON.stringify(listed.json).includes('hmac-key-1'), false, 'the secret never comes back');
      assert.equal((await viewer.call('GET', '/api/v1/notifiers')).status, 403);

      const put = await admin.call('PUT', `/api/v1/notifiers/${ch.id}`, { ...body, name: 'SOC', settings: { ...ch.settings } });
      assert.equal(put.status, 200, JSON.stringify(put.json));
      const invalid = await admin.call('PUT', `/api/v1/notifiers/${ch.id}`, { ...body, settings: { url: 'not a url' } });
      assert.equal(invalid.status, 400);
      assert.equal((invalid.json as { error: { details: Array<{ path: string }> } }).error.details[0].path, 'settings.url');
      assert.equal((await admin.call('POST', '/api/v1/notifiers', { ...body, name: 'SOC' })).status, 409);

      const t = await admin.call('POST', `/api/v1/notifiers/${ch.id}/test`);
      assert.equal(t.status, 200, JSON.stringify(t.json));
      assert.equal((t.json as { delivery: { status: string; kind: string } }).delivery.status, 'sent');
      assert.equal(rx.hits.length, 1);
      assert.equal((JSON.parse(rx.hits[0].body) as { event: string }).event, 'test');
      assert.match(String(rx.hits[0].headers['x-api-radar-signature']), /^t=\d+,v1=[0-9a-f]{64}$/, 'the kept secret still signs');
      assert.equal((await admin.call('POST', '/api/v1/notifiers/999/test')).status, 404);

      const d = (await analyst.call('GET', `/api/v1/notifiers/deliveries?channel=${ch.id}`)).json as { deliveries: Array<{ id: number; kind: string; status: string; attempts: number }> };
      assert.deepEqual(d.deliveries.map((x) => [x.kind, x.status, x.attempts]), [['test', 'sent', 1]]);
      rx.plan.splice(0, rx.plan.length, 400);
      const failed = (await admin.call('POST', `/api/v1/notifiers/${ch.id}/test`)).json as { delivery: { id: number; status: string; error: string } };
      assert.equal(failed.delivery.status, 'failed');
      assert.match(failed.delivery.error, /answered 400; it rejected the request\. Not retried\./);
      rx.plan.splice(0, rx.plan.length, 200);
      assert.equal((await analyst.call('POST', `/api/v1/notifiers/deliveries/${failed.delivery.id}/retry`)).status, 403);
      const retried = await admin.call('POST', `/api/v1/notifiers/deliveries/${failed.delivery.id}/retry`);
      assert.equal(retried.status, 200, JSON.stringify(retried.json));
      assert.equal((retried.json as { delivery: { status: string; retryOf: number } }).delivery.retryOf, failed.delivery.id);
      assert.equal((await admin.call('POST', `/api/v1/notifiers/deliveries/${d.deliveries[0].id}/retry`)).status, 409, 'a sent delivery is not sent again');
      assert.equal((await admin.call('POST', '/api/v1/notifiers/deliveries/999/retry')).status, 404);
      assert.equal((await analyst.call('GET', '/api/v1/notifiers/deliveries?limit=x')).status, 400);

      assert.equal((await admin.call('DELETE', `/api/v1/notifiers/${ch.id}`)).status, 204);
      assert.equal((await admin.call('GET', `/api/v1/notifiers/${ch.id}`)).status, 404);
      assert.ok(svc.services.audit.list(50).some((e) => e.action === 'notifier.update' && e.target === `notifier:${ch.id}`));
    });
  } finally {
    await rx.close();
  }
});

test('block list: validated entries, expiry by the clock, token rotation, plain/nginx/JSON exports with the token', async () => {
  await withService(async (svc, dir, clock, client) => {
    const admin = await adminClient(svc, client);
    const viewer = await userClient(admin, client, 'viewer');
    const ca = readFileSync(join(dir, 'tls', 'cert.pem'));
    const bad = await admin.call('POST', '/api/v1/blocklist', { value: '300.1.1.1', reason: 'x' });
    assert.equal(bad.status, 400);
    assert.equal((bad.json as { error: { details: Array<{ message: string }> } }).error.details[0].message, 'not an IPv4 or IPv6 address');
    assert.equal((await viewer.call('POST', '/api/v1/blocklist', { value: '203.0.113.7', reason: 'x' })).status, 403);
    const a = await admin.call('POST', '/api/v1/blocklist', { value: '203.0.113.7', reason: 'SQL injection, likely success', ttlSeconds: 3600 });
    assert.equal(a.status, 201);
    assert.equal((await admin.call('POST', '/api/v1/blocklist', { value: '203.0.113.7/32', reason: 'again', ttlSeconds: 7200 })).status, 200, 'the same address twice is one entry');
    await admin.call('POST', '/api/v1/blocklist', { value: '2001:DB8:0:0::99/64', reason: 'credential stuffing\nfrom a /64' });
    const v4net = await admin.call('POST', '/api/v1/blocklist', { value: '198.51.100.0/24', reason: 'scraper <b>farm</b>', ttlSeconds: 600 });
    const listed = (await viewer.call('GET', '/api/v1/blocklist')).json as { entries: Array<{ value: string; reason: string; expiresAt: number | null }>; token: { configured: boolean } };
    assert.deepEqual(listed.entries.map((e) => e.value), ['198.51.100.0/24', '203.0.113.7', '2001:db8::/64']);
    assert.equal(listed.entries[1].reason, 'again');
    assert.equal(listed.entries[1].expiresAt, clock.now() + 7200_000, 'the later expiry wins');
    assert.equal(listed.entries[2].reason, 'credential stuffing from a /64', 'control characters removed');
    assert.equal(listed.token.configured, false);

    const base = '/api/v1/blocklist/export';
    const none = await fetchExport(svc.httpsPort, ca, `${base}/plain`, 'Bearer anything');
    assert.equal(none.status, 401, 'no token generated yet: nothing is exported');
    assert.match(none.wwwAuth, /^Bearer/);
    const token = ((await admin.call('POST', '/api/v1/blocklist/token')).json as { token: string }).token;
    assert.match(token, /^rbl_[A-Za-z0-9_-]{43}$/);
    assert.equal(JSON.stringify(svc.db.prepare('SELECT * FROM blocklist_tokens').all()).includes(token), false, 'only the hash is stored');
    assert.equal((await fetchExport(svc.httpsPort, ca, `${base}/plain`)).status, 401);
    assert.equal((await fetchExport(svc.httpsPort, ca, `${base}/plain`, `Bearer ${token}x`)).status, 401);

    const plain = await fetchExport(svc.httpsPort, ca, `${base}/plain`, `Bearer ${token}`);
    assert.equal(plain.status, 200);
    assert.match(plain.type, /^text\/plain/);
    assert.equal(plain.body, '198.51.100.0/24\n203.0.113.7\n2001:db8::/64\n');
    const basic = await fetchExport(svc.httpsPort, ca, `${base}/plain`, `Basic ${Buffer.from(`gw:${token}`).toString('base64')}`);
    assert.equal(basic.body, plain.body, 'Basic with the token as password works for firewalls');
    const nginx = await fetchExport(svc.httpsPort, ca, `${base}/nginx`, `Bearer ${token}`);
    const denies = nginx.body.split('\n').filter((l) => l.startsWith('deny '));
    assert.deepEqual(denies.map((l) => l.split(';')[0]), ['deny 198.51.100.0/24', 'deny 203.0.113.7', 'deny 2001:db8::/64']);
    assert.ok(nginx.body.split('\n').every((l) => l === '' || l.startsWith('#') || /^deny [0-9a-f.:/]+; # /.test(l)), 'every line is a comment or one deny');
    const json = JSON.parse((await fetchExport(svc.httpsPort, ca, `${base}/json`, `Bearer ${token}`)).body) as { count: number; entries: Array<{ value: string; reason: string; expiresAt: string | null; source: string }> };
    assert.equal(json.count, 3);
    assert.deepEqual(json.entries[0], { value: '198.51.100.0/24', family: 4, reason: 'scraper <b>farm</b>', source: 'manual', createdAt: new Date(clock.now()).toISOString(), expiresAt: new Date(clock.now() + 600_000).toISOString() });
    assert.equal(json.entries[2].expiresAt, null);

    clock.advance(601_000);
    assert.equal((await fetchExport(svc.httpsPort, ca, `${base}/plain`, `Bearer ${token}`)).body, '203.0.113.7\n2001:db8::/64\n', 'an expired entry leaves every export at once');
    assert.equal(svc.services.blocklist.expire(), 1);
    const auto = svc.services.blocklist.addAutomatic('192.0.2.55', 'policy 7: brute force', 'policy:7', 60_000);
    assert.equal(auto.source, 'policy:7');
    assert.equal(auto.createdBy, 'policy');

    const rotated = ((await admin.call('POST', '/api/v1/blocklist/token')).json as { token: string }).token;
    assert.equal((await fetchExport(svc.httpsPort, ca, `${base}/plain`, `Bearer ${token}`)).status, 401, 'the old token stops working');
    assert.equal((await fetchExport(svc.httpsPort, ca, `${base}/plain`, `Bearer ${rotated}`)).status, 200);

    const id = (v4net.json as { entry: { id: number } }).entry.id;
    assert.equal((await admin.call('DELETE', `/api/v1/blocklist/${id}`)).status, 404, 'already expired and deleted');
    const first = (a.json as { entry: { id: number } }).entry.id;
    assert.equal((await admin.call('DELETE', `/api/v1/blocklist/${first}`)).status, 204);
    assert.equal((await fetchExport(svc.httpsPort, ca, `${base}/plain`, `Bearer ${rotated}`)).body, '192.0.2.55\n2001:db8::/64\n');
  });
});
