/**
 * Client accounting: calls per client IP. Identities and sensitive records are added by the analyzers that find them.
 */
import type { CallContext } from '../call.context.ts';
import type { AnalysisReport } from '../../analysis/analysis-report.types.ts';
import type { Analyzer } from '../analyzer.types.ts';

/** Counts calls per client IP. */
export class ClientsAnalyzer implements Analyzer {
  readonly id = 'clients';
  private readonly calls = new Map<string, number>();

  onCall(call: CallContext): void {
    const tx = call.tx;
    this.calls.set(tx.clientIp, (this.calls.get(tx.clientIp) ?? 0) + 1);
  }

  contribute(report: AnalysisReport): void {
    report.clients = [...this.calls]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([ip, calls]) => ({ ip, calls, identities: [], sensitiveRecords: 0 }));
  }
}
