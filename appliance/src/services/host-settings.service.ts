/**
 * Host settings the unprivileged service cannot apply itself: the NTP servers of systemd-timesyncd and unattended
 * security upgrades. The service writes their desired state to `<data>/host/desired.conf` whenever they change (and
 * at start); on the appliance image a root path unit (`api-radar-host-apply.path` → `host-apply.sh`) validates that
 * file, applies it and records the outcome in `/var/lib/api-radar-host/status.conf`, which is read back here together
 * with the clock's sync state from `timedatectl`. On hosts without the apply unit (the installer) the file is only
 * written and the status says nothing was applied.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isNtpServer, type SettingsService, type SystemSettings, type UpgradeSettings } from './settings.service.ts';

/** Desired-state file, relative to the data directory (watched by api-radar-host-apply.path). */
export const HOST_DESIRED_FILE = 'host/desired.conf';
/** Where the root apply script records what it applied. */
export const DEFAULT_HOST_STATUS_FILE = '/var/lib/api-radar-host/status.conf';

/** The clock's synchronisation as systemd-timesyncd reports it. */
export interface TimeSyncStatus {
  /** Whether NTP synchronisation is switched on. */
  ntpEnabled: boolean;
  /** Whether the kernel clock is synchronised. */
  synchronized: boolean;
  /** The server in use (name), or null. */
  serverName: string | null;
  /** Its address, or null. */
  serverAddress: string | null;
  /** The servers timesyncd is configured with (per link, its configuration and drop-ins, run time), else its fallbacks. */
  servers: string[];
  /** Current poll interval, or null. */
  pollIntervalSeconds: number | null;
}

/** What the root apply script last did. */
export interface HostApplyStatus {
  /** `error`: the desired state was refused or could not be applied; nothing (or only part) changed. */
  result: 'ok' | 'error';
  /** When, in epoch ms. */
  at: number;
  /** NTP servers applied, or null when that run did not touch them. */
  ntpServers: string[] | null;
  /** Upgrade setting applied, or null when that run did not touch it. */
  automaticSecurityUpdates: boolean | null;
  /** Why it failed. */
  error: string | null;
}

/** Desired and applied host settings with the clock's sync state. */
export interface HostSettingsStatus {
  desired: { ntpServers: string[]; automaticSecurityUpdates: boolean };
  /** Null when nothing has applied host settings on this machine (no apply unit, e.g. an installer host). */
  applied: HostApplyStatus | null;
  /** Whether the desired state differs from what was last applied. */
  pending: boolean;
  /** Null when `timedatectl` cannot be read (no systemd, no D-Bus). */
  timeSync: TimeSyncStatus | null;
}

/** Options of {@link HostSettingsService}. */
export interface HostSettingsOptions {
  /** The apply script's status file (default {@link DEFAULT_HOST_STATUS_FILE}). */
  statusFile?: string;
  /** The `timedatectl` command (default: from PATH). */
  timedatectl?: string;
}

const IP_ADDRESS = /^[0-9a-f.:]{2,45}$/i;

/** The desired-state file's text (format documented in host-apply.sh). */
export function desiredStateText(system: SystemSettings, upgrades: UpgradeSettings): string {
  return `# Written by the API Radar service; applied as root by api-radar-host-apply.service.\nntp=${system.ntpServers.join(' ')}\nauto-upgrades=${upgrades.automaticSecurityUpdates ? 'on' : 'off'}\n`;
}

/** `key=value` lines (systemctl/timedatectl `show` output, the apply status file) as a map; other lines ignored. */
export function parseKeyValues(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return out;
}

/** The apply status file's content, or null when it is not a status file. */
export function parseApplyStatus(text: string): HostApplyStatus | null {
  const kv = parseKeyValues(text);
  const result = kv.get('result');
  const at = Number(kv.get('at'));
  if ((result !== 'ok' && result !== 'error') || !Number.isFinite(at)) return null;
  const ntp = kv.get('ntp');
  const upgrades = kv.get('auto-upgrades');
  return {
    result,
    at: at * 1000,
    ntpServers: ntp === undefined ? null : ntp.split(' ').filter(isNtpServer),
    automaticSecurityUpdates: upgrades === 'on' ? true : upgrades === 'off' ? false : null,
    error: kv.get('error')?.replace(/[^\x20-\x7e]/g, '').slice(0, 200) ?? null,
  };
}

const SPAN_UNITS: Record<string, number> = { us: 1e-6, ms: 1e-3, s: 1, min: 60, h: 3600, d: 86_400 };

