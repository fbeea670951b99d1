/**
 * The comparison of our engine's transactions with Suricata's expectations in the public suricata-verify corpus
 * (../shared/corpora/suricata-verify): which cases are compared, how a Suricata `event_type: http` record maps onto
 * a Transaction, how a test.yaml check is evaluated, and how the per-case table and the agreement figure are built.
 * Shared by the conformance test (tests/integration/conformance/suricata-verify.test.ts) and the CLI
 * (scripts/conformance/suricata-verify.ts). Pure: it reads no pcap and does not load the engine.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Transaction } from '../../appliance/src/engine/transaction.types.ts';
import { parseYamlSubset, type YamlValue } from './suricata-yaml.reader.ts';

/** A scalar as found in a check or a record. */
export type Scalar = string | number | boolean | null;

/** The Suricata version whose expectations we compare with: checks gated to other versions are not applied. */
export const TARGET_SURICATA_VERSION = '9.0.0';

/** Corpus folder relative to the repository root. */
export const CORPUS_RELATIVE_PATH = '../shared/corpora/suricata-verify';

/** One http-related check as listed in index.json. */
export interface IndexHttpCheck {
  event_type: string;
  count: number | null;
  lt: number | null;
  gt: number | null;
  min_version: string | number | null;
  fields: Record<string, Scalar>;
}

/** One test case as listed in index.json (only the members we use). */
export interface IndexCase {
  name: string;
  source_path: string;
  pcap: string | null;
  pcap_source_path: string | null;
  pcap_missing_from_snapshot: boolean;
  requires: Record<string, unknown> | null;
  args: string[] | null;
  http_checks: IndexHttpCheck[];
  edge_case_tags: string[];
  pcap_features: { tcp_midstream_dirs?: number } | null;
}

/** One `filter` check of a test.yaml, with its match flattened to dotted keys (event_type removed). */
export interface YamlCheck {
  eventType: string;
  count: number | null;
  lt: number | null;
  gt: number | null;
  minVersion: string | null;
  ltVersion: string | null;
  match: Record<string, Scalar>;
}

/** Everything the comparison needs about one case. */
export interface CaseInput {
  name: string;
  /** Absolute path of the capture, or null when the snapshot lacks it. */
  pcapPath: string | null;
  args: string[];
  requires: Record<string, unknown>;
  /** event_type http checks that apply to the target version. */
  httpChecks: YamlCheck[];
  /** alert/fileinfo checks with http.* fields that apply to the target version (extra evidence only). */
  evidenceChecks: YamlCheck[];
  /** Text of test.rules ('' when none). */
  rules: string;
  tags: string[];
  midstreamDirs: number;
  /** Problems found while cross-checking test.yaml with index.json. */
  indexMismatch: string | null;
}

/** Why a case is or is not part of the headline figure. */
export type CaseScope = 'in-scope' | 'http2' | 'verdict-policy';

/** The outcome of one check on our records. */
export interface CheckOutcome {
  /** e.g. `count=1 {http.url: "/1", http.status: 200}` */
  label: string;
  /** Records of ours that matched every mapped condition. */
  got: number;
  holds: boolean;
  /** Keys of the check left out because they describe Suricata's logging, not the HTTP exchange. */
  ignoredKeys: string[];
  /** Keys with no counterpart in our records (the check cannot hold when one is required). */
  unmappedKeys: string[];
}

/** The outcome of one case. */
export interface CaseResult {
  name: string;
  scope: CaseScope;
  scopeReason: string;
  args: string[];
  checks: CheckOutcome[];
  evidence: { holds: number; total: number };
  transactions: number;
  agree: boolean;
  /** Set when reading or processing the capture threw. */
  error: string | null;
  /** Documented reason of a disagreement, from {@link EXPLAINED_DIFFERENCES} or {@link KNOWN_ENGINE_DEFECTS}. */
  explanation: string | null;
  /** Which list explains the disagreement: a difference in meaning, or a reported engine defect. */
  explanationKind: 'meaning' | 'engine-defect' | null;
}

