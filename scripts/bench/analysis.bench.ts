/**
 * `npm run bench:analysis`: what each default analyzer costs per call, and the end-to-end rate of
 * `analyzeCaptureFile`, on the engine's bench traffic. The pipeline runs inside the real engine with the first k
 * analyzers of `defaultAnalyzers()` for k = 0..all (so every analyzer sees the context its predecessors fill, as in
 * production); an analyzer's cost per call is the time of the set that ends with it minus the set before, divided by
 * the calls. Sets are measured in interleaved rounds (drifting load on a shared machine hits all alike) and the best
 * round counts. Times are CPU seconds of the process (user + system), not wall time, so other work on a shared machine
 * disturbs them less (cache and core contention still show).
 *
 * `--compare <dir>` also measures the analyzers of another checkout (e.g. a `git archive` of the previous commit) in
 * the same rounds, so before/after figures are ratios from one run. Figures go to docs/benchmarks.md
 * (analysis-bench markers) unless `--no-write`.
 *
 * The policy engine is also timed directly: the contexts the detecting analyzers produced are recorded at the
 * policies' place in the pipeline and replayed through `PolicyEngine.evaluate` alone (its own µs/call, free of the
 * pipeline's run-to-run noise). `--json` prints the figures as one JSON line (`npm run bench` reads it).
 *
 * `--inventory-split` also times the inventory analyzer's two stages in the pipeline (after identity, as in
 * production): templating alone (the analyzer with its per-endpoint facts switched off) and the facts (the whole
 * analyzer minus templating), on a first pass and in the steady state (a second pass over the same calls through the
 * same analyzers); this tree only, in its own interleaved rounds. The rows above are unchanged by it.
 *
 * Usage: npm run bench:analysis [-- --transactions N] [--runs R] [--capture file.pcap] [--compare dir] [--no-write] [--json]
 *   [--inventory-split]
 */
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { benchCapture, cpuSince } from './bench.capture.ts';
import { CaptureFileReader } from '../../appliance/src/engine/source/capture-file.reader.ts';
import { HttpEngine } from '../../appliance/src/engine/http-engine.ts';
import type { Analyzer } from '../../appliance/src/analyzers/analyzer.types.ts';
import type { CallContext, Detection } from '../../appliance/src/analyzers/call.context.ts';
import type { AnalysisReport } from '../../appliance/src/analysis/analysis-report.types.ts';
import { AnalysisPipeline } from '../../appliance/src/analysis/analysis.pipeline.ts';
import { analyzeCaptureFile, defaultAnalyzers } from '../../appliance/src/analysis/offline-analysis.service.ts';
import { DEFAULT_INVENTORY_SETTINGS, InventoryAnalyzer } from '../../appliance/src/analyzers/inventory/inventory.analyzer.ts';
import { PolicyEngine } from '../../appliance/src/policies/policy.engine.ts';
import { PolicyInputSchema, type Policy } from '../../appliance/src/policies/policy.types.ts';
import { BUILTIN_POLICIES } from '../../appliance/src/policies/builtin.policies.ts';
import { TracingAnalyzer } from '../../appliance/src/analyzers/tracing/tracing.analyzer.ts';
import { writeBenchSection } from './bench.report.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const fmt = (n: number, d = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

/** The analyzer factory and whole-file analysis of one code tree. */
interface Tree {
  label: string;
  analyzers: () => Analyzer[];
  analyzeFile: (path: string) => Promise<AnalysisReport>;
}

/** A full GC before each timed run when node runs with --expose-gc (the npm script does), so runs do not pay for garbage left by the previous one. */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** CPU seconds and calls of one engine run with `analyzers`. */
async function timeSet(path: string, analyzers: Analyzer[]): Promise<{ seconds: number; calls: number }> {
  collectGarbage();
  const t0 = process.cpuUsage();
  const pipeline = new AnalysisPipeline(analyzers);
  const engine = new HttpEngine(pipeline.handle);
  await new CaptureFileReader(path).run((pkt) => engine.push(pkt));
  engine.finish();
  return { seconds: cpuSince(t0), calls: pipeline.calls };
}

/** CPU seconds of the last of `passes` engine runs over the capture through the same `analyzers` (state kept between passes). */
async function timePasses(path: string, analyzers: Analyzer[], passes: number): Promise<number> {
  const pipeline = new AnalysisPipeline(analyzers);
  let seconds = 0;
  for (let pass = 0; pass < passes; pass++) {
    collectGarbage();
    const t0 = process.cpuUsage();
    const engine = new HttpEngine(pipeline.handle);
    await new CaptureFileReader(path).run((pkt) => engine.push(pkt));
    engine.finish();
    seconds = cpuSince(t0);
  }
  return seconds;
}

