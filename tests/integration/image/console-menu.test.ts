// Tests of the tty1 console menu (image-build/overlay/usr/lib/api-radar/console-menu.sh) driven through stdin in a
// temporary root (networkd file, fake /sys/class/net, data directory) with systemctl and networkctl stubbed on PATH:
// static address and DHCP written for the management NIC's MAC and applied, bad input refused without a change,
// the setup token, restart/reboot/shut down only after confirmation. The admin password reset is in
// console-reset.test.ts (it starts the real service).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DHCP_FILE, MAC, withConsoleRoot } from './console.harness.ts';

test('the banner stays above the menu and shows the management NIC', () => {
  withConsoleRoot((r) => {
    const out = r.run('');
    assert.equal(out.status, 0, 'end of input ends the menu');
    assert.ok(out.stdout.startsWith('API Radar 9.9.9\n\n  Open https://10.0.2.15/ in a browser\n'), out.stdout);
    assert.match(out.stdout, new RegExp(`Management NIC: ens3 \\(${MAC}\\), DHCP`));
    assert.match(out.stdout, /1\) Set a static IPv4 address[\s\S]*7\) Shut down/);
  });
});

test('a static address is written for the management NIC and applied; DHCP goes back', () => {
  withConsoleRoot((r) => {
    const out = r.run('1\n192.168.7.20/24\n192.168.7.1\n1.1.1.1 9.9.9.9\ny\n\n');
    assert.match(out.stdout, /Applied\./);
    assert.equal(
      readFileSync(r.networkFile, 'utf8'),
      `# Management NIC, written by the API Radar console menu.\n[Match]\nMACAddress=${MAC}\n\n[Network]\nAddress=192.168.7.20/24\nGateway=192.168.7.1\nDNS=1.1.1.1\nDNS=9.9.9.9\n`,
    );
    assert.deepEqual(r.calls(), ['networkctl reload', 'networkctl reconfigure ens3', 'systemctl start api-radar-banner.service']);
    assert.match(out.stdout, /Management NIC: ens3 \([^)]+\), static 192\.168\.7\.20\/24/, 'the redrawn menu shows the new mode');

    r.run('2\ny\n\n');
    assert.match(readFileSync(r.networkFile, 'utf8'), new RegExp(`\\[Match\\]\\nMACAddress=${MAC}\\n\\n\\[Network\\]\\nDHCP=yes\\n$`));
    assert.equal(r.calls().length, 6);
  });
});

test('an address without gateway or DNS is fine', () => {
  withConsoleRoot((r) => {
    r.run('1\n10.1.2.3/16\n\n\ny\n\n');
    assert.match(readFileSync(r.networkFile, 'utf8'), /\[Network\]\nAddress=10\.1\.2\.3\/16\n$/);
  });
});

test('bad input or no confirmation changes nothing', () => {
  const inputs = [
    '1\n192.168.7.20\n',
    '1\n192.168.7.256/24\n',
    '1\n192.168.7.20/33\n',
    '1\n192.168.7.20/24; reboot\n',
    '1\n192.168.7.20/24\n10.0.0.1\n',
    '1\n192.168.7.20/24\n192.168.7.1\n1.1.1.1 dns.example\n',
    '1\n192.168.7.20/24\n192.168.7.1\n\nn\n',
    '1\n192.168.7.20/24\n192.168.7.1\n\n\n',
    '2\nn\n',
    '6\nn\n',
    '7\n\n',
    '8\n',
    'x\n',
  ];
  withConsoleRoot((r) => {
    for (const input of inputs) {
      const out = r.run(`${input}\n`);
      assert.equal(out.status, 0);
      assert.equal(readFileSync(r.networkFile, 'utf8'), DHCP_FILE, JSON.stringify(input));
      assert.deepEqual(r.calls(), [], JSON.stringify(input));
    }
  });
});

test('restart, reboot and shut down go through systemctl', () => {
  withConsoleRoot((r) => {
    r.run('5\n\n6\ny\n\n7\nyes\n\n');
    assert.deepEqual(r.calls(), ['systemctl restart api-radar.service', 'systemctl reboot', 'systemctl poweroff']);
  });
});

test('the setup token is shown while setup is pending; the reset offers it instead of a password', () => {
  withConsoleRoot((r) => {
    writeFileSync(join(r.dataDir, 'setup-token'), 'AbC_12-xyz\x1b[2J\n');
    const out = r.run('4\n\n3\n\n');
    assert.equal(out.stdout.match(/Setup token: AbC_12-xyz2J\n/g)?.length, 2, 'shown twice, control characters removed');
    assert.match(out.stdout, /Setup is not complete yet/);
    assert.deepEqual(r.calls(), []);
    rmSync(join(r.dataDir, 'setup-token'));
    assert.match(r.run('4\n\n').stdout, /Setup is complete: there is no setup token/);
    // the service owns the data directory: a link it plants is not followed by the root menu
    writeFileSync(join(r.dir, 'root-only'), 'RootOnlySecret\n');
    symlinkSync(join(r.dir, 'root-only'), join(r.dataDir, 'setup-token'));
    assert.doesNotMatch(r.run('4\n\n').stdout, /RootOnlySecret/);
  });
});
