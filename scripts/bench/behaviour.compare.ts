/**
 * `npm run bench:behaviour:compare -- --compare <dir>`: the attack, abuse and actor-link (tracing) analyzers of this
 * checkout against another one (e.g. `git archive <commit> appliance scripts | tar -x -C tmp/baseline`), on the same
 * recorded calls, in one process:
 *
 * - cost: CPU time per call of attacks, abuse and the tracing collector, each timed alone, and of the three together
 *   in one pipeline (`together`: they share per-call look-ups); both trees run side by side, alternating every 500
 *   calls, for a first pass (fresh analyzers: every actor and pair is new, as in the bench traffic of record) and a
 *   second pass over the same calls one capture span later (the analyzers keep their state: the steady state); the
 *   trees swap places every round (a tree against itself is not at 1.00 in a fixed place), so use an even `--runs`;
 *   best µs/call of the rounds and the median of the per-round ratios;
 * - equivalence (`--check`): each call's detections (attacks then abuse, as JSON), the tracing drains (every 5,000
 *   calls, of a collector after abuse and of one alone; rows of one drain summed per actor and endpoint, as the
 *   repository merges them, when they differ as listed) and the abuse stats of both trees, with default settings and with low limits (tiny caps, so evictions,
 *   overflows and rate anomalies happen), on the bench capture and on the abuse scenarios of seeds 1–5. Prints the
 *   number of differing calls (0 means the change kept behaviour).
 *
 * Calls are recorded once through this tree's engine and its identity, inventory and sensitive analyzers, so both
 * trees receive identical contexts; each timed run gets fresh transaction copies, and each call's transaction and
 * context are read just before its analyzers (as the engine and the earlier analyzers left them in the CPU caches).
 *
 * Usage: npm run bench:behaviour:compare -- --compare dir [--transactions N] [--runs R] [--parts abuse,tracing] [--check]
 *   [--seeds 1,2,3]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { arg, benchCapture, cpuSince, fmt, touchTransaction } from './bench.capture.ts';
import { CaptureFileReader } from '../../appliance/src/engine/source/capture-file.reader.ts';
import { HttpEngine } from '../../appliance/src/engine/http-engine.ts';
import type { Transaction } from '../../appliance/src/engine/transaction.types.ts';
import type { Analyzer } from '../../appliance/src/analyzers/analyzer.types.ts';
import type { CallAuth, CallContext, CallEndpoint } from '../../appliance/src/analyzers/call.context.ts';
import type { SensitiveHit } from '../../appliance/src/analyzers/sensitive/sensitive.scanner.ts';
import { AnalysisPipeline } from '../../appliance/src/analysis/analysis.pipeline.ts';
import { defaultAnalyzers } from '../../appliance/src/analysis/offline-analysis.service.ts';
import { generateAbuseScenario } from '../traffic/abuse/abuse.scenario.ts';
import { writeScenarioCapture } from '../traffic/scenario.catalog.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** One call as the attack analyzer receives it. */
interface RecordedCall {
  tx: Transaction;
  host: string;
  auth: CallAuth | null;
  endpoint: CallEndpoint | null;
  sensitive: SensitiveHit[];
  sensitiveRecords: number | undefined;
}

/** Runs a capture through the engine and the default analyzers before attacks, recording each call's context there. */
async function recordCalls(path: string): Promise<RecordedCall[]> {
  const calls: RecordedCall[] = [];
  const recorder: Analyzer = {
    id: 'recorder',
    onCall(ctx) {
      void ctx.tx.requestBody?.data;
      void ctx.tx.responseBody?.data;
      calls.push({ tx: ctx.tx, host: ctx.host, auth: ctx.auth, endpoint: ctx.endpoint, sensitive: ctx.sensitive, sensitiveRecords: ctx.sensitiveRecords });
    },
    contribute() {},
  };
  const analyzers = defaultAnalyzers();
  const at = analyzers.findIndex((a) => a.id === 'attacks');
  analyzers.splice(at, analyzers.length - at, recorder);
  const pipeline = new AnalysisPipeline(analyzers);
  const engine = new HttpEngine(pipeline.handle);
  await new CaptureFileReader(path).run((pkt) => engine.push(pkt));
  engine.finish();
  return calls;
}

