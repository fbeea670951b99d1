// The console menu's admin password reset end to end (image-build/overlay/usr/lib/api-radar/console-menu.sh and
// appliance/src/services/console-reset.service.ts): the menu writes the request and restarts the service (a stub
// here; the test starts the real service on the same data directory), the service consumes it at start, the menu
// prints the new password, which signs in while the old one no longer does. Also the refused requests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startService } from '../../../appliance/src/service.runtime.ts';
import { Client } from '../../../scripts/lib/service.client.ts';
import { openStateDatabase } from '../../../appliance/src/store/sqlite/state.database.ts';
import { UsersRepository } from '../../../appliance/src/store/sqlite/users.repository.ts';
import { SessionsRepository } from '../../../appliance/src/store/sqlite/sessions.repository.ts';
import { AuditRepository } from '../../../appliance/src/store/sqlite/audit.repository.ts';
import { ManualClock } from '../../../appliance/src/store/clock.repository.ts';
import { hashPassword } from '../../../appliance/src/services/password.hasher.ts';
import { consumeConsoleReset, CONSOLE_RESET_REQUEST, CONSOLE_RESET_RESULT } from '../../../appliance/src/services/console-reset.service.ts';
import { MENU, withConsoleRoot } from './console.harness.ts';

test('reset admin password: the service consumes the request, the printed password signs in, the old one does not', async () => {
  await withConsoleRoot(async (r) => {
    const config = { dataDir: r.dataDir, host: '127.0.0.1', httpsPort: 0, httpPort: 0, uiDir: join(r.dir, 'no-ui'), captureInterface: '', publicUrl: '' };
    const first = await startService(config, { log: () => {} });
    const ca = readFileSync(join(r.dataDir, 'tls', 'cert.pem'));
    const setup = await new Client(first.httpsPort, ca).call('POST', '/api/v1/setup/complete', { token: first.newSetupToken, username: 'alice', password: 'Old-Password-2026' });
    assert.equal(setup.status, 200);
    await first.close();

    // the menu runs concurrently: its stubbed systemctl only logs, so the test restarts the service itself
    const child = spawn('bash', [MENU], { env: r.env });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stdin.write('3\nALICE\ny\n');
    const requested = Date.now() + 10_000;
    while (!r.calls().includes('systemctl restart api-radar.service') && Date.now() < requested) await new Promise((res) => setTimeout(res, 50));
    const request = readFileSync(join(r.dataDir, 'console-reset-admin'), 'utf8');
    assert.match(request, /^user=ALICE\npassword=[A-HJ-NP-Za-km-z2-9]{4}(-[A-HJ-NP-Za-km-z2-9]{4}){3}\n$/);

    const logs: string[] = [];
    const second = await startService(config, { log: (l) => logs.push(l) });
    try {
      assert.ok(logs.includes('console password reset: ok alice'), logs.join('\n'));
      assert.equal(existsSync(join(r.dataDir, 'console-reset-admin')), false, 'the request is consumed');
      const printed = Date.now() + 10_000;
      while (!/New password of alice: \S+/.test(stdout) && Date.now() < printed) await new Promise((res) => setTimeout(res, 50));
      const password = /New password of alice: (\S+)/.exec(stdout)?.[1];
      assert.equal(password, /password=(\S+)/.exec(request)?.[1]);
      child.stdin.end('\n');
      await new Promise((res) => child.once('close', res));
      assert.equal(existsSync(join(r.dataDir, 'console-reset-admin.result')), false, 'the menu removes the result');

      const c = new Client(second.httpsPort, ca);
      assert.equal((await c.login('alice', 'Old-Password-2026')).status, 401);
      assert.equal((await c.login('alice', password!)).status, 200);
      assert.ok(second.services.audit.list(50).some((e) => e.action === 'user.password_reset' && e.target === 'user:alice' && e.ip === 'console'), 'the reset is audited');
    } finally {
      child.kill();
      await second.close();
    }
  });
});

test('refused requests leave the password alone and say why', async () => {
  await withConsoleRoot(async (r) => {
    const db = openStateDatabase(join(r.dataDir, 'state.sqlite'));
    const users = new UsersRepository(db);
    const deps = { users, sessions: new SessionsRepository(db), audit: new AuditRepository(db), clock: new ManualClock() };
    const request = join(r.dataDir, CONSOLE_RESET_REQUEST);
    const consume = async (text: string): Promise<string> => {
      writeFileSync(request, text);
      assert.match((await consumeConsoleReset(r.dataDir, deps)) ?? '', /^console password reset: /);
      assert.equal(existsSync(request), false, 'the request is removed whatever the outcome');
      return readFileSync(join(r.dataDir, CONSOLE_RESET_RESULT), 'utf8');
    };
    try {
      assert.equal(await consumeConsoleReset(r.dataDir, deps), null, 'no request, nothing done');
      assert.equal(await consume('user=\npassword=Abcd-Efgh-2345-Jkmn\n'), 'error there is no admin account (finish setup first)\n');
      const hash = await hashPassword('Old-Password-2026');
      users.create('alice', hash, 'admin', 0);
      users.create('victor', hash, 'viewer', 0);
      assert.equal(await consume('user=victor\npassword=Abcd-Efgh-2345-Jkmn\n'), 'error no admin account has that name\n', 'only admins are reset');
      assert.equal(await consume('user=bob\npassword=Abcd-Efgh-2345-Jkmn\n'), 'error no admin account has that name\n');
      assert.match(await consume('user=alice\npassword=short\n'), /^error the new password breaks the rules: /);
      assert.equal(await consume('user=alice\n'), 'error the request holds no password\n');
      // a link is not read (it could point at a file the service should not use), and only the link is removed
      const target = join(r.dir, 'elsewhere');
      writeFileSync(target, 'user=alice\npassword=Abcd-Efgh-2345-Jkmn\n');
      symlinkSync(target, request);
      assert.match((await consumeConsoleReset(r.dataDir, deps)) ?? '', /not a regular file/);
      assert.equal(existsSync(target), true);
      assert.equal(users.byName('alice')?.passwordHash, hash, 'the password is unchanged');
      assert.equal(users.byName('victor')?.passwordHash, hash);
    } finally {
      db.close();
    }
  });
});
