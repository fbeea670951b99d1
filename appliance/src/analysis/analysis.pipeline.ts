/**
 * The analysis pipeline: turns each Transaction into a CallContext, runs the analyzers in order and hands the
 * finished context to the call sinks. Shared by the offline `analyze` command and the live service, so both see
 * the same results.
 */
import type { Transaction } from '../engine/transaction.types.ts';
import type { AnalysisReport } from './analysis-report.types.ts';
import type { Analyzer } from '../analyzers/analyzer.types.ts';
import { endpointHost } from '../analyzers/analyzer.types.ts';
import type { CallContext, CallSink } from '../analyzers/call.context.ts';

/** Runs analyzers over calls. `handle` is a TransactionSink for the HttpEngine. */
export class AnalysisPipeline {
  /** Transactions seen, including those without a request (which are not calls). */
  transactions = 0;
  /** Calls analyzed (transactions with a request). */
  calls = 0;

  /**
   * @param analyzers run in this order for every call
   * @param sinks receive each call after the analyzers
   */
  constructor(
    readonly analyzers: readonly Analyzer[],
    private readonly sinks: readonly CallSink[] = [],
  ) {}

  /** Analyzes one transaction (bound, so it can be passed to the engine directly). */
  readonly handle = (tx: Transaction): void => {
    this.transactions++;
    if (tx.method === '') return;
    this.calls++;
    const ctx: CallContext = { tx, host: endpointHost(tx), auth: null, endpoint: null, sensitive: [], detections: [] };
    const analyzers = this.analyzers;
    for (let i = 0; i < analyzers.length; i++) analyzers[i].onCall(ctx);
    const sinks = this.sinks;
    for (let i = 0; i < sinks.length; i++) sinks[i](ctx);
  };

  /** Lets every analyzer write its part of the report, in order. */
  contribute(report: AnalysisReport): void {
    for (const a of this.analyzers) a.contribute(report);
  }
}
