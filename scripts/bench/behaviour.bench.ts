/**
 * `npm run bench:behaviour`: per-call CPU cost of the behaviour analyzers (identity, clients, abuse, exposure,
 * policies, the actor-link collector, findings, risk, capture quality) on the engine's bench traffic, measured
 * apart from the engine and from the other helpers' analyzers so that sub-microsecond changes are resolved.
 *
 * The bench capture goes once through the engine and the full default pipeline; right after the attacks analyzer
 * each call's context (endpoint, sensitive hits, detections so far) is recorded, bodies already decoded. Timed runs
 * then replay those calls through prefixes of the behaviour analyzers in pipeline order (identity, clients, abuse,
 * exposure, policies, tracing, findings, risk, quality), each run on fresh analyzers and fresh transaction copies
 * (so per-transaction caches do not carry over), each call's headers and bodies read just before it is analysed (as
 * the engine left them in the CPU caches). An analyzer's cost is the CPU time of the prefix ending with it
 * minus the prefix before, per call; rounds are interleaved and the best run counts.
 *
 * `--compare <dir>` loads the same analyzers from another checkout (e.g. `git archive <commit> appliance | tar -x -C
 * tmp/baseline`) and times them in the same rounds, so before/after are ratios from one run. `--focus <id>` times only
 * the prefixes just before and ending with that analyzer (quick A/B of one change).
 *
 * Usage: npm run bench:behaviour [-- --transactions N] [--runs R] [--compare dir] [--focus id] [--no-write]
 */
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { arg, benchCapture, cpuSince, fmt, touchTransaction } from './bench.capture.ts';
import { CaptureFileReader } from '../../appliance/src/engine/source/capture-file.reader.ts';
import { HttpEngine } from '../../appliance/src/engine/http-engine.ts';
import type { Transaction } from '../../appliance/src/engine/transaction.types.ts';
import type { Analyzer } from '../../appliance/src/analyzers/analyzer.types.ts';
import { endpointHost } from '../../appliance/src/analyzers/analyzer.types.ts';
import type { CallContext, CallEndpoint, Detection } from '../../appliance/src/analyzers/call.context.ts';
import type { SensitiveHit } from '../../appliance/src/analyzers/sensitive/sensitive.scanner.ts';
import { AnalysisPipeline } from '../../appliance/src/analysis/analysis.pipeline.ts';
import { defaultAnalyzers } from '../../appliance/src/analysis/offline-analysis.service.ts';
import type { PolicyInputSchema } from '../../appliance/src/policies/policy.types.ts';
import { type Policy } from '../../appliance/src/policies/policy.types.ts';
import { BUILTIN_POLICIES } from '../../appliance/src/policies/builtin.policies.ts';
import { writeBenchSection } from './bench.report.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** One call as the behaviour analyzers receive it: what identity, inventory, sensitive and attacks left. */
interface RecordedCall {
  tx: Transaction;
  endpoint: CallEndpoint | null;
  sensitive: SensitiveHit[];
  detections: Detection[];
}

/** Runs the capture through the engine and the default pipeline, recording each call after the attacks analyzer. */
async function recordCalls(path: string): Promise<RecordedCall[]> {
  const calls: RecordedCall[] = [];
  const recorder: Analyzer = {
    id: 'recorder',
    onCall(ctx) {
      const tx = ctx.tx;
      void tx.requestBody?.data;
      void tx.responseBody?.data;
      calls.push({ tx, endpoint: ctx.endpoint, sensitive: ctx.sensitive, detections: ctx.detections.slice() });
    },
    contribute() {},
  };
  const analyzers = defaultAnalyzers();
  analyzers.splice(analyzers.findIndex((a) => a.id === 'attacks') + 1, 0, recorder);
  const pipeline = new AnalysisPipeline(analyzers);
  const engine = new HttpEngine(pipeline.handle);
  await new CaptureFileReader(path).run((pkt) => engine.push(pkt));
  engine.finish();
  return calls;
}

/** The behaviour analyzers of one checkout, in pipeline order. */
interface Tree {
  label: string;
  make: () => Analyzer[];
}

/** Ids of the measured analyzers, in pipeline order. */
const IDS = ['identity', 'clients', 'abuse', 'exposure', 'policies', 'tracing', 'findings', 'risk', 'quality'];

/** The policy set bench:analysis uses: the built-ins and 20 user rules. */
function policySet(schema: typeof PolicyInputSchema): Policy[] {
  return [
    ...BUILTIN_POLICIES.map((b, i) => ({ ...b.policy, id: i + 1, builtin: true, updatedAt: 0 })),
    ...Array.from({ length: 20 }, (_, i) => ({
      ...schema.parse({ name: `user ${i}`, conditions: { templates: [`/api/v${i}/**`], clients: ['10.0.0.0/8'], statuses: ['4xx'] }, actions: { raise: { severity: 'low' } } }),
      id: 100 + i,
      builtin: false,
      updatedAt: 0,
    })),
  ];
}

