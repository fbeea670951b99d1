/**
 * Client accounting: calls per client IP, the identities each client used (from `call.auth`, bounded per client)
 * and the sensitive values it received in responses.
 */
import type { CallContext } from '../call.context.ts';
import type { AnalysisReport } from '../../analysis/analysis-report.types.ts';
import type { Analyzer } from '../analyzer.types.ts';

/** Most identities listed per client; further ones are counted in `identitiesOverflow`. */
export const MAX_IDENTITIES_PER_CLIENT = 64;

interface ClientAcc {
  calls: number;
  identities: Set<string>;
  sensitiveRecords: number;
}

/** Counts calls, identities and sensitive records per client IP. */
export class ClientsAnalyzer implements Analyzer {
  readonly id = 'clients';
  private readonly clients = new Map<string, ClientAcc>();
  /** Identities not listed because their client already had the maximum. */
  identitiesOverflow = 0;

  onCall(call: CallContext): void {
    const tx = call.tx;
    let c = this.clients.get(tx.clientIp);
    if (c === undefined) {
      c = { calls: 0, identities: new Set(), sensitiveRecords: 0 };
      this.clients.set(tx.clientIp, c);
    }
    c.calls++;
    const identity = call.auth?.identity ?? '';
    if (identity !== '' && !c.identities.has(identity)) {
      if (c.identities.size < MAX_IDENTITIES_PER_CLIENT) c.identities.add(identity);
      else this.identitiesOverflow++;
    }
    const hits = call.sensitive;
    for (let i = 0; i < hits.length; i++) if (hits[i].direction === 'response') c.sensitiveRecords++;
  }

  contribute(report: AnalysisReport): void {
    report.clients = [...this.clients]
      .sort((a, b) => b[1].calls - a[1].calls || a[0].localeCompare(b[0]))
      .map(([ip, c]) => ({ ip, calls: c.calls, identities: [...c.identities].sort(), sensitiveRecords: c.sensitiveRecords }));
  }
}
