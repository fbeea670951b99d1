// Test fixture: builds Transaction records (and single-detector contexts) for the sensitive-data tests.
import type { HeaderList, HttpBody, Transaction } from '../../../appliance/src/engine/transaction.types.ts';
import type { DetectContext, SensitiveDetector, SensitiveLocation, SensitiveMatch } from '../../../appliance/src/analyzers/sensitive/detector.types.ts';
import { TextFeatures } from '../../../appliance/src/analyzers/sensitive/text.features.ts';
import { DigitGroups } from '../../../appliance/src/analyzers/sensitive/digit.groups.ts';
import { classifyField } from '../../../appliance/src/analyzers/sensitive/field.hints.ts';

/** What a test transaction may set; everything else gets a plain default. */
export interface TxSpec {
  method?: string;
  /** Path with optional "?query". */
  target?: string;
  requestHeaders?: HeaderList;
  requestBody?: string | Buffer;
  requestType?: string;
  status?: number | null;
  responseHeaders?: HeaderList;
  responseBody?: string | Buffer;
  responseType?: string;
}

function body(data: string | Buffer | undefined): HttpBody | null {
  if (data === undefined) return null;
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return { data: buf, wireLength: buf.length, contentEncoding: [], chunked: false, trailers: [] };
}

/** A Transaction for the scanner tests. */
export function makeTx(spec: TxSpec = {}): Transaction {
  const target = spec.target ?? '/';
  const q = target.indexOf('?');
  const reqHeaders: HeaderList = [['Host', 'api.example.com'], ...(spec.requestHeaders ?? [])];
  if (spec.requestType !== undefined) reqHeaders.push(['Content-Type', spec.requestType]);
  const resHeaders: HeaderList = [['Server', 'nginx'], ...(spec.responseHeaders ?? [])];
  if (spec.responseType !== undefined) resHeaders.push(['Content-Type', spec.responseType]);
  return {
    flowId: 1,
    index: 0,
    startTs: 1_700_000_000_000_000,
    endTs: 1_700_000_000_100_000,
    latencyUs: 1000,
    ipVersion: 4,
    clientIp: '10.0.0.1',
    clientPort: 40000,
    serverIp: '10.0.0.2',
    serverPort: 80,
    vlans: [],
    method: spec.method ?? 'GET',
    uri: target,
    path: q >= 0 ? target.slice(0, q) : target,
    query: q >= 0 ? target.slice(q + 1) : '',
    host: 'api.example.com',
    httpVersion: 'HTTP/1.1',
    requestHeaders: reqHeaders,
    requestBody: body(spec.requestBody),
    status: spec.status === undefined ? 200 : spec.status,
    reason: 'OK',
    responseHeaders: resHeaders,
    responseBody: body(spec.responseBody),
    requestBytes: 0,
    responseBytes: 0,
    flags: 0,
  };
}

/** Runs one detector on `text` as the scanner would for a value of field `field` at `location`. */
export function runDetector(d: SensitiveDetector, text: string, field = '', location: SensitiveLocation = 'json', today = 20250101): SensitiveMatch[] {
  const features = new TextFeatures().compute(text, 0, text.length);
  const groups = new DigitGroups();
  let computed = false;
  const ctx: DetectContext = {
    location,
    hints: classifyField(field),
    features,
    todayYmd: today,
    digitGroups(t: string): DigitGroups {
      if (!computed) groups.compute(t);
      computed = true;
      return groups;
    },
  };
  const out: SensitiveMatch[] = [];
  d.find(text, ctx, out);
  return out;
}

/** Values a detector reports at the scanner's default threshold (0.6). */
export function reported(d: SensitiveDetector, text: string, field = '', location: SensitiveLocation = 'json'): string[] {
  return runDetector(d, text, field, location).filter((m) => m.confidence >= 0.6).map((m) => m.value);
}
