/**
 * `npm run bench`: measures the passive HTTP engine on a generated capture and prints, in one run,
 *   1. the full engine (read → decode → reassembly → HTTP → records) on one core: transactions/s and MB/s;
 *   2. a bare loop that only steps over the pcap records (the ceiling);
 *   3. tshark extracting the same requests, when installed;
 *   4. peak RSS of the engine, including on a ~1 GB capture.
 * Each measurement runs in its own child process (so RSS is its own), and the figures are written to
 * docs/benchmarks.md between markers. Ratios are computed against baselines measured in the same run.
 *
 * Usage: npm run bench [-- --transactions N] [--big-gb G] [--no-tshark] [--no-write]
 */
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readSync, closeSync, statSync, readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus } from 'node:os';
import { writeBenchCapture } from '../traffic/bench.writer.ts';
import { CaptureFileReader } from '../../appliance/src/engine/source/capture-file.reader.ts';
import { HttpEngine } from '../../appliance/src/engine/http-engine.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const self = fileURLToPath(import.meta.url);

interface Measure {
  seconds: number;
  transactions: number;
  packets: number;
  bytes: number;
  maxRssMb: number;
}

/** Steps over the pcap records without looking at them: the I/O + framing ceiling. */
function bareLoop(path: string): Measure {
  const t0 = performance.now();
  const fd = openSync(path, 'r');
  const size = statSync(path).size;
  let buf = Buffer.allocUnsafe(4 << 20);
  let have = 0;
  let pos = 0;
  let packets = 0;
  let off = 24;
  let le = true;
  let headerDone = false;
  for (;;) {
    const n = readSync(fd, buf, have, buf.length - have, pos);
    pos += n;
    have += n;
    if (!headerDone) {
      le = buf.readUInt32LE(0) === 0xa1b2c3d4 || buf.readUInt32LE(0) === 0xa1b23c4d;
      headerDone = true;
    }
    while (off + 16 <= have) {
      const incl = le ? buf.readUInt32LE(off + 8) : buf.readUInt32BE(off + 8);
      if (off + 16 + incl > have) break;
      off += 16 + incl;
      packets++;
    }
    if (n === 0) break;
    buf.copy(buf, 0, off, have);
    have -= off;
    off = 0;
    if (have === buf.length) buf = Buffer.concat([buf, Buffer.allocUnsafe(buf.length)]);
  }
  closeSync(fd);
  const seconds = (performance.now() - t0) / 1000;
  return { seconds, transactions: 0, packets, bytes: size, maxRssMb: process.resourceUsage().maxRSS / 1024 };
}

/** Runs the full engine over the file with a sink that only counts. */
async function fullEngine(path: string): Promise<Measure> {
  const t0 = performance.now();
  let transactions = 0;
  const engine = new HttpEngine(() => {
    transactions++;
  });
  const reader = new CaptureFileReader(path);
  await reader.runFrames(engine);
  engine.finish();
  const seconds = (performance.now() - t0) / 1000;
  const s = engine.stats();
  return { seconds, transactions, packets: s.packets, bytes: statSync(path).size, maxRssMb: process.resourceUsage().maxRSS / 1024 };
}

/** Runs one measurement in a child process and returns its figures. */
function child(mode: string, path: string): Measure {
  const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', mode, path], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`bench child ${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Measure;
}

