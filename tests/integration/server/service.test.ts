// Integration tests of the running service (real HTTPS listener with its generated certificate, real SQLite file in
// a temporary data directory): first-run setup with the one-time token, sign-in, roles, CSRF, lockout, session
// timeouts moved by the clock, and a walk over EVERY declared API route proving it refuses callers without the
// right to call it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN_PASSWORD, completeSetup, withService } from './service.harness.ts';
import { apiRoutes } from '../../../appliance/src/server/app.factory.ts';
import { generateScenario, writeScenarioCapture } from '../../../scripts/traffic/scenario.catalog.ts';

test('first run: only setup answers, only with the token; setup creates the admin and closes itself', async () => {
  await withService(async (svc, dir, _clock, client) => {
    const c = client();
    assert.ok(svc.newSetupToken !== null && svc.newSetupToken.length >= 20);
    assert.equal(readFileSync(join(dir, 'setup-token'), 'utf8').trim(), svc.newSetupToken, 'the console banner reads the token file');
    assert.deepEqual((await c.call('GET', '/api/v1/setup/status')).json, { complete: false });
    assert.equal((await c.call('GET', '/api/v1/auth/me')).status, 503, 'nothing but setup answers before setup');
    assert.equal((await c.call('POST', '/api/v1/setup/verify-token', { token: 'wrong' })).status, 401);
    assert.equal((await c.call('POST', '/api/v1/setup/verify-token', { token: svc.newSetupToken })).status, 200);
    const weak = await c.call('POST', '/api/v1/setup/complete', { token: svc.newSetupToken, username: 'admin', password: 'short' });
    assert.equal(weak.status, 400);
    assert.equal((weak.json as { error: { code: string } }).error.code, 'validation_failed');
    const wrong = await c.call('POST', '/api/v1/setup/complete', { token: 'x'.repeat(24), username: 'admin', password: ADMIN_PASSWORD });
    assert.equal((wrong.json as { error: { code: string } }).error.code, 'setup_token_invalid');
    await completeSetup(svc, c);
    assert.equal(existsSync(join(dir, 'setup-token')), false, 'the token file is removed');
    assert.equal((await c.call('POST', '/api/v1/setup/complete', { token: svc.newSetupToken, username: 'evil', password: ADMIN_PASSWORD })).status, 410);
    assert.equal((await c.call('POST', '/api/v1/setup/verify-token', { token: svc.newSetupToken })).status, 410);
    assert.deepEqual((await c.call('GET', '/api/v1/setup/status')).json, { complete: true });
    const audit = svc.services.audit.list(10);
    assert.ok(audit.some((e) => e.action === 'setup.complete' && e.username === 'admin'));
  });
});

test('sign-in, session cookie flags, CSRF on state changes, roles, password change', async () => {
  await withService(async (svc, _dir, _clock, client) => {
    const admin = client();
    await completeSetup(svc, admin);
    assert.equal((await admin.login('admin', 'wrong-password')).status, 401);
    const ok = await admin.login('admin', ADMIN_PASSWORD);
    assert.equal(ok.status, 200);
    const setCookie = String((ok.headers['set-cookie'] as string[])[0]);
    for (const flag of ['HttpOnly', 'SameSite=Strict', 'Secure', 'Path=/']) assert.ok(setCookie.includes(flag), `cookie has ${flag}`);
    assert.equal(((await admin.call('GET', '/api/v1/auth/me')).json as { user: { role: string } }).user.role, 'admin');

    const noCsrf = await admin.call('POST', '/api/v1/users', { username: 'lin', password: 'Analyst-pass-99', role: 'viewer' }, { csrf: false });
    assert.equal(noCsrf.status, 403);
    assert.equal((noCsrf.json as { error: { code: string } }).error.code, 'csrf_failed');
    const created = await admin.call('POST', '/api/v1/users', { username: 'lin', password: 'Analyst-pass-99', role: 'viewer' });
    assert.equal(created.status, 201);

    const viewer = client();
    assert.equal((await viewer.login('lin', 'Analyst-pass-99')).status, 200);
    assert.equal((await viewer.call('GET', '/api/v1/system/info')).status, 200);
    const forbidden = await viewer.call('GET', '/api/v1/users');
    assert.equal(forbidden.status, 403);
    assert.equal((forbidden.json as { error: { code: string } }).error.code, 'forbidden');

    assert.equal((await viewer.call('POST', '/api/v1/auth/password', { current: 'Analyst-pass-99', next: 'New-analyst-pass-1' })).status, 204);
    assert.equal((await viewer.call('GET', '/api/v1/auth/me')).status, 401, 'a password change ends the sessions');
    assert.equal((await viewer.login('lin', 'New-analyst-pass-1')).status, 200);
    const audit = svc.services.audit.list(50).map((e) => e.action);
    for (const a of ['user.create', 'user.password_change', 'auth.login']) assert.ok(audit.includes(a), `audit has ${a}`);
  });
});

