/**
 * Capture quality per host: of the calls seen for each host, how many were seen in one direction only, touched a TCP
 * gap, had a truncated body, had no response, or were picked up mid-stream. Together with the engine's count of TLS
 * and other non-HTTP connections per server (report `stats.nonHttpServers`), this tells an operator whether the mirror
 * port delivers both directions, drops packets, or sees traffic still encrypted.
 */
import type { AnalysisReport, ReportCaptureQuality } from '../../analysis/analysis-report.types.ts';
import type { Analyzer } from '../analyzer.types.ts';
import type { CallContext } from '../call.context.ts';
import { TxFlag } from '../../engine/transaction.types.ts';

/** Most hosts tracked. */
const MAX_HOSTS = 10_000;

/** Counts capture-quality flags per host. */
export class CaptureQualityAnalyzer implements Analyzer {
  readonly id = 'quality';
  private readonly hosts = new Map<string, ReportCaptureQuality>();

  onCall(call: CallContext): void {
    let q = this.hosts.get(call.host);
    if (q === undefined) {
      if (this.hosts.size >= MAX_HOSTS) return;
      q = { host: call.host, calls: 0, oneSided: 0, gaps: 0, truncated: 0, noResponse: 0, midstream: 0 };
      this.hosts.set(call.host, q);
    }
    q.calls++;
    const f = call.tx.flags;
    if (f === 0) return;
    if ((f & TxFlag.OneSided) !== 0) q.oneSided++;
    if ((f & TxFlag.Gap) !== 0) q.gaps++;
    if ((f & TxFlag.Truncated) !== 0) q.truncated++;
    if ((f & TxFlag.NoResponse) !== 0) q.noResponse++;
    if ((f & TxFlag.Midstream) !== 0) q.midstream++;
  }

  contribute(report: AnalysisReport): void {
    report.captureQuality = [...this.hosts.values()].sort((a, b) => b.calls - a.calls || a.host.localeCompare(b.host)).slice(0, 500);
  }
}
