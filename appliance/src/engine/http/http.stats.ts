/**
 * Counters of the HTTP/1.x stage: how many connections, messages and transactions it saw, and how often it had to
 * tolerate, resynchronise or give up. One instance per engine, shared by every HTTP session of that engine; the
 * health page and `api-radar analyze` report it next to the weird counters.
 */

/** Most servers {@link HttpStats.nonHttpServers} tracks. */
export const MAX_NON_HTTP_SERVERS = 10_000;

/** HTTP-stage counters. All fields are plain counts since the instance was created. */
export class HttpStats {
  /** Connections handed to the HTTP stage (one per TCP connection). */
  connections = 0;
  /** Connections recognised as HTTP by content (a request line or a status line was seen). */
  httpConnections = 0;
  /** Connections whose bytes did not look like HTTP (TLS, binary protocols): counted once, then ignored. */
  nonHttpConnections = 0;
  /** Of those, connections that opened with a TLS record (encrypted traffic the appliance cannot read). */
  tlsConnections = 0;
  /**
   * Non-HTTP connections per server (`ip:port`, `[ip6]:port`), at most {@link MAX_NON_HTTP_SERVERS} servers: where
   * the capture sees TLS (terminate it before the mirror point) or other protocols.
   */
  readonly nonHttpServers = new Map<string, { tls: number; other: number }>();

  /** Counts one non-HTTP connection to `server`. */
  noteNonHttp(server: string, tls: boolean): void {
    this.nonHttpConnections++;
    if (tls) this.tlsConnections++;
    let e = this.nonHttpServers.get(server);
    if (e === undefined) {
      if (this.nonHttpServers.size >= MAX_NON_HTTP_SERVERS) return;
      e = { tls: 0, other: 0 };
      this.nonHttpServers.set(server, e);
    }
    if (tls) e.tls++;
    else e.other++;
  }
  /** Transactions handed to the sink. */
  transactions = 0;
  /** Request heads parsed (request line + header block). */
  requests = 0;
  /** Final responses parsed (status line + header block; interim 1xx responses are counted apart). */
  responses = 0;
  /** Interim 1xx responses consumed (100 Continue, 102, 103). */
  interimResponses = 0;
  /** Protocol violations (bad start lines, bad framing, header limits...); each also counts an `http_*` weird. */
  parseErrors = 0;
  /** Times a direction entered resynchronisation (after a gap, a violation, or at a mid-stream start). */
  resyncs = 0;
  /** TCP gaps reported on HTTP connections. */
  gaps = 0;
  /** Connections that switched protocol (101 Switching Protocols, 2xx to CONNECT); parsing stopped there. */
  tunnels = 0;
  /** Transactions flagged Pipelined. */
  pipelined = 0;
  /** Responses emitted without a request (NoRequest). */
  noRequest = 0;
  /** Requests emitted without a response (NoResponse). */
  noResponse = 0;
  /** Bodies whose kept part is partial (analysis limit, gap, or the stream ended inside them). */
  bodiesTruncated = 0;
  /** Bodies whose content coding was decoded successfully. */
  bodiesDecoded = 0;
  /** Bodies whose content decoding failed or hit the decompression cap (flag DecodeError). */
  decodeErrors = 0;
  /** Bodies that hit the decompression cap (a subset of decodeErrors). */
  decompressionBombs = 0;
  /** Bodies with a content coding the stage cannot decode (kept raw). */
  unknownEncodings = 0;

  /** Adds every counter of `other` into this one (used when merging worker shards). */
  merge(other: Readonly<HttpStats>): void {
    for (const key of Object.keys(this) as Array<keyof HttpStats>) {
      const v = other[key];
      if (typeof v === 'number') (this as unknown as Record<string, number>)[key] += v;
    }
  }
}
