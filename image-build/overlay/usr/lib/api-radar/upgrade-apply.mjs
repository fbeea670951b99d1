#!/usr/bin/env node
// Applies an upgrade bundle on the appliance, as root (api-radar-upgrade.service, started by api-radar-upgrade.path
// when the service, which runs unprivileged, has stored an uploaded bundle and written the request file):
//   1. verifies the manifest's Ed25519 signature (`manifest.sig`) with a public key the image trusts
//      (/usr/lib/api-radar/upgrade-keys/<key id>.pem, put there by the image build), then the manifest (product,
//      format, version, the runtime's module ABI) and the payload's SHA-256, which the signed manifest names;
//   2. unpacks the release into /opt/api-radar/releases/<version>;
//   3. stops the service, backs up the SQLite state with SQLite's online backup API and notes the DuckDB files
//      (copied too when the new release carries DuckDB migrations the running one does not: those cannot be undone);
//   4. switches the `current` link, starts the service and waits for its health route to say "ok";
//   5. when it does not within the timeout (a failed migration stops the service), stops it, switches back, restores
//      the backup and starts the previous release again. Keeps the last two releases.
// Progress and the result go to <data>/upgrade/status.json (the service shows it in Settings -> System).
// Usage: upgrade-apply.mjs [bundle.tar]   (default <data>/upgrade/incoming.tar)
// Environment (tests): API_RADAR_UPGRADE_ROOT (file system root, default /), API_RADAR_SYSTEMCTL (default
// systemctl), API_RADAR_UPGRADE_HEALTH_TIMEOUT (seconds, default
// 300: a start under software emulation on a busy host takes minutes).
import { spawnSync } from 'node:child_process';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { chownSync, constants, copyFileSync, createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';

const ROOT = process.env.API_RADAR_UPGRADE_ROOT ?? '/';
const APP = join(ROOT, 'opt/api-radar');
const RELEASES = join(APP, 'releases');
const CURRENT = join(APP, 'current');
const DATA = join(ROOT, 'var/lib/api-radar');
const UPGRADE = join(DATA, 'upgrade');
const TRUSTED_KEYS = join(ROOT, 'usr/lib/api-radar/upgrade-keys');
const BACKUPS = join(DATA, 'backups');
const SYSTEMCTL = process.env.API_RADAR_SYSTEMCTL ?? 'systemctl';
const HEALTH_TIMEOUT_S = Number(process.env.API_RADAR_UPGRADE_HEALTH_TIMEOUT ?? 300);
const UNIT = 'api-radar.service';
const VERSION_RE = /^[0-9A-Za-z][0-9A-Za-z.+-]{0,63}$/;
const KEEP_RELEASES = 2;
const KEEP_BACKUPS = 2;

const status = { state: 'applying', from: null, to: null, startedAt: new Date().toISOString(), finishedAt: null, message: '', steps: [] };

function step(text) {
  status.steps.push(`${new Date().toISOString()} ${text}`);
  console.log(text);
  writeStatus();
}

function writeStatus() {
  mkdirSync(UPGRADE, { recursive: true });
  writeFileSync(join(UPGRADE, 'status.json.tmp'), `${JSON.stringify(status, null, 2)}\n`, { mode: 0o644 });
  renameSync(join(UPGRADE, 'status.json.tmp'), join(UPGRADE, 'status.json'));
}

class UpgradeError extends Error {}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new UpgradeError(`${basename(cmd)} ${args.join(' ')} failed: ${(r.stderr || r.stdout || String(r.error ?? '')).trim()}`);
}

function systemctl(verb) {
  run(SYSTEMCTL, [verb, UNIT]);
}

async function sha256(file) {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk);
  return h.digest('hex');
}

function httpsPort() {
  const env = join(ROOT, 'etc/default/api-radar');
  const m = existsSync(env) ? /^API_RADAR_HTTPS_PORT=["']?(\d+)/m.exec(readFileSync(env, 'utf8')) : null;
  return m === null ? 443 : Number(m[1]);
}

/** One look at the liveness route: true when it answers `{"status":"ok"}`. */
function healthy(port) {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/api/v1/health', rejectUnauthorized: false, timeout: 3000 }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => {
        try {
          resolve(res.statusCode === 200 && JSON.parse(body).status === 'ok');
        } catch {
          resolve(false);
        }
      });
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