/** The inventory analyzer's stages in µs/call (`--inventory-split`). */
export interface InventoryStageFigures {
  /** The engine with an empty pipeline, in the same rounds (the base of each stage's share). */
  engineUs: number;
  /** Engine + identity, the set both stages are added to. */
  engineIdentityUs: number;
  /** The analyzer with its per-endpoint facts off. */
  templatingUs: number;
  /** The whole analyzer minus templating. */
  factsUs: number;
  /** The whole analyzer (as the "inventory" row, on this pass). */
  inventoryUs: number;
}

/** `--inventory-split` figures: first pass and steady state (second pass over the same calls). */
export interface InventorySplitFigures {
  firstPass: InventoryStageFigures;
  steady: InventoryStageFigures;
}

/**
 * Times the engine alone, + identity, + the inventory's templating stage, + the whole inventory analyzer, for
 * `passes` = 1 (first pass) and 2 (steady state), in interleaved rounds; the best round of each set counts.
 */
async function inventorySplit(path: string, runs: number, calls: number): Promise<InventorySplitFigures> {
  const identity = (): Analyzer[] => defaultAnalyzers().slice(0, 1);
  const sets: Array<() => Analyzer[]> = [() => [], identity, () => [...identity(), new InventoryAnalyzer(DEFAULT_INVENTORY_SETTINGS, [], false)], () => [...identity(), new InventoryAnalyzer()]];
  const best = [1, 2].map(() => sets.map(() => Infinity));
  for (let round = 0; round < runs; round++) {
    for (let p = 0; p < 2; p++) for (let s = 0; s < sets.length; s++) best[p][s] = Math.min(best[p][s], await timePasses(path, sets[s](), p + 1));
    process.stderr.write(`inventory split round ${round + 1}/${runs} done\n`);
  }
  const us = (s: number): number => (s * 1e6) / Math.max(1, calls);
  const stage = (b: number[]): InventoryStageFigures => ({ engineUs: us(b[0]), engineIdentityUs: us(b[1]), templatingUs: us(b[2] - b[1]), factsUs: us(b[3] - b[2]), inventoryUs: us(b[3] - b[1]) });
  return { firstPass: stage(best[0]), steady: stage(best[1]) };
}

/** Table lines of `--inventory-split` figures, each stage also as its share of the engine's throughput in the same rounds. */
function inventorySplitLines(f: InventorySplitFigures): string[] {
  const share = (us: number, engineUs: number): string => `${fmt((100 * us) / (engineUs + us), 1)} %`;
  const row = (name: string, a: number, b: number): string => `| ${name} | ${fmt(a, 2)} | ${share(a, f.firstPass.engineUs)} | ${fmt(b, 2)} | ${share(b, f.steady.engineUs)} |`;
  return [
    `Inventory stages in the pipeline, in their own interleaved rounds (after identity; engine + empty pipeline ${fmt(f.firstPass.engineUs, 2)} µs/call first pass, ${fmt(f.steady.engineUs, 2)} steady; engine + identity ${fmt(f.firstPass.engineIdentityUs, 2)} / ${fmt(f.steady.engineIdentityUs, 2)}; share = cost / (engine + empty pipeline + cost)):`,
    '',
    '| stage | first pass µs/call | share | steady state µs/call | share |',
    '|---|---|---|---|---|',
    row('templating (path → template, endpoint, call count)', f.firstPass.templatingUs, f.steady.templatingUs),
    row('per-endpoint facts (first/last seen, statuses, auth, deprecation, query, bodies)', f.firstPass.factsUs, f.steady.factsUs),
    row('inventory analyzer (both)', f.firstPass.inventoryUs, f.steady.inventoryUs),
  ];
}

/** What `--json` prints: µs per call, each measured in the same run. */
export interface AnalysisFigures {
  calls: number;
  runs: number;
  /** The engine with an empty pipeline. */
  engineUs: number;
  /** Each default analyzer's own cost (the prefix set ending with it minus the one before). */
  analyzersUs: Record<string, number>;
  /** The engine with every default analyzer. */
  pipelineUs: number;
  /** Policies added to the whole pipeline (difference of two noisy runs). */
  policiesInPipelineUs: number;
  /** Policies timed alone on recorded contexts. */
  policiesDirectUs: number;
  policyRules: number;
  /** (slowest − best) / best over the rounds of the whole pipeline, in %. */
  spreadPct: number;
  /** With `--inventory-split` only. */
  inventorySplit?: InventorySplitFigures;
}

