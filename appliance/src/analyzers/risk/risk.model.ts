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

/** One factor's share of the score. */
export interface RiskFactor {
  factor: 'sensitivity' | 'auth' | 'exposure' | 'attacks' | 'abuse';
  points: number;
  max: number;
  reasons: string[];
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

function capped(factor: RiskFactor['factor'], max: number, points: number, reasons: string[]): RiskFactor {
  return { factor, points: Math.min(max, Math.round(points)), max, reasons };
}

function findingPoints(fs: ReportFinding[], w: RiskWeights): { points: number; reasons: string[] } {
  let points = 0;
  const reasons: string[] = [];
  for (const f of fs) {
    points += w.severityPoints[f.severity] ?? 0;
    reasons.push(`${f.type} (${f.severity}${f.client !== '' ? `, client ${f.client}` : ''}, ${f.count}×)`);
  }
  return { points, reasons };
}

/** Scores one endpoint. */
export function scoreEndpoint(input: EndpointRiskInput, w: RiskWeights = DEFAULT_RISK_WEIGHTS): EndpointRisk {
  const factors: RiskFactor[] = [];

  const sensitive = [...new Set([...input.responseSensitive, ...input.requestSensitive])].sort();
  let sp = 0;
  const sr: string[] = [];
  for (const t of sensitive) {
    const high = w.highValueTypes.includes(t);
    sp += high ? w.highValueType : w.otherType;
    sr.push(`${t}${high ? ' (high value)' : ''}${input.responseSensitive.includes(t) ? ' in responses' : ' in requests'}`);
  }
  factors.push(capped('sensitivity', w.max.sensitivity, sp, sr));

  let ap = 0;
  const ar: string[] = [];
  const anonShare = input.calls > 0 ? input.anonymousCalls / input.calls : 0;
  if (anonShare >= w.anonymousShare) {
    if (sensitive.length > 0) {
      ap = Math.max(ap, w.anonymousSensitive);
      ar.push(`${Math.round(anonShare * 100)}% of calls unauthenticated on an endpoint with sensitive data`);
    } else {
      ap = Math.max(ap, w.anonymousPlain);
      ar.push(`${Math.round(anonShare * 100)}% of calls unauthenticated`);
    }
  }
  const weak = input.schemes.filter((s) => s === 'basic' || s === 'digest');
  if (weak.length > 0) {
    ap = Math.max(ap, w.weakScheme);
    ar.push(`weak scheme: ${weak.join(', ')}`);
  }
  const inQuery = input.carriers.filter((c) => c.startsWith('query:'));
  if (inQuery.length > 0) {
    ap = Math.max(ap, w.queryCredential);
    ar.push(`credentials in the URL (${inQuery.join(', ')})`);
  }
  factors.push(capped('auth', w.max.auth, ap, ar));

  const ex = findingPoints(input.findings.filter((f) => f.category === 'exposure'), w);
  factors.push(capped('exposure', w.max.exposure, ex.points, ex.reasons));

  const attacks = input.findings.filter((f) => f.category === 'attack');
  let tp = 0;
  const tr: string[] = [];
  if (attacks.length > 0) {
    const total = attacks.reduce((n, f) => n + f.count, 0);
    const success = attacks.filter((f) => f.outcome === 'likely_success');
    tp = success.length > 0 ? w.max.attacks : w.attackAttempt + w.attackPerDecade * Math.log10(total);
    const byType = new Map<string, number>();
    for (const f of attacks) byType.set(f.type, (byType.get(f.type) ?? 0) + f.count);
    tr.push(`${total} attack attempts (${[...byType].map(([t, n]) => `${t} ${n}`).join(', ')})`);
    if (success.length > 0) tr.push(`likely successful: ${[...new Set(success.map((f) => f.type))].join(', ')}`);
  }
  factors.push(capped('attacks', w.max.attacks, tp, tr));

  const ab = findingPoints(input.findings.filter((f) => f.category === 'abuse'), w);
  factors.push(capped('abuse', w.max.abuse, ab.points, ab.reasons));

  const score = Math.max(0, Math.min(100, factors.reduce((n, f) => n + f.points, 0)));
  return { score, factors };
}
