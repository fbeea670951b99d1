/**
 * The risk analyzer: runs last. While calls flow it collects, per endpoint, the facts the risk model needs that
 * the report does not carry (anonymous share, auth schemes and carriers, sensitive types by direction); in
 * `contribute` it reads the endpoints and findings the other analyzers wrote, scores every endpoint, fills
 * `endpoints[].risk` and keeps the factor breakdown for the API.
 */
import type { AnalysisReport } from '../../analysis/analysis-report.types.ts';
import type { Analyzer } from '../analyzer.types.ts';
import type { CallContext, CallEndpoint } from '../call.context.ts';
import { DEFAULT_RISK_WEIGHTS, scoreEndpoint, type EndpointRisk, type RiskWeights } from './risk.model.ts';

/** Per-endpoint facts; the lists are allocated on their first value (most endpoints have one scheme and no data). */
interface EndpointFacts {
  calls: number;
  anonymous: number;
  schemes: string[] | null;
  carriers: string[] | null;
  responseSensitive: string[] | null;
  requestSensitive: string[] | null;
}

/** Most distinct values kept per endpoint for schemes, carriers and sensitive types. */
const MAX_VALUES = 32;

function addCapped(list: string[] | null, v: string): string[] {
  if (list === null) return [v];
  if (list.length < MAX_VALUES && !list.includes(v)) list.push(v);
  return list;
}

/** The key of an endpoint as the report names it. */
export function endpointKey(host: string, method: string, path: string): string {
  return `${host}\u0000${method}\u0000${path}`;
}

/** Scores endpoints after all other analyzers. */
export class RiskAnalyzer implements Analyzer {
  readonly id = 'risk';
  private readonly facts = new Map<string, EndpointFacts>();
  private readonly breakdowns = new Map<string, EndpointRisk>();
  /** The facts by shared CallEndpoint object (see the inventory), found per call without building the key. */
  private readonly byEndpoint = new WeakMap<CallEndpoint, EndpointFacts>();
  /** Endpoints not tracked because the map was full. */
  overflow = 0;

  /**
   * @param weights risk model weights
   * @param maxEndpoints endpoints tracked at once
   */
  constructor(
    private readonly weights: RiskWeights = DEFAULT_RISK_WEIGHTS,
    private readonly maxEndpoints = 100_000,
  ) {}

  onCall(call: CallContext): void {
    const tx = call.tx;
    const ep = call.endpoint;
    let f = ep !== null ? this.byEndpoint.get(ep) : undefined;
    if (f === undefined) {
      const key = endpointKey(call.host, ep?.method ?? tx.method, ep?.template ?? tx.path);
      f = this.facts.get(key);
      if (f === undefined) {
        if (this.facts.size >= this.maxEndpoints) {
          this.overflow++;
          return;
        }
        f = { calls: 0, anonymous: 0, schemes: null, carriers: null, responseSensitive: null, requestSensitive: null };
        this.facts.set(key, f);
      }
      if (ep !== null && ep.host === call.host) this.byEndpoint.set(ep, f);
    }
    f.calls++;
    const auth = call.auth;
    if (auth === null || auth.scheme === 'none') f.anonymous++;
    else {
      if (f.schemes === null || f.schemes[0] !== auth.scheme) f.schemes = addCapped(f.schemes, auth.scheme);
      if (f.carriers === null || f.carriers[0] !== auth.carrier) f.carriers = addCapped(f.carriers, auth.carrier);
    }
    const hits = call.sensitive;
    for (let i = 0; i < hits.length; i++) {
      const h = hits[i];
      if (h.credential) continue;
      if (h.direction === 'response') f.responseSensitive = addCapped(f.responseSensitive, h.type);
      else f.requestSensitive = addCapped(f.requestSensitive, h.type);
    }
  }

  contribute(report: AnalysisReport): void {
    const byEndpoint = new Map<string, typeof report.findings>();
    for (const fd of report.findings) {
      const k = endpointKey(fd.host, fd.method, fd.path);
      let list = byEndpoint.get(k);
      if (list === undefined) byEndpoint.set(k, (list = []));
      list.push(fd);
    }
    for (const ep of report.endpoints) {
      const k = endpointKey(ep.host, ep.method, ep.path);
      const f = this.facts.get(k);
      const risk = scoreEndpoint(
        {
          calls: f?.calls ?? ep.calls,
          anonymousCalls: f?.anonymous ?? 0,
          schemes: f ? (f.schemes ?? []) : ep.auth,
          carriers: f?.carriers ?? [],
          responseSensitive: f ? (f.responseSensitive ?? []) : ep.sensitive,
          requestSensitive: f?.requestSensitive ?? [],
          findings: byEndpoint.get(k) ?? [],
        },
        this.weights,
      );
      ep.risk = risk.score;
      this.breakdowns.set(k, risk);
      (report.endpointRisk ??= []).push({ host: ep.host, method: ep.method, path: ep.path, score: risk.score, factors: risk.factors });
    }
  }

  /** The factor breakdown of an endpoint's score (after `contribute`), or null when it was not scored. */
  breakdown(host: string, method: string, path: string): EndpointRisk | null {
    return this.breakdowns.get(endpointKey(host, method, path)) ?? null;
  }

  /** Every scored endpoint's breakdown, keyed by `host method path`. */
  allBreakdowns(): Array<{ host: string; method: string; path: string; risk: EndpointRisk }> {
    return [...this.breakdowns].map(([k, risk]) => {
      const [host, method, path] = k.split('\u0000');
      return { host, method, path, risk };
    });
  }
}
