/**
 * Takes every value an attacker can control out of a request: the path, query parameters (names and values),
 * header values, cookies, and body fields by content type (form fields, JSON string leaves and keys, XML text and
 * attributes, multipart fields and file names; an unknown body as one value). Reuses the sensitive analyzer's
 * bounded parsers and walkers; stops at the settings' limits and never throws.
 */
import type { Transaction } from '../../engine/transaction.types.ts';
import { headerParam, latin1ToUtf8, MAX_PAIRS, multipartParts, percentDecode } from '../sensitive/message.parsers.ts';
import { JsonWalker, unescapeJson } from '../sensitive/json-body.walker.ts';
import { walkXml } from '../sensitive/xml-body.walker.ts';
import { headerIs } from '../identity/header.names.ts';
import type { AttackInput, InputPart } from './attack.types.ts';
import { wordProbe } from './attack-word.probes.ts';
import type { InertFilter } from './attack-input.prefilter.ts';
import type { AttackSettings } from './attacks.settings.ts';

/** Headers that carry protocol data: only header-wide detectors (JNDI lookups) inspect them. */
const STRUCTURAL_HEADERS = new Set([
  'host', 'content-length', 'content-type', 'connection', 'accept', 'accept-encoding', 'accept-language',
  'cache-control', 'pragma', 'upgrade-insecure-requests', 'if-modified-since', 'if-none-match', 'te',
  'transfer-encoding', 'authorization', 'proxy-authorization', 'date', 'dnt', 'priority', 'content-encoding',
  'sec-fetch-site', 'sec-fetch-mode', 'sec-fetch-dest', 'sec-fetch-user', 'sec-ch-ua', 'sec-ch-ua-mobile',
  'sec-ch-ua-platform', 'keep-alive', 'expect', 'range', 'if-range', 'origin', 'x-request-id', 'traceparent',
]);

/** Receives inputs as they are extracted (no object per input); returns false to stop the extraction. */
export interface InputSink {
  input(part: InputPart, name: string, value: string, isName: boolean, structural: boolean): boolean;
  /** Values it proves inert are not handed over (path, query, form and JSON; see attack-input.prefilter.ts). */
  readonly inert?: InertFilter;
  /** Whether a header value (as received) was clean before: it is then not converted and handed over again. */
  knownClean?(part: InputPart, name: string, raw: string): boolean;
}

/** Structural header names and `cookie`, indexed by length, for allocation-free case-insensitive look-ups. */
const KIND_BY_LENGTH: string[][] = [];
for (const n of [...STRUCTURAL_HEADERS, 'cookie']) (KIND_BY_LENGTH[n.length] ??= []).push(n);

/** 0 for an ordinary header, 1 for a structural one, 2 for Cookie. */
function headerKind(name: string): number {
  const candidates = KIND_BY_LENGTH[name.length];
  if (candidates === undefined) return 0;
  for (let i = 0; i < candidates.length; i++) if (headerIs(name, candidates[i])) return candidates[i] === 'cookie' ? 2 : 1;
  return 0;
}

/** Longest name, and value, that {@link plainRange} may call plain. */
const MAX_PLAIN_NAME = 64;
const MAX_PLAIN_VALUE = 16;

/**
 * Whether `s[start, end)` is a plain token no detector can flag: shorter than `max`, only letters, digits and `-`
 * (and `_` in names), and not a probe word (attack-word.probes.ts). Checked on the raw text so plain values are never
 * sliced or decoded. Empty ranges are plain.
 */
export function plainRange(s: string, start: number, end: number, max: number, name: boolean): boolean {
  if (end - start >= max) return false;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 45 || (name && c === 95))) return false;
  }
  return end === start || wordProbe(s, start, end) === null;
}

/** Hands inputs to a sink up to the settings' limits. */
class InputList {
  count = 0;
  constructor(
    private readonly s: AttackSettings,
    readonly sink: InputSink,
  ) {}

  /** Whether `text[start, end)` needs no look: plain, or proven inert by the sink's filter. */
  skip(text: string, start: number, end: number, max: number, name: boolean): boolean {
    return plainRange(text, start, end, max, name) || (this.sink.inert !== undefined && this.sink.inert.inert(text, start, end));
  }

  full(): boolean {
    return this.count >= this.s.maxInputs;
  }

  add(part: InputPart, name: string, value: string, isName = false, structural = false): boolean {
    if (this.full()) return false;
    if (value.length === 0) return true;
    this.count++;
    // A long value is inspected in its head and tail, so padding in front of a payload does not hide it.
    const half = this.s.maxValueLength >> 1;
    const v = value.length > this.s.maxValueLength ? `${value.slice(0, half)} ${value.slice(value.length - half)}` : value;
    return this.sink.input(part, name, v, isName, structural) && !this.full();
  }

  /**
   * Splits `text` on `sep` (`&` for queries and forms, `;` for cookies) like `forEachPair`, but checks names and
   * values on the raw text first: plain ones (see {@link plainRange}) are skipped without being sliced or decoded.
   */
  pairs(part: InputPart, text: string, sep: 38 | 59): void {
    const cookie = sep === 59;
    const sepChar = cookie ? ';' : '&';
    const n = text.length;
    let i = 0;
    let count = 0;
    while (i <= n && count < MAX_PAIRS) {
      let e = text.indexOf(sepChar, i);
      if (e < 0) e = n;
      let ns = i;
      let ve = e;
      if (cookie) {
        while (ns < e && text.charCodeAt(ns) === 32) ns++;
        while (ve > ns && text.charCodeAt(ve - 1) === 32) ve--;
      }
      if (ve > ns) {
        const eq = text.indexOf('=', ns);
        const ne = eq >= 0 && eq < ve ? eq : ve;
        const vs = eq >= 0 && eq < ve ? eq + 1 : ve;
        count++;
        const namePlain = this.skip(text, ns, ne, MAX_PLAIN_NAME, true);
        const valuePlain = this.skip(text, vs, ve, MAX_PLAIN_VALUE, false);
        if (!namePlain || !valuePlain) {
          const name = percentDecode(text, ns, ne, !cookie);
          if (!namePlain && !this.add(part, name, name, true)) return;
          if (!valuePlain && !this.add(part, name, percentDecode(text, vs, ve, !cookie))) return;
        }
      }
      i = e + 1;
    }
  }
}

