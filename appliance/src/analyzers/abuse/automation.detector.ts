/**
 * Automation fingerprints per client: user agents of automation frameworks and headless browsers, user-agent
 * rotation behind a single header order (one tool pretending to be many browsers), and machine-regular timing
 * between calls. Plain API clients (curl, SDKs) are not flagged for their user agent alone.
 */
import type { HeaderList } from '../../engine/transaction.types.ts';
import type { Detection } from '../call.context.ts';
import type { AbuseSettings } from './abuse.settings.ts';
import { AUTO_GAP_M2, AUTO_GAP_MEAN, AUTO_LAST_TS, AUTO_START, type ActorState, type AutomationState } from './actor.state.ts';
import { BoundedSet } from './bounded.set.ts';

/** Header names in order (lower case, joined by ','): the header-order fingerprint of a request. */
export function headerOrder(headers: HeaderList): string {
  let out = '';
  const n = Math.min(headers.length, 32);
  for (let i = 0; i < n; i++) out += (i === 0 ? '' : ',') + headers[i][0].toLowerCase();
  return out;
}

function openWindow(st: AutomationState, row: Float64Array, o: number, ts: number): void {
  st.autoOpen = true;
  row[o + AUTO_START] = ts;
  row[o + AUTO_LAST_TS] = -1;
  st.gaps = 0;
  row[o + AUTO_GAP_MEAN] = 0;
  row[o + AUTO_GAP_M2] = 0;
  st.lastAgent = '\u0000';
  st.agentIsBot = '';
  st.agents = null;
  st.headerOrders = null;
  st.firstOrder = '';
}

/**
 * Counts one call of a client and pushes `automation` when a fingerprint holds; the client's automation numbers are
 * `row[o … o + AUTO_ROW)`.
 */
export function observeAutomation(actor: ActorState, row: Float64Array, o: number, userAgent: string, headers: HeaderList, ts: number, s: AbuseSettings, out: Detection[]): void {
  const a = s.automation;
  const st = actor;
  if (!st.autoOpen || ts - row[o + AUTO_START] >= s.windowSec * 1e6 || ts < row[o + AUTO_START]) openWindow(st, row, o, ts);
  const lastTs = row[o + AUTO_LAST_TS];
  let gapMean = row[o + AUTO_GAP_MEAN];
  if (lastTs >= 0 && ts >= lastTs) {
    const gap = ts - lastTs;
    st.gaps++;
    const d = gap - gapMean;
    gapMean += d / st.gaps;
    row[o + AUTO_GAP_MEAN] = gapMean;
    row[o + AUTO_GAP_M2] += d * (gap - gapMean);
  }
  row[o + AUTO_LAST_TS] = ts;
  if (userAgent !== st.lastAgent) {
    const order = headerOrder(headers);
    if (st.lastAgent === '\u0000') st.firstOrder = order;
    else {
      if (st.agents === null || st.headerOrders === null) {
        st.agents = new BoundedSet(64);
        st.headerOrders = new BoundedSet(64);
        st.agents.add(st.lastAgent);
        st.headerOrders.add(st.firstOrder);
      }
      st.agents.add(userAgent);
      st.headerOrders.add(order);
    }
    st.lastAgent = userAgent;
    const lower = userAgent.toLowerCase();
    st.agentIsBot = '';
    for (const bot of a.botAgents) {
      if (lower.includes(bot)) {
        st.agentIsBot = bot;
        break;
      }
    }
  }
  let reasons: string[] | null = null;
  let rule = '';
  if (st.agentIsBot !== '') {
    reasons = [];
    reasons.push(`user agent of an automation framework or headless browser ("${st.agentIsBot}")`);
    rule = 'abuse.automation.agent';
  }
  if (st.agents !== null && st.headerOrders !== null && st.agents.distinct >= a.minUserAgents && st.headerOrders.distinct === 1) {
    (reasons ??= []).push(`${st.agents.distinct} different user agents sent with one identical header order in the window (limit ≥${a.minUserAgents})`);
    rule ||= 'abuse.automation.agent_rotation';
  }
  if (st.gaps + 1 >= a.minCalls && gapMean > 0) {
    const sd = Math.sqrt(row[o + AUTO_GAP_M2] / st.gaps);
    const cv = sd / gapMean;
    if (cv <= a.maxIntervalCv && gapMean <= a.maxMeanIntervalSec * 1e6) {
      (reasons ??= []).push(`${st.gaps + 1} calls at machine-regular intervals of ${(gapMean / 1e6).toFixed(3)}s (variation ${cv.toFixed(3)}; limits: ≥${a.minCalls} calls, variation ≤${a.maxIntervalCv}, mean ≤${a.maxMeanIntervalSec}s)`);
      rule ||= 'abuse.automation.timing';
    }
  }
  if (reasons !== null) out.push({ type: 'automation', category: 'abuse', severity: 'low', rule, evidence: `${actor.key}: ${reasons.join('; ')}` });
}