test('repeated failures lock the account; the lock and sessions expire with the clock', async () => {
  await withService(async (svc, _dir, clock, client) => {
    const c = client();
    await completeSetup(svc, c);
    for (let i = 0; i < 4; i++) assert.equal((await c.login('admin', `bad-${i}`)).status, 401);
    assert.equal((await c.login('admin', 'bad-5')).status, 423, 'the fifth failure locks');
    assert.equal((await c.login('admin', ADMIN_PASSWORD)).status, 423, 'even the right password is refused while locked');
    clock.advance(16 * 60_000);
    assert.equal((await c.login('admin', ADMIN_PASSWORD)).status, 200);
    clock.advance(29 * 60_000);
    assert.equal((await c.call('GET', '/api/v1/auth/me')).status, 200, 'used within the idle timeout');
    clock.advance(31 * 60_000);
    const expired = await c.call('GET', '/api/v1/auth/me');
    assert.equal((expired.json as { error: { code: string } }).error.code, 'session_expired');
  });
});

test('every declared route refuses anonymous, under-privileged and CSRF-less callers', async () => {
  await withService(async (svc, _dir, _clock, client) => {
    const admin = client();
    await completeSetup(svc, admin);
    await admin.login('admin', ADMIN_PASSWORD);
    await admin.call('POST', '/api/v1/users', { username: 'viewer1', password: 'Viewer-pass-123', role: 'viewer' });
    await admin.call('POST', '/api/v1/users', { username: 'analyst1', password: 'Analyst-pass-123', role: 'analyst' });
    const viewer = client();
    await viewer.login('viewer1', 'Viewer-pass-123');
    const analyst = client();
    await analyst.login('analyst1', 'Analyst-pass-123');
    const routes = apiRoutes(svc.services);
    assert.ok(routes.length >= 10);
    const publicOk = new Set(['GET /health', 'GET /setup/status', 'POST /auth/login']);
    for (const f of ['plain', 'nginx', 'json']) publicOk.add(`GET /blocklist/export/${f}`); // block-list token checked by the service
    for (const r of routes) {
      const path = `/api/v1${r.path.replace(/:[A-Za-z]+/g, '1')}`;
      const method = r.method.toUpperCase();
      const body = method === 'GET' ? undefined : {};
      const label = `${method} ${r.path}`;
      if (r.access === 'public') {
        assert.ok(publicOk.has(label), `${label} is public: add it to the reviewed list if that is intended`);
        continue;
      }
      if (r.access === 'setup') {
        assert.equal((await client().call(method, path, body)).status, 410, `${label} is closed after setup`);
        continue;
      }
      const anon = await client().call(method, path, body);
      assert.equal(anon.status, 401, `${label} refuses an anonymous caller`);
      if (r.access === 'admin' || r.access === 'analyst') {
        assert.equal((await viewer.call(method, path, body)).status, 403, `${label} refuses a viewer`);
      }
      if (r.access === 'admin') assert.equal((await analyst.call(method, path, body)).status, 403, `${label} refuses an analyst`);
      if (method !== 'GET') {
        const c = await admin.call(method, path, body, { csrf: false });
        assert.equal(c.status, 403, `${label} refuses a request without the CSRF token`);
      }
    }
  });
});