async function loadTree(dir: string, label: string): Promise<Tree> {
  const base = resolve(dir, 'appliance/src');
  const load = async (rel: string): Promise<Record<string, unknown>> => (await import(pathToFileURL(join(base, rel)).href)) as Record<string, unknown>;
  type Ctor = new (...args: unknown[]) => Analyzer;
  const m = {
    identity: (await load('analyzers/identity/identity.analyzer.ts')).IdentityAnalyzer as Ctor,
    clients: (await load('analyzers/clients/clients.analyzer.ts')).ClientsAnalyzer as Ctor,
    abuse: (await load('analyzers/abuse/abuse.analyzer.ts')).AbuseAnalyzer as Ctor,
    exposure: (await load('analyzers/exposure/exposure.analyzer.ts')).ExposureAnalyzer as Ctor,
    policies: (await load('analyzers/policies/policy.analyzer.ts')).PolicyAnalyzer as Ctor,
    engine: (await load('policies/policy.engine.ts')).PolicyEngine as new (p: Policy[]) => unknown,
    tracing: (await load('analyzers/tracing/tracing.analyzer.ts')).TracingAnalyzer as Ctor,
    findings: (await load('analyzers/findings/findings.analyzer.ts')).FindingsAnalyzer as Ctor,
    risk: (await load('analyzers/risk/risk.analyzer.ts')).RiskAnalyzer as Ctor,
    quality: (await load('analyzers/quality/capture-quality.analyzer.ts')).CaptureQualityAnalyzer as Ctor,
  };
  const schema = (await load('policies/policy.types.ts')).PolicyInputSchema as typeof PolicyInputSchema;
  const policies = policySet(schema);
  return {
    label,
    make: () => [new m.identity(), new m.clients(), new m.abuse(), new m.exposure(), new m.policies(new m.engine(policies)), new m.tracing(), new m.findings(), new m.risk(), new m.quality()],
  };
}

function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** CPU seconds of one replay of `calls` through `analyzers`. */
function timeSet(calls: RecordedCall[], analyzers: Analyzer[]): number {
  const txs = calls.map((c) => ({ ...c.tx, requestHeaders: c.tx.requestHeaders, responseHeaders: c.tx.responseHeaders }));
  collectGarbage();
  const n = analyzers.length;
  let touched = 0;
  const t0 = process.cpuUsage();
  for (let i = 0; i < calls.length; i++) {
    const c = calls[i];
    const tx = txs[i];
    touched += touchTransaction(tx);
    const ctx: CallContext = { tx, host: endpointHost(tx), auth: null, endpoint: c.endpoint, sensitive: c.sensitive, detections: c.detections.slice() };
    for (let k = 0; k < n; k++) analyzers[k].onCall(ctx);
  }
  const seconds = cpuSince(t0);
  // keeps the header walk from being optimised away
  if (touched === -1) process.stderr.write('');
  return seconds;
}

async function main(): Promise<void> {
  const n = Number(arg('--transactions') ?? 50_000);
  const runs = Number(arg('--runs') ?? 5);
  const path = await benchCapture(n, arg('--capture'));
  const focus = arg('--focus');
  if (focus !== undefined && !IDS.includes(focus)) throw new Error(`--focus must be one of ${IDS.join(', ')}`);
  const calls = await recordCalls(path);
  const trees: Tree[] = [];
  const compare = arg('--compare');
  if (compare !== undefined) trees.push(await loadTree(compare, 'before'));
  trees.push(await loadTree(root, compare !== undefined ? 'after' : 'this tree'));
  const ks = focus !== undefined ? [IDS.indexOf(focus), IDS.indexOf(focus) + 1] : IDS.map((_, i) => i).concat(IDS.length);
  const best = trees.map(() => new Map<number, number>(ks.map((k) => [k, Infinity])));
  for (const t of trees) timeSet(calls, t.make()); // warm-up
  for (let round = 0; round < runs; round++) {
    for (const k of ks) {
      for (let t = 0; t < trees.length; t++) {
        const sec = timeSet(calls, trees[t].make().slice(0, k));
        best[t].set(k, Math.min(best[t].get(k)!, sec));
      }
    }
    process.stderr.write(`round ${round + 1}/${runs} done\n`);
  }
  const us = (s: number): number => (s * 1e6) / Math.max(1, calls.length);
  const delta = (t: number, k: number): number => us(best[t].get(k + 1)! - best[t].get(k)!);
  const two = trees.length === 2;
  const row = (name: string, vals: number[]): string =>
    two ? `| ${name} | ${fmt(vals[0], 2)} | ${fmt(vals[1], 2)} | ${fmt(vals[1] / vals[0], 2)} |` : `| ${name} | ${fmt(vals[0], 2)} |`;
  const measured = focus !== undefined ? [IDS.indexOf(focus)] : IDS.map((_, i) => i);
  const lines = [
    `Machine: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} cores, Node ${process.version}; CPU time of one core.`,
    `Capture: ${path.startsWith(root) ? path.slice(root.length + 1) : path} (engine bench traffic), ${fmt(calls.length)} calls replayed after the attacks analyzer; best of ${runs} interleaved rounds.`,
    '',
    two ? '| analyzer | before µs/call | after µs/call | after/before |\n|---|---|---|---|' : '| analyzer | µs/call |\n|---|---|',
    ...measured.map((k) => row(IDS[k], trees.map((_, t) => delta(t, k)))),
  ];
  if (focus === undefined) lines.push(row('all behaviour analyzers', trees.map((_, t) => us(best[t].get(IDS.length)! - best[t].get(0)!))));
  const text = lines.join('\n');
  process.stdout.write(`${text}\n`);
  if (!process.argv.includes('--no-write') && focus === undefined) {
    const cmd = process.argv.slice(2).filter((a) => a !== '--no-write').join(' ');
    const doc = writeBenchSection('behaviour-bench', 'Behaviour analyzers (`npm run bench:behaviour`)', `Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench:behaviour${cmd ? ` -- ${cmd}` : ''}\`.\n\n${text}`);
    process.stderr.write(`figures written to ${doc}\n`);
  }
}

await main();