function tshark(path: string): Measure | null {
  if (!existsSync('/usr/bin/tshark')) return null;
  const t0 = performance.now();
  const out = execFileSync('/usr/bin/tshark', ['-r', path, '-Y', 'http.request', '-T', 'fields', '-e', 'http.host', '-e', 'http.request.method', '-e', 'http.request.uri'], {
    maxBuffer: 1 << 30,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const seconds = (performance.now() - t0) / 1000;
  let lines = 0;
  for (let i = 0; i < out.length; i++) if (out[i] === 10) lines++;
  return { seconds, transactions: lines, packets: 0, bytes: statSync(path).size, maxRssMb: 0 };
}

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : dflt;
}

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

async function main(): Promise<void> {
  if (process.argv[2] === '--child') {
    const [mode, path] = [process.argv[3], process.argv[4]];
    const m = mode === 'bare' ? bareLoop(path) : await fullEngine(path);
    process.stdout.write(`${JSON.stringify(m)}\n`);
    return;
  }
  const txCount = Number(arg('--transactions', '200000'));
  const bigGb = Number(arg('--big-gb', '1'));
  const dir = join(root, 'tmp', 'bench');
  mkdirSync(dir, { recursive: true });

  const small = join(dir, `bench-${txCount}.pcap`);
  if (!existsSync(small)) {
    process.stderr.write(`generating ${fmt(txCount)} transactions into ${small} ...\n`);
    await writeBenchCapture(small, { transactions: txCount, seed: 1 });
  }
  const bare = child('bare', small);
  const eng = child('engine', small);
  const ts = process.argv.includes('--no-tshark') ? null : tshark(small);

  let big: Measure | null = null;
  let bigPath = '';
  if (bigGb > 0) {
    const smallSize = statSync(small).size;
    const bigTx = Math.round((txCount * bigGb * 1024 ** 3) / smallSize);
    bigPath = join(dir, `bench-${bigTx}.pcap`);
    if (!existsSync(bigPath)) {
      process.stderr.write(`generating ${fmt(bigTx)} transactions (~${bigGb} GB) into ${bigPath} ...\n`);
      await writeBenchCapture(bigPath, { transactions: bigTx, seed: 2 });
    }
    big = child('engine', bigPath);
  }

  const mb = (m: Measure) => m.bytes / 1e6 / m.seconds;
  const tps = (m: Measure) => m.transactions / m.seconds;
  const bareTps = eng.transactions / bare.seconds; // the same capture's transactions at the bare loop's pace
  const lines = [
    `Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}; one core per measurement.`,
    `Capture: ${fmt(eng.transactions)} transactions, ${fmt(eng.packets)} packets, ${fmt(eng.bytes / 1e6, 1)} MB (generated, seed 1).`,
    '',
    '| measurement | seconds | transactions/s | MB/s | peak RSS MB |',
    '|---|---|---|---|---|',
    `| bare loop over pcap records (ceiling) | ${fmt(bare.seconds, 2)} | ${fmt(bareTps)} (equivalent) | ${fmt(mb(bare))} | ${fmt(bare.maxRssMb)} |`,
    `| full engine (read → decode → reassembly → HTTP → records) | ${fmt(eng.seconds, 2)} | ${fmt(tps(eng))} | ${fmt(mb(eng))} | ${fmt(eng.maxRssMb)} |`,
    ts ? `| tshark -Y http.request -T fields (host, method, uri) | ${fmt(ts.seconds, 2)} | ${fmt(tps(ts))} | ${fmt(mb(ts))} | – |` : '| tshark | not installed | | | |',
    big ? `| full engine on ${fmt(big.bytes / 1e9, 2)} GB (${fmt(big.transactions)} transactions) | ${fmt(big.seconds, 2)} | ${fmt(tps(big))} | ${fmt(mb(big))} | ${fmt(big.maxRssMb)} |` : '',
    '',
    `Engine vs bare loop: ${fmt((100 * bare.seconds) / eng.seconds, 1)}% of the ceiling's rate (target ≥ 14%).`,
    ts ? `Engine vs tshark: ${fmt(tps(eng) / tps(ts), 1)}× (target ≥ 30×); tshark found ${fmt(ts.transactions)} requests, the engine ${fmt(eng.transactions)} transactions.` : '',
    `Targets: ≥ 150,000 transactions/s on one core (${tps(eng) >= 150000 ? 'met' : 'NOT met'}); peak RSS < 300 MB on 1 GB (${big ? (big.maxRssMb < 300 ? 'met' : 'NOT met') : 'not measured'}).`,
  ].filter((l, i, a) => l !== '' || (a[i - 1] ?? '') !== '');
  const text = lines.join('\n');
  process.stdout.write(`${text}\n`);

  if (!process.argv.includes('--no-write')) {
    const doc = join(root, 'docs', 'benchmarks.md');
    const begin = '<!-- engine-bench:begin -->';
    const end = '<!-- engine-bench:end -->';
    const stamp = `Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench\`.`;
    const block = `${begin}\n${stamp}\n\n${text}\n${end}`;
    let cur = existsSync(doc) ? readFileSync(doc, 'utf8') : '# Benchmarks\n\nFigures printed by the benchmark scripts; each run rewrites its own section.\n\n## Engine (`npm run bench`)\n\n';
    if (cur.includes(begin)) cur = cur.replace(new RegExp(`${begin}[\\s\\S]*?${end}`), block);
    else cur = `${cur.trimEnd()}\n\n${block}\n`;
    writeFileSync(doc, cur.endsWith('\n') ? cur : `${cur}\n`);
    process.stderr.write(`figures written to ${doc}\n`);
  }
}

await main();
