/**
 * `npm run bench:sensitive`: what sensitive-data scanning costs, printed and written to docs/benchmarks.md between
 * the `sensitive-bench` markers:
 *   1. per-call cost of the SensitiveAnalyzer on the engine's bench traffic (engine + analyzer minus engine alone,
 *      best of runs), as a share of the engine's throughput (issue 4: cost / (engine + cost) ≤ 20 %); with the
 *      analyzer's full-scan / fast-path split;
 *   2. the same with learning off (every call scanned fully), and the steady state: the default analyzer's second
 *      pass over the same traffic (profiles learned, periodic full scans backed off), as a long-running sensor sees it;
 *   3. the detectors' own MB/s on body data (request and response bodies of the bench capture, copied to memory,
 *      scanned body-only; CPU time).
 *
 * `--compare <dir>` instead compares this tree's analyzer with the one of another checkout (e.g. `git archive main
 * appliance | tar -x -C tmp/baseline`), paired: the calls the identity, inventory and clients analyzers produced
 * (bodies decoded) go through both analyzers in chunks of 500, in alternating order, with the CPU time summed per tree,
 * so a load change on a shared machine hits both alike; the first pass includes learning, the later ones are the steady
 * state. It checks that both trees end with the same snapshot (exact results kept). Nothing is written.
 *
 * Usage: npm run bench:sensitive [-- --transactions N] [--runs R] [--no-write] [--compare dir [--passes P]]
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cpus } from 'node:os';
import { writeBenchCapture } from '../traffic/bench.writer.ts';
import { CaptureFileReader } from '../../appliance/src/engine/source/capture-file.reader.ts';
import { HttpEngine } from '../../appliance/src/engine/http-engine.ts';
import type { Transaction } from '../../appliance/src/engine/transaction.types.ts';
import { AnalysisPipeline } from '../../appliance/src/analysis/analysis.pipeline.ts';
import type { Analyzer } from '../../appliance/src/analyzers/analyzer.types.ts';
import type { CallContext } from '../../appliance/src/analyzers/call.context.ts';
import { defaultAnalyzers } from '../../appliance/src/analysis/offline-analysis.service.ts';
import { SensitiveAnalyzer } from '../../appliance/src/analyzers/sensitive/sensitive.analyzer.ts';
import { ScanPart, SensitiveScanner } from '../../appliance/src/analyzers/sensitive/sensitive.scanner.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}

/**
 * Runs the engine over the capture with `sink`; returns the process's CPU seconds (user + system), which other
 * processes on a shared machine inflate far less than wall time.
 */
async function runEngine(path: string, sink: (tx: Transaction) => void): Promise<number> {
  const t0 = process.cpuUsage();
  const engine = new HttpEngine(sink);
  await new CaptureFileReader(path).run((pkt) => engine.push(pkt));
  engine.finish();
  const used = process.cpuUsage(t0);
  return (used.user + used.system) / 1e6;
}

function copyTx(tx: Transaction): Transaction {
  const copy = (b: Transaction['requestBody']) => (b === null ? null : { ...b, data: Buffer.from(b.data) });
  return { ...tx, requestHeaders: tx.requestHeaders, responseHeaders: tx.responseHeaders, requestBody: copy(tx.requestBody), responseBody: copy(tx.responseBody) };
}

/** CPU seconds (user + system) since `from`. */
function cpuSince(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1e6;
}

/** Calls as the sensitive analyzer receives them in the default pipeline (after identity, inventory and clients), bodies decoded and copied. */
async function recordCalls(path: string): Promise<CallContext[]> {
  const calls: CallContext[] = [];
  const recorder: Analyzer = {
    id: 'recorder',
    onCall(c: CallContext): void {
      calls.push({ tx: copyTx(c.tx), host: c.host, auth: c.auth, endpoint: c.endpoint, sensitive: [], detections: [] });
    },
    contribute(): void {},
  };
  await runEngine(path, new AnalysisPipeline([...defaultAnalyzers().slice(0, 3), recorder]).handle);
  return calls;
}

