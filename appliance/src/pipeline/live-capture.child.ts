/**
 * Child process that captures from a live interface and runs the engine and analyzers on it, off the service's main
 * process (`cap` is not context-aware, so it cannot run in a worker thread; a child process also keeps a native crash
 * away from the API). Started by live-capture.service.ts with `advanced` IPC serialisation.
 *
 * Two modes, chosen by the JSON config in argv[2]:
 * - capture: calls leave in batches (`calls`), counters every second (`stats`), the analysis report is written to
 *   `reportPath` every `reportEveryMs` and at stop; SIGTERM stops cleanly (pending transactions are emitted first).
 * - probe: counts packets and HTTP hosts for `probeMs` and ends with one `probe` message (the wizard's live check).
 *
 * Errors the operator can fix (no such interface, interface down, no permission, bad filter) end the child with a
 * `failed` message carrying the LiveCaptureError code.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { HttpEngine, type EngineStats } from '../engine/http-engine.ts';
import { LiveCaptureError, LiveCaptureSource, type LiveCaptureStats } from '../engine/source/live-capture.source.ts';
import type { Transaction } from '../engine/transaction.types.ts';
import { AnalysisPipeline } from '../analysis/analysis.pipeline.ts';
import { buildReport, defaultAnalyzers } from '../analysis/offline-analysis.service.ts';
import type { CallColumns } from '../store/events/call-columns.ts';
import { CallBatcher } from './call-batcher.ts';
import { HostFilter, type HostScope } from './host.filter.ts';
import { PolicyEngine } from '../policies/policy.engine.ts';
import { InventoryAnalyzer } from '../analyzers/inventory/inventory.analyzer.ts';
import type { TemplateDecision } from '../analyzers/inventory/path.templater.ts';
import type { Policy, PolicyAction } from '../policies/policy.types.ts';
import { TracingAnalyzer } from '../analyzers/tracing/tracing.analyzer.ts';
import type { ActivityDelta, ActorLink } from '../analyzers/tracing/actor-links.repository.ts';
import { applySensitiveLevels } from '../analyzers/sensitive/sensitive.analyzer.ts';

/** What the parent passes in argv[2] (JSON). */
export interface LiveChildConfig {
  mode: 'capture' | 'probe';
  iface: string;
  bpf: string;
  promiscuous: boolean;
  /** Kernel capture ring in bytes (default 64 MiB). */
  bufferBytes?: number;
  scope: HostScope;
  /** capture mode: the policies to apply and the time zone of their time-of-day conditions. */
  policies?: Policy[];
  timeZone?: string;
  /** capture mode: the user decisions on endpoint templates (pin, split, dissolve). */
  inventoryDecisions?: TemplateDecision[];
  /** User-edited sensitivity levels (type id, level) the sensitive analyzer starts with. */
  sensitiveLevels?: Array<[string, number]>;
  /** capture mode: where the report snapshot goes, and how often. */
  reportPath?: string;
  reportEveryMs?: number;
  /** probe mode: how long to count. */
  probeMs?: number;
}

/** Counters sent every second in capture mode. */
export interface LiveChildStats {
  capture: LiveCaptureStats;
  engine: Omit<EngineStats, 'weird'>;
  weird: Record<string, number>;
  /** Calls analysed and calls skipped by the watch/ignore scope. */
  calls: number;
  outOfScope: number;
  /** Transactions per second over the last interval. */
  txPerSec: number;
  /** Process memory (RSS bytes) and CPU seconds. */
  rss: number;
  cpuSeconds: number;
}

/** Result of a probe. */
export interface ProbeResult {
  packets: number;
  bytes: number;
  transactions: number;
  /** HTTP hosts seen with their call counts, busiest first (at most 20). */
  hosts: Array<{ host: string; calls: number }>;
  seconds: number;
}

/** Messages the child sends. */
export type LiveChildMessage =
  | { type: 'started'; linkType: number }
  | { type: 'calls'; batch: CallColumns }
  | { type: 'stats'; stats: LiveChildStats }
  | { type: 'report'; path: string }
  | { type: 'probe'; result: ProbeResult }
  | { type: 'failed'; code: string; message: string }
  | { type: 'policyAction'; action: PolicyAction }
  | { type: 'actors'; links: ActorLink[]; activity: ActivityDelta[] }
  | { type: 'stopped' };

/** Messages the parent sends: a new policy set, new template decisions (applied at once). */
export type LiveParentMessage = { type: 'policies'; policies: Policy[]; timeZone: string } | { type: 'inventoryDecisions'; decisions: TemplateDecision[] } | { type: 'sensitiveLevels'; levels: Array<[string, number]> };

function send(m: LiveChildMessage): void {
  process.send?.(m);
}

function writeReport(pipeline: AnalysisPipeline, engine: HttpEngine, started: number, path: string): void {
  const report = buildReport(pipeline, engine, Date.now() - started);
  writeFileSync(`${path}.tmp`, JSON.stringify(report));
  renameSync(`${path}.tmp`, path);
  send({ type: 'report', path });
}