/** Best time per set (index k = first k analyzers) and of the whole-file analysis, for one tree. */
interface Measured {
  sets: number[];
  file: number;
  calls: number;
}

/** Records every call's context (and its detections as they were) at the policies' place in the pipeline. */
class ContextRecorder implements Analyzer {
  readonly id = 'context-recorder';
  readonly calls: CallContext[] = [];
  readonly detections: Detection[][] = [];

  onCall(call: CallContext): void {
    this.calls.push(call);
    this.detections.push(call.detections.slice());
  }

  contribute(): void {}
}

/**
 * The policy engine's own cost: the recorded contexts replayed through `evaluate` (detections restored before each
 * call, since raise/suppress change them), minus the same loop that only restores; best of `rounds`, µs/call.
 */
function timePoliciesDirect(rec: ContextRecorder, engine: PolicyEngine, rounds: number): number {
  const n = rec.calls.length;
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = process.cpuUsage();
    for (let i = 0; i < n; i++) rec.calls[i].detections = rec.detections[i].slice();
    const restore = cpuSince(t0);
    const t1 = process.cpuUsage();
    for (let i = 0; i < n; i++) {
      const ctx = rec.calls[i];
      ctx.detections = rec.detections[i].slice();
      engine.evaluate(ctx);
    }
    best = Math.min(best, ((cpuSince(t1) - restore) * 1e6) / Math.max(1, n));
  }
  return best;
}

async function loadTree(dir: string, label: string): Promise<Tree> {
  const mod = (await import(pathToFileURL(join(resolve(dir), 'appliance/src/analysis/offline-analysis.service.ts')).href)) as {
    defaultAnalyzers: () => Analyzer[];
    analyzeCaptureFile: (path: string) => Promise<AnalysisReport>;
  };
  return { label, analyzers: mod.defaultAnalyzers, analyzeFile: (p) => mod.analyzeCaptureFile(p) };
}