/** Paired comparison of this tree's SensitiveAnalyzer with the one under `dir` (see the header). */
async function compare(path: string, dir: string, passes: number): Promise<void> {
  const calls = await recordCalls(path);
  const url = pathToFileURL(resolve(dir, 'appliance/src/analyzers/sensitive/sensitive.analyzer.ts')).href;
  const Other = ((await import(url)) as { SensitiveAnalyzer: typeof SensitiveAnalyzer }).SensitiveAnalyzer;
  const labels = [dir, 'this tree'];
  const analyzers = [new Other(), new SensitiveAnalyzer()];
  const chunk = 500;
  for (let p = 0; p < passes; p++) {
    const cpu = [0, 0];
    for (let s = 0, n = 0; s < calls.length; s += chunk, n++) {
      const e = Math.min(calls.length, s + chunk);
      for (let j = 0; j < 2; j++) {
        const i = n % 2 === 0 ? j : 1 - j;
        for (let k = s; k < e; k++) {
          calls[k].sensitive = [];
          calls[k].detections = [];
          calls[k].sensitiveRecords = undefined;
        }
        const t0 = process.cpuUsage();
        for (let k = s; k < e; k++) analyzers[i].onCall(calls[k]);
        cpu[i] += cpuSince(t0);
      }
    }
    const us = cpu.map((c) => (c * 1e6) / calls.length);
    console.log(`pass ${p + 1} (${p === 0 ? 'first, learning included' : 'steady state'}): ${labels[0]} ${us[0].toFixed(2)} µs/call, ${labels[1]} ${us[1].toFixed(2)} µs/call, ratio ${(us[1] / us[0]).toFixed(3)}`);
  }
  const same = JSON.stringify(analyzers[0].snapshot()) === JSON.stringify(analyzers[1].snapshot());
  console.log(`snapshots after ${passes} passes over ${calls.length} calls: ${same ? 'equal' : 'DIFFERENT'}`);
  if (!same) process.exitCode = 1;
}

