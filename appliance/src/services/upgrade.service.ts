/**
 * Upgrades from Settings -> System: an admin uploads an upgrade bundle (image-build/build-upgrade-bundle.sh); the
 * service, which runs unprivileged, checks its manifest and signature, stores it as `<data>/upgrade/incoming.tar` and writes the
 * request file that starts the root applier (api-radar-upgrade.path -> upgrade-apply.mjs: verify, unpack, back up,
 * switch, health check, roll back). The applier's progress and result are read back from `<data>/upgrade/status.json`.
 * Only the appliance image has releases to switch (`/opt/api-radar/current`); elsewhere uploads are refused.
 */
import { existsSync, mkdirSync, openSync, readFileSync, readSync, closeSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createPublicKey, verify } from 'node:crypto';
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

/** One member of a ustar archive read from `offset`: its name, its bytes and where the next header starts. */
function readTarMember(fd: number, offset: number, maxBytes: number): { name: string; body: Buffer; next: number } | null {
  const header = Buffer.alloc(TAR_BLOCK);
  if (readSync(fd, header, 0, TAR_BLOCK, offset) < TAR_BLOCK) return null;
  const name = header.toString('latin1', 0, 100).replace(/\0.*$/s, '');
  const size = parseInt(header.toString('latin1', 124, 136).replace(/\0.*$/s, '').trim(), 8);
  if (!(size > 0 && size <= maxBytes)) return null;
  const body = Buffer.alloc(size);
  if (readSync(fd, body, 0, size, offset + TAR_BLOCK) < size) return null;
  return { name, body, next: offset + TAR_BLOCK + Math.ceil(size / TAR_BLOCK) * TAR_BLOCK };
}

/**
 * Reads `manifest.json`, the first member of an upgrade bundle (ustar), from the file's start; null when the file
 * does not start with it or it is not an API Radar manifest of format 1.
 */
export function readBundleManifest(file: string): BundleManifest | null {
  return readBundle(file)?.manifest ?? null;
}

/** The manifest (first member), its exact bytes, and the `manifest.sig` member that follows it when there is one. */
function readBundle(file: string): { manifest: BundleManifest; bytes: Buffer; signature: Buffer | null } | null {
  const fd = openSync(file, 'r');
  try {
    const first = readTarMember(fd, 0, 64 * 1024);
    if (first === null || first.name !== 'manifest.json') return null;
    const m = JSON.parse(first.body.toString('utf8')) as Record<string, unknown>;
    if (m.product !== 'api-radar' || m.format !== 1 || typeof m.version !== 'string' || !VERSION_RE.test(m.version)) return null;
    const second = readTarMember(fd, first.next, 4096);
    return {
      manifest: { version: m.version, node: String(m.node ?? ''), created: String(m.created ?? '') },
      bytes: first.body,
      signature: second !== null && second.name === 'manifest.sig' ? second.body : null,
    };
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/**
 * Why a bundle's signature is not acceptable here, or null when `manifest.sig` is an Ed25519 signature of the exact
 * manifest bytes by a key in `keysDir` (`<key id>.pem`, SPKI). The root applier makes the same check again with its
 * own code before it installs anything; this one answers the upload at once.
 */
export function bundleSignatureProblem(manifestBytes: Buffer, signature: Buffer | null, keysDir: string): string | null {
  if (signature === null) return 'The bundle is not signed; this appliance installs only signed bundles.';
  let sig: { alg?: unknown; key?: unknown; signature?: unknown };
  try {
    sig = JSON.parse(signature.toString('utf8')) as typeof sig;
  } catch {
    return 'The bundle\'s signature is not readable.';
  }
  if (sig.alg !== 'ed25519' || typeof sig.key !== 'string' || !/^[0-9a-f]{16}$/.test(sig.key) || typeof sig.signature !== 'string') {
    return 'The bundle\'s signature is not an Ed25519 signature of a known form.';
  }
  const keyFile = join(keysDir, `${sig.key}.pem`);
  if (!existsSync(keyFile)) return `The bundle is signed by key ${sig.key}, which this appliance does not trust.`;
  try {
    if (verify(null, manifestBytes, createPublicKey(readFileSync(keyFile)), Buffer.from(sig.signature, 'base64'))) return null;
  } catch {
    // an unreadable key file or a malformed signature: not verified
  }
  return 'The bundle\'s signature does not match its manifest.';
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
    /** Public keys whose signatures on bundles are accepted (the image build puts its key there). */
    private readonly keysDir = '/usr/lib/api-radar/upgrade-keys',
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
    const read = readBundle(part);
    if (read === null) {
      rmSync(part, { force: true });
      throw new ApiError('validation_failed', [{ path: 'body', message: 'not an API Radar upgrade bundle' }], 'The file is not an API Radar upgrade bundle.');
    }
    const unsigned = bundleSignatureProblem(read.bytes, read.signature, this.keysDir);
    if (unsigned !== null) {
      rmSync(part, { force: true });
      throw new ApiError('validation_failed', [{ path: 'body', message: 'signature not accepted' }], unsigned);
    }
    const manifest = read.manifest;
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
