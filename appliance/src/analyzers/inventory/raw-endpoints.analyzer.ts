/**
 * First inventory pass: groups transactions by host, method and raw path, with call counts, status distribution
 * and first/last seen. Path templating replaces the raw path with a template in a later stage.
 */
import type { CallContext } from '../call.context.ts';
import type { AnalysisReport, ReportEndpoint } from '../../analysis/analysis-report.types.ts';
import { isoTime, type Analyzer } from '../analyzer.types.ts';

interface EndpointAcc {
  host: string;
  method: string;
  path: string;
  calls: number;
  statuses: Map<string, number>;
  first: number;
  last: number;
}

/** Aggregates calls per (host, method, raw path). Transactions without a request are not endpoints. */
export class RawEndpointsAnalyzer implements Analyzer {
  readonly id = 'inventory';
  private readonly endpoints = new Map<string, EndpointAcc>();

  onCall(call: CallContext): void {
    const tx = call.tx;
    const host = call.host;
    const key = `${host}\u0000${tx.method}\u0000${tx.path}`;
    let acc = this.endpoints.get(key);
    if (acc === undefined) {
      acc = { host, method: tx.method, path: tx.path, calls: 0, statuses: new Map(), first: tx.startTs, last: tx.startTs };
      this.endpoints.set(key, acc);
    }
    acc.calls++;
    const status = tx.status === null ? 'none' : String(tx.status);
    acc.statuses.set(status, (acc.statuses.get(status) ?? 0) + 1);
    if (tx.startTs < acc.first) acc.first = tx.startTs;
    if (tx.startTs > acc.last) acc.last = tx.startTs;
  }

  contribute(report: AnalysisReport): void {
    const list: ReportEndpoint[] = [];
    for (const a of this.endpoints.values()) {
      list.push({
        host: a.host,
        method: a.method,
        path: a.path,
        calls: a.calls,
        statuses: Object.fromEntries([...a.statuses].sort((x, y) => x[0].localeCompare(y[0]))),
        auth: [],
        sensitive: [],
        params: [],
        inSpec: false,
        deprecated: false,
        risk: 0,
        firstSeen: isoTime(a.first),
        lastSeen: isoTime(a.last),
      });
    }
    list.sort((x, y) => x.host.localeCompare(y.host) || x.path.localeCompare(y.path) || x.method.localeCompare(y.method));
    report.endpoints = list;
  }
}
