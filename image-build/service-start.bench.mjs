#!/usr/bin/env node
// Benchmark of the bundled service's start (what the appliance pays at every boot, ~60–80× slower under TCG): CPU time
// (user + system, all threads) of `node dist/main.mjs` from spawn to its "listening" line, on an empty data directory,
// for the tree at a base revision and for the working tree, runs interleaved in one process so both see the same
// machine load. Prints per-variant median and range and the ratio.
// Usage: node image-build/service-start.bench.mjs [--base REV] [--runs N]
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const base = opt('--base', 'main');
const runs = Number(opt('--runs', '5'));
const TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);

/** CPU seconds (user + system of every thread) the process `pid` has used so far. */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Bundles the tree at `appDir` (installed where it is) into `<appDir>/dist/main.mjs` or `outFile`. */
function bundle(appDir, outFile) {
  const r = spawnSync(process.execPath, [join(root, 'image-build/lib/bundle-service.mjs'), appDir, appDir, outFile], { cwd: appDir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bundle of ${appDir} failed:\n${r.stderr}`);
  return outFile;
}

/** Starts the bundle once on a fresh data directory (a first boot); CPU seconds to "listening" and to the setup token line. */
async function startOnce(file) {
  const dataDir = mkdtempSync(join(tmpdir(), 'radar-start-bench-'));
  const port = await freePort();
  const env = { ...process.env, API_RADAR_DATA_DIR: dataDir, API_RADAR_HOST: '127.0.0.1', API_RADAR_HTTPS_PORT: String(port), API_RADAR_HTTP_PORT: '0' };
  const child = spawn(process.execPath, [file], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const result = { listening: NaN, token: NaN };
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start in 60 s:\n${out}`)), 60_000);
      child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${out}`)));
      const seen = (d) => {
        out += d.toString('utf8');
        if (Number.isNaN(result.listening) && out.includes(' listening: ')) result.listening = cpuSeconds(child.pid);
        if (!Number.isNaN(result.listening) && /setup token: /.test(out)) {
          result.token = cpuSeconds(child.pid);
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on('data', seen);
      child.stderr.on('data', (d) => (out += d.toString('utf8')));
    });
  } finally {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
  return result;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (all) => {
  const xs = all.filter((x) => !Number.isNaN(x));
  return xs.length === 0 ? '–' : `${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`;
};

const work = join(root, 'out', 'start-bench');
rmSync(work, { recursive: true, force: true });
mkdirSync(join(work, 'base'), { recursive: true });
const tar = spawnSync('sh', ['-c', `git -C "${root}" archive --format=tar "${base}" | tar -x -C "${join(work, 'base')}"`], { encoding: 'utf8' });
if (tar.status !== 0) throw new Error(`git archive ${base} failed: ${tar.stderr}`);
const variants = [
  { name: `base (${base})`, file: bundle(join(work, 'base'), join(work, 'base', 'dist', 'main.mjs')), samples: [] },
  { name: 'working tree', file: bundle(root, join(work, 'head', 'main.mjs')), samples: [] },
];
for (let i = 0; i < runs; i++) for (const v of variants) v.samples.push(await startOnce(v.file));

console.log(`# bundled service start: CPU-s from spawn (median, range; ${runs} interleaved runs, load ${(await import('node:os')).loadavg()[0].toFixed(1)})`);
console.log('| start | to "listening" | to the setup token line |');
console.log('|---|---|---|');
for (const v of variants) console.log(`| ${v.name} | ${fmt(v.samples.map((s) => s.listening))} | ${fmt(v.samples.map((s) => s.token))} |`);
const [b, h] = variants.map((v) => median(v.samples.map((s) => s.listening)));
console.log(`to "listening": working tree / base = ${(h / b).toFixed(2)}`);
rmSync(work, { recursive: true, force: true });
