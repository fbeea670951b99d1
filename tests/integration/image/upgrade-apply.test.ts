// Tests of the upgrade path without root or QEMU: real upgrade bundles built from this tree
// (image-build/build-upgrade-bundle.sh, node_modules linked instead of installed), applied by the appliance's applier
// (image-build/overlay/usr/lib/api-radar/upgrade-apply.mjs) under a temporary root directory with a systemctl
// stand-in that runs the bundled service from /opt/api-radar/current. Bundles are signed with a key of the test's
// own (API_RADAR_SIGNING_KEY), whose public half is installed as the image build does; unsigned bundles, bundles
// signed by another key and manifests changed after signing are refused. An upgrade keeps the data and the previous
// release; a release whose events-database migration fails is rolled back with the state restored from the backup.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { globalAgent } from 'node:https';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { Client } from '../../../scripts/lib/service.client.ts';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const applier = join(repo, 'image-build/overlay/usr/lib/api-radar/upgrade-apply.mjs');

/** systemctl for one unit: start/stop/restart run or end the release under $STUB_ROOT/opt/api-radar/current. */
const SYSTEMCTL_STUB = `#!/bin/sh
set -e
echo "$*" >> "$STUB_STATE/calls.log"
pidf="$STUB_STATE/service.pid"
stop() {
  [ -f "$pidf" ] || return 0
  kill "$(cat "$pidf")" 2>/dev/null || true
  while kill -0 "$(cat "$pidf")" 2>/dev/null; do sleep 0.1; done
  rm -f "$pidf"
}
start() {
  API_RADAR_DATA_DIR="$STUB_ROOT/var/lib/api-radar" API_RADAR_HOST=127.0.0.1 API_RADAR_HTTPS_PORT="$STUB_PORT" API_RADAR_HTTP_PORT=0 \\
    setsid "$STUB_NODE" "$STUB_ROOT/opt/api-radar/current/dist/main.mjs" >> "$STUB_STATE/service.log" 2>&1 &
  echo $! > "$pidf"
}
case "$1" in start) start ;; stop) stop ;; restart) stop; start ;; esac
`;

function freePort(): number {
  return 20000 + Math.floor(Math.random() * 20000);
}

interface Rig {
  root: string;
  state: string;
  port: number;
  bundles: string;
  env: NodeJS.ProcessEnv;
  /** The private key bundles are signed with (PKCS#8 PEM file). */
  signingKey: string;
}

