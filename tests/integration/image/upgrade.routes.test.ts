// Tests of the upgrade routes on a running service: an admin's upload of a bundle is checked by its manifest and its
// signature, stored for the root applier with its request file and audited; a second upload waits for the first;
// other roles, files that are not bundles, unsigned bundles, bundles signed by a key the appliance does not trust or
// altered after signing, the running version and installations without releases are refused; the applier's result
// is read back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBundleManifest } from '../../../appliance/src/services/upgrade.service.ts';
import { adminClient, withService } from '../server/service.harness.ts';

/** A signing key as image-build/lib/signing-key.mjs makes one, with its id (SHA-256 of the SPKI DER, 16 hex digits). */
function signingKey(): { privateKey: KeyObject; publicPem: string; keyId: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const keyId = createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
  return { privateKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), keyId };
}

type Signing = { key: ReturnType<typeof signingKey> | null; alter?: boolean };

/**
 * A bundle as the builder lays it out (manifest, its signature, then the payload; the applier checks the payload).
 * `alter` changes the manifest after it was signed.
 */
function bundle(dir: string, version: string, signing: Signing, manifestFirst = true): Buffer {
  const work = mkdtempSync(join(dir, 'bundle-'));
  const manifest = Buffer.from(JSON.stringify({ product: 'api-radar', format: 1, version, node: process.versions.node, modules: process.versions.modules, created: '2026-11-29T00:00:00Z', payload: { file: 'app.tar.gz', sha256: '0', bytes: 4 } }));
  const members = ['manifest.json'];
  if (signing.key !== null) {
    writeFileSync(join(work, 'manifest.sig'), JSON.stringify({ format: 1, alg: 'ed25519', key: signing.key.keyId, signature: sign(null, manifest, signing.key.privateKey).toString('base64') }));
    members.push('manifest.sig');
  }
  writeFileSync(join(work, 'manifest.json'), signing.alter === true ? Buffer.from(manifest.toString().replace('"sha256":"0"', '"sha256":"1"')) : manifest);
  writeFileSync(join(work, 'app.tar.gz'), 'fake');
  members.push('app.tar.gz');
  const tar = spawnSync('tar', ['--format=ustar', '-cf', '-', '-C', work, ...(manifestFirst ? members : members.reverse())]);
  assert.equal(tar.status, 0);
  return tar.stdout;
}