type Ctor = new (...args: unknown[]) => Analyzer;

/** The analyzers of one checkout. */
interface Tree {
  label: string;
  attacks: () => Analyzer;
  abuse: (settings?: unknown) => Analyzer & { stats(): unknown };
  tracing: () => Analyzer & { drain(): unknown };
}

async function loadTree(dir: string, label: string): Promise<Tree> {
  const base = resolve(dir, 'appliance/src/analyzers');
  const load = async (rel: string): Promise<Record<string, unknown>> => (await import(pathToFileURL(join(base, rel)).href)) as Record<string, unknown>;
  const attacks = (await load('attacks/attacks.analyzer.ts')).AttacksAnalyzer as Ctor;
  const abuse = (await load('abuse/abuse.analyzer.ts')).AbuseAnalyzer as Ctor;
  const tracing = (await load('tracing/tracing.analyzer.ts')).TracingAnalyzer as Ctor;
  return {
    label,
    attacks: () => new attacks(),
    abuse: (settings) => new abuse(settings) as Analyzer & { stats(): unknown },
    tracing: () => new tracing() as Analyzer & { drain(): unknown },
  };
}

/** A new string with the same latin1 text and no cached hash, as the engine makes one per call. */
function fresh(s: string): string {
  return s.length === 0 ? s : Buffer.from(s, 'latin1').toString('latin1');
}

/**
 * Fresh transaction copies, `shiftUs` later than recorded: new objects (so caches a transaction carries do not pass
 * from one run to the next) with new strings for the path, query, host and headers (so no string hash computed in an
 * earlier run is reused: the engine hands every call strings of its own).
 */
function copies(calls: RecordedCall[], shiftUs = 0): Transaction[] {
  const headers = (hs: Transaction['requestHeaders']): Transaction['requestHeaders'] => hs.map(([n, v]) => [fresh(n), fresh(v)]);
  return calls.map((c) => ({
    ...c.tx,
    startTs: c.tx.startTs + shiftUs,
    endTs: c.tx.endTs + shiftUs,
    path: fresh(c.tx.path),
    query: fresh(c.tx.query),
    uri: fresh(c.tx.uri),
    host: fresh(c.tx.host),
    requestHeaders: headers(c.tx.requestHeaders),
    responseHeaders: headers(c.tx.responseHeaders),
  }));
}

function context(c: RecordedCall, tx: Transaction): CallContext {
  const ctx: CallContext = { tx, host: fresh(c.host), auth: c.auth, endpoint: c.endpoint, sensitive: c.sensitive, detections: [] };
  if (c.sensitiveRecords !== undefined) ctx.sensitiveRecords = c.sensitiveRecords;
  return ctx;
}

/** Reads what the analyzers before attacks left in the context (as they did just before, in production). */
function touchContext(ctx: CallContext): number {
  return ctx.host.length + (ctx.endpoint?.template.length ?? 0) + (ctx.auth?.identity.length ?? 0) + ctx.sensitive.length + ctx.detections.length;
}

function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Calls per timed chunk: the trees alternate every chunk, so load drifting on a shared machine hits both alike. */
const CHUNK = 500;

/**
 * CPU seconds of both trees' analyzers (`sets`, one list per tree) over `calls`, first pass and second pass (the
 * same analyzers again, the calls one capture span plus a second later: the steady state). The trees alternate every
 * {@link CHUNK} calls, in alternating order; each call's transaction and context are read just before its analyzers.
 */
