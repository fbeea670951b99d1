/**
 * Findings aggregation: collects the detections every analyzer attached to calls and aggregates them by
 * (type, endpoint, client) with counts, first/last seen, the latest evidence and the best attack outcome. It runs
 * after the detecting analyzers; findings that are not tied to a call (e.g. orphan APIs) are added to the report by
 * their analyzers directly.
 */
import type { AnalysisReport, ReportFinding } from '../../analysis/analysis-report.types.ts';
import { isoTime, type Analyzer } from '../analyzer.types.ts';
import type { CallContext, CallEndpoint, Detection } from '../call.context.ts';

interface FindingAcc {
  d: Detection;
  host: string;
  method: string;
  path: string;
  client: string;
  count: number;
  first: number;
  last: number;
  evidence: string;
  success: boolean;
}

/** Aggregates call detections into report findings. */
export class FindingsAnalyzer implements Analyzer {
  readonly id = 'findings';
  private readonly acc = new Map<string, FindingAcc>();
  /**
   * The same accumulators by shared CallEndpoint object (see the inventory), then type, then client: found per call
   * without building the aggregation key. Entries die with the endpoint object.
   */
  private readonly byEndpoint = new WeakMap<CallEndpoint, Map<string, Map<string, FindingAcc>>>();

  onCall(call: CallContext): void {
    const ds = call.detections;
    if (ds.length === 0) return;
    const tx = call.tx;
    const ep = call.endpoint;
    const method = ep?.method ?? tx.method;
    const path = ep?.template ?? tx.path;
    let byType: Map<string, Map<string, FindingAcc>> | undefined;
    if (ep !== null && ep.host === call.host) {
      byType = this.byEndpoint.get(ep);
      if (byType === undefined) {
        byType = new Map();
        this.byEndpoint.set(ep, byType);
      }
    }
    for (let i = 0; i < ds.length; i++) {
      const d = ds[i];
      const client = d.scope === 'endpoint' ? '' : tx.clientIp;
      let byClient: Map<string, FindingAcc> | undefined;
      let a: FindingAcc | undefined;
      if (byType !== undefined) {
        byClient = byType.get(d.type);
        if (byClient === undefined) {
          byClient = new Map();
          byType.set(d.type, byClient);
        }
        a = byClient.get(client);
      }
      if (a === undefined) {
        const key = `${d.type}\u0000${call.host}\u0000${method}\u0000${path}\u0000${client}`;
        a = this.acc.get(key);
        if (a === undefined) {
          a = { d, host: call.host, method, path, client, count: 0, first: tx.startTs, last: tx.startTs, evidence: '', success: false };
          this.acc.set(key, a);
        }
        byClient?.set(client, a);
      }
      a.count++;
      if (tx.startTs < a.first) a.first = tx.startTs;
      if (tx.startTs >= a.last) {
        a.last = tx.startTs;
        a.evidence = d.evidence;
      }
      if (d.outcome === 'likely_success') a.success = true;
      if (severityRank(d.severity) > severityRank(a.d.severity)) a.d = d;
    }
  }

  contribute(report: AnalysisReport): void {
    const out: ReportFinding[] = [];
    for (const a of this.acc.values()) {
      const f: ReportFinding = {
        type: a.d.type,
        category: a.d.category,
        severity: a.d.severity,
        host: a.host,
        method: a.method,
        path: a.path,
        client: a.client,
        count: a.count,
        firstSeen: isoTime(a.first),
        lastSeen: isoTime(a.last),
        evidence: a.evidence,
      };
      if (a.d.outcome !== undefined) f.outcome = a.success ? 'likely_success' : a.d.outcome;
      out.push(f);
    }
    report.findings.push(...out);
    report.findings.sort(compareFindings);
  }
}

const SEVERITY_RANK: Record<string, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

/** Orders severities: info < low < medium < high < critical. */
export function severityRank(s: string): number {
  return SEVERITY_RANK[s] ?? 0;
}

/** Report order: severity (highest first), then type, host, path, method, client. */
export function compareFindings(x: ReportFinding, y: ReportFinding): number {
  return (
    severityRank(y.severity) - severityRank(x.severity) ||
    x.type.localeCompare(y.type) ||
    x.host.localeCompare(y.host) ||
    x.path.localeCompare(y.path) ||
    x.method.localeCompare(y.method) ||
    x.client.localeCompare(y.client)
  );
}
