/**
 * The endpoint risk model: a score from 0 to 100 as the sum of five capped factors — sensitivity of the data the
 * endpoint handles, weakness of its authentication, exposure findings, attacks seen (and whether they looked
 * successful) and abuse — each with its points and the reasons behind them, so users see why an endpoint scores
 * what it does. Weights are one documented settings object (docs/behaviour.md).
 */
import type { ReportFinding } from '../../analysis/analysis-report.types.ts';

/** Facts about one endpoint that the risk model scores. */
export interface EndpointRiskInput {
  calls: number;
  /** Calls with no authentication at all. */
  anonymousCalls: number;
  /** Auth schemes seen (call.auth.scheme), e.g. `jwt`, `basic`. */
  schemes: string[];
  /** Carriers seen, e.g. `authorization`, `query:api_key`. */
  carriers: string[];
  /** Sensitive data types seen in responses. */
  responseSensitive: string[];
  /** Sensitive data types seen in requests. */
  requestSensitive: string[];
  /** Findings on this endpoint (every category). */
  findings: ReportFinding[];
}

/** Codes of risk reasons; the UI renders each with its parameters in the user's language. */
export type RiskReasonCode =
  | 'sensitive_type'
  | 'anonymous_sensitive'
  | 'anonymous'
  | 'weak_scheme'
  | 'query_credential'
  | 'finding'
  | 'attack_attempts'
  | 'attack_success';

/**
 * A reason as a code with parameters: `sensitive_type` {type, high 0|1, where responses|requests}; `anonymous` and
 * `anonymous_sensitive` {share (percent)}; `weak_scheme` {schemes}; `query_credential` {carriers}; `finding` {type,
 * severity, client ('' when none), count}; `attack_attempts` {total, types ("sqli 3, xss 1")}; `attack_success` {types}.
 */
export interface RiskReason {
  code: RiskReasonCode;
  params: Record<string, string | number>;
}

/** One factor's share of the score. */
export interface RiskFactor {
  factor: 'sensitivity' | 'auth' | 'exposure' | 'attacks' | 'abuse';
  points: number;
  max: number;
  /** The reasons in English, for API users. */
  reasons: string[];
  /** The same reasons as codes, one per entry of `reasons` (absent on factors stored before session 6). */
  details?: RiskReason[];
}

/** An endpoint's score with its factor breakdown. */
export interface EndpointRisk {
  score: number;
  factors: RiskFactor[];
}

/** Weights of the risk model. */
export interface RiskWeights {
  /** Caps per factor (they add up to 100). */
  max: { sensitivity: number; auth: number; exposure: number; attacks: number; abuse: number };
  /** Points per high-value sensitive type and per other sensitive type. */
  highValueType: number;
  otherType: number;
  /** Types counted as high value. */
  highValueTypes: string[];
  /** Share of anonymous calls from which an endpoint counts as unauthenticated. */
  anonymousShare: number;
  /** Auth points: unauthenticated with sensitive data, unauthenticated without, Basic/Digest, credentials in the query. */
  anonymousSensitive: number;
  anonymousPlain: number;
  weakScheme: number;
  queryCredential: number;
  /** Points per finding severity for exposure and abuse findings. */
  severityPoints: { info: number; low: number; medium: number; high: number; critical: number };
  /** Attack points: any attempt, extra per tenfold more attempts, any likely success (the whole cap). */
  attackAttempt: number;
  attackPerDecade: number;
}

/** Default weights. */
export const DEFAULT_RISK_WEIGHTS: RiskWeights = {
  max: { sensitivity: 25, auth: 20, exposure: 15, attacks: 25, abuse: 15 },
  highValueType: 10,
  otherType: 4,
  highValueTypes: ['cn_id_card', 'bank_card', 'credit_card', 'passport', 'cn_hk_macau_permit', 'us_ssn', 'iban', 'private_key', 'password', 'secret', 'aws_access_key', 'github_token', 'slack_token', 'stripe_key', 'google_api_key'],
  anonymousShare: 0.5,
  anonymousSensitive: 20,
  anonymousPlain: 8,
  weakScheme: 10,
  queryCredential: 8,
  severityPoints: { info: 0, low: 2, medium: 5, high: 8, critical: 12 },
  attackAttempt: 8,
  attackPerDecade: 3,
};

