// Test harness of the console menu (image-build/overlay/usr/lib/api-radar/console-menu.sh): a temporary root with the
// management NIC's networkd file, a fake /sys/class/net, the banner and the data directory, and systemctl/networkctl
// stubs on PATH that log their arguments.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The console menu script. */
export const MENU = fileURLToPath(new URL('../../../image-build/overlay/usr/lib/api-radar/console-menu.sh', import.meta.url));
/** MAC address of the management NIC in the temporary root. */
export const MAC = '52:54:00:12:34:56';
/** The networkd file first boot writes (DHCP). */
export const DHCP_FILE = `[Match]\nMACAddress=${MAC}\n\n[Network]\nDHCP=yes\n`;

/** A temporary root for the menu. */
export interface ConsoleRoot {
  dir: string;
  dataDir: string;
  networkFile: string;
  env: NodeJS.ProcessEnv;
  /** Commands the stubs were called with, in order. */
  calls: () => string[];
  /** Runs the menu to the end of `input`. */
  run: (input: string) => { status: number | null; stdout: string };
}

/** Runs `fn` with a fresh temporary root, removed afterwards. */
export function withConsoleRoot(fn: (r: ConsoleRoot) => Promise<void> | void): Promise<void> | void {
  const dir = mkdtempSync(join(tmpdir(), 'radar-console-'));
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'bin'));
  mkdirSync(join(dir, 'etc/systemd/network'), { recursive: true });
  mkdirSync(join(dir, 'etc/issue.d'), { recursive: true });
  mkdirSync(join(dir, 'sys/class/net/ens3'), { recursive: true });
  mkdirSync(join(dir, 'sys/class/net/ens4'), { recursive: true });
  mkdirSync(join(dir, 'var/lib/api-radar'), { recursive: true });
  writeFileSync(join(dir, 'sys/class/net/ens3/address'), `${MAC}\n`);
  writeFileSync(join(dir, 'sys/class/net/ens4/address'), '52:54:00:65:43:21\n');
  writeFileSync(join(dir, 'etc/issue.d/api-radar.issue'), 'API Radar 9.9.9\n\n  Open https://10.0.2.15/ in a browser\n');
  const networkFile = join(dir, 'etc/systemd/network/10-management.network');
  writeFileSync(networkFile, DHCP_FILE);
  for (const cmd of ['systemctl', 'networkctl']) writeFileSync(join(dir, 'bin', cmd), `#!/bin/sh\necho "${cmd} $*" >> "${dir}/calls.log"\n`, { mode: 0o755 });
  const env = { PATH: `${dir}/bin:/usr/bin:/bin`, API_RADAR_ROOT: dir, API_RADAR_SYSFS: join(dir, 'sys'), API_RADAR_SERVICE_USER: '', API_RADAR_MENU_REFRESH: '5', API_RADAR_RESET_WAIT: '60' };
  const r: ConsoleRoot = {
    dir,
    dataDir: join(dir, 'var/lib/api-radar'),
    networkFile,
    env,
    calls: () => (existsSync(join(dir, 'calls.log')) ? readFileSync(join(dir, 'calls.log'), 'utf8').trim().split('\n') : []),
    run: (input) => {
      const res = spawnSync('bash', [MENU], { env, input, encoding: 'utf8', timeout: 20_000 });
      return { status: res.status, stdout: res.stdout };
    },
  };
  let result: Promise<void> | void;
  try {
    result = fn(r);
  } catch (err) {
    cleanup();
    throw err;
  }
  if (result instanceof Promise) return result.finally(cleanup);
  cleanup();
}

