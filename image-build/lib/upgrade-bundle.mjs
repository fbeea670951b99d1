#!/usr/bin/env node
// Packs a staged application tree (lib/stage-app.sh) into an upgrade bundle: an uncompressed tar holding
// `manifest.json` first and `app.tar.gz` (the release: bundled service and children, application files, production
// node_modules with native addons built for the runtime, built UI). The manifest names the product, the version, the
// Node.js runtime and module ABI the addons were built for, the payload's SHA-256 and size, and the database
// migrations the release carries (the applier backs up what they change). `manifest.sig` follows the manifest: an
// Ed25519 signature of its exact bytes by the build's signing key (lib/signing-key.mjs), which the payload's SHA-256
// extends to the release. Sets the staged package.json version and VERSION file to the bundle's version.
// Usage: node upgrade-bundle.mjs <staged-app-dir> <version> <out-file>
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSigningKey, signManifest } from './signing-key.mjs';

/** Manifest format this builder writes and the applier (overlay/usr/lib/api-radar/upgrade-apply.mjs) reads. */
export const BUNDLE_FORMAT = 1;

const [appDir, version, outFile] = process.argv.slice(2);
if (outFile === undefined || !/^[0-9A-Za-z][0-9A-Za-z.+-]{0,63}$/.test(version)) {
  console.error('usage: upgrade-bundle.mjs <staged-app-dir> <version: letters, digits, . + -> <out-file>');
  process.exit(2);
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
}

const pkgFile = join(appDir, 'package.json');
const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
pkg.version = version;
writeFileSync(pkgFile, `${JSON.stringify(pkg, null, 2)}\n`);
writeFileSync(join(appDir, 'VERSION'), `${version}\n`);

const migrations = (dir) => readdirSync(join(appDir, dir)).filter((f) => /^\d+_.*\.sql$/.test(f)).map((f) => Number(f.split('_')[0])).sort((a, b) => a - b);
const work = mkdtempSync(join(tmpdir(), 'radar-upgrade-bundle-'));
try {
  const payload = join(work, 'app.tar.gz');
  run('tar', ['-czf', payload, '--owner=0', '--group=0', '--numeric-owner', '-C', appDir, '.']);
  const sha256 = createHash('sha256');
  for await (const chunk of createReadStream(payload)) sha256.update(chunk);
  const manifest = {
    product: 'api-radar',
    format: BUNDLE_FORMAT,
    version,
    node: process.versions.node,
    modules: process.versions.modules,
    created: new Date().toISOString(),
    payload: { file: 'app.tar.gz', sha256: sha256.digest('hex'), bytes: statSync(payload).size },
    migrations: { sqlite: migrations('appliance/src/store/sqlite/migrations'), duckdb: migrations('appliance/src/store/duckdb/migrations') },
  };
  const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(work, 'manifest.json'), manifestBytes);
  const key = loadSigningKey();
  writeFileSync(join(work, 'manifest.sig'), `${JSON.stringify(signManifest(manifestBytes, key))}\n`);
  run('tar', ['--format=ustar', '-cf', outFile, '--owner=0', '--group=0', '--numeric-owner', '-C', work, 'manifest.json', 'manifest.sig', 'app.tar.gz']);
  console.error(`upgrade-bundle: ${outFile} (version ${version}, payload ${(manifest.payload.bytes / 1048576).toFixed(1)} MiB, signed by key ${key.keyId})`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