async function main(): Promise<void> {
  const n = Number(arg('--transactions') ?? 50_000);
  const runs = Number(arg('--runs') ?? 3);
  const path = await benchCapture(n, arg('--capture'));
  const trees: Tree[] = [];
  const compare = arg('--compare');
  if (compare !== undefined) trees.push(await loadTree(compare, 'before'));
  trees.push({ label: compare !== undefined ? 'after' : 'this tree', analyzers: defaultAnalyzers, analyzeFile: (p) => analyzeCaptureFile(p) });
  const ids = defaultAnalyzers().map((a) => a.id);
  const results: Measured[] = trees.map(() => ({ sets: ids.map(() => Infinity).concat(Infinity), file: Infinity, calls: 0 }));
  // The service's pipelines add the user's policies and the actor-link collector: measured on this tree.
  const policySet = (): Policy[] => [
    ...BUILTIN_POLICIES.map((b, i) => ({ ...b.policy, id: i + 1, builtin: true, updatedAt: 0 })),
    ...Array.from({ length: 20 }, (_, i) => ({ ...PolicyInputSchema.parse({ name: `user ${i}`, conditions: { templates: [`/api/v${i}/**`], clients: ['10.0.0.0/8'], statuses: ['4xx'] }, actions: { raise: { severity: 'low' } } }), id: 100 + i, builtin: false, updatedAt: 0 })),
  ];
  const extras = { policies: Infinity, tracing: Infinity };
  const fullRounds: number[] = [];
  for (const t of trees) await timeSet(path, t.analyzers()); // warm-up
  for (let round = 0; round < runs; round++) {
    for (let k = 0; k <= ids.length; k++) {
      for (let t = 0; t < trees.length; t++) {
        const r = await timeSet(path, trees[t].analyzers().slice(0, k));
        results[t].sets[k] = Math.min(results[t].sets[k], r.seconds);
        results[t].calls = r.calls;
        if (t === trees.length - 1 && k === ids.length) fullRounds.push(r.seconds);
      }
    }
    extras.policies = Math.min(extras.policies, (await timeSet(path, defaultAnalyzers({ policies: new PolicyEngine(policySet()) }))).seconds);
    extras.tracing = Math.min(extras.tracing, (await timeSet(path, defaultAnalyzers({ tracing: new TracingAnalyzer() }))).seconds);
    for (let t = 0; t < trees.length; t++) {
      collectGarbage();
      const t0 = process.cpuUsage();
      await trees[t].analyzeFile(path);
      results[t].file = Math.min(results[t].file, cpuSince(t0));
    }
    process.stderr.write(`round ${round + 1}/${runs} done\n`);
  }
  const calls = results[results.length - 1].calls;
  // Policies timed alone on the contexts the detecting analyzers produced (recorded where the policy analyzer runs).
  const recorder = new ContextRecorder();
  const withRecorder = defaultAnalyzers();
  withRecorder.splice(withRecorder.findIndex((a) => a.id === 'findings'), 0, recorder);
  await timeSet(path, withRecorder);
  const policiesDirect = timePoliciesDirect(recorder, new PolicyEngine(policySet()), Math.max(5, runs));
  const full = Math.min(...fullRounds);
  const spreadPct = (100 * (Math.max(...fullRounds) - full)) / full;
  const us = (s: number): number => (s * 1e6) / Math.max(1, calls);
  const perAnalyzer = (m: Measured, i: number): number => us(m.sets[i + 1] - m.sets[i]);
  const header = trees.length === 2 ? '| analyzer | before µs/call | after µs/call | after/before |\n|---|---|---|---|' : '| analyzer | µs/call |\n|---|---|';
  const row = (name: string, vals: number[]): string =>
    vals.length === 2 ? `| ${name} | ${fmt(vals[0], 2)} | ${fmt(vals[1], 2)} | ${fmt(vals[1] / vals[0], 2)} |` : `| ${name} | ${fmt(vals[0], 2)} |`;
  const lines = [
    `Machine: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} cores, Node ${process.version}; one core.`,
    `Capture: ${path.startsWith(root) ? path.slice(root.length + 1) : path} (engine bench traffic), ${fmt(calls)} calls; best of ${runs} interleaved rounds.`,
    '',
    header,
    row('engine + empty pipeline', results.map((m) => us(m.sets[0]))),
    ...ids.map((id, i) => row(id, results.map((m) => perAnalyzer(m, i)))),
    row('all analyzers', results.map((m) => us(m.sets[ids.length] - m.sets[0]))),
    '',
    `Service pipeline additions (this tree): policies (${policySet().length} rules: the built-ins + 20 user rules) ${fmt(us(extras.policies - results[results.length - 1].sets[ids.length]), 2)} µs/call in the pipeline, ${fmt(policiesDirect, 3)} µs/call timed alone; actor-link collector ${fmt(us(extras.tracing - results[results.length - 1].sets[ids.length]), 2)} µs/call.`,
    `Run-to-run spread of the whole pipeline (all analyzers, ${fullRounds.length} rounds): ${fmt(spreadPct, 1)} %.`,
    '',
    ...trees.map((t, i) => `\`analyzeCaptureFile\` (${t.label}): ${fmt(results[i].file, 2)} CPU s, ${fmt(calls / results[i].file)} tx per CPU second.`),
  ];
  if (trees.length === 2) lines.push(`End-to-end speed-up: ${fmt(results[0].file / results[1].file, 2)}×; analyzers alone: ${fmt((results[0].sets[ids.length] - results[0].sets[0]) / (results[1].sets[ids.length] - results[1].sets[0]), 2)}×.`);
  const split = process.argv.includes('--inventory-split') ? await inventorySplit(path, runs, calls) : undefined;
  if (split !== undefined) lines.push('', ...inventorySplitLines(split));
  const text = lines.join('\n');
  if (process.argv.includes('--json')) {
    const mine = results[results.length - 1];
    const figures: AnalysisFigures = {
      calls,
      runs,
      engineUs: us(mine.sets[0]),
      analyzersUs: Object.fromEntries(ids.map((id, i) => [id, perAnalyzer(mine, i)])),
      pipelineUs: us(mine.sets[ids.length]),
      policiesInPipelineUs: us(extras.policies - mine.sets[ids.length]),
      policiesDirectUs: policiesDirect,
      policyRules: policySet().length,
      spreadPct,
      ...(split === undefined ? {} : { inventorySplit: split }),
    };
    process.stdout.write(`${JSON.stringify(figures)}\n`);
    return;
  }
  process.stdout.write(`${text}\n`);
  if (!process.argv.includes('--no-write')) {
    const cmd = process.argv.slice(2).filter((a) => a !== '--no-write').join(' ');
    const doc = writeBenchSection('analysis-bench', 'Analysis pipeline (`npm run bench:analysis`)', `Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench:analysis${cmd ? ` -- ${cmd}` : ''}\`.\n\n${text}`);
    process.stderr.write(`figures written to ${doc}\n`);
  }
}

await main();
