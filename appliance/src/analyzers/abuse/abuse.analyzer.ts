/**
 * The abuse analyzer: behaviour detectors per client (IP) and per identity — credential stuffing, brute force,
 * enumeration (including passive BOLA), scraping, rate anomalies against learned baselines, and automation
 * fingerprints. Runs after identity, inventory and sensitive (it reads `call.auth`, `call.endpoint` and
 * `call.sensitive`) and attaches detections that the findings aggregator counts. All state is bounded.
 */
import type { AnalysisReport } from '../../analysis/analysis-report.types.ts';
import type { Analyzer } from '../analyzer.types.ts';
import type { CallContext, Detection } from '../call.context.ts';
import { detectLogin } from '../identity/login.detector.ts';
import { LruCache } from '../identity/lru.cache.ts';
import { resolveAbuseSettings, type AbuseSettings, type AbuseSettingsInput } from './abuse.settings.ts';
import { newActor, type ActorState } from './actor.state.ts';
import { observeAutomation } from './automation.detector.ts';
import { observeLogin } from './login-abuse.detector.ts';
import { TemplateIdSpace, observeObjectAccess, observeSensitiveVolume, templateWindow } from './object-access.detector.ts';
import { forEachJsonId, objectRef } from './path.ids.ts';
import { RateBaseline } from './rate.baseline.ts';

/** Counters of the analyzer's own bounds, for health pages. */
export interface AbuseStats {
  actors: number;
  actorsEvicted: number;
  templatesOverflow: number;
  idSpaceOverflow: number;
  baselinesOverflow: number;
}

/** Runs the abuse detectors on every call. */
export class AbuseAnalyzer implements Analyzer {
  readonly id = 'abuse';
  readonly settings: AbuseSettings;
  private readonly actors: LruCache<string, ActorState>;
  private readonly idSpace: TemplateIdSpace;
  private readonly actorBaseline = new RateBaseline();
  private readonly templateBaselines = new Map<string, RateBaseline>();
  private baselinesOverflow = 0;
  private templatesOverflow = 0;
  private readonly found: Detection[] = [];

  constructor(settings: AbuseSettingsInput = {}) {
    this.settings = resolveAbuseSettings(settings);
    this.actors = new LruCache(this.settings.caps.actors);
    this.idSpace = new TemplateIdSpace(this.settings.caps.baselines, this.settings.caps.idsPerTemplate);
  }

  private actor(key: string): ActorState {
    let a = this.actors.get(key);
    if (a === undefined) {
      a = newActor(key, this.settings.caps.learnedIdsPerIdentity);
      this.actors.set(key, a);
    }
    return a;
  }

  private templateBaseline(template: string): RateBaseline | null {
    let b = this.templateBaselines.get(template);
    if (b === undefined) {
      if (this.templateBaselines.size >= this.settings.caps.baselines) {
        this.baselinesOverflow++;
        return null;
      }
      b = new RateBaseline();
      this.templateBaselines.set(template, b);
    }
    return b;
  }

  onCall(call: CallContext): void {
    const out = this.found;
    out.length = 0;
    try {
      this.observe(call, out);
    } catch {
      // Hostile content must never stop the pipeline; a failed observation only loses this call's detections.
    }
    if (out.length === 0) return;
    const seen = new Set<string>();
    for (const d of out) {
      if (seen.has(d.type)) continue;
      seen.add(d.type);
      call.detections.push(d);
    }
  }

  private observe(call: CallContext, out: Detection[]): void {
    const s = this.settings;
    const tx = call.tx;
    const ts = tx.startTs;
    const ipActor = this.actor(`ip:${tx.clientIp}`);
    const identity = call.auth?.identity ?? '';
    const idActor = identity !== '' ? this.actor(`id:${identity}`) : null;

    const login = detectLogin(tx);
    if (login !== null) observeLogin(ipActor, login, ts, s, out);

    const ref = objectRef(tx.path, call.endpoint?.template);
    const bucketUs = s.rate.bucketSec * 1e6;
    const alpha = s.rate.baselineAlpha;
    const tplBaseline = this.templateBaseline(ref.template);
    let responseRecords = 0;
    const hits = call.sensitive;
    for (let i = 0; i < hits.length; i++) if (hits[i].direction === 'response') responseRecords++;

    for (let k = 0; k < 2; k++) {
      const actor = k === 0 ? ipActor : idActor;
      if (actor === null) continue;
      actor.rate.count1(ts, bucketUs, this.actorBaseline, alpha);
      this.checkRate(actor, actor.rate.sliding(ts, bucketUs), this.actorBaseline, 'all endpoints', out, actor.rate);
      const w = templateWindow(actor, ref.template, ts, s);
      if (w === null) {
        this.templatesOverflow++;
      } else {
        if (tplBaseline !== null) {
          w.rate.count1(ts, bucketUs, tplBaseline, alpha);
          this.checkRate(actor, w.rate.sliding(ts, bucketUs), tplBaseline, ref.template, out, w.rate);
        }
        observeObjectAccess(actor, w, ref, tx.status, tx.query, this.idSpace, s, out);
      }
      if (responseRecords > 0 || actor.sensitiveRecords > 0) observeSensitiveVolume(actor, responseRecords, ts, s, out);
    }

    if (idActor !== null && idActor.learnedIds !== null) this.learnGivenIds(call, idActor.learnedIds, ref.id === '');

    let ua = '';
    const hs = tx.requestHeaders;
    for (let i = 0; i < hs.length; i++) {
      if (hs[i][0].length === 10 && hs[i][0].toLowerCase() === 'user-agent') {
        ua = hs[i][1];
        break;
      }
    }
    observeAutomation(ipActor, ua, hs, ts, s, out);
  }

  private checkRate(actor: ActorState, count: number, baseline: RateBaseline, scope: string, out: Detection[], bucket: { anomalous: boolean }): void {
    const r = this.settings.rate;
    if (count < r.minCallsPerBucket) return;
    const t = baseline.threshold(r);
    if (count <= t.limit) return;
    bucket.anomalous = true;
    out.push({
      type: 'rate_anomaly',
      category: 'abuse',
      severity: 'medium',
      rule: 'abuse.rate',
      evidence: `${actor.key}: ${count} calls to ${scope} in the last ${r.bucketSec}s; ${t.basis}`,
    });
  }

  /** Learns the object ids a response gave an identity (collection reads and creations), for passive BOLA. */
  private learnGivenIds(call: CallContext, learned: { add(v: string): boolean }, collection: boolean): void {
    const tx = call.tx;
    const status = tx.status;
    if (status === null || status < 200 || status >= 300) return;
    if (!collection && tx.method !== 'POST') return;
    const body = tx.responseBody;
    if (body === null || body.data.length < 8) return;
    const first = body.data[0];
    if (first !== 123 && first !== 91) return;
    const cap = this.settings.caps.learnBodyBytes;
    const text = (body.data.length > cap ? body.data.subarray(0, cap) : body.data).toString('latin1');
    forEachJsonId(text, 4096, (id) => learned.add(id));
  }

  /** Bounds of the analyzer's state. */
  stats(): AbuseStats {
    return {
      actors: this.actors.size,
      actorsEvicted: this.actors.evicted,
      templatesOverflow: this.templatesOverflow,
      idSpaceOverflow: this.idSpace.overflow,
      baselinesOverflow: this.baselinesOverflow,
    };
  }

  contribute(_report: AnalysisReport): void {
    // Abuse detections reach the report through the findings aggregator.
  }
}