function timeInterleaved(calls: RecordedCall[], sets: Analyzer[][]): number[][] {
  const seconds = sets.map(() => [0, 0]);
  const span = calls[calls.length - 1].tx.startTs - calls[0].tx.startTs + 1e6;
  let touched = 0;
  for (const pass of [0, 1]) {
    const ctxs = sets.map(() => {
      const txs = copies(calls, pass * span);
      return calls.map((c, i) => context(c, txs[i]));
    });
    collectGarbage();
    for (let start = 0, k = 0; start < calls.length; start += CHUNK, k++) {
      const end = Math.min(calls.length, start + CHUNK);
      for (let j = 0; j < sets.length; j++) {
        const t = k % 2 === 0 ? j : sets.length - 1 - j;
        const analyzers = sets[t];
        const n = analyzers.length;
        const own = ctxs[t];
        const t0 = process.cpuUsage();
        for (let i = start; i < end; i++) {
          const ctx = own[i];
          touched += touchTransaction(ctx.tx) + touchContext(ctx);
          for (let a = 0; a < n; a++) analyzers[a].onCall(ctx);
        }
        seconds[t][pass] += cpuSince(t0);
      }
    }
  }
  if (touched === -1) process.stderr.write('');
  return seconds;
}

/** Low limits that make evictions, overflows and detections frequent (equivalence runs only). */
const LOW_LIMITS = {
  windowSec: 120,
  credentialStuffing: { minAttempts: 4, minUsernames: 2, minFailureRatio: 0.3 },
  bruteForce: { minFailures: 3, minPasswords: 2, minClients: 2, minClientFailures: 1 },
  enumeration: { minErrors: 3, minErrorRatio: 0.2, minSequentialRun: 3, bolaMinUnseenIds: 3, bolaMinUnseenRatio: 0.5 },
  scraping: { minSensitiveRecords: 20, minDistinctIds: 5, minCoverage: 0.2, minPages: 3 },
  rate: { bucketSec: 10, minCallsPerBucket: 5, minBaselineBuckets: 3, zScore: 2 },
  automation: { minCalls: 5, maxIntervalCv: 0.5, minUserAgents: 2 },
  caps: { actors: 64, templatesPerActor: 4, idsPerTemplate: 16, accountsPerActor: 4, valuesPerCounter: 8, baselines: 40 },
};

/** Tracing drain rows as the repository merges them: summed per (actor, endpoint) and per (ip, identity), sorted. */
interface DrainRows {
  links: Array<{ ip: string; identity: string; calls: number; firstSeen: string; lastSeen: string }>;
  activity: Array<{ actor: string; host: string; method: string; path: string; calls: number; errors: number; sensitiveTypes: string[]; firstSeen: string; lastSeen: string }>;
}

/**
 * A drain with activity times as ISO strings, whichever form the tree drained them in (trees before session 7 sent
 * `firstSeen`/`lastSeen` strings, later ones `firstMs`/`lastMs` epoch ms), so two trees' drains compare.
 */
function normalized(drain: unknown): DrainRows {
  const d = drain as { links: DrainRows['links']; activity: Array<Record<string, unknown>> };
  return {
    links: d.links,
    activity: d.activity.map((a) => {
      if (typeof a.firstMs !== 'number') return a as unknown as DrainRows['activity'][number];
      const { firstMs, lastMs, ...rest } = a;
      return { ...rest, firstSeen: new Date(firstMs).toISOString(), lastSeen: new Date(lastMs as number).toISOString() } as unknown as DrainRows['activity'][number];
    }),
  };
}

function merged(drain: unknown): string {
  const d = normalized(drain);
  const links = new Map<string, DrainRows['links'][number]>();
  for (const l of d.links) {
    const k = `${l.ip}\u0000${l.identity}`;
    const m = links.get(k);
    if (m === undefined) links.set(k, { ...l });
    else {
      m.calls += l.calls;
      if (l.firstSeen < m.firstSeen) m.firstSeen = l.firstSeen;
      if (l.lastSeen > m.lastSeen) m.lastSeen = l.lastSeen;
    }
  }
  const acts = new Map<string, DrainRows['activity'][number]>();
  for (const a of d.activity) {
    const k = `${a.actor}\u0000${a.host}\u0000${a.method}\u0000${a.path}`;
    const m = acts.get(k);
    if (m === undefined) acts.set(k, { ...a });
    else {
      m.calls += a.calls;
      m.errors += a.errors;
      m.sensitiveTypes = [...new Set([...m.sensitiveTypes, ...a.sensitiveTypes])].sort();
      if (a.firstSeen < m.firstSeen) m.firstSeen = a.firstSeen;
      if (a.lastSeen > m.lastSeen) m.lastSeen = a.lastSeen;
    }
  }
  const sorted = <T>(m: Map<string, T>): T[] => [...m.entries()].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0)).map(([, v]) => v);
  return JSON.stringify({ links: sorted(links), activity: sorted(acts) });
}

