// Checks, with apt's own parser (apt-config), the apt configuration the appliance ships for unattended upgrades:
// image-build/overlay/etc/apt/apt.conf.d/52api-radar-unattended-upgrades leaves only Debian's security origins of the
// default 50unattended-upgrades (bookworm's list as fixture) and no automatic reboot, and the 20auto-upgrades that
// host-apply.sh writes turns the daily run on and off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const overlay = fileURLToPath(new URL('../../../image-build/overlay/', import.meta.url));
const hasApt = spawnSync('apt-config', ['--version']).status === 0;

/** Bookworm's shipped Origins-Pattern list (unattended-upgrades 2.9.1). */
const DEBIAN_DEFAULT = `Unattended-Upgrade::Origins-Pattern {
        "origin=Debian,codename=\${distro_codename},label=Debian";
        "origin=Debian,codename=\${distro_codename},label=Debian-Security";
        "origin=Debian,codename=\${distro_codename}-security,label=Debian-Security";
};
`;

function aptDump(parts: string): string[] {
  const conf = join(parts, '..', 'apt.conf');
  writeFileSync(conf, `Dir::Etc::parts "${parts}";\nDir::Etc::main "/dev/null";\n`);
  const res = spawnSync('apt-config', ['dump'], { env: { ...process.env, APT_CONFIG: conf }, encoding: 'utf8' });
  assert.equal(res.status, 0, res.stderr);
  return res.stdout.split('\n').filter((l) => l.startsWith('Unattended-Upgrade') || l.startsWith('APT::Periodic'));
}

test('only security origins, no automatic reboot; 20auto-upgrades from host-apply.sh switches the daily run', { skip: hasApt ? false : 'apt-config is not installed (not a Debian host)' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'radar-apt-'));
  try {
    const parts = join(dir, 'etc/apt/apt.conf.d');
    mkdirSync(parts, { recursive: true });
    writeFileSync(join(parts, '50unattended-upgrades'), DEBIAN_DEFAULT);
    copyFileSync(join(overlay, 'etc/apt/apt.conf.d/52api-radar-unattended-upgrades'), join(parts, '52api-radar-unattended-upgrades'));
    const patterns = aptDump(parts).filter((l) => l.startsWith('Unattended-Upgrade::Origins-Pattern:: '));
    assert.deepEqual(patterns, [
      'Unattended-Upgrade::Origins-Pattern:: "origin=Debian,codename=${distro_codename},label=Debian-Security";',
      'Unattended-Upgrade::Origins-Pattern:: "origin=Debian,codename=${distro_codename}-security,label=Debian-Security";',
    ]);
    assert.ok(aptDump(parts).includes('Unattended-Upgrade::Automatic-Reboot "false";'));

    mkdirSync(join(dir, 'var/lib/api-radar/host'), { recursive: true });
    mkdirSync(join(dir, 'bin'));
    writeFileSync(join(dir, 'bin/systemctl'), '#!/bin/sh\n', { mode: 0o755 });
    for (const [setting, value] of [['off', '0'], ['on', '1']] as const) {
      writeFileSync(join(dir, 'var/lib/api-radar/host/desired.conf'), `auto-upgrades=${setting}\n`);
      const res = spawnSync('sh', [join(overlay, 'usr/lib/api-radar/host-apply.sh')], { env: { PATH: `${dir}/bin:/usr/bin:/bin`, API_RADAR_ROOT: dir }, encoding: 'utf8' });
      assert.equal(res.status, 0, res.stderr);
      assert.ok(existsSync(join(parts, '20auto-upgrades')));
      const dump = aptDump(parts);
      assert.ok(dump.includes(`APT::Periodic::Unattended-Upgrade "${value}";`), dump.join('\n'));
      assert.ok(dump.includes(`APT::Periodic::Update-Package-Lists "${value}";`));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