function rig(): Rig {
  const base = mkdtempSync(join(tmpdir(), 'radar-upgrade-'));
  const root = join(base, 'root');
  const state = join(base, 'state');
  const bundles = join(base, 'bundles');
  for (const d of [root, state, bundles, join(root, 'etc/default'), join(root, 'var/lib/api-radar')]) mkdirSync(d, { recursive: true });
  const port = freePort();
  writeFileSync(join(root, 'etc/default/api-radar'), `API_RADAR_HTTPS_PORT=${port}\n`);
  const systemctl = join(state, 'systemctl');
  writeFileSync(systemctl, SYSTEMCTL_STUB);
  chmodSync(systemctl, 0o755);
  const signingKey = join(base, 'signing.key');
  writeFileSync(signingKey, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  const trust = spawnSync(process.execPath, [join(repo, 'image-build/lib/signing-key.mjs'), 'install-public', join(root, 'usr/lib/api-radar/upgrade-keys')], { env: { ...process.env, API_RADAR_SIGNING_KEY: signingKey }, encoding: 'utf8' });
  assert.equal(trust.status, 0, trust.stderr);
  const env = {
    ...process.env,
    API_RADAR_UPGRADE_ROOT: root,
    API_RADAR_SYSTEMCTL: systemctl,
    API_RADAR_UPGRADE_HEALTH_TIMEOUT: '20',
    STUB_ROOT: root,
    STUB_STATE: state,
    STUB_PORT: String(port),
    STUB_NODE: process.execPath,
  };
  return { root, state, port, bundles, env, signingKey };
}

/** Builds a bundle of this tree as `version`; `hook` (a shell command) may change the staged release first. */
function buildBundle(r: Rig, version: string, hook?: string): string {
  const args = ['--out', r.bundles, '--version', version, '--prefix', join(r.root, 'opt/api-radar'), '--deps-from', join(repo, 'node_modules')];
  if (hook !== undefined) args.push('--stage-hook', hook);
  const b = spawnSync(join(repo, 'image-build/build-upgrade-bundle.sh'), args, { cwd: repo, env: { ...process.env, API_RADAR_SIGNING_KEY: r.signingKey }, encoding: 'utf8', timeout: 120_000 });
  assert.equal(b.status, 0, b.stderr);
  return join(r.bundles, `api-radar-${version}.upgrade.tar`);
}

/**
 * A copy of `bundle` with its members changed: `sig` replaces manifest.sig (null: left out), `manifest` edits the
 * manifest's text after it was signed.
 */
function repack(r: Rig, bundle: string, name: string, change: { sig?: string | null; manifest?: (text: string) => string }): string {
  const dir = mkdtempSync(join(r.bundles, 'repack-'));
  assert.equal(spawnSync('tar', ['-xf', bundle, '-C', dir]).status, 0);
  if (change.sig === null) rmSync(join(dir, 'manifest.sig'));
  else if (change.sig !== undefined) writeFileSync(join(dir, 'manifest.sig'), change.sig);
  if (change.manifest !== undefined) writeFileSync(join(dir, 'manifest.json'), change.manifest(readFileSync(join(dir, 'manifest.json'), 'utf8')));
  const out = join(r.bundles, name);
  const members = ['manifest.json', ...(change.sig === null ? [] : ['manifest.sig']), 'app.tar.gz'];
  assert.equal(spawnSync('tar', ['--format=ustar', '-cf', out, '-C', dir, ...members]).status, 0);
  rmSync(dir, { recursive: true, force: true });
  return out;
}

function apply(r: Rig, bundle: string): { status: number | null; out: string; result: { state: string; from: string | null; to: string | null; message: string } } {
  const a = spawnSync(process.execPath, [applier, bundle], { env: r.env, encoding: 'utf8', timeout: 120_000 });
  // the service was restarted: kept-alive connections to the old process are dead
  globalAgent.destroy();
  const result = JSON.parse(readFileSync(join(r.root, 'var/lib/api-radar/upgrade/status.json'), 'utf8')) as { state: string; from: string | null; to: string | null; message: string };
  return { status: a.status, out: a.stdout + a.stderr, result };
}

function stopService(r: Rig): void {
  spawnSync(r.env.API_RADAR_SYSTEMCTL!, ['stop', 'api-radar.service'], { env: r.env });
}

const current = (r: Rig): string => readlinkSync(join(r.root, 'opt/api-radar/current'));
const stateMigrations = (r: Rig): number[] => {
  const db = new Database(join(r.root, 'var/lib/api-radar/state.sqlite'), { readonly: true });
  try {
    return (db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as Array<{ version: number }>).map((x) => x.version);
  } finally {
    db.close();
  }
};

/** Completes setup on the running service (the data an upgrade must keep). */
async function setUp(r: Rig): Promise<Client> {
  const token = readFileSync(join(r.root, 'var/lib/api-radar/setup-token'), 'utf8').trim();
  const c = new Client(r.port, readFileSync(join(r.root, 'var/lib/api-radar/tls/cert.pem')));
  assert.equal((await c.call('POST', '/api/v1/setup/complete', { token, username: 'admin', password: 'Upgrade-Test-2026!' })).status, 200);
  return c;
}

// One temporary root for both tests (each bundle's file URLs name it): the second upgrades what the first left.
const r = rig();
after(() => {
  stopService(r);
  rmSync(join(r.root, '..'), { recursive: true, force: true });
});

test('an upgrade bundle installs, upgrades with the data kept and the previous release kept, and refuses a damaged bundle', async () => {
  const first = apply(r, buildBundle(r, '0.1.0-a'));
  assert.equal(first.result.state, 'done', first.out);
  assert.equal(current(r), 'releases/0.1.0-a');
  await setUp(r);

  const bundle = buildBundle(r, '0.1.0-b');
  // a damaged upload: one byte of the payload changed
  const damaged = join(r.bundles, 'damaged.tar');
  const bytes = readFileSync(bundle);
  bytes[4096] ^= 0xff;
  writeFileSync(damaged, bytes);
  const refused = apply(r, damaged);
  assert.equal(refused.status, 1);
  assert.equal(refused.result.state, 'failed');
  assert.match(refused.result.message, /SHA-256/);
  assert.equal(current(r), 'releases/0.1.0-a', 'a refused bundle changes nothing');

  // authenticity: the signature covers the manifest, which names the payload's SHA-256
  const other = generateKeyPairSync('ed25519');
  const manifestText = (): Buffer => {
    const dir = mkdtempSync(join(r.bundles, 'manifest-'));
    spawnSync('tar', ['-xf', bundle, '-C', dir, 'manifest.json']);
    return readFileSync(join(dir, 'manifest.json'));
  };
  const foreignSig = JSON.stringify({ format: 1, alg: 'ed25519', key: '0123456789abcdef', signature: sign(null, manifestText(), other.privateKey).toString('base64') });
  for (const [what, file, message] of [
    ['unsigned', repack(r, bundle, 'unsigned.tar', { sig: null }), /not signed/],
    ['signed by a key the appliance does not trust', repack(r, bundle, 'foreign.tar', { sig: foreignSig }), /key 0123456789abcdef, which this appliance does not trust/],
    ['manifest changed after signing', repack(r, bundle, 'altered.tar', { manifest: (t) => t.replace(/"created": "[^"]*"/, '"created": "2030-01-01T00:00:00.000Z"') }), /signature does not match its manifest/],
  ] as const) {
    const no = apply(r, file);
    assert.equal(no.status, 1, what);
    assert.equal(no.result.state, 'failed', what);
    assert.match(no.result.message, message, what);
    assert.equal(current(r), 'releases/0.1.0-a', what);
    assert.deepEqual(readdirSync(join(r.root, 'opt/api-radar/releases')).filter((d) => !d.startsWith('.')), ['0.1.0-a'], `${what}: nothing unpacked`);
  }

  const up = apply(r, bundle);
  assert.equal(up.result.state, 'done', up.out);
  assert.deepEqual([up.result.from, up.result.to], ['0.1.0-a', '0.1.0-b']);
  assert.equal(current(r), 'releases/0.1.0-b');
  const c = new Client(r.port, readFileSync(join(r.root, 'var/lib/api-radar/tls/cert.pem')));
  assert.equal((await c.login('admin', 'Upgrade-Test-2026!')).status, 200, 'the admin made before the upgrade signs in');
  assert.equal(((await c.call('GET', '/api/v1/system/info')).json as { version: string }).version, '0.1.0-b');
  assert.deepEqual(readdirSync(join(r.root, 'opt/api-radar/releases')).sort(), ['0.1.0-a', '0.1.0-b']);
  const backups = readdirSync(join(r.root, 'var/lib/api-radar/backups'));
  assert.equal(backups.length, 1);
  assert.ok(existsSync(join(r.root, 'var/lib/api-radar/backups', backups[0], 'state.sqlite')));
  assert.equal(apply(r, bundle).result.state, 'failed', 'the running version is not applied again');
});

test('a release whose migrations fail is rolled back: previous release current again, state restored, service answering', async () => {
  assert.equal(current(r), 'releases/0.1.0-b', 'starts from the upgrade of the first test');
  const before = stateMigrations(r);
  // the broken release migrates the state database, then fails its events-database migration and exits
  const hook = join(r.state, 'break.sh');
  writeFileSync(hook, `#!/bin/sh\necho 'CREATE TABLE upgrade_probe (x INTEGER);' > "$1/appliance/src/store/sqlite/migrations/9990_upgrade_probe.sql"\necho 'THIS IS NOT SQL;' > "$1/appliance/src/store/duckdb/migrations/9990_broken.sql"\n`);
  chmodSync(hook, 0o755);
  r.env.API_RADAR_UPGRADE_HEALTH_TIMEOUT = '5';
  const res = apply(r, buildBundle(r, '0.2.0-broken', hook));
  assert.equal(res.result.state, 'rolled_back', res.out);
  assert.match(res.result.message, /0\.1\.0-b restored and answering/);
  assert.match(readFileSync(join(r.state, 'service.log'), 'utf8'), /events database failed to open/, 'the new release did start and fail');
  assert.equal(current(r), 'releases/0.1.0-b');
  assert.deepEqual(stateMigrations(r), before, "the state database is the backup, without the failed release's migration");
  assert.deepEqual(readdirSync(join(r.root, 'opt/api-radar/releases')).sort(), ['0.1.0-a', '0.1.0-b'], 'the failed release is removed');
  const c = new Client(r.port, readFileSync(join(r.root, 'var/lib/api-radar/tls/cert.pem')));
  assert.equal((await c.login('admin', 'Upgrade-Test-2026!')).status, 200);
});
