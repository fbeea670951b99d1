/**
 * Object-access abuse per client and per identity on one endpoint template: `enumeration` (many 403/404, walking
 * sequential ids, passive BOLA: an identity fetching ids no earlier response gave it) and `scraping` (high coverage
 * of an id space, walking many pages, bulk sensitive records).
 */
import type { Detection } from '../call.context.ts';
import type { AbuseSettings } from './abuse.settings.ts';
import { TemplateWindow, type ActorState } from './actor.state.ts';
import { IdCounter, idKey, longestRun } from './id.counter.ts';
import { hashString, type IdFilter } from './id.filter.ts';
import type { ObjectRef } from './path.ids.ts';

/** Ids seen on each template by every client (for coverage), bounded. */
export class TemplateIdSpace {
  private readonly spaces = new Map<string, IdCounter>();
  /** Templates not tracked because the map was full. */
  overflow = 0;

  constructor(
    private readonly maxTemplates: number,
    private readonly idsPerTemplate: number,
  ) {}

  /** Records that `id` exists on `template`; returns the ids known on it. */
  add(template: string, key: number): number {
    let s = this.spaces.get(template);
    if (s === undefined) {
      if (this.spaces.size >= this.maxTemplates) {
        this.overflow++;
        return 0;
      }
      s = new IdCounter(this.idsPerTemplate);
      this.spaces.set(template, s);
    }
    s.add(key);
    return s.distinct;
  }

  /** Ids known on `template`. */
  size(template: string): number {
    return this.spaces.get(template)?.distinct ?? 0;
  }
}

/** Query parameter names that carry a page or offset, by length (compared without regard to ASCII case). */
const PAGE_PARAMS_BY_LENGTH: readonly (readonly string[])[] = (() => {
  const names = ['page', 'pageno', 'page_no', 'pagenum', 'pagenumber', 'pageindex', 'offset', 'start', 'skip', 'from', 'cursor', 'p'];
  const out: string[][] = [];
  for (const n of names) (out[n.length] ??= []).push(n);
  return out;
})();

/** Longest page value kept (longer values are cut). */
const MAX_PAGE_VALUE = 64;

/** True when `s` holds `lower` (ASCII lower case) at `at`, ignoring ASCII case. */
function nameAt(s: string, at: number, lower: string): boolean {
  for (let j = 0; j < lower.length; j++) {
    let c = s.charCodeAt(at + j);
    if (c >= 65 && c <= 90) c |= 0x20;
    if (c !== lower.charCodeAt(j)) return false;
  }
  return true;
}

/**
 * The page/offset value of a query string, or '': the value (cut to 64 characters) of the first non-empty
 * `page`, `offset`, `cursor`, … parameter (name in any ASCII case).
 */
export function pageValue(query: string): string {
  const n = query.length;
  let i = 0;
  while (i < n) {
    let amp = query.indexOf('&', i);
    if (amp < 0) amp = n;
    const eq = query.indexOf('=', i);
    if (eq >= 0 && eq < amp && amp > eq + 1) {
      const names = PAGE_PARAMS_BY_LENGTH[eq - i];
      if (names !== undefined) {
        for (let k = 0; k < names.length; k++) {
          if (nameAt(query, i, names[k])) return query.slice(eq + 1, Math.min(amp, eq + 1 + MAX_PAGE_VALUE));
        }
      }
    }
    i = amp + 1;
  }
  return '';
}

/**
 * The window opened by a template's second call, `first` being the time of its first call (counted in the window
 * when within it; its status and id are not kept).
 */
export function secondCallWindow(first: number, ts: number, s: AbuseSettings): TemplateWindow {
  const w = new TemplateWindow(first);
  if (ts - first < s.windowSec * 1e6 && ts >= first) w.calls = 1;
  else w.winStart = ts;
  return w;
}

/** `w`, reset when `ts` falls outside its window. */
export function currentWindow(w: TemplateWindow, ts: number, s: AbuseSettings): TemplateWindow {
  if (ts - w.winStart >= s.windowSec * 1e6 || ts < w.winStart) w.resetWindow(ts);
  return w;
}

/**
 * The template window of `actor` for `template`, created or reset as the window requires, for templates the
 * analyzer keeps by name (those without an interned id; the others are in its pair table, same rules). A template's
 * first call is only noted (most clients touch most templates once or twice), so this returns null for it — and
 * when the actor is over its template cap (counted in `templatesOverflow`).
 */
export function templateWindow(actor: ActorState, template: string, ts: number, s: AbuseSettings): TemplateWindow | null {
  const templates = (actor.templates ??= new Map());
  const v = templates.get(template);
  if (v === undefined) {
    if (actor.templateCount >= s.caps.templatesPerActor) actor.templatesOverflow++;
    else {
      templates.set(template, ts);
      actor.templateCount++;
    }
    return null;
  }
  if (typeof v === 'number') {
    const w = secondCallWindow(v, ts, s);
    templates.set(template, w);
    return w;
  }
  return currentWindow(v, ts, s);
}