/** A systemd time span as `timedatectl` prints it (`2min 8s`, `500ms`, `1h 8min 16s`) in seconds, or null. */
export function parseTimeSpan(text: string): number | null {
  const parts = text.trim().split(/\s+/);
  let total = 0;
  for (const p of parts) {
    const m = /^(\d+(?:\.\d+)?)(us|ms|s|min|h|d)$/.exec(p);
    if (m === null) return null;
    total += Number(m[1]) * SPAN_UNITS[m[2]!]!;
  }
  return parts.length > 0 ? total : null;
}

/** `timedatectl show` and `show-timesync` output as a status; servers and names that are not host names are dropped. */
export function parseTimeSync(show: string, showTimesync: string): TimeSyncStatus {
  const a = parseKeyValues(show);
  const b = parseKeyValues(showTimesync);
  const list = (k: string): string[] => (b.get(k) ?? '').split(' ').filter(isNtpServer);
  const name = b.get('ServerName') ?? '';
  const address = b.get('ServerAddress') ?? '';
  const poll = parseTimeSpan(b.get('PollIntervalUSec') ?? '');
  const configured = [...new Set([...list('LinkNTPServers'), ...list('SystemNTPServers'), ...list('RuntimeNTPServers')])];
  return {
    ntpEnabled: a.get('NTP') === 'yes',
    synchronized: a.get('NTPSynchronized') === 'yes',
    serverName: isNtpServer(name) ? name : null,
    serverAddress: IP_ADDRESS.test(address) ? address : null,
    servers: configured.length > 0 ? configured : list('FallbackNTPServers'),
    pollIntervalSeconds: poll === null || poll === 0 ? null : Math.round(poll),
  };
}

function run(cmd: string, args: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 3000, maxBuffer: 64 * 1024, env: { ...process.env, LC_ALL: 'C' } }, (err, stdout) => resolve(err === null ? stdout : null));
  });
}

/** Publishes the desired host settings and reads back what was applied. */
export class HostSettingsService {
  private readonly statusFile: string;
  private readonly timedatectl: string;

  constructor(
    private readonly dataDir: string,
    private readonly settings: SettingsService,
    opts: HostSettingsOptions = {},
  ) {
    this.statusFile = opts.statusFile ?? DEFAULT_HOST_STATUS_FILE;
    this.timedatectl = opts.timedatectl ?? 'timedatectl';
    settings.onSystemChange(() => this.publish());
    settings.onUpgradesChange(() => this.publish());
  }

  /** Path of the desired-state file. */
  get desiredFile(): string {
    return join(this.dataDir, HOST_DESIRED_FILE);
  }

  /** Writes the desired-state file when its content changes (rename into place: the path unit sees one change). */
  publish(): boolean {
    const text = desiredStateText(this.settings.system(), this.settings.upgrades());
    let current: string | null = null;
    try {
      current = readFileSync(this.desiredFile, 'utf8');
    } catch {
      current = null;
    }
    if (current === text) return false;
    mkdirSync(dirname(this.desiredFile), { recursive: true, mode: 0o750 });
    const tmp = `${this.desiredFile}.tmp`;
    writeFileSync(tmp, text, { mode: 0o640 });
    renameSync(tmp, this.desiredFile);
    return true;
  }

  /** The last apply outcome, or null when there is none (or it cannot be read). */
  applied(): HostApplyStatus | null {
    try {
      return parseApplyStatus(readFileSync(this.statusFile, 'utf8').slice(0, 4096));
    } catch {
      return null;
    }
  }

  /** The clock's sync state, or null when timedatectl cannot be read. */
  async timeSync(): Promise<TimeSyncStatus | null> {
    const [show, timesync] = await Promise.all([run(this.timedatectl, ['show']), run(this.timedatectl, ['show-timesync'])]);
    return show === null ? null : parseTimeSync(show, timesync ?? '');
  }

  /** Desired and applied settings, whether an apply is pending, and the sync state. */
  async status(): Promise<HostSettingsStatus> {
    const desired = { ntpServers: this.settings.system().ntpServers, automaticSecurityUpdates: this.settings.upgrades().automaticSecurityUpdates };
    const applied = this.applied();
    const pending =
      applied === null ||
      applied.result === 'error' ||
      (applied.ntpServers !== null && applied.ntpServers.join(' ') !== desired.ntpServers.join(' ')) ||
      (applied.automaticSecurityUpdates !== null && applied.automaticSecurityUpdates !== desired.automaticSecurityUpdates);
    return { desired, applied, pending, timeSync: await this.timeSync() };
  }
}