test('upgrade bundles are uploaded by admins, checked, stored for the applier and audited; the result is read back', async () => {
  const install = mkdtempSync(join(tmpdir(), 'radar-upgrade-install-'));
  mkdirSync(join(install, 'releases', '0.1.0'), { recursive: true });
  const keys = join(install, 'upgrade-keys');
  mkdirSync(keys);
  const trusted = signingKey();
  writeFileSync(join(keys, `${trusted.keyId}.pem`), trusted.publicPem);
  const signed: Signing = { key: trusted };
  await withService(async (svc, dataDir, _clock, client) => {
    const c = await adminClient(svc, client);
    const running = svc.services.version;

    // no releases here (an installer host): refused
    const noReleases = await c.call('POST', '/api/v1/system/upgrade', undefined, { raw: bundle(install, '9.9.9', signed) });
    assert.equal(noReleases.status, 409);
    assert.equal(((await c.call('GET', '/api/v1/system/upgrade')).json as { upgrade: { supported: boolean } }).upgrade.supported, false);
    symlinkSync(join('releases', '0.1.0'), join(install, 'current'));

    for (const [what, raw, message] of [
      ['a file that is not a bundle', Buffer.from('not a tar file at all'), 'not an API Radar upgrade bundle'],
      ['a tar without the manifest first', bundle(install, '9.9.9', signed, false), 'not an API Radar upgrade bundle'],
      ['an unsigned bundle', bundle(install, '9.9.9', { key: null }), 'not signed'],
      ['a bundle signed by a key this appliance does not trust', bundle(install, '9.9.9', { key: signingKey() }), 'does not trust'],
      ['a bundle whose manifest was changed after signing', bundle(install, '9.9.9', { key: trusted, alter: true }), 'does not match its manifest'],
    ] as const) {
      const a = await c.call('POST', '/api/v1/system/upgrade', undefined, { raw });
      assert.equal(a.status, 400, what);
      assert.match((a.json as { error: { message: string } }).error.message, new RegExp(message), what);
      assert.equal(existsSync(join(dataDir, 'upgrade', 'request')), false, what);
      assert.equal(existsSync(join(dataDir, 'upgrade', 'incoming.tar.part')), false, what);
    }
    assert.equal((await c.call('POST', '/api/v1/system/upgrade', undefined, { raw: bundle(install, running, signed) })).status, 409, 'the running version');

    const raw = bundle(install, '9.9.9', signed);
    const up = await c.call('POST', '/api/v1/system/upgrade', undefined, { raw });
    assert.equal(up.status, 202, JSON.stringify(up.json));
    assert.equal((up.json as { manifest: { version: string } }).manifest.version, '9.9.9');
    assert.deepEqual(readFileSync(join(dataDir, 'upgrade', 'incoming.tar')), raw, 'stored as uploaded for the applier');
    assert.equal(JSON.parse(readFileSync(join(dataDir, 'upgrade', 'request'), 'utf8')).version, '9.9.9');
    assert.equal((up.json as { upgrade: { pending: boolean } }).upgrade.pending, true);
    assert.equal((await c.call('POST', '/api/v1/system/upgrade', undefined, { raw })).status, 409, 'one upgrade at a time');
    const audit = svc.db.prepare("SELECT username, target, detail FROM audit_log WHERE action = 'system.upgrade'").all() as Array<{ username: string; target: string; detail: string }>;
    assert.equal(audit.length, 1);
    assert.equal(audit[0].target, 'release:9.9.9');
    assert.deepEqual(JSON.parse(audit[0].detail), { from: running, to: '9.9.9', bytes: raw.length });

    // the applier took the request and finished
    rmSync(join(dataDir, 'upgrade', 'request'));
    const result = { state: 'rolled_back', from: running, to: '9.9.9', startedAt: new Date().toISOString(), finishedAt: new Date().toISOString(), message: '9.9.9 did not pass its health check; restored', steps: ['x'] };
    writeFileSync(join(dataDir, 'upgrade', 'status.json'), JSON.stringify(result));
    const st = (await c.call('GET', '/api/v1/system/upgrade')).json as { upgrade: { pending: boolean; supported: boolean; last: Record<string, unknown> } };
    assert.equal(st.upgrade.pending, false);
    assert.equal(st.upgrade.supported, true);
    assert.equal(st.upgrade.last.state, 'rolled_back');
    assert.equal(st.upgrade.last.steps, undefined, 'only the summary is sent');

    // other roles
    assert.equal((await c.call('POST', '/api/v1/users', { username: 'analyst1', password: 'Analyst-pass-123', role: 'analyst' })).status, 201);
    const analyst = client();
    assert.equal((await analyst.login('analyst1', 'Analyst-pass-123')).status, 200);
    assert.equal((await analyst.call('POST', '/api/v1/system/upgrade', undefined, { raw })).status, 403);
    assert.equal((await analyst.call('GET', '/api/v1/system/upgrade')).status, 403);
  }, { installDir: install, upgradeKeysDir: keys });
  rmSync(install, { recursive: true, force: true });
});

test('the manifest is read from the bundle\'s first member only', () => {
  const dir = mkdtempSync(join(tmpdir(), 'radar-upgrade-manifest-'));
  try {
    const file = join(dir, 'b.tar');
    writeFileSync(file, bundle(dir, '1.2.3+build.4', { key: null }));
    assert.deepEqual(readBundleManifest(file), { version: '1.2.3+build.4', node: process.versions.node, created: '2026-11-29T00:00:00Z' });
    writeFileSync(file, bundle(dir, '../../etc', { key: null }));
    assert.equal(readBundleManifest(file), null, 'a version that is not a plain name');
    writeFileSync(file, Buffer.alloc(100));
    assert.equal(readBundleManifest(file), null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
