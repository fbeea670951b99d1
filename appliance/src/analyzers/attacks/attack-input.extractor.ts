/**
 * Takes every value an attacker can control out of a request: the path, query parameters (names and values),
 * header values, cookies, and body fields by content type (form fields, JSON string leaves and keys, XML text and
 * attributes, multipart fields and file names; an unknown body as one value). Reuses the sensitive analyzer's
 * bounded parsers and walkers; stops at the settings' limits and never throws.
 */
import type { Transaction } from '../../engine/transaction.types.ts';
import { forEachPair, headerParam, latin1ToUtf8, multipartParts, percentDecode } from '../sensitive/message.parsers.ts';
import { JsonWalker, unescapeJson } from '../sensitive/json-body.walker.ts';
import { walkXml } from '../sensitive/xml-body.walker.ts';
import type { AttackInput, InputPart } from './attack.types.ts';
import type { AttackSettings } from './attacks.settings.ts';

/** Headers that carry protocol data: only header-wide detectors (JNDI lookups) inspect them. */
const STRUCTURAL_HEADERS = new Set([
  'host', 'content-length', 'content-type', 'connection', 'accept', 'accept-encoding', 'accept-language',
  'cache-control', 'pragma', 'upgrade-insecure-requests', 'if-modified-since', 'if-none-match', 'te',
  'transfer-encoding', 'authorization', 'proxy-authorization', 'date', 'dnt', 'priority', 'content-encoding',
  'sec-fetch-site', 'sec-fetch-mode', 'sec-fetch-dest', 'sec-fetch-user', 'sec-ch-ua', 'sec-ch-ua-mobile',
  'sec-ch-ua-platform', 'keep-alive', 'expect', 'range', 'if-range', 'origin', 'x-request-id', 'traceparent',
]);

/** Collects inputs up to a limit. */
class InputList {
  readonly items: AttackInput[] = [];
  constructor(private readonly s: AttackSettings) {}

  full(): boolean {
    return this.items.length >= this.s.maxInputs;
  }

  add(part: InputPart, name: string, value: string, isName = false, structural = false): boolean {
    if (value.length === 0 || this.full()) return !this.full();
    const v = value.length > this.s.maxValueLength ? value.slice(0, this.s.maxValueLength) : value;
    this.items.push({ part, name, value: v, isName, structural });
    return true;
  }

  pairs(part: InputPart, text: string, sep: 38 | 59): void {
    forEachPair(text, sep, {
      pair: (name, value) => {
        this.add(part, name, name, true);
        return this.add(part, name, value);
      },
    });
  }
}

function jsonInputs(list: InputList, text: string): boolean {
  const walker = new JsonWalker();
  let lastKeyStart = -1;
  const status = walker.walk(text, {
    jsonScalar(src, start, end, escaped, isString) {
      const d = walker.nearestObject();
      const name = d >= 0 ? walker.key(d) : '';
      if (d >= 0 && walker.keyStart[d] !== lastKeyStart) {
        lastKeyStart = walker.keyStart[d];
        list.add('json', name, name, true);
      }
      if (!isString) return !list.full();
      return list.add('json', name, escaped ? unescapeJson(src, start, end) : src.slice(start, end));
    },
  });
  return status === 'ok' || status === 'stopped' || list.items.length > 0;
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
  const text = latin1ToUtf8(raw);
  const first = firstNonSpace(text);
  if (ctype.includes('json') || ((first === 123 || first === 91) && !ctype.includes('x-www-form-urlencoded'))) {
    if (jsonInputs(list, text)) return;
  }
  if (ctype.includes('xml') || first === 60) {
    list.add('body', '', text);
    walkXml(text, { xmlValue: (value, _path, name) => list.add('xml', name, value) });
    return;
  }
  if (ctype.includes('x-www-form-urlencoded') || (ctype === '' && text.indexOf('=') > 0)) {
    list.pairs('form', raw, 38);
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

/** Every inspected input of `tx`'s request, in request order (path, query, headers, cookies, body). */
export function extractInputs(tx: Transaction, s: AttackSettings): AttackInput[] {
  const list = new InputList(s);
  list.add('path', '', percentDecode(tx.path, 0, tx.path.length, false));
  if (tx.query.length > 0) list.pairs('query', tx.query, 38);
  for (const [name, value] of tx.requestHeaders) {
    const lower = name.toLowerCase();
    if (lower === 'cookie') {
      list.pairs('cookie', value, 59);
      continue;
    }
    list.add('header', name, latin1ToUtf8(value), false, STRUCTURAL_HEADERS.has(lower));
  }
  bodyInputs(list, tx, s);
  return list.items;
}