/** Headline figures. */
export interface ConformanceSummary {
  /** Cases with at least one applicable event_type http check and a capture. */
  httpCases: number;
  inScope: number;
  agree: number;
  /** agree / inScope × 100. */
  agreementPct: number;
  /** In-scope disagreements explained as differences in meaning. */
  explained: string[];
  /** In-scope disagreements caused by reported engine defects. */
  engineDefects: string[];
  /** In-scope disagreements without any explanation. */
  unexplained: string[];
  http2: string[];
  verdictPolicy: string[];
  /** Cases whose capture could not be processed to its end. */
  errors: string[];
  /** Agreement over every http case, out-of-scope ones included (for transparency). */
  agreeAll: number;
}

/**
 * Cases whose disagreement has been investigated and is a difference in meaning between Suricata and our engine,
 * not an engine bug. They still count as disagreements in the headline figure. docs/conformance.md repeats them.
 */
export const EXPLAINED_DIFFERENCES: Readonly<Record<string, string>> = Object.freeze({
  'http1-noint-status':
    'response line "HTTP/1.0 2XX OK": Suricata logs the response with status_string "2XX"; a Transaction has no field for a non-numeric status code (our parser does not take the line as a response at all: NoResponse)',
  'detect-uricontent-06':
    'request "GET%00 /images.gif HTTP/1.1": Suricata\'s protocol detection needs a known method, so it logs no http record; we accept any RFC 9110 token as an (extension) method and log method "GET%00"',
});

/**
 * Cases that disagree because of an engine defect that has been reported to the engine owners (input, expected,
 * got, stage). They count as disagreements; each entry is removed when the engine is fixed (the test then fails
 * until it is, so the list cannot go stale).
 */
export const KNOWN_ENGINE_DEFECTS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * Cases whose expected http records depend on Suricata policy configuration that is not in the corpus snapshot
 * (their suricata.yaml / threshold.config were not copied), with the reason taken from the case's README.
 */
export const POLICY_CASES_BY_README: Readonly<Record<string, string>> = Object.freeze({
  'threshold-config-rate-filter-drop-hostdst': 'IPS mode with a threshold.config rate_filter whose new_action is drop',
});

/** Keys that describe Suricata's logging rather than the exchange: checks are evaluated without them. */
const IGNORED_KEY_PATTERNS: RegExp[] = [/^pcap_cnt$/, /^pkt_src$/, /^ether(\.|$)/, /^metadata(\.|$)/, /^suricata_version$/, /^timestamp$/, /^flow_id$/, /^in_iface$/];

/** Finds the corpus from the repository root; null when it is absent. */
export function locateCorpus(repoRoot: string): string | null {
  const dir = resolve(repoRoot, CORPUS_RELATIVE_PATH);
  return existsSync(join(dir, 'index.json')) ? dir : null;
}

/** The repository root, from this file's location (scripts/conformance/). */
export function repositoryRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
}

/** Compares dotted versions numerically (missing parts are 0). */
export function compareVersions(a: string, b: string): number {
  const pa = String(a).split('.').map((x) => Number.parseInt(x, 10) || 0);
  const pb = String(b).split('.').map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** Whether a check gated by min-version / lt-version applies to `target`. */
export function versionApplies(minVersion: string | null, ltVersion: string | null, target = TARGET_SURICATA_VERSION): boolean {
  if (minVersion !== null && compareVersions(target, minVersion) < 0) return false;
  if (ltVersion !== null && compareVersions(target, ltVersion) >= 0) return false;
  return true;
}

/** Flattens nested mappings to dotted keys and sequences to `key[i]`, as suricata-verify addresses fields. */
export function flattenMatch(value: YamlValue, prefix = '', out: Record<string, Scalar> = {}): Record<string, Scalar> {
  if (Array.isArray(value)) {
    value.forEach((v, i) => flattenMatch(v, `${prefix}[${i}]`, out));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flattenMatch(v, prefix === '' ? k : `${prefix}.${k}`, out);
  } else {
    out[prefix] = value;
  }
  return out;
}

function asNumberOrNull(v: YamlValue | undefined): number | null {
  return typeof v === 'number' ? v : null;
}

function asVersionOrNull(v: YamlValue | undefined): string | null {
  return v === undefined || v === null || typeof v === 'object' ? null : String(v);
}

/** Extracts every `filter` check of a parsed test.yaml. */
export function yamlChecks(doc: YamlValue): YamlCheck[] {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return [];
  const checks = doc.checks;
  if (!Array.isArray(checks)) return [];
  const out: YamlCheck[] = [];
  for (const item of checks) {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) continue;
    const f = item.filter;
    if (f === null || typeof f !== 'object' || Array.isArray(f)) continue;
    const req = f.requires !== null && typeof f.requires === 'object' && !Array.isArray(f.requires) ? f.requires : {};
    const match = flattenMatch(f.match ?? {});
    const eventType = String(match.event_type ?? '');
    delete match.event_type;
    out.push({
      eventType,
      count: asNumberOrNull(f.count),
      lt: asNumberOrNull(f.lt),
      gt: asNumberOrNull(f.gt),
      minVersion: asVersionOrNull(req['min-version']),
      ltVersion: asVersionOrNull(req['lt-version']),
      match,
    });
  }
  return out;
}

