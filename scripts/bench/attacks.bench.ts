/**
 * `npm run bench:attacks`: the attack analyzer's cost. (1) Inside the real engine on the engine bench's mixed
 * traffic (as `npm run bench` generates it): engine alone vs engine + attacks analyzer, the time added per call and
 * the share of the engine's throughput it costs (issue 5 budget: attacks + abuse ≤ 25 %). (2) The detector alone
 * on in-memory mixed traffic — generated benign API calls with a share of attack requests (CRS corpus rows when
 * the corpus is present, else built-in samples) — in calls/s. Also the analyzer with its inert-value pre-filter
 * turned off, for a same-run ratio. Times are CPU time of this process, best of interleaved rounds; prints figures.
 *
 * Usage: npm run bench:attacks [-- --transactions N] [--runs R] [--attack-share 0.1]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBenchCapture } from '../traffic/bench.writer.ts';
import { CaptureFileReader } from '../../appliance/src/engine/source/capture-file.reader.ts';
import { HttpEngine } from '../../appliance/src/engine/http-engine.ts';
import type { Transaction } from '../../appliance/src/engine/transaction.types.ts';
import type { Analyzer } from '../../appliance/src/analyzers/analyzer.types.ts';
import { AnalysisPipeline } from '../../appliance/src/analysis/analysis.pipeline.ts';
import { AttacksAnalyzer } from '../../appliance/src/analyzers/attacks/attacks.analyzer.ts';
import { defaultAttackDetectors } from '../../appliance/src/analyzers/attacks/detector.registry.ts';
import type { AttackDetector } from '../../appliance/src/analyzers/attacks/attack.types.ts';
import { AbuseAnalyzer } from '../../appliance/src/analyzers/abuse/abuse.analyzer.ts';
import { IdentityAnalyzer } from '../../appliance/src/analyzers/identity/identity.analyzer.ts';
import type { CallContext } from '../../appliance/src/analyzers/call.context.ts';
import { benignTransactions, crsTransaction, loadCrsRows, makeTransaction } from '../score/attacks.traffic.ts';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}

const fmt = (n: number, d = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

/** CPU seconds of this process since `t0` (less sensitive than wall time to other work on a shared machine). */
function cpuSeconds(t0: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(t0);
  return (u.user + u.system) / 1e6;
}

async function runEngine(path: string, make: () => Analyzer[]): Promise<{ seconds: number; calls: number; detections: number }> {
  let detections = 0;
  const pipeline = new AnalysisPipeline(make(), [(ctx) => (detections += ctx.detections.length)]);
  const t0 = process.cpuUsage();
  const engine = new HttpEngine(pipeline.handle);
  await new CaptureFileReader(path).run((pkt) => engine.push(pkt));
  engine.finish();
  return { seconds: cpuSeconds(t0), calls: pipeline.calls, detections };
}

/** The default detectors with the inert-value pre-filter turned off (a detector without triggers disables it). */
function withoutPrefilter(): AttackDetector[] {
  return defaultAttackDetectors().map((d) => ({ ...d, triggers: undefined }));
}

const SAMPLE_ATTACKS: Array<[string, string]> = [
  ['GET', "/api/items?id=1'%20OR%20'1'='1"],
  ['GET', '/api/search?q=%3Cscript%3Ealert(1)%3C/script%3E'],
  ['GET', '/download?file=../../../../etc/passwd'],
  ['GET', '/ping?host=127.0.0.1;cat%20/etc/passwd'],
  ['GET', '/fetch?url=http://169.254.169.254/latest/meta-data/'],
  ['GET', '/render?tpl=%7B%7B7*7%7D%7D'],
];

function attackTransactions(n: number): Transaction[] {
  const rows = loadCrsRows();
  const out: Transaction[] = [];
  if (rows !== null) {
    const match = rows.filter((r) => r.expect === 'match');
    for (let i = 0; i < n; i++) out.push(crsTransaction(match[i % match.length]));
  } else {
    for (let i = 0; i < n; i++) {
      const [method, uri] = SAMPLE_ATTACKS[i % SAMPLE_ATTACKS.length];
      out.push(makeTransaction({ method, uri, headers: [['Host', 'api.example.com'], ['User-Agent', 'curl/8.4.0']] }));
    }
  }
  return out;
}

