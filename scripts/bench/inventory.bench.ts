/**
 * `npm run bench:inventory`: what the inventory analyzer (templating, statistics, body schemas) costs per call on
 * the engine's bench traffic, as CPU time. The real engine runs the capture with the identity analyzer alone and
 * with identity + inventory, in interleaved rounds (best round counts); the difference per call is the inventory's
 * cost, also quoted as a share of the engine + identity run. `--compare <dir>` measures another checkout's inventory
 * analyzer (e.g. a `git archive` of main) in the same rounds, so before/after is a same-run ratio (of the best rounds,
 * and the median of each round's ratio, which one disturbed round moves less).
 *
 * `--isolated` times the analyzer alone over calls collected once. `--steady` times a second pass over the same
 * traffic with the analyzers of the first (the steady state of an appliance that has learnt its APIs) beside the
 * first pass.
 *
 * `--check <dir>` times nothing: it runs the capture twice through identity + this tree's inventory analyzer and
 * through identity + the other checkout's, and fails unless every call got the same endpoint (key and template) on
 * both passes and the reports list the same endpoints (calls, statuses, auth, parameters and examples, schemas,
 * deprecation) and zombie findings: the equivalence check for a change that must not change outputs.
 *
 * Usage: npm run bench:inventory [-- --transactions N] [--runs R] [--capture file.pcap] [--compare dir] [--isolated]
 *   [--steady] [--check dir]
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchCapture, cpuSince } from './bench.capture.ts';
import { CaptureFileReader } from '../../appliance/src/engine/source/capture-file.reader.ts';
import { HttpEngine } from '../../appliance/src/engine/http-engine.ts';
import type { Analyzer } from '../../appliance/src/analyzers/analyzer.types.ts';
import type { CallContext } from '../../appliance/src/analyzers/call.context.ts';
import type { AnalysisReport } from '../../appliance/src/analysis/analysis-report.types.ts';
import { AnalysisPipeline } from '../../appliance/src/analysis/analysis.pipeline.ts';
import { IdentityAnalyzer } from '../../appliance/src/analyzers/identity/identity.analyzer.ts';
import { InventoryAnalyzer } from '../../appliance/src/analyzers/inventory/inventory.analyzer.ts';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/**
 * CPU seconds (user + system) and calls of one engine run with `analyzers`; with `steady`, of a second run through
 * the same analyzers after an untimed first.
 */
async function cpuRun(path: string, analyzers: Analyzer[], steady = false): Promise<{ cpu: number; calls: number }> {
  const pipeline = new AnalysisPipeline(analyzers);
  let calls = 0;
  for (let pass = steady ? 0 : 1; pass < 2; pass++) {
    (globalThis as { gc?: () => void }).gc?.();
    const c0 = process.cpuUsage();
    const before = pipeline.calls;
    const engine = new HttpEngine(pipeline.handle);
    await new CaptureFileReader(path).run((pkt) => engine.push(pkt));
    engine.finish();
    if (pass === 1) return { cpu: cpuSince(c0), calls: pipeline.calls - before };
    calls = pipeline.calls;
  }
  return { cpu: 0, calls };
}

async function main(): Promise<void> {
  const n = Number(arg('--transactions') ?? 50_000);
  const runs = Number(arg('--runs') ?? 5);
  const path = await benchCapture(n, arg('--capture'));
  const variants: Array<{ label: string; make: () => Analyzer }> = [{ label: 'this tree', make: () => new InventoryAnalyzer() }];
  const compare = arg('--compare');
  if (compare !== undefined) {
    const mod = (await import(pathToFileURL(join(resolve(compare), 'appliance/src/analyzers/inventory/inventory.analyzer.ts')).href)) as { InventoryAnalyzer: new () => Analyzer };
    variants.unshift({ label: 'compared', make: () => new mod.InventoryAnalyzer() });
  }
  const check = arg('--check');
  if (check !== undefined) {
    const mod = (await import(pathToFileURL(join(resolve(check), 'appliance/src/analyzers/inventory/inventory.analyzer.ts')).href)) as { InventoryAnalyzer: new () => Analyzer };
    process.exitCode = (await equivalent(path, () => new mod.InventoryAnalyzer(), () => new InventoryAnalyzer())) ? 0 : 1;
    return;
  }
  const steady = process.argv.includes('--steady');
  if (process.argv.includes('--isolated')) {
    await isolated(path, variants, runs, false);
    if (steady) await isolated(path, variants, runs, true);
    return;
  }
  await inPipeline(path, variants, runs, false);
  if (steady) await inPipeline(path, variants, runs, true);
}

