/**
 * Offline analysis: runs a capture file through the same engine and analyzers the live service uses, and builds the
 * AnalysisReport that `api-radar analyze` writes.
 */
import { CaptureFileReader } from '../engine/source/capture-file.reader.ts';
import { HttpEngine } from '../engine/http-engine.ts';
import type { EngineSettings } from '../engine/engine.settings.ts';
import type { Analyzer } from '../analyzers/analyzer.types.ts';
import type { CallSink } from '../analyzers/call.context.ts';
import { DEFAULT_INVENTORY_SETTINGS, InventoryAnalyzer } from '../analyzers/inventory/inventory.analyzer.ts';
import type { TemplateDecision } from '../analyzers/inventory/path.templater.ts';
import { IdentityAnalyzer } from '../analyzers/identity/identity.analyzer.ts';
import { SensitiveAnalyzer } from '../analyzers/sensitive/sensitive.analyzer.ts';
import { AttacksAnalyzer } from '../analyzers/attacks/attacks.analyzer.ts';
import { ClientsAnalyzer } from '../analyzers/clients/clients.analyzer.ts';
import { FindingsAnalyzer } from '../analyzers/findings/findings.analyzer.ts';
import { AbuseAnalyzer } from '../analyzers/abuse/abuse.analyzer.ts';
import { ExposureAnalyzer } from '../analyzers/exposure/exposure.analyzer.ts';
import { RiskAnalyzer } from '../analyzers/risk/risk.analyzer.ts';
import { PolicyAnalyzer } from '../analyzers/policies/policy.analyzer.ts';
import { CaptureQualityAnalyzer } from '../analyzers/quality/capture-quality.analyzer.ts';
import type { PolicyEngine } from '../policies/policy.engine.ts';
import type { TracingAnalyzer } from '../analyzers/tracing/tracing.analyzer.ts';
import type { AnalysisReport } from './analysis-report.types.ts';
import { AnalysisPipeline } from './analysis.pipeline.ts';

/** Options of one offline analysis run. */
export interface OfflineAnalysisOptions {
  settings?: Partial<EngineSettings>;
  /** Called as the file is read (bytes read so far, file size, transactions so far). */
  onProgress?: (bytesRead: number, totalBytes: number, transactions: number) => void;
  /** Analyzers to run, in order; the default set when omitted. */
  analyzers?: Analyzer[];
  /** Receive every analysed call (the call-log writer). */
  sinks?: CallSink[];
  /** Awaited before each chunk of the file is read (back-pressure from the sinks' consumer). */
  beforeRead?: () => Promise<void> | void;
}

/**
 * The analyzers `api-radar analyze` runs by default, in pipeline order: context producers (identity, inventory,
 * sensitive) first, detectors next, then the user's policies and the actor-link collector (when given, as the
 * service's pipelines do), then the findings aggregator, then analyzers that read other results (risk).
 */
export function defaultAnalyzers(opts: { policies?: PolicyEngine; tracing?: TracingAnalyzer; inventoryDecisions?: readonly TemplateDecision[] } = {}): Analyzer[] {
  return [
    new IdentityAnalyzer(),
    new InventoryAnalyzer(DEFAULT_INVENTORY_SETTINGS, opts.inventoryDecisions),
    new ClientsAnalyzer(),
    new SensitiveAnalyzer(),
    new AttacksAnalyzer(),
    new AbuseAnalyzer(),
    new ExposureAnalyzer(),
    ...(opts.policies !== undefined ? [new PolicyAnalyzer(opts.policies)] : []),
    ...(opts.tracing !== undefined ? [opts.tracing] : []),
    new FindingsAnalyzer(),
    new RiskAnalyzer(),
    new CaptureQualityAnalyzer(),
  ];
}

/** The analysis report of what `pipeline` and `engine` have seen so far (engine counters, then each analyzer's part). */
export function buildReport(pipeline: AnalysisPipeline, engine: HttpEngine, durationMs: number): AnalysisReport {
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
      durationMs: Math.round(durationMs),
      weird: engine.weird.toJSON(),
      nonHttpConnections: engine.http.nonHttpConnections,
      tlsConnections: engine.http.tlsConnections,
      nonHttpServers: [...engine.http.nonHttpServers]
        .map(([server, c]) => ({ server, tls: c.tls, other: c.other }))
        .sort((a, b) => b.tls + b.other - (a.tls + a.other) || a.server.localeCompare(b.server))
        .slice(0, 50),
    },
    endpoints: [],
    findings: [],
    clients: [],
  };
  pipeline.contribute(report);
  return report;
}

/** Analyzes one capture file. Throws CaptureFormatError when the file is not a readable capture. */
export async function analyzeCaptureFile(path: string, opts: OfflineAnalysisOptions = {}): Promise<AnalysisReport> {
  const started = performance.now();
  const pipeline = new AnalysisPipeline(opts.analyzers ?? defaultAnalyzers(), opts.sinks ?? []);
  const engine = new HttpEngine(pipeline.handle, opts.settings);
  const onProgress = opts.onProgress;
  const reader = new CaptureFileReader(path, {
    onProgress: onProgress ? (read, total) => onProgress(read, total, engine.stats().transactions) : undefined,
    beforeRead: opts.beforeRead,
  });
  const sourceStats = await reader.run((pkt) => engine.push(pkt));
  engine.finish();
  engine.weird.merge(sourceStats.errors);
  return buildReport(pipeline, engine, performance.now() - started);
}
