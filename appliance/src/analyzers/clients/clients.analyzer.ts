/**
 * Client accounting: calls per client IP and the identities each client used (from `call.auth`, bounded per
 * client). Sensitive records per client are added by the sensitive-data analyzer.
 */
import type { AnalysisReport } from '../../analysis/analysis-report.types.ts';
import type { Analyzer } from '../analyzer.types.ts';
import type { CallContext } from '../call.context.ts';

/** Identities remembered per client. */
export const MAX_IDENTITIES_PER_CLIENT = 32;

interface ClientAcc {
  calls: number;
  identities: Set<string>;
}

/** Counts calls and identities per client IP. */
export class ClientsAnalyzer implements Analyzer {
  readonly id = 'clients';
  private readonly clients = new Map<string, ClientAcc>();

  onCall(call: CallContext): void {
    const ip = call.tx.clientIp;
    let c = this.clients.get(ip);
    if (c === undefined) {
      c = { calls: 0, identities: new Set() };
      this.clients.set(ip, c);
    }
    c.calls++;
    const id = call.auth?.identity ?? '';
    if (id !== '' && c.identities.size < MAX_IDENTITIES_PER_CLIENT) c.identities.add(id);
  }

  contribute(report: AnalysisReport): void {
    report.clients = [...this.clients]
      .sort((a, b) => b[1].calls - a[1].calls || a[0].localeCompare(b[0]))
      .map(([ip, c]) => ({ ip, calls: c.calls, identities: [...c.identities].sort(), sensitiveRecords: 0 }));
  }
}
