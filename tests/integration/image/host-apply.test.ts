// Tests of the root script that applies the service's desired host settings (image-build/overlay/usr/lib/api-radar/
// host-apply.sh) in a temporary root with a stubbed systemctl on PATH: the timesyncd drop-in and 20auto-upgrades
// written from a valid file, timesyncd restarted only on change, and every malformed or hostile file (injection,
// unknown keys, links, oversize) refused without changing anything. Also checks that the service's validation of NTP
// servers and the script's agree, and that the file the service writes is one the script applies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isNtpServer, DEFAULT_SYSTEM } from '../../../appliance/src/services/settings.service.ts';
import { desiredStateText, parseApplyStatus } from '../../../appliance/src/services/host-settings.service.ts';

const scripts = fileURLToPath(new URL('../../../image-build/overlay/usr/lib/api-radar/', import.meta.url));

interface Root {
  dir: string;
  desired: string;
  dropIn: string;
  upgrades: string;
  status: string;
  calls: () => string[];
  apply: () => { status: number | null; stderr: string };
}

function withRoot(fn: (r: Root) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'radar-host-apply-'));
  try {
    mkdirSync(join(dir, 'bin'));
    mkdirSync(join(dir, 'var/lib/api-radar/host'), { recursive: true });
    writeFileSync(join(dir, 'bin/systemctl'), `#!/bin/sh\necho "$*" >> "${dir}/calls.log"\n`, { mode: 0o755 });
    const r: Root = {
      dir,
      desired: join(dir, 'var/lib/api-radar/host/desired.conf'),
      dropIn: join(dir, 'etc/systemd/timesyncd.conf.d/api-radar.conf'),
      upgrades: join(dir, 'etc/apt/apt.conf.d/20auto-upgrades'),
      status: join(dir, 'var/lib/api-radar-host/status.conf'),
      calls: () => (existsSync(join(dir, 'calls.log')) ? readFileSync(join(dir, 'calls.log'), 'utf8').trim().split('\n') : []),
      apply: () => {
        const res = spawnSync('sh', [join(scripts, 'host-apply.sh')], { env: { PATH: `${dir}/bin:/usr/bin:/bin`, API_RADAR_ROOT: dir }, encoding: 'utf8' });
        return { status: res.status, stderr: res.stderr };
      },
    };
    fn(r);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function status(r: Root): ReturnType<typeof parseApplyStatus> {
  return parseApplyStatus(readFileSync(r.status, 'utf8'));
}

test('a valid desired state becomes a timesyncd drop-in and 20auto-upgrades; timesyncd restarts only on change', () => {
  withRoot((r) => {
    writeFileSync(r.desired, '# comment\nntp=ntp.aliyun.com  10.0.0.1\nauto-upgrades=off\n');
    assert.equal(r.apply().status, 0);
    assert.equal(readFileSync(r.dropIn, 'utf8').split('\n').slice(1).join('\n'), '[Time]\nNTP=ntp.aliyun.com 10.0.0.1\n');
    assert.match(readFileSync(r.upgrades, 'utf8'), /APT::Periodic::Update-Package-Lists "0";\nAPT::Periodic::Unattended-Upgrade "0";/);
    assert.deepEqual(r.calls(), ['restart systemd-timesyncd.service']);
    const s = status(r);
    assert.equal(s?.result, 'ok');
    assert.deepEqual(s?.ntpServers, ['ntp.aliyun.com', '10.0.0.1']);
    assert.equal(s?.automaticSecurityUpdates, false);

    writeFileSync(r.desired, 'ntp=ntp.aliyun.com 10.0.0.1\nauto-upgrades=on\n');
    assert.equal(r.apply().status, 0);
    assert.deepEqual(r.calls(), ['restart systemd-timesyncd.service'], 'same servers: no second restart');
    assert.match(readFileSync(r.upgrades, 'utf8'), /Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "1";/);

    writeFileSync(r.desired, 'ntp=\nauto-upgrades=on\n');
    assert.equal(r.apply().status, 0);
    assert.equal(existsSync(r.dropIn), false, 'no servers: timesyncd falls back to its own defaults');
    assert.deepEqual(r.calls(), ['restart systemd-timesyncd.service', 'restart systemd-timesyncd.service']);
  });
});

test('the file the service writes is applied as it is', () => {
  withRoot((r) => {
    writeFileSync(r.desired, desiredStateText({ timezone: 'Asia/Shanghai', ntpServers: ['cn.pool.ntp.org', '192.168.1.1'] }, { automaticSecurityUpdates: true }));
    assert.equal(r.apply().status, 0);
    assert.deepEqual(status(r)?.ntpServers, ['cn.pool.ntp.org', '192.168.1.1']);
    assert.equal(status(r)?.automaticSecurityUpdates, true);
    writeFileSync(r.desired, desiredStateText(DEFAULT_SYSTEM, { automaticSecurityUpdates: false }));
    assert.equal(r.apply().status, 0);
    assert.deepEqual(status(r)?.ntpServers, DEFAULT_SYSTEM.ntpServers);
  });
});

test('a change written while the script runs is applied before it ends', () => {
  withRoot((r) => {
    // the stubbed timesyncd restart stands for the moment the service saves again: the path unit would miss it
    writeFileSync(join(r.dir, 'bin/systemctl'), `#!/bin/sh\necho "$*" >> "${r.dir}/calls.log"\nprintf 'ntp=second.example\\nauto-upgrades=off\\n' > "${r.desired}"\n`, { mode: 0o755 });
    writeFileSync(r.desired, 'ntp=first.example\nauto-upgrades=on\n');
    assert.equal(r.apply().status, 0);
    assert.match(readFileSync(r.dropIn, 'utf8'), /\nNTP=second\.example\n/);
    assert.match(readFileSync(r.upgrades, 'utf8'), /Unattended-Upgrade "0";/);
    assert.deepEqual(status(r)?.ntpServers, ['second.example']);
    assert.equal(r.calls().length, 2, 'one restart per server list');
  });
});

test('hostile or malformed files change nothing and are reported', () => {
  const bad: Array<[string, string]> = [
    ['ntp=ntp.aliyun.com; rm -rf /\n', 'not a host name'],
    ['ntp=$(reboot)\n', 'not a host name'],
    ['ntp=a.example\n[Time]\n', 'line 2'],
    ['ntp=*\n', 'not a host name'],
    ['ntp=a.example\tb.example\n', 'not a host name'],
    ['ntp=-a.example\n', 'not a host name'],
    ['ntp=999.1.1.1\n', 'not a host name'],
    [`ntp=${Array.from({ length: 9 }, (_, i) => `n${i}.example`).join(' ')}\n`, 'more than 8'],
    ['auto-upgrades=maybe\n', 'line 1'],
    ['NTP=pool.ntp.org\n', 'line 1'],
    [`# ${'x'.repeat(5000)}\nntp=pool.ntp.org\n`, 'larger than'],
  ];
  for (const [text, why] of bad) {
    withRoot((r) => {
      writeFileSync(r.desired, text);
      const res = r.apply();
      assert.equal(res.status, 1, JSON.stringify(text));
      assert.equal(existsSync(r.dropIn), false);
      assert.equal(existsSync(r.upgrades), false);
      assert.deepEqual(r.calls(), []);
      assert.equal(status(r)?.result, 'error');
      assert.ok(status(r)?.error?.includes(why), `${JSON.stringify(text)}: ${status(r)?.error}`);
    });
  }
});

test('a link in place of the desired-state file is not followed', () => {
  withRoot((r) => {
    const secret = join(r.dir, 'secret');
    writeFileSync(secret, 'ntp=pool.ntp.org\n');
    symlinkSync(secret, r.desired);
    assert.equal(r.apply().status, 1);
    assert.equal(existsSync(r.dropIn), false);
    assert.match(status(r)?.error ?? '', /not a regular file/);
  });
});

test('no desired state yet is not an error', () => {
  withRoot((r) => {
    assert.equal(r.apply().status, 0);
    assert.equal(status(r)?.result, 'ok');
    assert.deepEqual(r.calls(), []);
  });
});

test('the service and the root script agree on what an NTP server is', () => {
  const cases = ['pool.ntp.org', 'ntp.aliyun.com', 'time-a.example', 'a', 'A1.B2', '10.0.0.1', '255.255.255.255', '0.0.0.0', 'x'.repeat(63) + '.example',
    'x'.repeat(64) + '.example', '256.1.1.1', '1.2.3', '01.2.3.4', '1.2.3.4.5', 'a-.example', '-a.example', 'a..example', 'a.example.', 'a_b.example', '', 'a b', 'a;b',
    '::1', 'fe80::1', 'ex ample', `${'a.'.repeat(126)}a`, `${'a.'.repeat(127)}a`];
  const script = `. "${scripts}host-validate.sh"; for h in "$@"; do if valid_host "$h"; then echo 1; else echo 0; fi; done`;
  const res = spawnSync('sh', ['-c', script, 'sh', ...cases], { encoding: 'utf8' });
  assert.equal(res.status, 0, res.stderr);
  const shell = res.stdout.trim().split('\n').map((l) => l === '1');
  assert.deepEqual(cases.map((c, i) => [c, shell[i]]), cases.map((c) => [c, isNtpServer(c)]));
  assert.ok(shell.filter(Boolean).length >= 8 && shell.filter((x) => !x).length >= 10, 'both kinds of case are present');
});
