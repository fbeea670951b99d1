// Tests of the upgrade routes on a running service: an admin's upload of a bundle is checked by its manifest, stored
// for the root applier with its request file and audited; a second upload waits for the first; other roles, files
// that are not bundles, the running version and installations without releases are refused; the applier's result is
// read back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBundleManifest } from '../../../appliance/src/services/upgrade.service.ts';
import { adminClient, withService } from '../server/service.harness.ts';

/** A bundle as the builder lays it out (manifest first, then the payload); the applier checks the payload. */
function bundle(dir: string, version: string, manifestFirst = true): Buffer {
  const work = mkdtempSync(join(dir, 'bundle-'));
  writeFileSync(join(work, 'manifest.json'), JSON.stringify({ product: 'api-radar', format: 1, version, node: process.versions.node, modules: process.versions.modules, created: '2026-11-29T00:00:00Z', payload: { file: 'app.tar.gz', sha256: '0', bytes: 4 } }));
  writeFileSync(join(work, 'app.tar.gz'), 'fake');
  const members = manifestFirst ? ['manifest.json', 'app.tar.gz'] : ['app.tar.gz', 'manifest.json'];
  const tar = spawnSync('tar', ['--format=ustar', '-cf', '-', '-C', work, ...members]);
  assert.equal(tar.status, 0);
  return tar.stdout;
}

test('upgrade bundles are uploaded by admins, checked, stored for the applier and audited; the result is read back', async () => {
  const install = mkdtempSync(join(tmpdir(), 'radar-upgrade-install-'));
  mkdirSync(join(install, 'releases', '0.1.0'), { recursive: true });
  await withService(async (svc, dataDir, _clock, client) => {
    const c = await adminClient(svc, client);
    const running = svc.services.version;

    // no releases here (an installer host): refused
    const noReleases = await c.call('POST', '/api/v1/system/upgrade', undefined, { raw: bundle(install, '9.9.9') });
    assert.equal(noReleases.status, 409);
    assert.equal(((await c.call('GET', '/api/v1/system/upgrade')).json as { upgrade: { supported: boolean } }).upgrade.supported, false);
    symlinkSync(join('releases', '0.1.0'), join(install, 'current'));

    for (const [what, raw] of [
      ['a file that is not a bundle', Buffer.from('not a tar file at all')],
      ['a tar without the manifest first', bundle(install, '9.9.9', false)],
    ] as const) {
      const a = await c.call('POST', '/api/v1/system/upgrade', undefined, { raw });
      assert.equal(a.status, 400, what);
      assert.equal(existsSync(join(dataDir, 'upgrade', 'request')), false, what);
    }
    assert.equal((await c.call('POST', '/api/v1/system/upgrade', undefined, { raw: bundle(install, running) })).status, 409, 'the running version');

    const raw = bundle(install, '9.9.9');
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
  }, { installDir: install });
  rmSync(install, { recursive: true, force: true });
});

test('the manifest is read from the bundle\'s first member only', () => {
  const dir = mkdtempSync(join(tmpdir(), 'radar-upgrade-manifest-'));
  try {
    const file = join(dir, 'b.tar');
    writeFileSync(file, bundle(dir, '1.2.3+build.4'));
    assert.deepEqual(readBundleManifest(file), { version: '1.2.3+build.4', node: process.versions.node, created: '2026-11-29T00:00:00Z' });
    writeFileSync(file, bundle(dir, '../../etc'));
    assert.equal(readBundleManifest(file), null, 'a version that is not a plain name');
    writeFileSync(file, Buffer.alloc(100));
    assert.equal(readBundleManifest(file), null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