async function main(): Promise<void> {
  const transactions = arg('--transactions', 100_000);
  const runs = arg('--runs', 3);
  const write = !process.argv.includes('--no-write');
  const dir = join(root, 'out', 'bench');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `sensitive-bench-${transactions}.pcap`);
  if (!existsSync(path)) await writeBenchCapture(path, { transactions, seed: 1 });
  const compareDir = process.argv.indexOf('--compare') >= 0 ? process.argv[process.argv.indexOf('--compare') + 1] : undefined;
  if (compareDir !== undefined) return compare(path, compareDir, arg('--passes', 3));

  let calls = 0;
  let engineS = Infinity;
  let withS = Infinity;
  let fullS = Infinity;
  let sampledS = Infinity;
  let steadyS = Infinity;
  let stats = new SensitiveAnalyzer().stats;
  for (let r = 0; r < runs; r++) {
    calls = 0;
    engineS = Math.min(engineS, await runEngine(path, (tx) => void (tx.method !== '' && calls++)));
    const analyzer = new SensitiveAnalyzer();
    const pipeline = new AnalysisPipeline([analyzer]);
    withS = Math.min(withS, await runEngine(path, pipeline.handle));
    stats = { ...analyzer.stats };
    steadyS = Math.min(steadyS, await runEngine(path, pipeline.handle));
    const fullPipeline = new AnalysisPipeline([new SensitiveAnalyzer({ learning: false })]);
    fullS = Math.min(fullS, await runEngine(path, fullPipeline.handle));
    const sampledPipeline = new AnalysisPipeline([new SensitiveAnalyzer({ recordSampling: 8 })]);
    sampledS = Math.min(sampledS, await runEngine(path, sampledPipeline.handle));
  }
  const engineUs = (engineS * 1e6) / calls;
  const learnedUs = ((withS - engineS) * 1e6) / calls;
  const fullUs = ((fullS - engineS) * 1e6) / calls;
  const sampledUs = ((sampledS - engineS) * 1e6) / calls;
  const steadyUs = ((steadyS - engineS) * 1e6) / calls;

  const txs: Transaction[] = [];
  await runEngine(path, (tx) => void (txs.length < 20_000 && txs.push(copyTx(tx))));
  let bodyBytes = 0;
  for (const tx of txs) bodyBytes += (tx.requestBody?.data.length ?? 0) + (tx.responseBody?.data.length ?? 0);
  const scanner = new SensitiveScanner();
  let bodyS = Infinity;
  let hits = 0;
  for (let r = 0; r < runs; r++) {
    const t0 = process.cpuUsage();
    hits = 0;
    for (const tx of txs) hits += scanner.scan(tx, ScanPart.RequestBody | ScanPart.ResponseBody).length;
    bodyS = Math.min(bodyS, cpuSince(t0));
  }
  const mbps = bodyBytes / 1e6 / bodyS;

  const f = (n: number, d = 2) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
  const share = (us: number): string => `${f((100 * us) / (engineUs + us), 1)}%`;
  const lines = [
    `Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench:sensitive -- --transactions ${transactions}\` (best of ${runs}; CPU time of the process).`,
    '',
    `Machine: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} cores, Node ${process.version}; one core.`,
    `Traffic: the engine bench capture (${f(calls, 0)} calls, seed 1; every response carries e-mails and mobile numbers).`,
    '',
    '| measurement | µs per call | share of the engine\'s throughput (cost / (engine + cost)) |',
    '|---|---|---|',
    `| engine alone | ${f(engineUs)} | |`,
    `| SensitiveAnalyzer, learned fast path (default) | ${f(learnedUs)} | ${share(learnedUs)} |`,
    `| SensitiveAnalyzer, steady state (second pass of the same analyzer over the same traffic) | ${f(steadyUs)} | ${share(steadyUs)} |`,
    `| SensitiveAnalyzer, fast path with recordSampling 8 (estimated counts) | ${f(sampledUs)} | ${share(sampledUs)} |`,
    `| SensitiveAnalyzer, every call scanned fully | ${f(fullUs)} | ${share(fullUs)} |`,
    '',
    `Fast path split (last run): ${f(stats.fullScans, 0)} full scans, ${f(stats.fastCalls, 0)} fast-path calls, ${f(stats.profiles, 0)} learning profiles, ${f(stats.wildProfiles, 0)} wild.`,
    '',
    `Detectors on body data: ${f(mbps, 1)} MB/s (${f(bodyBytes / 1e6, 1)} MB of request and response bodies from ${f(txs.length, 0)} calls, ${f(hits / txs.length, 1)} hits per call).`,
    '',
    `Target: the analyzer costs ≤ 20% of the engine's throughput, cost / (engine + cost) ≤ 0.2, i.e. ≤ ${f(engineUs / 4)} µs per call against the engine time of this run.`,
  ];
  const text = lines.join('\n');
  console.log(text);
  if (write) {
    const doc = join(root, 'docs', 'benchmarks.md');
    const begin = '<!-- sensitive-bench:begin -->';
    const end = '<!-- sensitive-bench:end -->';
    let md = existsSync(doc) ? readFileSync(doc, 'utf8') : '# Benchmarks\n';
    const block = `${begin}\n${text}\n${end}`;
    const a = md.indexOf(begin);
    const b = md.indexOf(end);
    if (a >= 0 && b > a) md = md.slice(0, a) + block + md.slice(b + end.length);
    else md = `${md.trimEnd()}\n\n## Sensitive data (\`npm run bench:sensitive\`)\n\n${block}\n`;
    writeFileSync(doc, md);
  }
}

await main();
