/**
 * The analyzer plug-in contract. Analyzers live in their own folders under appliance/src/analyzers/, receive every
 * call the engine completes as a CallContext (never packets), may enrich it for the analyzers after them, and
 * contribute their part of the analysis report.
 */
import type { Transaction } from '../engine/transaction.types.ts';
import type { AnalysisReport } from '../analysis/analysis-report.types.ts';
import type { CallContext } from './call.context.ts';

/** One analyzer. Calls are synchronous and ordered as the engine emits transactions. */
export interface Analyzer {
  /** Stable id (folder name), e.g. "inventory". */
  readonly id: string;
  /**
   * Inspects one call and may fill context fields for later analyzers. Must not throw on hostile content and must
   * not keep the transaction's buffers.
   */
  onCall(call: CallContext): void;
  /**
   * Writes this analyzer's results into the report. Called once after the last call, in analyzer order, so an
   * analyzer may read what earlier ones contributed (e.g. risk reads endpoints and findings).
   */
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