/** The engine with identity alone and with identity + each inventory variant, interleaved; the best round counts. */
async function inPipeline(path: string, variants: Array<{ label: string; make: () => Analyzer }>, runs: number, steady: boolean): Promise<void> {
  let base = Infinity;
  const best = variants.map(() => Infinity);
  /** Per round, this tree's cost over the compared one's (both against that round's engine + identity). */
  const ratios: number[] = [];
  let calls = 0;
  await cpuRun(path, [new IdentityAnalyzer(), ...variants.map((v) => v.make())]); // warm-up
  for (let r = 0; r < runs; r++) {
    const b = await cpuRun(path, [new IdentityAnalyzer()], steady);
    base = Math.min(base, b.cpu);
    calls = b.calls;
    const round: number[] = [];
    for (let v = 0; v < variants.length; v++) round.push((await cpuRun(path, [new IdentityAnalyzer(), variants[v].make()], steady)).cpu);
    round.forEach((t, v) => (best[v] = Math.min(best[v], t)));
    if (round.length === 2) ratios.push((round[1] - b.cpu) / (round[0] - b.cpu));
    process.stderr.write(`round ${r + 1}/${runs} done\n`);
  }
  const us = (s: number): string => ((s * 1e6) / calls).toFixed(2);
  const lines = [`${calls} calls, ${steady ? 'steady state (second pass through the same analyzers)' : 'first pass'}, best of ${runs} interleaved rounds, CPU time.`, `engine + identity: ${us(base)} µs/call`];
  for (let v = 0; v < variants.length; v++) {
    lines.push(`inventory (${variants[v].label}): ${us(best[v] - base)} µs/call = ${(((best[v] - base) / base) * 100).toFixed(1)} % of engine + identity`);
  }
  if (variants.length === 2) {
    ratios.sort((x, y) => x - y);
    lines.push(`this tree / compared: ${((best[1] - base) / (best[0] - base)).toFixed(3)} (best rounds); median of the per-round ratios ${ratios[ratios.length >> 1].toFixed(3)}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** Every call's endpoint (key and template) over two passes, then the endpoints and findings the analyzer reports. */
async function outputs(path: string, inventory: Analyzer): Promise<{ perCall: string[]; report: string }> {
  const perCall: string[] = [];
  const pipeline = new AnalysisPipeline([new IdentityAnalyzer(), inventory], [(c) => perCall.push(`${c.endpoint?.key}\u0000${c.endpoint?.template}`)]);
  for (let pass = 0; pass < 2; pass++) {
    const engine = new HttpEngine(pipeline.handle);
    await new CaptureFileReader(path).run((pkt) => engine.push(pkt));
    engine.finish();
  }
  const report = { endpoints: [], findings: [] } as unknown as AnalysisReport;
  inventory.contribute(report);
  return { perCall, report: JSON.stringify({ endpoints: report.endpoints, findings: report.findings }) };
}

/** Whether two inventory analyzers give the same endpoint on every call and the same report (`--check`); prints what differs. */
async function equivalent(path: string, before: () => Analyzer, after: () => Analyzer): Promise<boolean> {
  const a = await outputs(path, before());
  const b = await outputs(path, after());
  let firstDiff = -1;
  for (let i = 0; i < Math.max(a.perCall.length, b.perCall.length) && firstDiff < 0; i++) if (a.perCall[i] !== b.perCall[i]) firstDiff = i;
  const endpoints = (JSON.parse(a.report) as { endpoints: unknown[] }).endpoints.length;
  const lines = [`${b.perCall.length} calls over two passes (${a.perCall.length} before), ${endpoints} endpoints reported before.`];
  lines.push(firstDiff < 0 ? 'every call got the same endpoint' : `call ${firstDiff} differs: ${JSON.stringify(a.perCall[firstDiff])} before, ${JSON.stringify(b.perCall[firstDiff])} after`);
  lines.push(a.report === b.report ? 'reports identical (endpoints, calls, statuses, auth, parameters, examples, schemas, deprecation, findings)' : 'reports differ');
  process.stdout.write(`${lines.join('\n')}\n`);
  return firstDiff < 0 && a.report === b.report;
}

/**
 * The analyzer alone over calls collected once (engine and identity not in the loop: steadier on a loaded machine,
 * but without the cache pressure the engine adds). Response header lists are built once, in the collecting run.
 */
async function isolated(path: string, variants: Array<{ label: string; make: () => Analyzer }>, runs: number, steady: boolean): Promise<void> {
  const calls: CallContext[] = [];
  const pipeline = new AnalysisPipeline([new IdentityAnalyzer()], [(c) => calls.push(c)]);
  const engine = new HttpEngine(pipeline.handle);
  await new CaptureFileReader(path).run((pkt) => engine.push(pkt));
  engine.finish();
  for (const c of calls) void c.tx.responseHeaders;
  const best = variants.map(() => Infinity);
  for (let r = 0; r <= runs; r++) {
    for (let v = 0; v < variants.length; v++) {
      (globalThis as { gc?: () => void }).gc?.();
      const a = variants[v].make();
      if (steady) for (const c of calls) a.onCall(c);
      const c0 = process.cpuUsage();
      for (let i = 0; i < calls.length; i++) {
        calls[i].endpoint = null;
        a.onCall(calls[i]);
      }
      if (r > 0) best[v] = Math.min(best[v], cpuSince(c0));
    }
  }
  const lines = [`${calls.length} calls, isolated, ${steady ? 'steady state (second pass)' : 'first pass'}, best of ${runs} interleaved rounds, CPU time.`];
  for (let v = 0; v < variants.length; v++) lines.push(`inventory (${variants[v].label}): ${((best[v] * 1e6) / calls.length).toFixed(2)} µs/call`);
  if (variants.length === 2) lines.push(`this tree / compared: ${(best[1] / best[0]).toFixed(3)}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
