/**
 * Object-access abuse per client and per identity on one endpoint template: `enumeration` (many 403/404, walking
 * sequential ids, passive BOLA: an identity fetching ids no earlier response gave it) and `scraping` (high coverage
 * of an id space, walking many pages, bulk sensitive records).
 */
import type { Detection } from '../call.context.ts';
import type { AbuseSettings } from './abuse.settings.ts';
import { newTemplateWindow, resetTemplateWindow, type ActorState, type TemplateWindow } from './actor.state.ts';
import { BoundedSet } from './bounded.set.ts';
import { longestSequentialRun, type ObjectRef } from './path.ids.ts';

/** Ids seen on each template by every client (for coverage), bounded. */
export class TemplateIdSpace {
  private readonly spaces = new Map<string, BoundedSet>();
  /** Templates not tracked because the map was full. */
  overflow = 0;

  constructor(
    private readonly maxTemplates: number,
    private readonly idsPerTemplate: number,
  ) {}

  /** Records that `id` exists on `template`; returns the ids known on it. */
  add(template: string, id: string): number {
    let s = this.spaces.get(template);
    if (s === undefined) {
      if (this.spaces.size >= this.maxTemplates) {
        this.overflow++;
        return 0;
      }
      s = new BoundedSet(this.idsPerTemplate);
      this.spaces.set(template, s);
    }
    s.add(id);
    return s.distinct;
  }

  /** Ids known on `template`. */
  size(template: string): number {
    return this.spaces.get(template)?.distinct ?? 0;
  }
}

const PAGE_PARAM = /(?:^|&)(?:page|pageno|page_no|pagenum|pagenumber|pageindex|offset|start|skip|from|cursor|p)=([^&]{1,64})/i;

/** The page/offset value of a query string, or ''. */
export function pageValue(query: string): string {
  if (query.length === 0) return '';
  const m = PAGE_PARAM.exec(query);
  return m === null ? '' : m[1];
}

/** The template window of `actor` for `template`, created or reset as the window requires; null when over the cap. */
export function templateWindow(actor: ActorState, template: string, ts: number, s: AbuseSettings): TemplateWindow | null {
  let w = actor.templates.get(template);
  if (w === undefined) {
    if (actor.templates.size >= s.caps.templatesPerActor) {
      actor.templatesOverflow++;
      return null;
    }
    w = newTemplateWindow(ts, s.caps.idsPerTemplate);
    actor.templates.set(template, w);
  } else if (ts - w.start >= s.windowSec * 1e6 || ts < w.start) resetTemplateWindow(w, ts);
  return w;
}

/**
 * Counts one call of `actor` on its template window `w` and pushes what fired. `status` is the response status;
 * `idSpace` the ids known on the template; `label` names the actor in evidence.
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
    const fresh = w.ids.add(ref.id);
    if (ok) {
      const known = idSpace.add(ref.template, ref.id);
      if (w.okIds.add(ref.id) && actor.learnedIds !== null && !actor.learnedIds.has(ref.id)) w.unseenOk++;
      const fetched = w.okIds.distinct;
      if (fetched >= sc.minDistinctIds && known > 0 && fetched / known >= sc.minCoverage) {
        scraping = `fetched ${fetched} distinct ids on this template in the window, ${Math.round((fetched / known) * 100)}% of the ${known} ids seen on it (limits: ≥${sc.minDistinctIds} ids, ≥${Math.round(sc.minCoverage * 100)}% coverage)`;
      }
    }
    if (fresh && ref.numeric && w.ids.distinct >= e.minSequentialRun && w.ids.distinct - w.runCheckedAt >= 8) {
      w.runCheckedAt = w.ids.distinct;
      w.run = longestSequentialRun(w.ids.values());
    }
    if (w.run >= e.minSequentialRun) {
      enumeration = `walked a run of ${w.run} consecutive ids (${w.ids.distinct} distinct ids requested; limit ≥${e.minSequentialRun} consecutive)`;
    }
    if (actor.learnedIds !== null && w.unseenOk >= e.bolaMinUnseenIds && w.unseenOk / Math.max(1, w.okIds.distinct) >= e.bolaMinUnseenRatio) {
      bola = true;
      enumeration = `identity fetched ${w.unseenOk} of ${w.okIds.distinct} distinct object ids successfully that no earlier response to it contained (passive BOLA; limits: ≥${e.bolaMinUnseenIds} ids, ≥${Math.round(e.bolaMinUnseenRatio * 100)}%)`;
    }
  }
  if (enumeration === '' && w.errors >= e.minErrors && w.errors / w.calls >= e.minErrorRatio) {
    enumeration = `${w.errors} of ${w.calls} calls on this template answered 403/404 in the window (limits: ≥${e.minErrors} errors, ≥${Math.round(e.minErrorRatio * 100)}%)`;
  }
  if (ref.id === '' && query.length > 0) {
    const page = pageValue(query);
    if (page !== '') {
      w.pages.add(page);
      if (w.pages.distinct >= sc.minPages) scraping = `walked ${w.pages.distinct} distinct pages of this collection in the window (limit ≥${sc.minPages})`;
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
