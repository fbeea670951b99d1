// Tests of the appliance's single-file service build (image-build/lib/bundle-service.mjs): the bundle, run by plain
// node without tsx, starts the real service, applies its migrations, answers the wizard, finds every notifier plug-in
// and resolves paths (UI, migrations) from where the source files are installed; an uploaded capture is analysed by
// the bundled upload worker (forked with plain node) into the call log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '../../../scripts/lib/service.client.ts';
import { generateScenario, writeScenarioCapture } from '../../../scripts/traffic/scenario.catalog.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

test('the bundled service starts without tsx, answers the wizard and knows every notifier kind', async () => {
  // packages resolve from the bundle's own folder, so it is written inside the checkout (out/ is not versioned)
  mkdirSync(join(root, 'out'), { recursive: true });
  const outDir = mkdtempSync(join(root, 'out', 'bundle-test-'));
  const dataDir = mkdtempSync(join(tmpdir(), 'radar-bundle-'));
  const bundle = join(outDir, 'main.mjs');
  try {
    const built = spawnSync(process.execPath, ['image-build/lib/bundle-service.mjs', root, root, bundle], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    assert.equal(built.status, 0, built.stderr);
    for (const file of ['main.mjs', 'live-capture.child.mjs', 'capture-analysis.worker.mjs']) {
      assert.doesNotMatch(readFileSync(join(outDir, file), 'utf8'), /import\.meta\.url/, `every import.meta.url in ${file} points at the installed source file`);
    }

    const port = await freePort();
    const env = { ...process.env, API_RADAR_DATA_DIR: dataDir, API_RADAR_HOST: '127.0.0.1', API_RADAR_HTTPS_PORT: String(port), API_RADAR_HTTP_PORT: '0' };
    const child = spawn(process.execPath, [bundle], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    assert.ok(!child.spawnargs.includes('tsx'));
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "listening" and "setup token" lines in 60 s:\n${out}`)), 60_000);
        child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${out}`)));
        child.stdout.on('data', () => {
          if (out.includes('listening') && /setup token: \S+ /.test(out)) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      const token = /setup token: ([A-Za-z0-9_-]+)/.exec(out)?.[1];
      assert.ok(token !== undefined, out);
      const c = new Client(port, readFileSync(join(dataDir, 'tls', 'cert.pem')));
      const page = await c.call('GET', '/');
      assert.equal(page.status, 200);
      const setup = await c.call('POST', '/api/v1/setup/complete', { token, username: 'admin', password: 'Bundle-Test-2026!' });
      assert.equal(setup.status, 200, JSON.stringify(setup.json));
      assert.equal((await c.login('admin', 'Bundle-Test-2026!')).status, 200);
      const kinds = await c.call('GET', '/api/v1/notifiers/kinds');
      assert.equal(kinds.status, 200);
      const plugins = readdirSync(join(root, 'appliance/src/notifiers'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
      assert.deepEqual((kinds.json as { kinds: { kind: string }[] }).kinds.map((k) => k.kind).sort(), plugins);
      // an upload runs in the bundled worker, without tsx
      const pcap = writeScenarioCapture(null, generateScenario('keepalive', 1), { format: 'pcap' }).buffer!;
      const up = await c.call('POST', '/api/v1/captures?name=bundle.pcap', undefined, { raw: pcap });
      assert.equal(up.status, 202, JSON.stringify(up.json));
      const id = (up.json as { run: { id: number } }).run.id;
      let run = { status: 'running', transactions: 0, error: '' };
      for (let i = 0; i < 600 && run.status === 'running'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        run = ((await c.call('GET', `/api/v1/captures/${id}`)).json as { run: typeof run }).run;
      }
      assert.equal(run.status, 'done', run.error);
      assert.ok(run.transactions > 0);
      const calls = (await c.call('GET', '/api/v1/calls?limit=5')).json as { calls: unknown[] };
      assert.ok(calls.calls.length > 0, 'the worker\'s calls reached the call log');
    } finally {
      child.kill('SIGTERM');
      if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
});
