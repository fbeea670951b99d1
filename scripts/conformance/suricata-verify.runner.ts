/**
 * Runs the suricata-verify conformance comparison: reads every selected case's capture through the real engine
 * (CaptureFileReader → HttpEngine), collects the transactions and compares them with the case's checks. Shared by
 * the integration test and the CLI so both print the same table and figure.
 */
import { HttpEngine } from '../../appliance/src/engine/http-engine.ts';
import { CaptureFileReader } from '../../appliance/src/engine/source/capture-file.reader.ts';
import type { Transaction } from '../../appliance/src/engine/transaction.types.ts';
import { compareCase, loadCases, summarize, type CaseInput, type CaseResult, type ConformanceSummary } from './suricata-verify.compare.ts';

/** What reading one capture produced. */
export interface CaptureRun {
  transactions: Transaction[];
  /** The error that stopped the reading or the engine, or null when the capture was read to its end. */
  error: string | null;
  packets: number;
  /** Malformed capture structures the reader counted (by reason), null when the reader threw. */
  sourceErrors: Record<string, number> | null;
}

/** Reads one capture to its end through a fresh engine; never throws (an error is returned instead). */
export async function runCapture(pcapPath: string): Promise<CaptureRun> {
  const transactions: Transaction[] = [];
  let packets = 0;
  try {
    const engine = new HttpEngine((tx) => transactions.push(tx));
    const reader = new CaptureFileReader(pcapPath);
    const stats = await reader.run((pkt) => {
      packets++;
      engine.push(pkt);
    });
    engine.finish();
    return { transactions, error: null, packets, sourceErrors: stats.errors };
  } catch (err) {
    return { transactions, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err), packets, sourceErrors: null };
  }
}

/** Full outcome of a conformance run. */
export interface ConformanceRun {
  results: CaseResult[];
  summary: ConformanceSummary;
  /** Cases skipped because the snapshot has no capture for them. */
  withoutPcap: string[];
  elapsedMs: number;
}

/** Runs every case of the corpus at `corpusDir` that has event_type http checks. */
export async function runConformance(corpusDir: string): Promise<ConformanceRun> {
  const started = performance.now();
  const cases = loadCases(corpusDir);
  const results: CaseResult[] = [];
  const withoutPcap: string[] = [];
  const byPcap = new Map<string, CaptureRun>();
  for (const c of cases) {
    if (c.pcapPath === null) {
      withoutPcap.push(c.name);
      continue;
    }
    if (c.httpChecks.length === 0) continue;
    let run = byPcap.get(c.pcapPath);
    if (run === undefined) {
      run = await runCapture(c.pcapPath);
      byPcap.set(c.pcapPath, run);
    }
    results.push(compareCase(c, run.transactions, run.error));
  }
  return { results, summary: summarize(results), withoutPcap, elapsedMs: performance.now() - started };
}

/** Case inputs, re-exported for callers that want to inspect a single case. */
export type { CaseInput };