test('errors use one JSON shape; unknown API paths are 404 JSON; the UI fallback answers without a build', async () => {
  await withService(async (_svc, _dir, _clock, client) => {
    const c = client();
    const nf = await c.call('GET', '/api/v1/nope');
    assert.equal(nf.status, 404);
    assert.deepEqual(Object.keys((nf.json as { error: object }).error).sort(), ['code', 'message']);
    const bad = await c.call('POST', '/api/v1/auth/login', { username: 1 });
    assert.equal(bad.status, 400);
    assert.equal((bad.json as { error: { code: string } }).error.code, 'validation_failed');
    const page = await c.call('GET', '/dashboard');
    assert.equal(page.status, 200);
    assert.match(String(page.json), /UI is not built/);
    assert.match(String(page.headers['content-security-policy']), /frame-ancestors 'none'/);
  });
});

test('a capture uploaded through the API is analysed off the main thread; its endpoints and clients are served', async () => {
  await withService(async (svc, _dir, _clock, client) => {
    const admin = client();
    await completeSetup(svc, admin);
    await admin.login('admin', ADMIN_PASSWORD);
    const junk = await admin.call('POST', '/api/v1/captures?name=notes.txt', undefined, { raw: Buffer.from('hello, not a capture') });
    assert.equal(junk.status, 400);
    assert.equal((junk.json as { error: { code: string } }).error.code, 'validation_failed');
    assert.equal((await admin.call('GET', '/api/v1/inventory/endpoints')).status, 404, 'nothing analysed yet');

    const pcap = writeScenarioCapture(null, generateScenario('keepalive', 3), { format: 'pcap' }).buffer!;
    const up = await admin.call('POST', '/api/v1/captures?name=keepalive.pcap', undefined, { raw: pcap });
    assert.equal(up.status, 202, JSON.stringify(up.json));
    const id = (up.json as { run: { id: number } }).run.id;
    let run: { status: string; transactions: number; error: string } = { status: 'running', transactions: 0, error: '' };
    for (let i = 0; i < 150 && run.status === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      run = ((await admin.call('GET', `/api/v1/captures/${id}`)).json as { run: typeof run }).run;
    }
    assert.equal(run.status, 'done', run.error);
    assert.equal(run.transactions, 6);
    const eps = (await admin.call('GET', '/api/v1/inventory/endpoints')).json as { run: { id: number }; endpoints: Array<{ host: string; method: string; calls: number }> };
    assert.equal(eps.run.id, id);
    assert.equal(eps.endpoints.reduce((n, e) => n + e.calls, 0), 6);
    assert.ok(eps.endpoints.every((e) => e.host === 'api.example.com'), JSON.stringify(eps.endpoints));
    const clients = (await admin.call('GET', '/api/v1/clients')).json as { clients: Array<{ calls: number }> };
    assert.equal(clients.clients[0].calls, 6);
    assert.ok(svc.services.audit.list(20).some((e) => e.action === 'capture.upload'));

    // The same calls are in the call log (DuckDB), searchable, charted and exportable.
    const range = 'from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z';
    const log = (await admin.call('GET', `/api/v1/calls?source=upload:${id}&limit=4`)).json as { calls: Array<{ host: string; time: string; method: string }>; next: string | null };
    assert.equal(log.calls.length, 4);
    assert.ok(log.next !== null);
    assert.ok(log.calls.every((c) => c.host === 'api.example.com' && !Number.isNaN(Date.parse(c.time))));
    const rest = (await admin.call('GET', `/api/v1/calls?source=upload:${id}&limit=4&cursor=${log.next}`)).json as { calls: unknown[]; next: string | null };
    assert.equal(rest.calls.length, 2);
    assert.equal(rest.next, null);
    const totals = (await admin.call('GET', `/api/v1/calls/totals?${range}`)).json as { calls: number; hosts: number };
    assert.equal(totals.calls, 6);
    assert.equal(totals.hosts, 1);
    const tl = (await admin.call('GET', `/api/v1/calls/timeline?${range}`)).json as { buckets: Array<{ calls: number }> };
    assert.equal(tl.buckets.reduce((n, b) => n + b.calls, 0), 6);
    const bad = await admin.call('GET', '/api/v1/calls?status=abc');
    assert.equal(bad.status, 400);
    const pq = await admin.call('GET', `/api/v1/calls/export?${range}`);
    assert.equal(pq.status, 200);
    assert.equal(pq.headers['x-rows'], '6');
    assert.equal(String(pq.headers['content-type']), 'application/vnd.apache.parquet');

    // The stored inventory has the endpoints; the same capture uploaded again does not count twice.
    const stored = (await admin.call('GET', '/api/v1/inventory/apis')).json as { endpoints: Array<{ calls: number; state: string }> };
    assert.equal(stored.endpoints.reduce((n, e) => n + e.calls, 0), 6);
    const again = (await admin.call('POST', '/api/v1/captures?name=again.pcap', undefined, { raw: pcap })).json as { run: { id: number } };
    for (let i = 0; i < 150; i++) {
      await new Promise((r) => setTimeout(r, 100));
      if (((await admin.call('GET', `/api/v1/captures/${again.run.id}`)).json as { run: { status: string } }).run.status !== 'running') break;
    }
    const after = (await admin.call('GET', '/api/v1/inventory/apis')).json as { endpoints: Array<{ calls: number }> };
    assert.equal(after.endpoints.reduce((n, e) => n + e.calls, 0), 6);
    const hosts = (await admin.call('GET', '/api/v1/inventory/hosts')).json as { hosts: Array<{ host: string; endpoints: number }> };
    assert.equal(hosts.hosts[0].host, 'api.example.com');
  });
});