function httpFieldsOf(match: Record<string, Scalar>): Record<string, Scalar> {
  const out: Record<string, Scalar> = {};
  for (const [k, v] of Object.entries(match)) if (k.startsWith('http.')) out[k] = v;
  return out;
}

/** Loads index.json and builds the inputs of every case that has at least one event_type http check. */
export function loadCases(corpusDir: string): CaseInput[] {
  const index = JSON.parse(readFileSync(join(corpusDir, 'index.json'), 'utf8')) as { tests: IndexCase[] };
  const out: CaseInput[] = [];
  for (const c of index.tests) {
    const indexHttp = c.http_checks.filter((k) => k.event_type === 'http');
    if (indexHttp.length === 0) continue;
    const caseDir = join(corpusDir, c.name);
    const yamlPath = join(caseDir, 'test.yaml');
    const all = existsSync(yamlPath) ? yamlChecks(parseYamlSubset(readFileSync(yamlPath, 'latin1'))) : [];
    const yamlHttp = all.filter((k) => k.eventType === 'http');
    const indexMismatch = crossCheckIndex(indexHttp, yamlHttp);
    const httpChecks = indexMismatch === null ? yamlHttp : indexHttp.map(fromIndexCheck);
    const rulesPath = join(caseDir, 'test.rules');
    out.push({
      name: c.name,
      pcapPath: resolvePcap(corpusDir, c),
      args: splitArgs(c.args ?? []),
      requires: c.requires ?? {},
      httpChecks: httpChecks.filter((k) => versionApplies(k.minVersion, k.ltVersion)),
      evidenceChecks: all.filter(
        (k) => (k.eventType === 'alert' || k.eventType === 'fileinfo') && Object.keys(httpFieldsOf(k.match)).length > 0 && versionApplies(k.minVersion, k.ltVersion),
      ),
      rules: existsSync(rulesPath) ? readFileSync(rulesPath, 'latin1') : '',
      tags: c.edge_case_tags ?? [],
      midstreamDirs: c.pcap_features?.tcp_midstream_dirs ?? 0,
      indexMismatch,
    });
  }
  return out;
}

function fromIndexCheck(k: IndexHttpCheck): YamlCheck {
  return { eventType: k.event_type, count: k.count, lt: k.lt, gt: k.gt, minVersion: k.min_version === null ? null : String(k.min_version), ltVersion: null, match: { ...k.fields } };
}

/** Returns null when test.yaml's http checks carry the same http.* fields as index.json's, else what differs. */
export function crossCheckIndex(indexHttp: IndexHttpCheck[], yamlHttp: YamlCheck[]): string | null {
  if (indexHttp.length !== yamlHttp.length) return `index.json lists ${indexHttp.length} http checks, test.yaml ${yamlHttp.length}`;
  for (let i = 0; i < indexHttp.length; i++) {
    const a = indexHttp[i].fields;
    const b = httpFieldsOf(yamlHttp[i].match);
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (String(a[k]) !== String(b[k])) return `check ${i}: ${k} is ${JSON.stringify(a[k])} in index.json, ${JSON.stringify(b[k])} in test.yaml`;
    if (indexHttp[i].count !== yamlHttp[i].count) return `check ${i}: count differs`;
  }
  return null;
}

