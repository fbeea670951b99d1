/**
 * Offline analysis: runs a capture file through the same engine and analyzers the live service uses, and builds the
 * AnalysisReport that `api-radar analyze` writes.
 */
import { CaptureFileReader } from '../engine/source/capture-file.reader.ts';
import { HttpEngine } from '../engine/http-engine.ts';
import type { EngineSettings } from '../engine/engine.settings.ts';
import type { Analyzer } from '../analyzers/analyzer.types.ts';
import { RawEndpointsAnalyzer } from '../analyzers/inventory/raw-endpoints.analyzer.ts';
import { ClientsAnalyzer } from '../analyzers/clients/clients.analyzer.ts';
import type { AnalysisReport } from './analysis-report.types.ts';

/** Options of one offline analysis run. */
export interface OfflineAnalysisOptions {
  settings?: Partial<EngineSettings>;
  /** Called as the file is read (bytes read so far, file size, transactions so far). */
  onProgress?: (bytesRead: number, totalBytes: number, transactions: number) => void;
  /** Analyzers to run; the default set when omitted. */
  analyzers?: Analyzer[];
}

/** The analyzers `api-radar analyze` runs by default. */
export function defaultAnalyzers(): Analyzer[] {
  return [new RawEndpointsAnalyzer(), new ClientsAnalyzer()];
}

/** Analyzes one capture file. Throws CaptureFormatError when the file is not a readable capture. */
export async function analyzeCaptureFile(path: string, opts: OfflineAnalysisOptions = {}): Promise<AnalysisReport> {
  const started = performance.now();
  const analyzers = opts.analyzers ?? defaultAnalyzers();
  const engine = new HttpEngine((tx) => {
    for (let i = 0; i < analyzers.length; i++) analyzers[i].onTransaction(tx);
  }, opts.settings);
  const onProgress = opts.onProgress;
  const reader = new CaptureFileReader(path, {
    onProgress: onProgress ? (read, total) => onProgress(read, total, engine.stats().transactions) : undefined,
  });
  const sourceStats = await reader.run((pkt) => engine.push(pkt));
  engine.finish();
  engine.weird.merge(sourceStats.errors);
  const s = engine.stats();
  const report: AnalysisReport = {
    schemaVersion: 1,
    stats: {
      packets: s.packets,
      bytes: s.bytes,
      flows: s.flows,
      transactions: s.transactions,
      parseErrors: s.parseErrors,
      tcpGaps: s.tcpGaps,
      durationMs: Math.round(performance.now() - started),
      weird: engine.weird.toJSON(),
    },
    endpoints: [],
    findings: [],
    clients: [],
  };
  for (const a of analyzers) a.contribute(report);
  return report;
}
