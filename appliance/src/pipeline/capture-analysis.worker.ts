/**
 * Child process that analyses one uploaded capture with the same engine and analyzers as `api-radar analyze`, off
 * the service's main thread: it reports progress over IPC (`{ type: 'progress', bytesRead, totalBytes,
 * transactions }`), sends the call-log rows in column batches (`{ type: 'calls', batch }`, when a source label is given),
 * writes the report JSON to the given path and ends with `{ type: 'done', calls }` or `{ type: 'failed', message }`.
 * Started by capture-runs.service.ts with the `advanced` IPC serialisation.
 *
 * Policies (JSON `{ policies, timeZone, inventoryDecisions? }` in the optional file argument, with the user's template
 * decisions) run in the pipeline; the notify/block actions
 * they raise leave as `{ type: 'policyAction', action }`. The user's sensitivity levels come in the same file
 * (`sensitiveLevels`, type id and level pairs) and later as `{ type: 'sensitiveLevels', levels }` messages (edits
 * apply at once). When the file asks for raw sensitive samples (`sensitiveRawSamples` > 0: raw storage is on), they
 * leave once, after the analysis, as `{ type: 'sensitiveRaw', samples }` (never in the report file).
 *
 * Usage (by the service): node --import tsx capture-analysis.worker.ts <capture> <report.json> [<source label> [<policies.json>]]
 */
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { analyzeCaptureFile, defaultAnalyzers } from '../analysis/offline-analysis.service.ts';
import { PolicyEngine } from '../policies/policy.engine.ts';
import type { Policy, PolicyAction } from '../policies/policy.types.ts';
import type { TemplateDecision } from '../analyzers/inventory/path.templater.ts';
import { TracingAnalyzer } from '../analyzers/tracing/tracing.analyzer.ts';
import type { ActivityDelta, ActorLink } from '../analyzers/tracing/actor-links.repository.ts';
import { CaptureFormatError } from '../engine/source/capture-file.reader.ts';
import type { CallColumns } from '../store/events/call-columns.ts';
import { CallBatcher } from './call-batcher.ts';
import { applySensitiveLevels } from '../analyzers/sensitive/sensitive.analyzer.ts';
import { applyRawSamples, takeRawSamples, type RawSample } from '../analyzers/sensitive/sensitive.analyzer.ts';

/** Messages the worker sends to its parent. */
export type WorkerMessage =
  | { type: 'progress'; bytesRead: number; totalBytes: number; transactions: number }
  | { type: 'calls'; batch: CallColumns }
  | { type: 'policyAction'; action: PolicyAction }
  | { type: 'actors'; links: ActorLink[]; activity: ActivityDelta[] }
  | { type: 'sensitiveRaw'; samples: RawSample[] }
  | { type: 'done'; calls: number }
  | { type: 'failed'; message: string };

/**
 * Messages allowed to wait for the channel before the reader is held back: enough to ride over the service being busy
 * for a while (a call batch in columns is ~0.3 MB for 2,000 rows), few enough that memory stays bounded.
 */
const MAX_IN_FLIGHT = 32;

/** Messages sent and not yet handed to the IPC channel. */
let inFlight = 0;
let drained: (() => void) | null = null;

function send(m: WorkerMessage, done?: () => void): void {
  if (process.send === undefined) {
    done?.();
    return;
  }
  inFlight++;
  process.send(m, undefined, {}, () => {
    inFlight--;
    if (inFlight <= MAX_IN_FLIGHT / 2 && drained !== null) {
      const d = drained;
      drained = null;
      d();
    }
    done?.();
  });
}

/** Holds the reader back while more than {@link MAX_IN_FLIGHT} messages wait for the channel. */
function backPressure(): Promise<void> | void {
  if (inFlight <= MAX_IN_FLIGHT) return;
  return new Promise<void>((resolve) => (drained = resolve));
}

async function main(): Promise<void> {
  const [capture, out, source, policiesFile] = process.argv.slice(2);
  let last = 0;
  let engine: PolicyEngine | undefined;
  let inventoryDecisions: TemplateDecision[] | undefined;
  let sensitiveLevels: Array<[string, number]> | undefined;
  let rawSamples = 0;
  if (policiesFile) {
    const { policies, timeZone, ...rest } = JSON.parse(readFileSync(policiesFile, 'utf8')) as { policies: Policy[]; timeZone: string; inventoryDecisions?: TemplateDecision[]; sensitiveLevels?: Array<[string, number]>; sensitiveRawSamples?: number };
    inventoryDecisions = rest.inventoryDecisions;
    rawSamples = rest.sensitiveRawSamples ?? 0;
    sensitiveLevels = rest.sensitiveLevels;
    engine = new PolicyEngine(policies, timeZone, (action) => send({ type: 'policyAction', action }));
  }
  const batcher = source ? new CallBatcher(source, (batch) => send({ type: 'calls', batch })) : null;
  const tracing = source ? new TracingAnalyzer() : undefined;
  let lastDrain = Date.now();
  const drainActors = (): void => {
    if (tracing === undefined) return;
    lastDrain = Date.now();
    const d = tracing.drain();
    if (d.links.length > 0 || d.activity.length > 0) send({ type: 'actors', ...d });
  };
  const analyzers = defaultAnalyzers({ policies: engine, tracing, inventoryDecisions });
  if (sensitiveLevels !== undefined) applySensitiveLevels(analyzers, sensitiveLevels);
  if (rawSamples > 0) applyRawSamples(analyzers, rawSamples);
  process.on('message', (m: { type?: string; levels?: Array<[string, number]> }) => {
    if (m.type === 'sensitiveLevels' && Array.isArray(m.levels)) applySensitiveLevels(analyzers, m.levels);
  });
  try {
    const report = await analyzeCaptureFile(capture, {
      analyzers,
      sinks: batcher === null ? [] : [batcher.sink],
      beforeRead: () => {
        if (Date.now() - lastDrain > 5000) drainActors();
        return backPressure();
      },
      onProgress: (bytesRead, totalBytes, transactions) => {
        const now = Date.now();
        if (now - last < 250) return;
        last = now;
        send({ type: 'progress', bytesRead, totalBytes, transactions });
      },
    });
    batcher?.drain();
    drainActors();
    if (rawSamples > 0) send({ type: 'sensitiveRaw', samples: takeRawSamples(analyzers) });
    writeFileSync(`${out}.tmp`, JSON.stringify(report));
    renameSync(`${out}.tmp`, out);
    // Disconnect only once the last message has left, or the parent may never see it.
    send({ type: 'done', calls: batcher?.emitted ?? 0 }, () => process.disconnect?.());
  } catch (err) {
    process.exitCode = 1;
    send({ type: 'failed', message: err instanceof CaptureFormatError ? err.message : `analysis failed: ${(err as Error).message}` }, () => process.disconnect?.());
  }
}

void main();
