// The console menu's admin password reset end to end (image-build/overlay/usr/lib/api-radar/console-menu.sh and
// appliance/src/services/console-reset.service.ts): the menu writes the request and restarts the service (a stub
// here; the test starts the real service on the same data directory), the service consumes it at start, the menu
// prints the new password, which signs in while the old one no longer does. Also the refused requests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { startService } from '../../../appliance/src/service.runtime.ts';
import { Client } from '../../../scripts/lib/service.client.ts';
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
    } finally {
      child.kill();
      await second.close();
    }
  });
});

test('refused requests leave the password alone and say why', async () => {
  await withConsoleRoot(async (r) => {
    const config = { dataDir: r.dataDir, host: '127.0.0.1', httpsPort: 0, httpPort: 0, uiDir: join(r.dir, 'no-ui'), captureInterface: '', publicUrl: '' };
    const request = join(r.dataDir, 'console-reset-admin');
    const result = join(r.dataDir, 'console-reset-admin.result');
    const logs: string[] = [];
    // before setup there is no admin
    writeFileSync(request, 'user=\npassword=Abcd-Efgh-2345-Jkmn\n');
    let svc = await startService(config, { log: (l) => logs.push(l) });
    assert.equal(readFileSync(result, 'utf8'), 'error there is no admin account (finish setup first)\n');
    const ca = readFileSync(join(r.dataDir, 'tls', 'cert.pem'));
    assert.equal((await new Client(svc.httpsPort, ca).call('POST', '/api/v1/setup/complete', { token: svc.newSetupToken, username: 'alice', password: 'Old-Password-2026' })).status, 200);
    await svc.close();

    const cases: Array<[string, string]> = [
      ['user=bob\npassword=Abcd-Efgh-2345-Jkmn\n', 'error no admin account has that name\n'],
      ['user=alice\npassword=short\n', 'error the new password breaks the rules'],
      ['user=alice\n', 'error the request holds no password\n'],
    ];
    for (const [text, expected] of cases) {
      writeFileSync(request, text);
      svc = await startService(config, { log: () => {} });
      await svc.close();
      assert.ok(readFileSync(result, 'utf8').startsWith(expected), readFileSync(result, 'utf8'));
      assert.equal(existsSync(request), false);
    }
    // a link is not read (it could point at a file the service should not disclose or use)
    const target = join(r.dir, 'elsewhere');
    writeFileSync(target, 'user=alice\npassword=Abcd-Efgh-2345-Jkmn\n');
    symlinkSync(target, request);
    svc = await startService(config, { log: () => {} });
    try {
      assert.equal(readFileSync(result, 'utf8'), 'error the request is not a regular file\n');
      assert.equal(existsSync(target), true, 'the link is removed, not its target');
      assert.equal((await new Client(svc.httpsPort, ca).login('alice', 'Old-Password-2026')).status, 200, 'the password is unchanged');
    } finally {
      await svc.close();
    }
  });
});
