// Integration test of the host settings through the running service and the root apply script: the desired-state
// file is written at start and on every change of the NTP servers (wizard / Settings → System) or of unattended
// upgrades, `host-apply.sh` (run here in a temporary root with a stubbed systemctl) applies it, and
// `GET /system/host` shows what was applied, whether a change is pending, and timedatectl's sync state (a stub).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adminClient, withService } from '../server/service.harness.ts';
import type { HostSettingsStatus } from '../../../appliance/src/services/host-settings.service.ts';

const applyScript = fileURLToPath(new URL('../../../image-build/overlay/usr/lib/api-radar/host-apply.sh', import.meta.url));

test('NTP servers and unattended upgrades reach the host and are read back with the sync state', async () => {
  const root = mkdtempSync(join(tmpdir(), 'radar-host-root-'));
  const statusFile = join(root, 'status.conf');
  mkdirSync(join(root, 'bin'));
  writeFileSync(join(root, 'bin/systemctl'), `#!/bin/sh\necho "$*" >> "${root}/calls.log"\n`, { mode: 0o755 });
  const timedatectl = join(root, 'bin/timedatectl');
  writeFileSync(
    timedatectl,
    `#!/bin/sh\nif [ "$1" = show ]; then printf 'NTP=yes\\nNTPSynchronized=yes\\n'; else printf 'SystemNTPServers=ntp.aliyun.com 10.0.0.1\\nServerName=ntp.aliyun.com\\nServerAddress=203.107.6.88\\nPollIntervalUSec=1min 4s\\n'; fi\n`,
    { mode: 0o755 },
  );
  try {
    await withService(
      async (svc, dir, _clock, client) => {
        const desired = join(dir, 'host/desired.conf');
        assert.match(readFileSync(desired, 'utf8'), /\nntp=pool\.ntp\.org\nauto-upgrades=on\n$/, 'defaults published at start');
        const apply = (): void => {
          const res = spawnSync('sh', [applyScript], { env: { PATH: `${root}/bin:/usr/bin:/bin`, API_RADAR_ROOT: root, API_RADAR_HOST_DESIRED: desired, API_RADAR_HOST_STATUS: statusFile }, encoding: 'utf8' });
          assert.equal(res.status, 0, res.stderr);
        };

        const admin = await adminClient(svc, client);
        assert.equal((await client().call('GET', '/api/v1/system/host')).status, 401);
        assert.deepEqual((await admin.call('GET', '/api/v1/settings/upgrades')).json, { upgrades: { automaticSecurityUpdates: true } });
        let host = ((await admin.call('GET', '/api/v1/system/host')).json as { host: HostSettingsStatus }).host;
        assert.equal(host.applied, null);
        assert.equal(host.pending, true);

        assert.equal((await admin.call('PUT', '/api/v1/settings/system', { timezone: 'Asia/Shanghai', ntpServers: ['ntp.aliyun.com', '10.0.0.1'] })).status, 200);
        assert.equal((await admin.call('PUT', '/api/v1/settings/upgrades', { automaticSecurityUpdates: false })).status, 200);
        assert.equal((await admin.call('PUT', '/api/v1/settings/upgrades', { automaticSecurityUpdates: 'no' })).status, 400);
        assert.equal((await admin.call('PUT', '/api/v1/settings/system', { timezone: 'Asia/Shanghai', ntpServers: ['a-.example'] })).status, 400);
        assert.match(readFileSync(desired, 'utf8'), /\nntp=ntp\.aliyun\.com 10\.0\.0\.1\nauto-upgrades=off\n$/);
        apply();
        assert.match(readFileSync(join(root, 'etc/systemd/timesyncd.conf.d/api-radar.conf'), 'utf8'), /\[Time\]\nNTP=ntp\.aliyun\.com 10\.0\.0\.1\n/);
        assert.match(readFileSync(join(root, 'etc/apt/apt.conf.d/20auto-upgrades'), 'utf8'), /Unattended-Upgrade "0";/);

        host = ((await admin.call('GET', '/api/v1/system/host')).json as { host: HostSettingsStatus }).host;
        assert.deepEqual(host.desired, { ntpServers: ['ntp.aliyun.com', '10.0.0.1'], automaticSecurityUpdates: false });
        assert.equal(host.applied?.result, 'ok');
        assert.deepEqual(host.applied?.ntpServers, ['ntp.aliyun.com', '10.0.0.1']);
        assert.equal(host.pending, false);
        assert.deepEqual(host.timeSync, { ntpEnabled: true, synchronized: true, serverName: 'ntp.aliyun.com', serverAddress: '203.107.6.88', servers: ['ntp.aliyun.com', '10.0.0.1'], pollIntervalSeconds: 64 });

        // a change not yet applied is pending; the time zone alone does not rewrite the file
        const before = readFileSync(desired, 'utf8');
        assert.equal((await admin.call('PUT', '/api/v1/settings/system', { timezone: 'UTC', ntpServers: ['ntp.aliyun.com', '10.0.0.1'] })).status, 200);
        assert.equal(readFileSync(desired, 'utf8'), before);
        assert.equal((await admin.call('PUT', '/api/v1/settings/upgrades', { automaticSecurityUpdates: true })).status, 200);
        host = ((await admin.call('GET', '/api/v1/system/host')).json as { host: HostSettingsStatus }).host;
        assert.equal(host.pending, true);
        assert.ok(svc.services.audit.list(50).some((e) => e.action === 'settings.upgrades'), 'the change is audited');
      },
      { host: { statusFile, timedatectl } },
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('without timedatectl the sync state is null, not an error', async () => {
  await withService(
    async (svc, _dir, _clock, client) => {
      const admin = await adminClient(svc, client);
      const r = await admin.call('GET', '/api/v1/system/host');
      assert.equal(r.status, 200);
      assert.equal((r.json as { host: HostSettingsStatus }).host.timeSync, null);
    },
    { host: { statusFile: '/nonexistent/status.conf', timedatectl: '/nonexistent/timedatectl' } },
  );
});
