/**
 * HTTP/1.x message bytes for the traffic generator: requests and responses with Content-Length, chunked (with
 * extensions and trailers), close-delimited or absent bodies, gzip / deflate (zlib and raw) / br content coding,
 * and the decoded body the engine is expected to recover.
 */
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';

/** Header fields in wire order. */
export type Headers = Array<[string, string]>;

/** Content codings the generator can apply. `deflate-raw` is a raw DEFLATE stream labelled `deflate` (as IIS sends). */
export type Coding = 'gzip' | 'deflate' | 'deflate-raw' | 'br';

/** A request to build. */
export interface RequestSpec {
  method: string;
  uri: string;
  /** Host header value as sent; undefined = no Host header. */
  host?: string;
  version?: string;
  /** Extra fields after Host, in order. */
  headers?: Headers;
  body?: Buffer | string | null;
  /** Send the body chunked: `true` = random-ish fixed pieces of 100 bytes, or explicit chunk sizes. */
  chunked?: boolean | number[];
  trailers?: Headers;
  /** Add `Expect: 100-continue`. */
  expectContinue?: boolean;
  contentType?: string;
}

/** A response to build. */
export interface ResponseSpec {
  status: number;
  reason?: string;
  version?: string;
  headers?: Headers;
  body?: Buffer | string | null;
  coding?: Coding | null;
  chunked?: boolean | number[];
  trailers?: Headers;
  /** No Content-Length and not chunked: the body ends when the server closes the connection. */
  closeDelimited?: boolean;
  /** Announce `Content-Length: n` but send no body (a HEAD response). */
  headOnlyLength?: number;
  contentType?: string;
}

/** A built message: its head, its body as sent, and what decoding must yield. */
export interface BuiltMessage {
  head: Buffer;
  /** Body bytes on the wire (after the head). */
  wireBody: Buffer;
  /** head + wireBody. */
  bytes: Buffer;
  /** Body after transfer and content decoding. */
  decodedBody: Buffer;
  /** Content codings applied, outermost first (as the engine reports them). */
  contentEncoding: string[];
  chunked: boolean;
}

const REASONS: Record<number, string> = {
  100: 'Continue',
  101: 'Switching Protocols',
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  304: 'Not Modified',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Standard reason phrase of a status code ("Unknown" when not listed). */
export function reasonPhrase(status: number): string {
  return REASONS[status] ?? 'Unknown';
}

/** Applies a content coding. */
export function encodeBody(body: Buffer, coding: Coding): Buffer {
  switch (coding) {
    case 'gzip':
      return gzipSync(body);
    case 'deflate':
      return deflateSync(body);
    case 'deflate-raw':
      return deflateRawSync(body);
    case 'br':
      return brotliCompressSync(body);
  }
}

/** Chunked transfer coding of `body`: sizes in hex (some upper-case, one with an extension), then trailers. */
export function chunkBody(body: Buffer, sizes: boolean | number[], trailers: Headers = []): Buffer {
  const parts: Buffer[] = [];
  let pos = 0;
  let i = 0;
  while (pos < body.length) {
    const want = Array.isArray(sizes) ? sizes[Math.min(i, sizes.length - 1)] : 100 + ((i * 37) % 200);
    const n = Math.max(1, Math.min(want, body.length - pos));
    const hex = i % 2 === 1 ? n.toString(16).toUpperCase() : n.toString(16);
    const ext = i === 1 ? ';name=value' : '';
    parts.push(Buffer.from(`${hex}${ext}\r\n`, 'latin1'), body.subarray(pos, pos + n), Buffer.from('\r\n'));
    pos += n;
    i++;
  }
  parts.push(Buffer.from('0\r\n', 'latin1'));
  for (const [k, v] of trailers) parts.push(Buffer.from(`${k}: ${v}\r\n`, 'latin1'));
  parts.push(Buffer.from('\r\n'));
  return Buffer.concat(parts);
}

function toBuffer(b: Buffer | string | null | undefined): Buffer {
  if (b === null || b === undefined) return Buffer.alloc(0);
  return typeof b === 'string' ? Buffer.from(b, 'utf8') : b;
}

function headText(first: string, headers: Headers): Buffer {
  let s = `${first}\r\n`;
  for (const [k, v] of headers) s += `${k}: ${v}\r\n`;
  return Buffer.from(`${s}\r\n`, 'latin1');
}

/** Builds a request. */
export function buildRequest(spec: RequestSpec): BuiltMessage {
  const body = toBuffer(spec.body);
  const headers: Headers = [];
  if (spec.host !== undefined) headers.push(['Host', spec.host]);
  headers.push(...(spec.headers ?? []));
  const chunked = spec.chunked !== undefined && spec.chunked !== false;
  if (body.length > 0 || chunked) headers.push(['Content-Type', spec.contentType ?? 'application/json']);
  if (spec.expectContinue) headers.push(['Expect', '100-continue']);
  if (chunked) {
    headers.push(['Transfer-Encoding', 'chunked']);
    if (spec.trailers?.length) headers.push(['Trailer', spec.trailers.map((t) => t[0]).join(', ')]);
  } else if (body.length > 0 || spec.method === 'POST' || spec.method === 'PUT' || spec.method === 'PATCH') {
    headers.push(['Content-Length', String(body.length)]);
  }
  const head = headText(`${spec.method} ${spec.uri} ${spec.version ?? 'HTTP/1.1'}`, headers);
  const wireBody = chunked ? chunkBody(body, spec.chunked as boolean | number[], spec.trailers) : body;
  return { head, wireBody, bytes: Buffer.concat([head, wireBody]), decodedBody: body, contentEncoding: [], chunked };
}

/** Builds a response. */
export function buildResponse(spec: ResponseSpec): BuiltMessage {
  const body = toBuffer(spec.body);
  const coding = spec.coding ?? null;
  const encoded = coding ? encodeBody(body, coding) : body;
  const headers: Headers = [...(spec.headers ?? [])];
  const chunked = spec.chunked !== undefined && spec.chunked !== false;
  const bodyless = spec.status === 204 || spec.status === 304 || (spec.status >= 100 && spec.status < 200);
  if (body.length > 0 || spec.headOnlyLength !== undefined || spec.contentType) {
    headers.push(['Content-Type', spec.contentType ?? 'application/json; charset=utf-8']);
  }
  if (coding) headers.push(['Content-Encoding', coding === 'deflate-raw' ? 'deflate' : coding]);
  if (chunked) headers.push(['Transfer-Encoding', 'chunked']);
  else if (spec.headOnlyLength !== undefined) headers.push(['Content-Length', String(spec.headOnlyLength)]);
  else if (!spec.closeDelimited && !bodyless) headers.push(['Content-Length', String(encoded.length)]);
  if (chunked && spec.trailers?.length) headers.push(['Trailer', spec.trailers.map((t) => t[0]).join(', ')]);
  const head = headText(`${spec.version ?? 'HTTP/1.1'} ${spec.status} ${spec.reason ?? reasonPhrase(spec.status)}`, headers);
  let wireBody: Buffer;
  if (spec.headOnlyLength !== undefined || bodyless) wireBody = Buffer.alloc(0);
  else if (chunked) wireBody = chunkBody(encoded, spec.chunked as boolean | number[], spec.trailers);
  else wireBody = encoded;
  const decodedBody = wireBody.length === 0 ? Buffer.alloc(0) : body;
  return {
    head,
    wireBody,
    bytes: Buffer.concat([head, wireBody]),
    decodedBody,
    contentEncoding: coding && wireBody.length > 0 ? [coding === 'deflate-raw' ? 'deflate' : coding] : [],
    chunked,
  };
}