test('sensitive values in request targets are masked in the call log', async () => {
  await withService(async (svc, _dir, _clock, client) => {
    const admin = client();
    await completeSetup(svc, admin);
    await admin.login('admin', ADMIN_PASSWORD);
    const scenario = generateScenario('sensitive-data', 7);
    const pcap = writeScenarioCapture(null, scenario, { format: 'pcap' }).buffer!;
    const id = ((await admin.call('POST', '/api/v1/captures?name=s.pcap', undefined, { raw: pcap })).json as { run: { id: number } }).run.id;
    let status = 'running';
    for (let i = 0; i < 150 && status === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = ((await admin.call('GET', `/api/v1/captures/${id}`)).json as { run: { status: string } }).run.status;
    }
    assert.equal(status, 'done');
    const all = (await admin.call('GET', '/api/v1/calls?limit=500')).json as { calls: Array<{ uri: string; sensitiveTypes: string[] }> };
    assert.ok(all.calls.length > 0);
    const withSensitive = all.calls.filter((c) => c.sensitiveTypes.length > 0);
    assert.ok(withSensitive.length > 0, 'some calls carry sensitive data');
    for (const c of all.calls) {
      assert.doesNotMatch(c.uri, /(?<![\d*])1[3-9]\d{9}(?!\d)/, `raw mobile number in ${c.uri}`);
      assert.doesNotMatch(c.uri, /(?<![\d*])\d{17}[\dXx](?!\d)/, `raw ID number in ${c.uri}`);
      assert.doesNotMatch(c.uri, /(?<![\d*])\d{16,19}(?!\d)/, `raw card number in ${c.uri}`);
      assert.doesNotMatch(c.uri, /AKIA[0-9A-Z]{16}/, `raw AWS key in ${c.uri}`);
    }
    assert.ok(all.calls.some((c) => /\*{4}|sha256%3A/.test(c.uri)), 'masked values are in the call log');
    const bySensitive = (await admin.call('GET', `/api/v1/calls?sensitive=${encodeURIComponent(withSensitive[0].sensitiveTypes[0])}&limit=500`)).json as { calls: unknown[] };
    assert.ok(bySensitive.calls.length >= 1);
  });
});