async function waitHealthy(seconds) {
  const port = httpsPort();
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    if (await healthy(port)) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

const migrationVersions = (release, db) => {
  const dir = join(RELEASES, release, 'appliance/src/store', db, 'migrations');
  return existsSync(dir) ? readdirSync(dir).filter((f) => /^\d+_.*\.sql$/.test(f)).map((f) => Number(f.split('_')[0])) : [];
};

function currentRelease() {
  return existsSync(CURRENT) ? basename(readlinkSync(CURRENT)) : null;
}

function switchTo(release) {
  const next = `${CURRENT}.next`;
  rmSync(next, { force: true });
  symlinkSync(join('releases', release), next);
  renameSync(next, CURRENT);
}

/**
 * Checks `manifest.sig` against the exact bytes of `manifest.json` with the trusted key it names. This copy of the
 * check is separate from the service's on purpose: the root applier runs only code from the image, never from the
 * bundle it is checking or from a release.
 */
function verifySignature(manifestBytes, sigFile) {
  if (!existsSync(sigFile)) throw new UpgradeError('the bundle is not signed (no manifest.sig): only signed bundles are installed');
  let sig;
  try {
    sig = JSON.parse(readFileSync(sigFile, 'utf8'));
  } catch {
    throw new UpgradeError('the bundle\'s signature (manifest.sig) is not readable');
  }
  if (sig?.alg !== 'ed25519' || typeof sig.key !== 'string' || !/^[0-9a-f]{16}$/.test(sig.key) || typeof sig.signature !== 'string') {
    throw new UpgradeError('the bundle\'s signature is not an Ed25519 signature of a known form');
  }
  const keyFile = join(TRUSTED_KEYS, `${sig.key}.pem`);
  if (!existsSync(keyFile)) throw new UpgradeError(`the bundle is signed by key ${sig.key}, which this appliance does not trust`);
  if (!verify(null, manifestBytes, createPublicKey(readFileSync(keyFile)), Buffer.from(sig.signature, 'base64'))) {
    throw new UpgradeError('the bundle\'s signature does not match its manifest (altered after signing?)');
  }
  return sig.key;
}

/** Verifies the bundle and unpacks its release; returns the manifest. */
async function unpack(bundle) {
  mkdirSync(RELEASES, { recursive: true });
  const work = mkdtempSync(join(RELEASES, '.incoming-'));
  try {
    run('tar', ['-xf', bundle, '-C', work, 'manifest.json', 'app.tar.gz']);
    // an unsigned bundle has no such member: tar fails, and the check below says so
    spawnSync('tar', ['-xf', bundle, '-C', work, 'manifest.sig'], { stdio: 'ignore' });
    const manifestBytes = readFileSync(join(work, 'manifest.json'));
    const keyId = verifySignature(manifestBytes, join(work, 'manifest.sig'));
    step(`signature good (key ${keyId})`);
    const m = JSON.parse(manifestBytes.toString('utf8'));
    if (m.product !== 'api-radar' || m.format !== 1) throw new UpgradeError('not an API Radar upgrade bundle (format 1)');
    if (typeof m.version !== 'string' || !VERSION_RE.test(m.version)) throw new UpgradeError('the bundle names no valid version');
    if (m.modules !== process.versions.modules) {
      throw new UpgradeError(`the bundle's native modules are for Node.js ${m.node} (ABI ${m.modules}); this appliance runs ${process.versions.node} (ABI ${process.versions.modules})`);
    }
    if ((await sha256(join(work, 'app.tar.gz'))) !== m.payload?.sha256) throw new UpgradeError('the payload does not match the manifest\'s SHA-256 (damaged upload?)');
    if (m.version === currentRelease()) throw new UpgradeError(`version ${m.version} is already running`);
    const dest = join(RELEASES, m.version);
    rmSync(dest, { recursive: true, force: true });
    mkdirSync(join(work, 'release'));
    run('tar', ['-xzf', join(work, 'app.tar.gz'), '-C', join(work, 'release'), '--no-same-owner', '--no-same-permissions']);
    if (!existsSync(join(work, 'release/dist/main.mjs'))) throw new UpgradeError('the release holds no dist/main.mjs');
    renameSync(join(work, 'release'), dest);
    return m;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Backs up the state database (online backup API) and, when the new release migrates it, the events database. */
async function backUp(from, to) {
  const dir = join(BACKUPS, `${new Date().toISOString().replace(/[:.]/g, '-')}-${from}-to-${to}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const note = { from, to, at: new Date().toISOString(), state: null, events: [] };
  const state = join(DATA, 'state.sqlite');
  if (existsSync(state)) {
    const Database = createRequire(join(RELEASES, from, 'package.json'))('better-sqlite3');
    const db = new Database(state, { readonly: true, fileMustExist: true });
    try {
      await db.backup(join(dir, 'state.sqlite'));
    } finally {
      db.close();
    }
    const st = statSync(state);
    note.state = { file: 'state.sqlite', uid: st.uid, gid: st.gid, mode: st.mode & 0o777 };
  }
  const known = new Set(migrationVersions(from, 'duckdb'));
  const copyEvents = migrationVersions(to, 'duckdb').some((v) => !known.has(v));
  for (const f of ['events.duckdb', 'events.duckdb.wal']) {
    const p = join(DATA, f);
    if (!existsSync(p)) continue;
    const st = statSync(p);
    if (copyEvents) copyFileSync(p, join(dir, f), constants.COPYFILE_FICLONE);
    note.events.push({ file: f, bytes: st.size, modified: st.mtime.toISOString(), copied: copyEvents, uid: st.uid, gid: st.gid });
  }
  writeFileSync(join(dir, 'backup.json'), `${JSON.stringify(note, null, 2)}\n`);
  return { dir, note };
}

function restore({ dir, note }) {
  const put = (name, owner) => {
    const dest = join(DATA, name);
    copyFileSync(join(dir, name), `${dest}.restore`);
    chownSync(`${dest}.restore`, owner.uid, owner.gid);
    renameSync(`${dest}.restore`, dest);
  };
  if (note.state !== null) {
    for (const side of ['-wal', '-shm', '-journal']) rmSync(join(DATA, `state.sqlite${side}`), { force: true });
    put('state.sqlite', note.state);
  }
  for (const e of note.events) if (e.copied) put(e.file, e);
}

/** Removes releases other than the newest `KEEP_RELEASES` (current first), and old backups. */
function prune(current, previous) {
  const keep = new Set([current, previous].filter(Boolean).slice(0, KEEP_RELEASES));
  for (const r of readdirSync(RELEASES)) if (!keep.has(r)) rmSync(join(RELEASES, r), { recursive: true, force: true });
  if (existsSync(BACKUPS)) {
    const all = readdirSync(BACKUPS).sort();
    for (const b of all.slice(0, Math.max(0, all.length - KEEP_BACKUPS))) rmSync(join(BACKUPS, b), { recursive: true, force: true });
  }
}

/** Puts `from` back after `to` failed: stops the service, switches back, restores the backup, starts it again. */
async function rollBack(from, to, backup, why) {
  step(`${to} ${why}: rolling back to ${from}`);
  spawnSync(SYSTEMCTL, ['stop', UNIT]);
  switchTo(from);
  if (backup !== null) restore(backup);
  systemctl('start');
  const back = await waitHealthy(HEALTH_TIMEOUT_S);
  rmSync(join(RELEASES, to), { recursive: true, force: true });
  status.state = 'rolled_back';
  status.message = `${to} ${why}; ${from} restored${back ? ' and answering' : ', but it does not answer either'}`;
}

async function main() {
  const bundle = process.argv[2] ?? join(UPGRADE, 'incoming.tar');
  rmSync(join(UPGRADE, 'request'), { force: true });
  const from = currentRelease();
  status.from = from;
  step(`verifying ${basename(bundle)}`);
  const manifest = await unpack(bundle);
  const to = manifest.version;
  status.to = to;
  step(`release ${to} unpacked`);
  if (from === null) {
    switchTo(to);
    systemctl('start');
    if (!(await waitHealthy(HEALTH_TIMEOUT_S))) throw new UpgradeError(`${to} was installed but does not answer`);
  } else {
    systemctl('stop');
    let backup = null;
    try {
      step(`service stopped; backing up the state of ${from}`);
      backup = await backUp(from, to);
      step(`backup in ${basename(backup.dir)}${backup.note.events.some((e) => e.copied) ? ' (events database copied: the new release migrates it)' : ''}`);
      switchTo(to);
      systemctl('start');
      step(`started ${to}; waiting up to ${HEALTH_TIMEOUT_S} s for its health check`);
    } catch (err) {
      return rollBack(from, to, backup, `could not be started (${err.message})`);
    }
    if (!(await waitHealthy(HEALTH_TIMEOUT_S))) return rollBack(from, to, backup, 'did not pass its health check');
  }
  prune(to, from);
  status.state = 'done';
  status.message = from === null ? `${to} installed` : `upgraded from ${from} to ${to}`;
}

try {
  await main();
} catch (err) {
  status.state = 'failed';
  status.message = err instanceof UpgradeError ? err.message : `unexpected error: ${err.message}`;
  process.exitCode = 1;
} finally {
  rmSync(join(UPGRADE, 'incoming.tar'), { force: true });
  status.finishedAt = new Date().toISOString();
  step(`${status.state}: ${status.message}`);
}
