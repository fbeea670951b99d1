/**
 * The content of a scheduled report and the {@link ReportDataSource} it comes from. The renderer only sees
 * {@link ReportData}, so the source can move from today's stores (findings and sensitive tables, stored capture-run
 * reports) to the event store without touching the report. Text fields come from traffic: renderers escape them.
 */
import type { AttackOutcome, FindingCategory, Severity } from '../analyzers/call.context.ts';

/** The period a report covers: (start, end], epoch ms. */
export interface ReportPeriod {
  start: number;
  end: number;
}

/** Which hosts a report covers (empty = all). */
export interface ReportScope {
  hosts: string[];
}

/** One endpoint line. */
export interface ReportEndpointLine {
  host: string;
  method: string;
  path: string;
  calls: number;
  sensitive: string[];
  risk: number;
}

/** One finding line. */
export interface ReportFindingLine {
  type: string;
  category: FindingCategory;
  severity: Severity;
  host: string;
  method: string;
  path: string;
  client: string;
  count: number;
  outcome: AttackOutcome | null;
  status: string;
  /** Masked evidence of the latest occurrence. */
  evidence: string;
}

/** One client that caused findings. */
export interface ReportAttackerLine {
  client: string;
  findings: number;
  events: number;
  worstSeverity: Severity;
  likelySuccess: boolean;
  /** Calls seen from it in the period's captures (0 when unknown). */
  calls: number;
}

/** One sensitive field first seen in the period (`field` is '' when only the endpoint and type are known). */
export interface ReportSensitiveField {
  host: string;
  method: string;
  path: string;
  direction: string;
  location: string;
  field: string;
  typeId: string;
}

/** Exposure of one sensitive type. */
export interface ReportSensitiveType {
  typeId: string;
  endpoints: number;
  fields: number;
  hits: number;
}

/** Capture health in the period. */
export interface ReportCaptureHealth {
  runs: number;
  failedRuns: number;
  transactions: number;
  packets: number;
  bytes: number;
  parseErrors: number;
  tcpGaps: number;
  /** Anomalies by reason, most frequent first (at most 8). */
  weird: Array<{ reason: string; count: number }>;
  /** Finish time of the newest analysed capture (epoch ms), null when none. */
  lastCaptureAt: number | null;
}

/** Everything a report shows. */
export interface ReportData {
  period: ReportPeriod;
  scope: ReportScope;
  posture: {
    hosts: number;
    endpoints: number;
    sensitiveEndpoints: number;
    /** Findings not resolved and not marked false positive. */
    openFindings: number;
    openBySeverity: Record<Severity, number>;
    /** Open attack findings that look successful. */
    likelySuccess: number;
  };
  changes: {
    newEndpoints: ReportEndpointLine[];
    newEndpointCount: number;
    newSensitiveFields: ReportSensitiveField[];
    newSensitiveFieldCount: number;
    newFindings: ReportFindingLine[];
    newFindingCount: number;
    /** Lifecycle changes of the stored inventory in the period (revived, dormant, retired, merged). */
    lifecycle: ReportLifecycleLine[];
    lifecycleCount: number;
    /** Open shadow and zombie API findings (endpoints against the declared specs). */
    shadowApis: number;
    zombieApis: number;
    /** Endpoints whose risk score moved most in the period (see `RiskService.movers`). */
    riskMovers: ReportRiskMoverLine[];
    riskMoverCount: number;
  };
  topFindings: ReportFindingLine[];
  topAttackers: ReportAttackerLine[];
  sensitive: { byType: ReportSensitiveType[] };
  capture: ReportCaptureHealth;
}

/** One endpoint whose risk score moved in the period. */
export interface ReportRiskMoverLine {
  host: string;
  method: string;
  path: string;
  /** Score at the period's start (null: first scored in the period). */
  before: number | null;
  after: number;
}

/** One lifecycle change of an endpoint. */
export interface ReportLifecycleLine {
  kind: 'revived' | 'dormant' | 'retired' | 'merged';
  host: string;
  method: string;
  path: string;
  /** When the change was recorded (epoch ms). */
  at: number;
}

/** Where report content comes from. */
export interface ReportDataSource {
  /** The report content of `period` for `scope`. */
  collect(period: ReportPeriod, scope: ReportScope): ReportData;
}

/** Severities from worst to least. */
export const SEVERITY_ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