function detectorRate(txs: Transaction[], runs: number): { callsPerSec: number; nsPerCall: number; flagged: number } {
  let best = Infinity;
  let flagged = 0;
  for (let r = 0; r < runs; r++) {
    const a = new AttacksAnalyzer();
    flagged = 0;
    const t0 = process.cpuUsage();
    for (const tx of txs) {
      const call: CallContext = { tx, host: tx.host, auth: null, endpoint: null, sensitive: [], detections: [] };
      a.onCall(call);
      if (call.detections.length > 0) flagged++;
    }
    const s = cpuSeconds(t0);
    if (s < best) best = s;
  }
  return { callsPerSec: txs.length / best, nsPerCall: (best * 1e9) / txs.length, flagged };
}

async function main(): Promise<void> {
  const n = arg('--transactions', 100_000);
  const runs = arg('--runs', 5);
  const share = arg('--attack-share', 0.1);
  const dir = mkdtempSync(join(tmpdir(), 'attacks-bench-'));
  const path = join(dir, 'bench.pcap');
  await writeBenchCapture(path, { transactions: n, seed: 1 });
  const sets: Array<[string, () => Analyzer[]]> = [
    ['engine + empty pipeline', () => []],
    ['attacks', () => [new AttacksAnalyzer()]],
    ['attacks, no pre-filter', () => [new AttacksAnalyzer({}, withoutPrefilter())]],
    ['identity + abuse', () => [new IdentityAnalyzer(), new AbuseAnalyzer()]],
    ['identity + abuse + attacks', () => [new IdentityAnalyzer(), new AbuseAnalyzer(), new AttacksAnalyzer()]],
  ];
  const best: Array<{ seconds: number; calls: number; detections: number }> = [];
  try {
    await runEngine(path, () => []);
    for (let round = 0; round < runs; round++) {
      for (let i = 0; i < sets.length; i++) {
        const r = await runEngine(path, sets[i][1]);
        if (best[i] === undefined || r.seconds < best[i].seconds) best[i] = r;
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const ns = (i: number): number => (best[i].seconds * 1e9) / Math.max(1, best[i].calls);
  const base = ns(0);
  console.log(`Machine: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} cores, Node ${process.version}; one core; CPU time of this process.`);
  console.log(`(1) engine bench traffic (seed 1), ${fmt(best[0].calls)} calls, best of ${runs} interleaved rounds:`);
  for (let i = 0; i < sets.length; i++) {
    console.log(`  ${sets[i][0].padEnd(28)} ${fmt(best[i].seconds, 2)} s  ${fmt(best[i].calls / best[i].seconds)} calls/s  +${fmt(ns(i) - base)} ns/call  detections ${fmt(best[i].detections)}`);
  }
  const attacksNs = ns(1) - base;
  const bothNs = ns(4) - base;
  console.log(`  attacks alone cost ${fmt((100 * attacksNs) / ns(1), 1)}% of the engine's throughput (${fmt(attacksNs / base, 2)} × the engine's time per call; without the pre-filter ${fmt((ns(2) - base) / base, 2)} ×); identity + abuse + attacks cost ${fmt((100 * bothNs) / ns(4), 1)}% (budget for attacks + abuse: 25%).`);
  const benignN = Math.round(50_000 * (1 - share));
  const txs = [...benignTransactions(11, benignN), ...attackTransactions(50_000 - benignN)];
  for (let i = txs.length - 1; i > 0; i--) {
    const j = (i * 7919) % (i + 1);
    [txs[i], txs[j]] = [txs[j], txs[i]];
  }
  const d = detectorRate(txs, runs);
  console.log(`(2) detector alone on ${fmt(txs.length)} in-memory calls (${fmt(share * 100)}% attacks): ${fmt(d.callsPerSec)} calls/s, ${fmt(d.nsPerCall)} ns/call, ${fmt(d.flagged)} calls flagged.`);
  const benignOnly = detectorRate(benignTransactions(12, 20_000), runs);
  console.log(`    benign generated calls only: ${fmt(benignOnly.callsPerSec)} calls/s, ${fmt(benignOnly.nsPerCall)} ns/call.`);
}

await main();
