/**
 * `npm run bench:behaviour`: measures the behaviour analyzers (identity, abuse, exposure, and the clients and risk
 * accounting) per call on the engine's mixed benchmark traffic. Each analyzer set runs inside the real engine over
 * the same generated capture (so transactions are as fresh in the CPU caches as they are live); the best of several
 * runs counts, and a set's cost per call is its time minus the engine-only time, divided by the calls. Also prints
 * the detections the analyzers made on this benign traffic. Figures go to docs/benchmarks.md between the
 * behaviour-bench markers.
 *
 * Usage: npm run bench:behaviour [-- --transactions N] [--runs R] [--no-write]
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeBenchCapture } from '../traffic/bench.writer.ts';
import { CaptureFileReader } from '../../appliance/src/engine/source/capture-file.reader.ts';
import { HttpEngine } from '../../appliance/src/engine/http-engine.ts';
import type { Transaction } from '../../appliance/src/engine/transaction.types.ts';
import type { Analyzer } from '../../appliance/src/analyzers/analyzer.types.ts';
import { AnalysisPipeline } from '../../appliance/src/analysis/analysis.pipeline.ts';
import { IdentityAnalyzer } from '../../appliance/src/analyzers/identity/identity.analyzer.ts';
import { AbuseAnalyzer } from '../../appliance/src/analyzers/abuse/abuse.analyzer.ts';
import { ExposureAnalyzer } from '../../appliance/src/analyzers/exposure/exposure.analyzer.ts';
import { ClientsAnalyzer } from '../../appliance/src/analyzers/clients/clients.analyzer.ts';
import { RiskAnalyzer } from '../../appliance/src/analyzers/risk/risk.analyzer.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}

const fmt = (n: number, d = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

/** Runs the engine over `path` handing transactions to `sink`; returns seconds. */
async function runEngine(path: string, sink: (tx: Transaction) => void): Promise<number> {
  const t0 = process.hrtime.bigint();
  const engine = new HttpEngine(sink);
  await new CaptureFileReader(path).run((pkt) => engine.push(pkt));
  engine.finish();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

interface Row {
  name: string;
  nsPerCall: number;
  callsPerSec: number;
  detections: Map<string, number>;
}

/** One timed run of an analyzer set inside the engine. */
async function measure(name: string, make: () => Analyzer[], path: string, runs: number): Promise<Row & { seconds: number; calls: number }> {
  let best = Infinity;
  let calls = 0;
  let detections = new Map<string, number>();
  for (let r = 0; r < runs; r++) {
    const counts = new Map<string, number>();
    const pipeline = new AnalysisPipeline(make(), [
      (ctx) => {
        for (const d of ctx.detections) counts.set(d.type, (counts.get(d.type) ?? 0) + 1);
      },
    ]);
    const sec = await runEngine(path, pipeline.handle);
    if (sec < best) best = sec;
    calls = pipeline.calls;
    detections = counts;
  }
  return { name, seconds: best, calls, nsPerCall: (best * 1e9) / Math.max(1, calls), callsPerSec: calls / best, detections };
}

async function main(): Promise<void> {
  const n = arg('--transactions', 100_000);
  const runs = arg('--runs', 5);
  const dir = mkdtempSync(join(tmpdir(), 'behaviour-bench-'));
  const path = join(dir, 'bench.pcap');
  await writeBenchCapture(path, { transactions: n, seed: 1 });
  const sets: Array<[string, () => Analyzer[]]> = [
    ['engine + empty pipeline', () => []],
    ['identity', () => [new IdentityAnalyzer()]],
    ['identity + abuse', () => [new IdentityAnalyzer(), new AbuseAnalyzer()]],
    ['identity + exposure', () => [new IdentityAnalyzer(), new ExposureAnalyzer()]],
    ['identity + abuse + exposure', () => [new IdentityAnalyzer(), new AbuseAnalyzer(), new ExposureAnalyzer()]],
    ['identity + abuse + exposure + clients + risk', () => [new IdentityAnalyzer(), new AbuseAnalyzer(), new ExposureAnalyzer(), new ClientsAnalyzer(), new RiskAnalyzer()]],
  ];
  // Rounds go over every set in turn, so drifting load on a shared machine affects all sets alike; best run counts.
  const rows: Array<Row & { seconds: number; calls: number }> = [];
  try {
    await measure('warm-up', () => [], path, 1);
    for (let round = 0; round < runs; round++) {
      for (let i = 0; i < sets.length; i++) {
        const r = await measure(sets[i][0], sets[i][1], path, 1);
        if (rows[i] === undefined || r.seconds < rows[i].seconds) rows[i] = r;
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const base = rows[0].nsPerCall;
  const all = rows[rows.length - 2];
  const lines = [
    `Machine: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} cores, Node ${process.version}; one core.`,
    `Capture: engine bench traffic (seed 1), ${fmt(rows[0].calls)} calls; each set runs inside the engine, best of ${runs} interleaved rounds.`,
    '',
    '| analyzers | seconds | calls/s (engine included) | added per call over the engine, ns |',
    '|---|---|---|---|',
    ...rows.map((r) => `| ${r.name} | ${fmt(r.seconds, 2)} | ${fmt(r.callsPerSec)} | ${fmt(r.nsPerCall - base)} |`),
    '',
    `Per-call budget for identity + abuse + exposure: ≤ 1,000 ns (${all.nsPerCall - base <= 1000 ? 'met' : 'NOT met'}: ${fmt(all.nsPerCall - base)} ns); ` +
      `their own rate ≈ ${fmt(1e9 / Math.max(1, all.nsPerCall - base))} calls/s; share of the engine's throughput they cost: ${fmt((100 * (all.nsPerCall - base)) / all.nsPerCall, 1)}%.`,
    `Detections on this benign traffic (calls carrying each type): ${[...all.detections].map(([t, c]) => `${t} ${fmt(c)}`).join(', ') || 'none'}.`,
  ];
  const text = lines.join('\n');
  process.stdout.write(`${text}\n`);
  if (!process.argv.includes('--no-write')) {
    const doc = join(root, 'docs', 'benchmarks.md');
    const begin = '<!-- behaviour-bench:begin -->';
    const end = '<!-- behaviour-bench:end -->';
    const block = `${begin}\nMeasured ${new Date().toISOString().slice(0, 10)} with \`npm run bench:behaviour\`.\n\n${text}\n${end}`;
    let cur = existsSync(doc) ? readFileSync(doc, 'utf8') : '# Benchmarks\n';
    if (cur.includes(begin)) cur = cur.replace(new RegExp(`${begin}[\\s\\S]*?${end}`), block);
    else cur = `${cur.trimEnd()}\n\n## Behaviour analyzers (\`npm run bench:behaviour\`)\n\n${block}\n`;
    writeFileSync(doc, cur);
    process.stderr.write(`figures written to ${doc}\n`);
  }
}

await main();
