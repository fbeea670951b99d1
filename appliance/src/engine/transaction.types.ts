/**
 * The Transaction record: one HTTP request and its response, as reconstructed from the wire. It is the only thing
 * the analyzers see (they never see packets), and its shape is documented in docs/engine.md.
 *
 * Everything in it came from the network and is attacker-controlled: strings are decoded as latin1 (byte-exact,
 * never throwing) and bodies are bounded by the engine settings.
 */

/** Header fields in wire order with names as sent. Use {@link headerValue} for case-insensitive look-ups. */
export type HeaderList = Array<[name: string, value: string]>;

/** Bit flags describing how complete and how regular a transaction's capture was. */
export const TxFlag = {
  /** A TCP gap (missing bytes) touched the request or the response. */
  Gap: 1 << 0,
  /** A body was longer than the analysis limit, or the capture ended inside it: the kept body is partial. */
  Truncated: 1 << 1,
  /** The request was sent before the previous response on the same connection had arrived. */
  Pipelined: 1 << 2,
  /** The connection was picked up without its handshake. */
  Midstream: 1 << 3,
  /** Only one direction of the connection was seen (no response bytes at all on this connection). */
  OneSided: 1 << 4,
  /** The request has no response (connection ended or capture stopped first). */
  NoResponse: 1 << 5,
  /** The response was seen without its request (e.g. a gap swallowed the request). */
  NoRequest: 1 << 6,
  /** The server answered 100 Continue before the final response. */
  Continue100: 1 << 7,
  /**
   * The connection switched protocol after this exchange (CONNECT 2xx or 101 Upgrade). Parsing stopped, except in a
   * CONNECT tunnel that carries plain HTTP: its inner exchanges follow on the same connection.
   */
  Tunnel: 1 << 8,
  /** A body's content decoding (gzip, deflate, br) failed or hit the decompression cap; the raw bytes are kept. */
  DecodeError: 1 << 9,
  /** The message had protocol violations that the parser tolerated (see the weird counters). */
  Malformed: 1 << 10,
} as const;

/**
 * One side's message body as kept for analysis. A content-encoded body is decoded lazily, on the first read of
 * `data` or `contentEncoding` (an accessor); a failed decode then sets `DecodeError` on its transaction. Read
 * bodies only where an analyzer needs them.
 */
export interface HttpBody {
  /** Body bytes after transfer decoding (chunked) and content decoding (gzip/deflate/br), at most the body limit. */
  data: Buffer;
  /** Body bytes on the wire (after de-chunking, before content decoding), including bytes not kept. */
  wireLength: number;
  /** Content-Encoding values that were decoded, outermost first (e.g. ["gzip"]). */
  contentEncoding: string[];
  /** Chunked transfer coding was used. */
  chunked: boolean;
  /** Trailer fields of a chunked body. */
  trailers: HeaderList;
}

/** One HTTP/1.x request/response exchange. */
export interface Transaction {
  /** Engine-unique flow number of the connection. */
  flowId: number;
  /** 0-based index of this transaction within its connection (from 0 again inside a CONNECT tunnel). */
  index: number;

  /** Capture time (µs since epoch) of the first request byte; of the first response byte when there is no request. */
  startTs: number;
  /** Capture time (µs) of the last byte of the response (or of the request when there is none). */
  endTs: number;
  /** Time from the end of the request to the first byte of the response, in µs; null without both. */
  latencyUs: number | null;

  ipVersion: 4 | 6;
  clientIp: string;
  clientPort: number;
  serverIp: string;
  serverPort: number;
  /** VLAN ids, outer first. */
  vlans: number[];

  /** Request method as sent (e.g. "GET"); empty when there is no request. */
  method: string;
  /** Request target exactly as sent (origin-form path+query, absolute-form URL, authority-form for CONNECT, or "*"). */
  uri: string;
  /** Path part of the target (no query), still percent-encoded as sent; "/" when the target had none. */
  path: string;
  /** Query string without the leading "?", as sent; empty when none. */
  query: string;
  /** Host header lower-cased without a default port (:80); for an absolute-form target its authority; else "". */
  host: string;
  /** e.g. "HTTP/1.1"; "HTTP/0.9" for a simple request. */
  httpVersion: string;
  requestHeaders: HeaderList;
  requestBody: HttpBody | null;

  /** Response status code, or null when no response was seen. */
  status: number | null;
  /** Reason phrase as sent. */
  reason: string;
  responseHeaders: HeaderList;
  responseBody: HttpBody | null;

  /** Bytes of the request on the wire (start line, headers, body). */
  requestBytes: number;
  /** Bytes of the response on the wire (including any 100-continue interim response). */
  responseBytes: number;

  /** {@link TxFlag} bits. */
  flags: number;
}

/** Returns the first value of header `name` (case-insensitive), or undefined. */
export function headerValue(headers: HeaderList, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i];
    if (h[0].length === lower.length && h[0].toLowerCase() === lower) return h[1];
  }
  return undefined;
}

/** Names of the flags set in `flags`, for JSON output and logs. */
export function txFlagNames(flags: number): string[] {
  const out: string[] = [];
  for (const [name, bit] of Object.entries(TxFlag)) if (flags & bit) out.push(name);
  return out;
}

/** Receives every transaction the engine completes. */
export type TransactionSink = (tx: Transaction) => void;