/** Splits args given as one string ("-k none --set x=y") into separate options. */
export function splitArgs(args: string[]): string[] {
  const out: string[] = [];
  for (const a of args) {
    const parts = a.trim().split(/\s+(?=--?[a-zA-Z])/);
    for (const p of parts) if (p !== '') out.push(p);
  }
  return out;
}

function resolvePcap(corpusDir: string, c: IndexCase): string | null {
  if (c.pcap_missing_from_snapshot || c.pcap === null) return null;
  const candidates = [join(corpusDir, c.name, c.pcap.split('/').pop() ?? c.pcap)];
  if (c.pcap_source_path !== null) candidates.push(join(corpusDir, c.pcap_source_path.replace(/^tests\//, '')));
  for (const p of candidates) if (existsSync(p)) return p;
  return null;
}

/**
 * Decides whether a case is part of the headline figure, from its configuration and expectations only (never from
 * our results): HTTP/2 cases, and cases whose expected http records depend on Suricata verdicts or logging policy
 * (IPS drops, exception policies, midstream pick-up disabled, conditional logging), are out of scope.
 */
export function classifyCase(c: CaseInput): { scope: CaseScope; reason: string } {
  const argText = c.args.join(' ');
  for (const k of c.httpChecks) {
    const keys = Object.keys(k.match);
    const wantsRecords = k.count === null || k.count > 0 || k.gt !== null;
    if (wantsRecords && keys.some((key) => key.startsWith('http.http2.') || (key === 'http.version' && String(k.match[key]) === '2'))) {
      return { scope: 'http2', reason: 'expects HTTP/2 records (http.http2.* fields); we parse HTTP/1.x only' };
    }
  }
  if (/app-layer\.protocols\.http2\.enabled=true/.test(argText)) return { scope: 'http2', reason: 'runs with the HTTP/2 parser enabled on an HTTP/2 capture' };
  if (/(?:midstream-policy|exception-policy)=(?!ignore\b)/.test(argText)) return { scope: 'verdict-policy', reason: `exception policy configured (${argText.match(/\S*(?:midstream-policy|exception-policy)=\S+/)?.[0]})` };
  if (c.midstreamDirs > 0 && !/stream\.midstream=true/.test(argText)) {
    return { scope: 'verdict-policy', reason: 'midstream pick-up disabled (Suricata default) on a capture whose flows start mid-stream' };
  }
  if (/--simulate-ips/.test(argText) && /^\s*(?:drop|reject|rejectsrc|rejectdst|rejectboth)\s/m.test(c.rules)) {
    return { scope: 'verdict-policy', reason: 'IPS mode with drop/reject rules: dropped flows are not logged' };
  }
  if (/config\s*:\s*logging\s+disable/.test(c.rules)) return { scope: 'verdict-policy', reason: 'a rule disables transaction logging (conditional logging)' };
  if (c.name.startsWith('exception-policy-')) return { scope: 'verdict-policy', reason: 'exercises Suricata exception policies (per its README; suricata.yaml not in the snapshot)' };
  const byReadme = POLICY_CASES_BY_README[c.name];
  if (byReadme !== undefined) return { scope: 'verdict-policy', reason: byReadme };
  return { scope: 'in-scope', reason: '' };
}

/** The view of a Transaction that check keys are resolved against. */
export interface RecordView {
  fields: Map<string, Scalar>;
  requestHeaders: Array<[string, string]>;
  responseHeaders: Array<[string, string]>;
}

/** Suricata's `hostname`: the host without its port (libhtp's request_hostname), brackets kept for IPv6. */
export function suricataHostname(host: string): string {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end < 0 ? host : host.slice(0, end + 1);
  }
  const colon = host.lastIndexOf(':');
  return colon >= 0 && /^\d*$/.test(host.slice(colon + 1)) ? host.slice(0, colon) : host;
}

/** All values of a header joined with ", " (how libhtp folds repeated fields), or undefined. */
export function joinedHeader(headers: ReadonlyArray<readonly [string, string]>, name: string): string | undefined {
  let out: string | undefined;
  for (const [n, v] of headers) if (n.toLowerCase() === name) out = out === undefined ? v : `${out}, ${v}`;
  return out;
}

/** Builds the Suricata-shaped view of one of our transactions (see docs/conformance.md for the mapping). */
export function recordView(tx: Transaction): RecordView {
  const f = new Map<string, Scalar>();
  const hasRequest = tx.method !== '';
  if (tx.host !== '') f.set('http.hostname', suricataHostname(tx.host));
  if (hasRequest) {
    f.set('http.http_method', tx.method);
    f.set('http.url', tx.uri);
    if (tx.httpVersion !== '' && tx.httpVersion !== 'HTTP/0.9') f.set('http.protocol', tx.httpVersion);
  }
  if (tx.status !== null && tx.status > 0) f.set('http.status', tx.status);
  const req = tx.requestHeaders;
  const res = tx.responseHeaders;
  setIfDefined(f, 'http.http_user_agent', joinedHeader(req, 'user-agent'));
  setIfDefined(f, 'http.http_refer', joinedHeader(req, 'referer'));
  setIfDefined(f, 'http.xff', joinedHeader(req, 'x-forwarded-for'));
  setIfDefined(f, 'http.redirect', joinedHeader(res, 'location'));
  const ct = joinedHeader(res, 'content-type');
  if (ct !== undefined) f.set('http.http_content_type', ct.split(';')[0]);
  f.set('http.length', tx.responseBody?.wireLength ?? 0);
  f.set('src_ip', canonicalIp(tx.clientIp));
  f.set('dest_ip', canonicalIp(tx.serverIp));
  f.set('src_port', tx.clientPort);
  f.set('dest_port', tx.serverPort);
  f.set('proto', 'TCP');
  f.set('ip_v', tx.ipVersion);
  f.set('app_proto', 'http');
  f.set('tx_id', tx.index);
  tx.vlans.forEach((v, i) => f.set(`vlan[${i}]`, v));
  return { fields: f, requestHeaders: req, responseHeaders: res };
}

function setIfDefined(f: Map<string, Scalar>, key: string, v: string | undefined): void {
  if (v !== undefined) f.set(key, v);
}

/** Canonical text of an IP address, so "fe80:0000:...:0042" and "fe80::42" compare equal. */
export function canonicalIp(ip: string): string {
  if (!ip.includes(':')) return ip;
  try {
    return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  } catch {
    return ip.toLowerCase();
  }
}

/** Resolves a check key on a record: the value, or undefined when absent, or the symbol UNMAPPED. */
export const UNMAPPED: unique symbol = Symbol('unmapped');

/** Value of `key` in `view`; UNMAPPED when our records have no counterpart of that Suricata field. */
export function resolveKey(view: RecordView, key: string): Scalar | undefined | typeof UNMAPPED {
  if (view.fields.has(key)) return view.fields.get(key);
  const h = /^http\.(request|response)_headers(?:\[(\d+)\]\.(name|value)|\.__len)$/.exec(key);
  if (h !== null) {
    const list = h[1] === 'request' ? view.requestHeaders : view.responseHeaders;
    if (h[2] === undefined) return list.length;
    const entry = list[Number(h[2])];
    if (entry === undefined) return undefined;
    return h[3] === 'name' ? entry[0] : entry[1];
  }
  if (/^vlan\[\d+\]$/.test(key)) return undefined;
  if (KNOWN_ABSENT_KEYS.has(key)) return undefined;
  return UNMAPPED;
}

/** Keys that we map but that are simply absent from a record when the exchange lacks them. */
const KNOWN_ABSENT_KEYS = new Set([
  'http.hostname',
  'http.http_method',
  'http.url',
  'http.protocol',
  'http.status',
  'http.http_user_agent',
  'http.http_refer',
  'http.xff',
  'http.redirect',
  'http.http_content_type',
]);

function isIgnored(key: string): boolean {
  return IGNORED_KEY_PATTERNS.some((re) => re.test(key));
}

/** suricata-verify equality, lenient on type (200 equals "200"); IP addresses compare canonically. */
export function valuesEqual(key: string, expected: Scalar, actual: Scalar | undefined): boolean {
  if (actual === undefined) return false;
  if (expected === actual) return true;
  if (key === 'src_ip' || key === 'dest_ip') return canonicalIp(String(expected)) === String(actual);
  return String(expected) === String(actual);
}

/** Short, readable form of a check. */
export function checkLabel(k: YamlCheck): string {
  const parts: string[] = [];
  if (k.count !== null) parts.push(`count=${k.count}`);
  if (k.lt !== null) parts.push(`lt=${k.lt}`);
  if (k.gt !== null) parts.push(`gt=${k.gt}`);
  const fields = Object.entries(k.match).map(([key, v]) => `${key}: ${JSON.stringify(v)}`);
  return `${parts.join(' ')}${fields.length > 0 ? ` {${fields.join(', ')}}` : ''}`;
}

/** Evaluates one check on our records. */
export function evaluateCheck(k: YamlCheck, views: RecordView[]): CheckOutcome {
  const ignoredKeys: string[] = [];
  const unmappedKeys: string[] = [];
  const conds: Array<(v: RecordView) => boolean> = [];
  for (const [key, expected] of Object.entries(k.match)) {
    if (key === 'has-key' || key === 'not-has-key') {
      const target = String(expected);
      if (isIgnored(target)) {
        ignoredKeys.push(`${key}:${target}`);
        continue;
      }
      const want = key === 'has-key';
      conds.push((v) => {
        const r = resolveKey(v, target);
        return (r !== undefined && r !== UNMAPPED) === want;
      });
      continue;
    }
    if (isIgnored(key)) {
      ignoredKeys.push(key);
      continue;
    }
    conds.push((v) => {
      const r = resolveKey(v, key);
      if (r === UNMAPPED) {
        if (!unmappedKeys.includes(key)) unmappedKeys.push(key);
        return false;
      }
      return valuesEqual(key, expected, r);
    });
  }
  let got = 0;
  for (const v of views) if (conds.every((c) => c(v))) got++;
  let holds = true;
  if (k.count !== null && got !== k.count) holds = false;
  if (k.lt !== null && !(got < k.lt)) holds = false;
  if (k.gt !== null && !(got > k.gt)) holds = false;
  if (k.count === null && k.lt === null && k.gt === null && got === 0) holds = false;
  return { label: checkLabel(k), got, holds, ignoredKeys, unmappedKeys };
}

/** Evaluates alert/fileinfo checks' http.* fields as evidence: at least one of our records carries them. */
export function evaluateEvidence(checks: YamlCheck[], views: RecordView[]): { holds: number; total: number } {
  let holds = 0;
  for (const k of checks) {
    const http = httpFieldsOf(k.match);
    const probe: YamlCheck = { eventType: 'http', count: null, lt: null, gt: null, minVersion: null, ltVersion: null, match: http };
    if (evaluateCheck(probe, views).got > 0) holds++;
  }
  return { holds, total: checks.length };
}

/** Compares one case: our transactions (or the error that stopped their reading) against its checks. */
export function compareCase(c: CaseInput, txs: Transaction[], error: string | null): CaseResult {
  const { scope, reason } = classifyCase(c);
  const views = txs.map(recordView);
  const checks = c.httpChecks.map((k) => evaluateCheck(k, views));
  const agree = error === null && checks.every((o) => o.holds);
  return {
    name: c.name,
    scope,
    scopeReason: reason,
    args: c.args,
    checks,
    evidence: evaluateEvidence(c.evidenceChecks, views),
    transactions: txs.length,
    agree,
    error,
    explanation: agree ? null : (EXPLAINED_DIFFERENCES[c.name] ?? KNOWN_ENGINE_DEFECTS[c.name] ?? null),
    explanationKind: agree ? null : c.name in EXPLAINED_DIFFERENCES ? 'meaning' : c.name in KNOWN_ENGINE_DEFECTS ? 'engine-defect' : null,
  };
}

/** Headline figures over all case results. */
export function summarize(results: CaseResult[]): ConformanceSummary {
  const inScope = results.filter((r) => r.scope === 'in-scope');
  const agree = inScope.filter((r) => r.agree).length;
  const disagree = inScope.filter((r) => !r.agree);
  return {
    httpCases: results.length,
    inScope: inScope.length,
    agree,
    agreementPct: inScope.length === 0 ? 0 : (agree * 100) / inScope.length,
    explained: disagree.filter((r) => r.explanationKind === 'meaning').map((r) => r.name),
    engineDefects: disagree.filter((r) => r.explanationKind === 'engine-defect').map((r) => r.name),
    unexplained: disagree.filter((r) => r.explanationKind === null).map((r) => r.name),
    http2: results.filter((r) => r.scope === 'http2').map((r) => r.name),
    verdictPolicy: results.filter((r) => r.scope === 'verdict-policy').map((r) => r.name),
    errors: results.filter((r) => r.error !== null).map((r) => r.name),
    agreeAll: results.filter((r) => r.agree).length,
  };
}

/** Options of Suricata's run that matter for the comparison, for the table's note column. */
export function notableArgs(args: string[]): string {
  return args.filter((a) => /midstream|async-oneside|simulate-ips|policy|libhtp|http2|threshold-file|vlan\.use/.test(a)).join(' ');
}

/** The per-case table as fixed-width text. `verbose` also lists the checks that held. */
export function formatTable(results: CaseResult[], verbose = false): string {
  const rows: string[][] = [['case', 'scope', 'checks', 'txs', 'verdict', 'ours vs expected / reason']];
  for (const r of results) {
    const ok = r.checks.filter((o) => o.holds).length;
    const verdict =
      r.scope !== 'in-scope' ? `out (${r.scope})` : r.agree ? 'agree' : r.explanationKind === 'meaning' ? 'DISAGREE (meaning)' : r.explanationKind === 'engine-defect' ? 'DISAGREE (engine defect)' : 'DISAGREE';
    const details: string[] = [];
    if (r.error !== null) details.push(`error: ${r.error}`);
    for (const o of r.checks) {
      if (o.holds && !verbose) continue;
      let d = `${o.holds ? 'ok' : 'FAIL'} ${o.label}: got ${o.got}`;
      if (o.unmappedKeys.length > 0) d += ` (no counterpart: ${o.unmappedKeys.join(', ')})`;
      if (o.ignoredKeys.length > 0) d += ` (ignored: ${o.ignoredKeys.join(', ')})`;
      details.push(d);
    }
    if (r.scope !== 'in-scope') details.push(r.scopeReason);
    if (r.explanation !== null) details.push(`${r.explanationKind === 'meaning' ? 'difference in meaning' : 'engine defect'}: ${r.explanation}`);
    if (r.evidence.total > 0) details.push(`alert/fileinfo http evidence ${r.evidence.holds}/${r.evidence.total}`);
    const args = notableArgs(r.args);
    if (args !== '') details.push(`suricata: ${args}`);
    rows.push([r.name, r.scope, `${ok}/${r.checks.length}`, String(r.transactions), verdict, details.join(' | ')]);
  }
  const widths = rows[0].slice(0, 5).map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return rows.map((row) => row.map((cell, i) => (i < 5 ? cell.padEnd(widths[i]) : cell)).join('  ')).join('\n');
}

/** The summary as text lines. */
export function formatSummary(s: ConformanceSummary): string {
  return [
    `suricata-verify cases with event_type http checks: ${s.httpCases}`,
    `out of scope: HTTP/2 ${s.http2.length}, Suricata verdict/logging policy ${s.verdictPolicy.length}`,
    `in scope: ${s.inScope}; agree: ${s.agree}; agreement: ${s.agreementPct.toFixed(1)}%`,
    `disagreements: ${s.explained.length} differences in meaning, ${s.engineDefects.length} engine defects (both in docs/conformance.md), ${s.unexplained.length} unexplained${s.unexplained.length > 0 ? ` (${s.unexplained.join(', ')})` : ''}`,
    `all http cases, out-of-scope included: ${s.agreeAll}/${s.httpCases} agree`,
    `capture errors: ${s.errors.length}${s.errors.length > 0 ? ` (${s.errors.join(', ')})` : ''}`,
  ].join('\n');
}
