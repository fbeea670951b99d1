/**
 * The abuse analyzer: behaviour detectors per client (IP) and per identity — credential stuffing, brute force,
 * enumeration (including passive BOLA), scraping, rate anomalies against learned baselines, and automation
 * fingerprints. Runs after identity, inventory and sensitive (it reads `call.auth`, `call.endpoint` and
 * `call.sensitive`) and attaches detections that the findings aggregator counts. All state is bounded.
 */
import type { AnalysisReport } from '../../analysis/analysis-report.types.ts';
import type { Analyzer } from '../analyzer.types.ts';
import type { CallContext, Detection } from '../call.context.ts';
import { detectLoginOnce } from '../identity/login.detector.ts';
import { ActorRegistry } from '../identity/actor.registry.ts';
import { PairTable } from '../identity/pair.table.ts';
import { headerIs } from '../identity/header.names.ts';
import { resolveAbuseSettings, type AbuseSettings, type AbuseSettingsInput } from './abuse.settings.ts';
import { AUTO_ROW, newActor, type ActorState, type TemplateWindow } from './actor.state.ts';
import { observeAutomation } from './automation.detector.ts';
import { AccountLoginTracker, observeLogin } from './login-abuse.detector.ts';
import { TemplateIdSpace, currentWindow, observeObjectAccess, observeSensitiveVolume, secondCallWindow, templateWindow } from './object-access.detector.ts';
import { lastParamSegment, objectRef, objectRefAt, type ObjectRef } from './path.ids.ts';
import { learnJsonIds, type IdFilter } from './id.filter.ts';
import { RateBaseline } from './rate.baseline.ts';

/** Counters of the analyzer's own bounds, for health pages. */
export interface AbuseStats {
  actors: number;
  actorsEvicted: number;
  templatesOverflow: number;
  idSpaceOverflow: number;
  baselinesOverflow: number;
}

/**
 * One endpoint template as the analyzer keeps it: its canonical name (shared by every actor's map, so each template's
 * text is stored once and map look-ups compare by reference), rate baseline, and where its object id sits.
 */
interface TemplateEntry {
  /** Interned number (the pair table's second key). */
  id: number;
  name: string;
  baseline: RateBaseline;
  /** Path segment of the last `{param}`, -1 when none. */
  segIndex: number;
  /** The reference of a call on this template that addresses no object. */
  noId: ObjectRef;
}

/** Distinct user agents kept for reference compares (others are compared by value). */
const AGENT_NAMES_CAP = 4096;

/** Runs the abuse detectors on every call. */
export class AbuseAnalyzer implements Analyzer {
  readonly id = 'abuse';
  readonly settings: AbuseSettings;
  /** Client IPs and identities as slots (shared with the actor-link collector when it runs in the same pipeline). */
  readonly actors: ActorRegistry;
  /** Per registry slot: the actor's state (checked against the registry's serial). */
  private readonly states: Array<ActorState | undefined> = [];
  /** Per client slot: its automation window's numbers ({@link AUTO_ROW} doubles, unboxed). */
  private autoRows = new Float64Array(AUTO_ROW * 1024);
  /**
   * Per (actor slot, template id): the time of the pair's first call (`num`) and, from its second call, its window
   * (`obj`); `tag` is the serial of the actor that made the entry, so entries of evicted actors are recognised.
   */
  private readonly pairs: PairTable<TemplateWindow>;
  private readonly idSpace: TemplateIdSpace;
  private readonly actorBaseline = new RateBaseline();
  private readonly templateEntries = new Map<string, TemplateEntry>();
  private baselinesOverflow = 0;
  private readonly found: Detection[] = [];
  /** The current call's object reference when it names an object (read only during that call). */
  private readonly callRef: ObjectRef = { template: '', id: '', numeric: false };
  private readonly accounts: AccountLoginTracker;
  /** User agents by value (bounded), so the per-client "same agent as the last call" check compares references. */
  private readonly agentNames = new Map<string, string>();

