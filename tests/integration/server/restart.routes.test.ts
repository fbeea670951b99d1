// "Restart service": refused when nothing supervises the service; under a supervisor the request is audited and
// the registered handler runs after the answer; and the real entry point under systemd's environment exits with the
// code the unit restarts on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminClient, Client, withService, ADMIN_PASSWORD } from './service.harness.ts';
import { RESTART_EXIT_CODE, supervisorFromEnv } from '../../../appliance/src/services/restart.service.ts';

test('restart: refused without a supervisor; with one, audited and run after the answer; admins only', async () => {
  await withService(async (svc, _dir, _clock, client) => {
    const admin = await adminClient(svc, client);
    assert.deepEqual((await admin.call('GET', '/api/v1/system/restart')).json, { restart: { supervised: false, supervisor: '' } });
    const refused = await admin.call('POST', '/api/v1/system/restart');
    assert.equal(refused.status, 409);
    assert.equal((refused.json as { error: { code: string } }).error.code, 'restart_unsupervised');

    let restarts = 0;
    svc.services.restart!.supervise('systemd', () => restarts++);
    await admin.call('POST', '/api/v1/users', { username: 'lin', password: 'Analyst-pass-99', role: 'analyst' });
    const lin = client();
    await lin.login('lin', 'Analyst-pass-99');
    assert.equal((await lin.call('POST', '/api/v1/system/restart')).status, 403);
    const ok = await admin.call('POST', '/api/v1/system/restart');
    assert.equal(ok.status, 202);
    assert.deepEqual(ok.json, { restart: { supervised: true, supervisor: 'systemd' } });
    assert.equal(restarts, 0, 'the answer goes out before the restart');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(restarts, 1);
    await admin.call('POST', '/api/v1/system/restart');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(restarts, 1, 'one restart however often it is asked for');
    const audit = (await admin.call('GET', '/api/v1/audit')).json as { entries: { action: string; username: string; detail: unknown }[] };
    const entries = audit.entries.filter((e) => e.action === 'system.restart');
    assert.equal(entries.length, 2);
    assert.equal(entries[0].username, 'admin');
    assert.deepEqual(entries[0].detail, { supervisor: 'systemd' });
  });
});

test('the supervisor is systemd when INVOCATION_ID is set, else none', () => {
  assert.equal(supervisorFromEnv({ INVOCATION_ID: '5e0c1f' }), 'systemd');
  assert.equal(supervisorFromEnv({ INVOCATION_ID: '' }), '');
  assert.equal(supervisorFromEnv({}), '');
});

/** A TCP port nobody listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('main.ts under systemd exits with the restart code after a restart request', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'radar-restart-'));
  const port = await freePort();
  const env = { ...process.env, INVOCATION_ID: 'test', API_RADAR_DATA_DIR: dir, API_RADAR_HOST: '127.0.0.1', API_RADAR_HTTPS_PORT: String(port), API_RADAR_HTTP_PORT: '0', API_RADAR_UI_DIR: join(dir, 'no-ui'), API_RADAR_CAPTURE_INTERFACE: '' };
  const child = spawn(process.execPath, ['--import', 'tsx', 'appliance/src/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    while (!/listening/.test(out)) {
      if (child.exitCode !== null) assert.fail(`the service stopped: ${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const token = readFileSync(join(dir, 'setup-token'), 'utf8').trim();
    const c = new Client(port, readFileSync(join(dir, 'tls', 'cert.pem')));
    assert.equal((await c.call('POST', '/api/v1/setup/complete', { token, username: 'admin', password: ADMIN_PASSWORD })).status, 200);
    await c.login('admin', ADMIN_PASSWORD);
    assert.deepEqual((await c.call('GET', '/api/v1/system/restart')).json, { restart: { supervised: true, supervisor: 'systemd' } });
    assert.equal((await c.call('POST', '/api/v1/system/restart')).status, 202);
    assert.equal(await exited, RESTART_EXIT_CODE, out);
    assert.match(out, /restart requested: shutting down/);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