/** Per-call outputs of one tree: detections as JSON, tracing drains and abuse stats. */
function outputs(calls: RecordedCall[], tree: Tree, settings: unknown): { perCall: string[]; drains: string[]; mergedDrains: string[]; aloneDrains: string[]; stats: string } {
  const attacks = tree.attacks();
  const abuse = tree.abuse(settings);
  const tracing = tree.tracing();
  const alone = tree.tracing();
  const txs = copies(calls);
  const perCall: string[] = [];
  const drains: unknown[] = [];
  const aloneDrains: string[] = [];
  for (let i = 0; i < calls.length; i++) {
    const ctx = context(calls[i], txs[i]);
    attacks.onCall(ctx);
    abuse.onCall(ctx);
    tracing.onCall(ctx);
    alone.onCall(context(calls[i], txs[i]));
    perCall.push(JSON.stringify(ctx.detections));
    if ((i + 1) % 5000 === 0) {
      drains.push(tracing.drain());
      aloneDrains.push(JSON.stringify(normalized(alone.drain())));
    }
  }
  drains.push(tracing.drain());
  aloneDrains.push(JSON.stringify(normalized(alone.drain())));
  return { perCall, drains: drains.map((d) => JSON.stringify(normalized(d))), mergedDrains: drains.map(merged), aloneDrains, stats: JSON.stringify(abuse.stats()) };
}

/** Compares both trees' outputs on `calls`; returns differing calls and detections seen. */
function check(name: string, calls: RecordedCall[], trees: Tree[], settings: unknown): { differing: number; detections: number } {
  const [a, b] = trees.map((t) => outputs(calls, t, settings));
  let differing = 0;
  let detections = 0;
  for (let i = 0; i < calls.length; i++) {
    if (a.perCall[i] !== b.perCall[i]) {
      if (differing < 3) process.stderr.write(`  ${name} call ${i} differs:\n    before ${a.perCall[i]}\n    after  ${b.perCall[i]}\n`);
      differing++;
    }
    detections += (JSON.parse(b.perCall[i]) as unknown[]).length;
  }
  const drainsEqual = a.drains.length === b.drains.length && a.drains.every((d, i) => d === b.drains[i]);
  const mergedEqual = a.mergedDrains.length === b.mergedDrains.length && a.mergedDrains.every((d, i) => d === b.mergedDrains[i]);
  const aloneEqual = a.aloneDrains.length === b.aloneDrains.length && a.aloneDrains.every((d, i) => d === b.aloneDrains[i]);
  const statsEqual = a.stats === b.stats;
  if (!mergedEqual) differing++;
  if (!aloneEqual) differing++;
  if (!statsEqual) process.stderr.write(`  ${name} stats differ: ${a.stats} / ${b.stats}\n`);
  process.stdout.write(`| ${name} | ${fmt(calls.length)} | ${fmt(detections)} | ${differing} | ${drainsEqual ? 'equal' : mergedEqual ? 'equal once merged' : 'DIFFER'} | ${aloneEqual ? 'equal' : 'DIFFER'} | ${statsEqual ? 'equal' : 'DIFFER'} |\n`);
  return { differing: differing + (statsEqual ? 0 : 1), detections };
}