/**
 * Counts one call of `actor` on its template window `w` and pushes what fired. `status` is the response status;
 * `idSpace` the ids known on the template; `given` the ids earlier responses gave the call's identity (null for
 * anonymous calls) and `identity` its id, for passive BOLA.
 */
export function observeObjectAccess(
  actor: ActorState,
  w: TemplateWindow,
  ref: ObjectRef,
  status: number | null,
  query: string,
  idSpace: TemplateIdSpace,
  s: AbuseSettings,
  out: Detection[],
  given: IdFilter | null,
  identity: string,
): void {
  w.calls++;
  const e = s.enumeration;
  const sc = s.scraping;
  const isError = status === 404 || status === 403;
  if (isError) w.errors++;
  const ok = status !== null && status >= 200 && status < 300;
  let enumeration = '';
  let bola = false;
  let scraping = '';
  if (ref.id !== '') {
    const key = idKey(ref.id, ref.numeric);
    const ids = (w.ids ??= new IdCounter(s.caps.idsPerTemplate));
    const fresh = ids.add(key);
    if (ok) {
      const known = idSpace.add(ref.template, key);
      const okIds = (w.okIds ??= new IdCounter(s.caps.idsPerTemplate));
      if (okIds.add(key) && given !== null && !given.has(ref.id)) w.unseenOk++;
      const fetched = okIds.distinct;
      if (fetched >= sc.minDistinctIds && known > 0 && fetched / known >= sc.minCoverage) {
        scraping = `fetched ${fetched} distinct ids on this template in the window, ${Math.round((fetched / known) * 100)}% of the ${known} ids seen on it (limits: ≥${sc.minDistinctIds} ids, ≥${Math.round(sc.minCoverage * 100)}% coverage)`;
      }
    }
    if (fresh && ref.numeric && ids.distinct >= e.minSequentialRun && ids.distinct - w.runCheckedAt >= 8) {
      w.runCheckedAt = ids.distinct;
      w.run = longestRun(ids.keys());
    }
    if (w.run >= e.minSequentialRun) {
      enumeration = `walked a run of ${w.run} consecutive ids (${ids.distinct} distinct ids requested; limit ≥${e.minSequentialRun} consecutive)`;
    }
    const okCount = w.okIds?.distinct ?? 0;
    if (given !== null && w.unseenOk >= e.bolaMinUnseenIds && w.unseenOk / Math.max(1, okCount) >= e.bolaMinUnseenRatio) {
      bola = true;
      enumeration = `identity ${identity} fetched ${w.unseenOk} of ${okCount} distinct object ids successfully that no earlier response to it contained (passive BOLA; limits: ≥${e.bolaMinUnseenIds} ids, ≥${Math.round(e.bolaMinUnseenRatio * 100)}%)`;
    }
  }
  if (enumeration === '' && w.errors >= e.minErrors && w.errors / w.calls >= e.minErrorRatio) {
    enumeration = `${w.errors} of ${w.calls} calls on this template answered 403/404 in the window (limits: ≥${e.minErrors} errors, ≥${Math.round(e.minErrorRatio * 100)}%)`;
  }
  if (ref.id === '' && query.length > 0) {
    const page = pageValue(query);
    if (page !== '') {
      const pages = (w.pages ??= new IdCounter(s.caps.idsPerTemplate));
      pages.add(hashString(page));
      if (pages.distinct >= sc.minPages) scraping = `walked ${pages.distinct} distinct pages of this collection in the window (limit ≥${sc.minPages})`;
    }
  }
  if (enumeration !== '') {
    out.push({ type: 'enumeration', category: 'abuse', severity: bola ? 'high' : 'medium', rule: bola ? 'abuse.enumeration.bola' : 'abuse.enumeration', evidence: `${actor.key}: ${enumeration}` });
  }
  if (scraping !== '') out.push({ type: 'scraping', category: 'abuse', severity: 'high', rule: 'abuse.scraping.coverage', evidence: `${actor.key}: ${scraping}` });
}

/** Counts sensitive records an actor took in responses and pushes `scraping` once over the limit. */
export function observeSensitiveVolume(actor: ActorState, records: number, ts: number, s: AbuseSettings, out: Detection[]): void {
  const windowUs = s.windowSec * 1e6;
  if (actor.sensitiveStart < 0 || ts - actor.sensitiveStart >= windowUs || ts < actor.sensitiveStart) {
    actor.sensitiveStart = ts;
    actor.sensitiveRecords = 0;
  }
  actor.sensitiveRecords += records;
  if (records > 0 && actor.sensitiveRecords >= s.scraping.minSensitiveRecords) {
    out.push({
      type: 'scraping',
      category: 'abuse',
      severity: 'high',
      rule: 'abuse.scraping.sensitive_volume',
      evidence: `${actor.key}: took ${actor.sensitiveRecords} sensitive values in responses within ${Math.round((ts - actor.sensitiveStart) / 1e6)}s (limit ≥${s.scraping.minSensitiveRecords} per ${s.windowSec}s)`,
    });
  }
}
