/**
 * Upgrades from Settings -> System: an admin uploads an upgrade bundle (image-build/build-upgrade-bundle.sh); the
 * service, which runs unprivileged, checks its manifest, stores it as `<data>/upgrade/incoming.tar` and writes the
 * request file that starts the root applier (api-radar-upgrade.path -> upgrade-apply.mjs: verify, unpack, back up,
 * switch, health check, roll back). The applier's progress and result are read back from `<data>/upgrade/status.json`.
 * Only the appliance image has releases to switch (`/opt/api-radar/current`); elsewhere uploads are refused.
 */
import { existsSync, mkdirSync, openSync, readFileSync, readSync, closeSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { ApiError } from '../errors/error.catalogue.ts';
import { writeBodyFile } from '../server/body.reader.ts';
import type { AuditRepository } from '../store/sqlite/audit.repository.ts';
import type { Clock } from '../store/clock.repository.ts';
import type { Principal } from './auth.service.ts';

/** Largest bundle accepted (a release is ~45 MiB compressed). */
export const MAX_BUNDLE_BYTES = 1024 * 1024 * 1024;
const VERSION_RE = /^[0-9A-Za-z][0-9A-Za-z.+-]{0,63}$/;
const TAR_BLOCK = 512;

/** What the applier last did (its status file). */
export interface UpgradeResult {
  state: 'applying' | 'done' | 'rolled_back' | 'failed';
  from: string | null;
  to: string | null;
  startedAt: string;
  finishedAt: string | null;
  message: string;
}

/** Upgrade state for Settings -> System. */
export interface UpgradeStatus {
  /** The running version. */
  version: string;
  /** Whether this installation has releases to switch (the appliance image). */
  supported: boolean;
  /** A stored bundle waits for the applier or is being applied. */
  pending: boolean;
  last: UpgradeResult | null;
}

/** The manifest fields the service checks before handing a bundle to the applier. */
export interface BundleManifest {
  version: string;
  node: string;
  created: string;
}

/**
 * Reads `manifest.json`, the first member of an upgrade bundle (ustar), from the file's start; null when the file
 * does not start with it or it is not an API Radar manifest of format 1.
 */
export function readBundleManifest(file: string): BundleManifest | null {
  const fd = openSync(file, 'r');
  try {
    const header = Buffer.alloc(TAR_BLOCK);
    if (readSync(fd, header, 0, TAR_BLOCK, 0) < TAR_BLOCK) return null;
    const name = header.toString('latin1', 0, 100).replace(/\0.*$/s, '');
    const size = parseInt(header.toString('latin1', 124, 136).replace(/\0.*$/s, '').trim(), 8);
    if (name !== 'manifest.json' || !(size > 0 && size <= 64 * 1024)) return null;
    const body = Buffer.alloc(size);
    if (readSync(fd, body, 0, size, TAR_BLOCK) < size) return null;
    const m = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    if (m.product !== 'api-radar' || m.format !== 1 || typeof m.version !== 'string' || !VERSION_RE.test(m.version)) return null;
    return { version: m.version, node: String(m.node ?? ''), created: String(m.created ?? '') };
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** Stores uploaded bundles for the root applier and reports its result. */
export class UpgradeService {
  private readonly dir: string;

  constructor(
    dataDir: string,
    private readonly version: string,
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
    /** Where the appliance keeps its releases. */
    private readonly installDir = '/opt/api-radar',
  ) {
    this.dir = join(dataDir, 'upgrade');
  }

  /** The running version, whether upgrades apply here, a pending request and the applier's last result. */
  status(): UpgradeStatus {
    let last: UpgradeResult | null = null;
    try {
      const s = JSON.parse(readFileSync(join(this.dir, 'status.json'), 'utf8')) as UpgradeResult;
      last = { state: s.state, from: s.from, to: s.to, startedAt: s.startedAt, finishedAt: s.finishedAt, message: String(s.message ?? '').slice(0, 500) };
    } catch {
      last = null;
    }
    // an applier that died mid-way (power cut) does not block uploads for longer than an hour
    const applying = last?.state === 'applying' && this.clock.now() - Date.parse(last.startedAt) < 3_600_000;
    return { version: this.version, supported: existsSync(join(this.installDir, 'current')), pending: existsSync(join(this.dir, 'request')) || applying, last };
  }

  /** Stores an uploaded bundle and asks the applier to install it; returns its manifest. */
  async upload(body: Readable, who: Principal, ip: string): Promise<BundleManifest> {
    const st = this.status();
    if (!st.supported) throw new ApiError('conflict', undefined, 'Upgrade bundles are applied on the appliance image only; upgrade this installation with scripts/install.sh.');
    if (st.pending) throw new ApiError('conflict', undefined, 'An upgrade is already being applied.');
    mkdirSync(this.dir, { recursive: true, mode: 0o750 });
    const part = join(this.dir, 'incoming.tar.part');
    const bytes = await writeBodyFile(body, part, MAX_BUNDLE_BYTES);
    const manifest = readBundleManifest(part);
    if (manifest === null) {
      rmSync(part, { force: true });
      throw new ApiError('validation_failed', [{ path: 'body', message: 'not an API Radar upgrade bundle' }], 'The file is not an API Radar upgrade bundle.');
    }
    if (manifest.version === this.version) {
      rmSync(part, { force: true });
      throw new ApiError('conflict', undefined, `Version ${manifest.version} is already running.`);
    }
    renameSync(part, join(this.dir, 'incoming.tar'));
    writeFileSync(join(this.dir, 'request'), `${JSON.stringify({ version: manifest.version, by: who.username, at: this.clock.now() })}\n`, { mode: 0o640 });
    this.audit.append({ at: this.clock.now(), userId: who.userId, username: who.username, action: 'system.upgrade', target: `release:${manifest.version}`, ip, detail: { from: this.version, to: manifest.version, bytes } });
    return manifest;
  }
}