/** A reason in English (the `reasons` text of the API). */
export function riskReasonText(r: RiskReason): string {
  const p = r.params;
  switch (r.code) {
    case 'sensitive_type':
      return `${p.type}${p.high === 1 ? ' (high value)' : ''} in ${p.where}`;
    case 'anonymous_sensitive':
      return `${p.share}% of calls unauthenticated on an endpoint with sensitive data`;
    case 'anonymous':
      return `${p.share}% of calls unauthenticated`;
    case 'weak_scheme':
      return `weak scheme: ${p.schemes}`;
    case 'query_credential':
      return `credentials in the URL (${p.carriers})`;
    case 'finding':
      return `${p.type} (${p.severity}${p.client !== '' ? `, client ${p.client}` : ''}, ${p.count}×)`;
    case 'attack_attempts':
      return `${p.total} attack attempts (${p.types})`;
    case 'attack_success':
      return `likely successful: ${p.types}`;
  }
}

function capped(factor: RiskFactor['factor'], max: number, points: number, details: RiskReason[]): RiskFactor {
  return { factor, points: Math.min(max, Math.round(points)), max, reasons: details.map(riskReasonText), details };
}

function findingPoints(fs: ReportFinding[], w: RiskWeights): { points: number; reasons: RiskReason[] } {
  let points = 0;
  const reasons: RiskReason[] = [];
  for (const f of fs) {
    points += w.severityPoints[f.severity] ?? 0;
    reasons.push({ code: 'finding', params: { type: f.type, severity: f.severity, client: f.client, count: f.count } });
  }
  return { points, reasons };
}

/** Scores one endpoint. */
export function scoreEndpoint(input: EndpointRiskInput, w: RiskWeights = DEFAULT_RISK_WEIGHTS): EndpointRisk {
  const factors: RiskFactor[] = [];

  const sensitive = [...new Set([...input.responseSensitive, ...input.requestSensitive])].sort();
  let sp = 0;
  const sr: RiskReason[] = [];
  for (const t of sensitive) {
    const high = w.highValueTypes.includes(t);
    sp += high ? w.highValueType : w.otherType;
    sr.push({ code: 'sensitive_type', params: { type: t, high: high ? 1 : 0, where: input.responseSensitive.includes(t) ? 'responses' : 'requests' } });
  }
  factors.push(capped('sensitivity', w.max.sensitivity, sp, sr));

  let ap = 0;
  const ar: RiskReason[] = [];
  const anonShare = input.calls > 0 ? input.anonymousCalls / input.calls : 0;
  if (anonShare >= w.anonymousShare) {
    if (sensitive.length > 0) {
      ap = Math.max(ap, w.anonymousSensitive);
      ar.push({ code: 'anonymous_sensitive', params: { share: Math.round(anonShare * 100) } });
    } else {
      ap = Math.max(ap, w.anonymousPlain);
      ar.push({ code: 'anonymous', params: { share: Math.round(anonShare * 100) } });
    }
  }
  const weak = input.schemes.filter((s) => s === 'basic' || s === 'digest');
  if (weak.length > 0) {
    ap = Math.max(ap, w.weakScheme);
    ar.push({ code: 'weak_scheme', params: { schemes: weak.join(', ') } });
  }
  const inQuery = input.carriers.filter((c) => c.startsWith('query:'));
  if (inQuery.length > 0) {
    ap = Math.max(ap, w.queryCredential);
    ar.push({ code: 'query_credential', params: { carriers: inQuery.join(', ') } });
  }
  factors.push(capped('auth', w.max.auth, ap, ar));

  const ex = findingPoints(input.findings.filter((f) => f.category === 'exposure'), w);
  factors.push(capped('exposure', w.max.exposure, ex.points, ex.reasons));

  const attacks = input.findings.filter((f) => f.category === 'attack');
  let tp = 0;
  const tr: RiskReason[] = [];
  if (attacks.length > 0) {
    const total = attacks.reduce((n, f) => n + f.count, 0);
    const success = attacks.filter((f) => f.outcome === 'likely_success');
    tp = success.length > 0 ? w.max.attacks : w.attackAttempt + w.attackPerDecade * Math.log10(total);
    const byType = new Map<string, number>();
    for (const f of attacks) byType.set(f.type, (byType.get(f.type) ?? 0) + f.count);
    tr.push({ code: 'attack_attempts', params: { total, types: [...byType].map(([t, n]) => `${t} ${n}`).join(', ') } });
    if (success.length > 0) tr.push({ code: 'attack_success', params: { types: [...new Set(success.map((f) => f.type))].join(', ') } });
  }
  factors.push(capped('attacks', w.max.attacks, tp, tr));

  const ab = findingPoints(input.findings.filter((f) => f.category === 'abuse'), w);
  factors.push(capped('abuse', w.max.abuse, ab.points, ab.reasons));

  const score = Math.max(0, Math.min(100, factors.reduce((n, f) => n + f.points, 0)));
  return { score, factors };
}