/** One walker for every body (walks are synchronous and never nested). */
const walker = new JsonWalker();

function jsonInputs(list: InputList, text: string): boolean {
  const before = list.count;
  let lastKeyStart = -1;
  const status = walker.walk(text, {
    jsonScalar(src, start, end, escaped, isString) {
      const d = walker.nearestObject();
      let name: string | null = null;
      if (d >= 0 && walker.keyStart[d] !== lastKeyStart) {
        lastKeyStart = walker.keyStart[d];
        if (walker.keyEscaped[d] === 1 || !list.skip(src, walker.keyStart[d], walker.keyEnd[d], MAX_PLAIN_NAME, true)) {
          name = walker.key(d);
          if (!list.add('json', name, name, true)) return false;
        }
      }
      if (!isString || (!escaped && list.skip(src, start, end, MAX_PLAIN_VALUE, false))) return !list.full();
      if (name === null) name = d >= 0 ? walker.key(d) : '';
      return list.add('json', name, escaped ? unescapeJson(src, start, end) : src.slice(start, end));
    },
  });
  return status === 'ok' || status === 'stopped' || list.count > before;
}

function bodyInputs(list: InputList, tx: Transaction, s: AttackSettings): void {
  const body = tx.requestBody;
  if (body === null || body.data.length === 0) return;
  const ctypeRaw = findHeader(tx, 'content-type');
  const ctype = ctypeRaw.toLowerCase();
  const len = Math.min(body.data.length, s.maxBodyBytes);
  const raw = body.data.toString('latin1', 0, len);
  if (ctype.includes('multipart/form-data')) {
    const parts = multipartParts(raw, headerParam(ctypeRaw, 'boundary'));
    if (parts !== null) {
      for (const p of parts) {
        list.add('multipart', p.name, p.name, true);
        if (p.filename !== '') list.add('multipart', p.name, p.filename);
        const binary = p.contentType !== '' && !p.contentType.startsWith('text/') && !p.contentType.includes('json') && !p.contentType.includes('xml');
        if (!binary) list.add('multipart', p.name, latin1ToUtf8(raw.slice(p.start, p.end)));
      }
      return;
    }
  }
  const first = firstNonSpace(raw);
  const json = ctype.includes('json') || ((first === 123 || first === 91) && !ctype.includes('x-www-form-urlencoded'));
  if (json && list.sink.inert !== undefined && list.sink.inert.inertJson(raw)) return;
  const text = latin1ToUtf8(raw);
  if (json) {
    const parsed = jsonInputs(list, text);
    // Operator keys whose values are null, true, false or objects are not visited as scalars: pass the document.
    if (text.indexOf('"$') >= 0) list.add('body', '', text);
    if (parsed) return;
  }
  if (ctype.includes('xml') || first === 60) {
    list.add('body', '', text);
    walkXml(text, { xmlValue: (value, _path, name) => list.add('xml', name, value) });
    return;
  }
  if (ctype.includes('x-www-form-urlencoded') || (ctype === '' && text.indexOf('=') > 0)) {
    list.pairs('form', raw, 38);
    // Without a content type the server may read the body as anything: look at it whole as well.
    if (ctype === '') list.add('body', '', text);
    return;
  }
  list.add('body', '', text);
}

function findHeader(tx: Transaction, lower: string): string {
  for (const [n, v] of tx.requestHeaders) if (n.length === lower.length && n.toLowerCase() === lower) return v;
  return '';
}

function firstNonSpace(s: string): number {
  for (let i = 0; i < s.length && i < 64; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13 && c !== 0xfeff) return c;
  }
  return 0;
}

/**
 * Hands every inspected input of `tx`'s request to `sink`, in request order (path, query, headers, cookies, body).
 * Structural headers are passed only when they hold a `$` (the only detector that reads them looks for lookups).
 */
export function forEachInput(tx: Transaction, s: AttackSettings, sink: InputSink): void {
  const list = new InputList(s, sink);
  if (sink.inert === undefined || !sink.inert.inert(tx.path, 0, tx.path.length)) {
    if (!list.add('path', '', percentDecode(tx.path, 0, tx.path.length, false))) return;
  }
  if (tx.query.length > 0) list.pairs('query', tx.query, 38);
  const headers = tx.requestHeaders;
  for (let i = 0; i < headers.length && !list.full(); i++) {
    const [name, value] = headers[i];
    const kind = headerKind(name);
    if (kind === 2) list.pairs('cookie', value, 59);
    else if (kind === 0) {
      if (sink.knownClean === undefined || !sink.knownClean('header', name, value)) list.add('header', name, latin1ToUtf8(value));
    }
    else if (value.indexOf('$') >= 0) list.add('header', name, latin1ToUtf8(value), false, true);
  }
  if (!list.full()) bodyInputs(list, tx, s);
}

/** Every inspected input of `tx`'s request as objects (for tests and tools; the scanner uses {@link forEachInput}). */
export function extractInputs(tx: Transaction, s: AttackSettings): AttackInput[] {
  const out: AttackInput[] = [];
  forEachInput(tx, s, { input: (part, name, value, isName, structural) => out.push({ part, name, value, isName, structural }) > 0 });
  return out;
}