function runProbe(cfg: LiveChildConfig, source: LiveCaptureSource): void {
  const hosts = new Map<string, number>();
  const engine = new HttpEngine((tx: Transaction) => {
    if (tx.method === '') return;
    const h = tx.host !== '' ? tx.host : `${tx.serverIp}:${tx.serverPort}`;
    hosts.set(h, (hosts.get(h) ?? 0) + 1);
  });
  const started = Date.now();
  source.start((pkt) => engine.push(pkt));
  send({ type: 'started', linkType: source.linkType });
  setTimeout(() => {
    source.stop();
    engine.finish();
    const s = engine.stats();
    const top = [...hosts].sort((a, b) => b[1] - a[1]).slice(0, 20).map(([host, calls]) => ({ host, calls }));
    send({ type: 'probe', result: { packets: s.packets, bytes: s.bytes, transactions: s.transactions, hosts: top, seconds: (Date.now() - started) / 1000 } });
    process.disconnect?.();
  }, Math.min(Math.max(cfg.probeMs ?? 5000, 500), 30_000));
}

function runCapture(cfg: LiveChildConfig, source: LiveCaptureSource): void {
  const filter = new HostFilter(cfg.scope);
  const batcher = new CallBatcher(`live:${cfg.iface}`, (batch) => send({ type: 'calls', batch }));
  const policies = new PolicyEngine(cfg.policies ?? [], cfg.timeZone ?? 'UTC', (action) => send({ type: 'policyAction', action }));
  process.on('message', (m: LiveParentMessage) => {
    if (m.type === 'policies') policies.update(m.policies, m.timeZone);
    if (m.type === 'inventoryDecisions') for (const a of analyzers) if (a instanceof InventoryAnalyzer) a.setDecisions(m.decisions);
    if (m.type === 'sensitiveLevels') applySensitiveLevels(analyzers, m.levels);
  });
  const tracing = new TracingAnalyzer();
  const drainActors = (): void => {
    const d = tracing.drain();
    if (d.links.length > 0 || d.activity.length > 0) send({ type: 'actors', ...d });
  };
  const analyzers = defaultAnalyzers({ policies, tracing, inventoryDecisions: cfg.inventoryDecisions });
  if (cfg.sensitiveLevels !== undefined) applySensitiveLevels(analyzers, cfg.sensitiveLevels);
  const pipeline = new AnalysisPipeline(analyzers, [batcher.sink]);
  let outOfScope = 0;
  const engine = new HttpEngine((tx: Transaction) => {
    if (tx.method !== '' && !filter.accepts(tx.host, tx.serverIp)) {
      outOfScope++;
      return;
    }
    pipeline.handle(tx);
  });
  const started = Date.now();
  source.start((pkt) => engine.push(pkt));
  send({ type: 'started', linkType: source.linkType });

  let lastTx = 0;
  let lastAt = performance.now();
  const tick = setInterval(() => {
    engine.advance(Date.now() * 1000);
    batcher.drainIfOld();
    const { weird, ...engineStats } = engine.stats();
    const now = performance.now();
    const txPerSec = ((engineStats.transactions - lastTx) * 1000) / Math.max(1, now - lastAt);
    lastTx = engineStats.transactions;
    lastAt = now;
    const cpu = process.cpuUsage();
    send({
      type: 'stats',
      stats: { capture: source.stats, engine: engineStats, weird, calls: pipeline.calls, outOfScope, txPerSec, rss: process.memoryUsage.rss(), cpuSeconds: (cpu.user + cpu.system) / 1e6 },
    });
    if (source.sinkError !== null) {
      // A bug in a stage must not stop the capture: it is counted as a weird by the source; report it once.
      process.stderr.write(`pipeline error: ${String((source.sinkError as Error).message ?? source.sinkError)}\n`);
    }
  }, 1000);
  const actorTimer = setInterval(drainActors, 5000);
  const reportPath = cfg.reportPath;
  const reportTimer =
    reportPath === undefined ? null : setInterval(() => writeReport(pipeline, engine, started, reportPath), Math.max(1000, cfg.reportEveryMs ?? 30_000));

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    clearInterval(tick);
    clearInterval(actorTimer);
    if (reportTimer !== null) clearInterval(reportTimer);
    source.stop();
    engine.finish();
    batcher.drain();
    drainActors();
    if (reportPath !== undefined) writeReport(pipeline, engine, started, reportPath);
    send({ type: 'stopped' });
    process.disconnect?.();
  };
  process.on('SIGTERM', stop);
  process.on('disconnect', stop);
}

function main(): void {
  let cfg: LiveChildConfig;
  try {
    cfg = JSON.parse(process.argv[2] ?? '') as LiveChildConfig;
  } catch {
    send({ type: 'failed', code: 'bad_config', message: 'the capture child was started without a valid configuration' });
    process.exitCode = 2;
    return;
  }
  try {
    const source = new LiveCaptureSource({ iface: cfg.iface, bpf: cfg.bpf, promiscuous: cfg.promiscuous, bufferBytes: cfg.bufferBytes });
    if (cfg.mode === 'probe') runProbe(cfg, source);
    else runCapture(cfg, source);
  } catch (err) {
    const code = err instanceof LiveCaptureError ? err.code : err instanceof RangeError ? 'bad_config' : 'capture_failed';
    send({ type: 'failed', code, message: (err as Error).message });
    process.exitCode = 2;
    process.disconnect?.();
  }
}

main();