async function scenarioCalls(seed: number): Promise<RecordedCall[]> {
  const dir = mkdtempSync(join(tmpdir(), 'behaviour-compare-'));
  try {
    const path = join(dir, 'abuse.pcap');
    writeScenarioCapture(path, generateAbuseScenario(seed).scenario, { format: 'pcap' });
    return await recordCalls(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const compare = arg('--compare');
  if (compare === undefined) throw new Error('--compare <dir> is required');
  const n = Number(arg('--transactions') ?? 50_000);
  const runs = Number(arg('--runs') ?? 5);
  const path = await benchCapture(n, arg('--capture'));
  const calls = await recordCalls(path);
  const trees = [await loadTree(compare, 'before'), await loadTree(root, 'after')];

  if (process.argv.includes('--check')) {
    const seeds = (arg('--seeds') ?? '1,2,3,4,5').split(',').map(Number);
    process.stdout.write('| calls | n | detections (after) | differing calls | tracing drains (after abuse) | tracing alone | abuse stats |\n|---|---|---|---|---|---|---|\n');
    let differing = 0;
    let total = 0;
    const sets: Array<[string, RecordedCall[]]> = [[`bench ${fmt(n)}`, calls]];
    for (const seed of seeds) sets.push([`abuse scenario seed ${seed}`, await scenarioCalls(seed)]);
    for (const [name, set] of sets) {
      for (const [label, settings] of [['default', {}], ['low limits', LOW_LIMITS]] as const) {
        differing += check(`${name}, ${label}`, set, trees, settings).differing;
        total += set.length;
      }
    }
    process.stdout.write(`\n${differing} differing of ${fmt(total)} calls compared\n`);
    if (differing > 0) process.exitCode = 1;
    return;
  }

  const allParts = ['attacks', 'abuse', 'tracing', 'together'] as const;
  const only = arg('--parts')?.split(',');
  const parts = allParts.filter((p) => only === undefined || only.includes(p));
  const make = (t: Tree, p: (typeof allParts)[number]): Analyzer[] =>
    p === 'attacks' ? [t.attacks()] : p === 'abuse' ? [t.abuse()] : p === 'tracing' ? [t.tracing()] : [t.attacks(), t.abuse(), t.tracing()];
  const results = new Map<string, number[][][]>(parts.map((p) => [p, []]));
  timeInterleaved(calls.slice(0, 5000), trees.map((t) => make(t, 'together'))); // warm-up
  for (let round = 0; round < runs; round++) {
    // Odd rounds swap the trees' places (whose copies are made first, who runs first): a tree compared with itself
    // showed a 0.85–0.92 ratio in one place, so a ratio is only read over rounds of both placements.
    const swap = round % 2 === 1;
    const placed = swap ? [trees[1], trees[0]] : trees;
    for (const p of parts) {
      const r = timeInterleaved(calls, placed.map((t) => make(t, p)));
      results.get(p)!.push(swap ? [r[1], r[0]] : r);
    }
    process.stderr.write(`round ${round + 1}/${runs} done\n`);
  }
  const us = (sec: number): number => (sec * 1e6) / calls.length;
  const median = (xs: number[]): number => {
    const v = [...xs].sort((a, b) => a - b);
    return v.length % 2 === 1 ? v[v.length >> 1] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  };
  const lines = [
    `Machine: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} cores, Node ${process.version}; CPU time, ${fmt(calls.length)} calls, ${runs} rounds (trees swap places every round), trees alternating every ${CHUNK} calls.`,
    '',
    '| analyzer | pass | before µs/call (best) | after µs/call (best) | after/before (median of rounds) | range |',
    '|---|---|---|---|---|---|',
  ];
  for (const p of parts) {
    const rounds = results.get(p)!;
    for (const pass of [0, 1]) {
      const ratios = rounds.map((r) => r[1][pass] / r[0][pass]);
      const b = us(Math.min(...rounds.map((r) => r[0][pass])));
      const a = us(Math.min(...rounds.map((r) => r[1][pass])));
      lines.push(`| ${p} | ${pass === 0 ? 'first' : 'second'} | ${fmt(b, 2)} | ${fmt(a, 2)} | ${fmt(median(ratios), 2)} | ${fmt(Math.min(...ratios), 2)}–${fmt(Math.max(...ratios), 2)} |`);
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