  /**
   * @param actors the actor registry to use (e.g. one shared with the actor-link collector; its capacity should be
   *   `caps.actors`); by default one of its own
   */
  constructor(settings: AbuseSettingsInput = {}, actors?: ActorRegistry) {
    this.settings = resolveAbuseSettings(settings);
    this.actors = actors ?? new ActorRegistry(this.settings.caps.actors);
    this.actors.onFree((slot) => {
      this.states[slot] = undefined;
    });
    const registry = this.actors;
    this.pairs = new PairTable<TemplateWindow>((t, at) => t.tag[at] === registry.serial[t.a(at)]);
    this.accounts = new AccountLoginTracker(this.settings);
    this.idSpace = new TemplateIdSpace(this.settings.caps.baselines, this.settings.caps.idsPerTemplate);
  }

  private actor(slot: number): ActorState {
    const serial = this.actors.serial[slot];
    let a = this.states[slot];
    if (a === undefined || a.serial !== serial) {
      a = newActor(this.actors.keys[slot], serial);
      this.states[slot] = a;
    }
    return a;
  }

  /**
   * The window of `actor` (in `slot`) on template `tpl`, created or reset as the window requires; null on the pair's
   * first call (only its time is noted) and when the actor is over its template cap — the rules of
   * {@link templateWindow}, kept in the pair table.
   */
  private pairWindow(actor: ActorState, slot: number, tpl: number, ts: number): TemplateWindow | null {
    const pairs = this.pairs;
    let at = pairs.find(slot, tpl);
    if (at >= 0 && pairs.tag[at] === actor.serial) {
      const w = pairs.obj[at];
      if (w !== undefined) return currentWindow(w, ts, this.settings);
      const opened = secondCallWindow(pairs.num[at], ts, this.settings);
      pairs.obj[at] = opened;
      return opened;
    }
    if (actor.templateCount >= this.settings.caps.templatesPerActor) {
      actor.templatesOverflow++;
      return null;
    }
    if (at < 0) at = pairs.insert(slot, tpl);
    pairs.tag[at] = actor.serial;
    pairs.num[at] = ts;
    pairs.obj[at] = undefined;
    actor.templateCount++;
    return null;
  }

  private templateEntry(template: string): TemplateEntry | null {
    let b = this.templateEntries.get(template);
    if (b === undefined) {
      if (this.templateEntries.size >= this.settings.caps.baselines) {
        this.baselinesOverflow++;
        return null;
      }
      b = { id: this.templateEntries.size, name: template, baseline: new RateBaseline(), segIndex: lastParamSegment(template), noId: { template, id: '', numeric: false } };
      this.templateEntries.set(template, b);
    }
    return b;
  }

