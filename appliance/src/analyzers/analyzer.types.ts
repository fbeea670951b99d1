/**
 * The analyzer plug-in contract. Analyzers live in their own folders under appliance/src/analyzers/, receive every
 * Transaction the engine completes (never packets), and contribute their part of the offline analysis report.
 */
import type { Transaction } from '../engine/transaction.types.ts';
import type { AnalysisReport } from '../analysis/analysis-report.types.ts';

/** One analyzer. Calls are synchronous and ordered as the engine emits transactions. */
export interface Analyzer {
  /** Stable id (folder name), e.g. "inventory". */
  readonly id: string;
  /** Inspects one transaction. Must not throw on hostile content and must not keep the transaction's buffers. */
  onTransaction(tx: Transaction): void;
  /** Writes this analyzer's results into the report (called once, after the last transaction). */
  contribute(report: AnalysisReport): void;
}

/** The host an endpoint is grouped under: the Host header, else the server's address and port. */
export function endpointHost(tx: Transaction): string {
  if (tx.host !== '') return tx.host;
  return tx.ipVersion === 6 ? `[${tx.serverIp}]:${tx.serverPort}` : `${tx.serverIp}:${tx.serverPort}`;
}

/** ISO-8601 text of a capture timestamp in µs. */
export function isoTime(tsUs: number): string {
  return new Date(Math.floor(tsUs / 1000)).toISOString();
}