  onCall(call: CallContext): void {
    const out = this.found;
    if (out.length !== 0) out.length = 0;
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
    const identity = call.auth?.identity ?? '';
    const slots = this.actors.resolve(tx, tx.clientIp, identity);
    call.actors = slots;
    const ipSlot = slots.ip;
    const idSlot = slots.identity;
    const ipActor = this.actor(ipSlot);
    const idActor = idSlot >= 0 ? this.actor(idSlot) : null;

    const login = detectLoginOnce(tx, call.auth?.scheme);
    if (login !== null) {
      observeLogin(ipActor, login, ts, s, out);
      this.accounts.observe(tx.clientIp, login, ts, out);
    }

    const endpointTemplate = call.endpoint?.template ?? '';
    let ref: ObjectRef;
    let tpl: TemplateEntry | null;
    if (endpointTemplate !== '') {
      tpl = this.templateEntry(endpointTemplate);
      ref = tpl !== null ? objectRefAt(tx.path, tpl.name, tpl.segIndex, tpl.noId, this.callRef) : objectRef(tx.path, endpointTemplate);
    } else {
      ref = objectRef(tx.path, undefined);
      tpl = this.templateEntry(ref.template);
    }
    const bucketUs = s.rate.bucketSec * 1e6;
    const alpha = s.rate.baselineAlpha;
    const tplBaseline = tpl?.baseline ?? null;
    const template = tpl?.name ?? ref.template;
    let responseRecords = 0;
    const hits = call.sensitive;
    for (let i = 0; i < hits.length; i++) if (hits[i].direction === 'response') responseRecords++;

    // An identity used from a single client is covered by that client's state (passive BOLA reads the identity's
    // given ids there); it gets state of its own once it is used from a second client (distributed abuse).
    let trackIdentity = false;
    if (idActor !== null) {
      if (idActor.homeIp === '') {
        idActor.homeIp = tx.clientIp;
        idActor.homeSerial = ipActor.serial;
      } else if (!idActor.multiIp && idActor.homeSerial !== ipActor.serial && idActor.homeIp !== tx.clientIp) idActor.multiIp = true;
      trackIdentity = idActor.multiIp;
    }
    const given = idActor?.learnedIds ?? null;

    for (let k = 0; k < 2; k++) {
      const actor = k === 0 ? ipActor : trackIdentity ? idActor : null;
      if (actor === null) continue;
      actor.count1(ts, bucketUs, this.actorBaseline, alpha);
      this.checkRate(actor, actor.sliding(ts, bucketUs), this.actorBaseline, 'all endpoints', out, actor);
      // Identities are tracked per template only for object access (ids, pages); per-endpoint rates and error
      // ratios are the client's.
      if (k === 1 && ref.id === '' && tx.query.length === 0) {
        if (responseRecords > 0 || actor.sensitiveRecords > 0) observeSensitiveVolume(actor, responseRecords, ts, s, out);
        continue;
      }
      const w = tpl !== null ? this.pairWindow(actor, k === 0 ? ipSlot : idSlot, tpl.id, ts) : templateWindow(actor, template, ts, s);
      if (w !== null) {
        if (tplBaseline !== null && k === 0) {
          w.count1(ts, bucketUs, tplBaseline, alpha);
          this.checkRate(actor, w.sliding(ts, bucketUs), tplBaseline, template, out, w);
        }
        observeObjectAccess(actor, w, ref, tx.status, tx.query, this.idSpace, s, out, given, identity);
      }
      if (responseRecords > 0 || actor.sensitiveRecords > 0) observeSensitiveVolume(actor, responseRecords, ts, s, out);
    }

    if (idActor !== null && idActor.learnedIds !== null) this.learnGivenIds(call, idActor.learnedIds, ref.id === '');

    let ua = '';
    const hs = tx.requestHeaders;
    for (let i = 0; i < hs.length; i++) {
      if (headerIs(hs[i][0], 'user-agent')) {
        const raw = hs[i][1];
        // Most calls repeat their client's last agent: a compare of the text spares hashing it for the interning map.
        ua = raw === ipActor.lastAgent ? ipActor.lastAgent : this.agentName(raw);
        break;
      }
    }
    const o = ipSlot * AUTO_ROW;
    if (o + AUTO_ROW > this.autoRows.length) {
      const grown = new Float64Array(Math.max(this.autoRows.length * 2, o + AUTO_ROW));
      grown.set(this.autoRows);
      this.autoRows = grown;
    }
    observeAutomation(ipActor, this.autoRows, o, ua, hs, ts, s, out);
  }

  private agentName(ua: string): string {
    const known = this.agentNames.get(ua);
    if (known !== undefined) return known;
    if (this.agentNames.size < AGENT_NAMES_CAP) this.agentNames.set(ua, ua);
    return ua;
  }

  private checkRate(actor: ActorState, count: number, baseline: RateBaseline, scope: string, out: Detection[], bucket: { anomalous: boolean }): void {
    const r = this.settings.rate;
    if (count < r.minCallsPerBucket || count <= baseline.limit(r)) return;
    const t = baseline.threshold(r);
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
  private learnGivenIds(call: CallContext, learned: IdFilter, collection: boolean): void {
    const tx = call.tx;
    const status = tx.status;
    if (status === null || status < 200 || status >= 300) return;
    if (!collection && tx.method !== 'POST') return;
    const body = tx.responseBody;
    if (body === null || body.data.length < 8) return;
    const first = body.data[0];
    if (first !== 123 && first !== 91) return;
    learnJsonIds(body.data, this.settings.caps.learnBodyBytes, learned);
  }

  /** Bounds of the analyzer's state. */
  stats(): AbuseStats {
    let templatesOverflow = 0;
    for (let slot = 0; slot < this.actors.slotBound; slot++) {
      const a = this.states[slot];
      if (a !== undefined && a.serial === this.actors.serial[slot]) templatesOverflow += a.templatesOverflow;
    }
    return {
      actors: this.actors.size,
      actorsEvicted: this.actors.evicted,
      templatesOverflow,
      idSpaceOverflow: this.idSpace.overflow,
      baselinesOverflow: this.baselinesOverflow,
    };
  }

  contribute(_report: AnalysisReport): void {
    // Abuse detections reach the report through the findings aggregator.
  }
}
