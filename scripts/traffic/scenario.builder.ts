/**
 * Building blocks of the scenario catalogue: a {@link ScenarioBuilder} owns the connections of one scenario and
 * merges their frames into one capture; an {@link HttpConn} drives HTTP exchanges over a TCP conversation and
 * records, for each, the transaction the engine must extract.
 */
import { createHash } from 'node:crypto';
import { formatIp } from '../../appliance/src/engine/ip.format.ts';
import type { PcapngInterface } from '../../appliance/src/engine/source/capture.writer.ts';
import { Dir } from '../../appliance/src/engine/stream.types.ts';
import { ApiContent, normalizeHost } from './api-content.generator.ts';
import { buildRequest, buildResponse, type BuiltMessage, type RequestSpec, type ResponseSpec } from './http-message.builder.ts';
import { ipBytes } from './packet.builder.ts';
import type { ExpectedTransaction, Scenario, ScenarioInfo } from './scenario.types.ts';
import { SeededRandom } from './seeded.random.ts';
import { TcpConversation, type CapturedPacket, type ConversationOptions, type SentRange, type Segmentation } from './tcp-conversation.builder.ts';

/** Capture time of the first packet of every scenario: 2023-11-14T22:13:20Z, in µs. */
export const SCENARIO_EPOCH_US = 1_700_000_000_000_000;

/** A request as sent: the built bytes, its spec and where it lies in the client stream. */
export interface SentRequest {
  spec: RequestSpec;
  msg: BuiltMessage;
  range: SentRange;
}

/** A response as sent. */
export interface SentResponse {
  spec: ResponseSpec;
  msg: BuiltMessage;
  range: SentRange;
}

/** Per-exchange options. */
export interface ExchangeOptions {
  requestSegmentation?: Segmentation;
  responseSegmentation?: Segmentation;
  /** Server think time before the response, µs (default random 300–3000). */
  serverDelayUs?: number;
  /** Client think time after the exchange, µs (default random 2000–20000). */
  thinkUs?: number;
  /** Flags the engine must set in addition to the connection's default flags. */
  flags?: string[];
}

/** Expectation overrides for one transaction. */
export interface ExpectOverrides {
  flags?: string[];
  flagsExact?: boolean;
  requestBodyLength?: number | null;
  responseBodyLength?: number | null;
  status?: number | null;
}

function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

interface PendingExpectation {
  tx: ExpectedTransaction;
  dir: Dir;
  offset: number;
}

/** HTTP exchanges over one TCP conversation, with their expectations. */
export class HttpConn {
  readonly conv: TcpConversation;
  readonly rng: SeededRandom;
  /** Flags every transaction of this connection must carry (e.g. Midstream). */
  defaultFlags: string[] = [];
  /** Whether transactions of this connection assert their flags exactly (false on lossy connections). */
  flagsExact = true;
  readonly pending: PendingExpectation[] = [];
  private readonly vlans: number[];

  constructor(conv: TcpConversation, rng: SeededRandom) {
    this.conv = conv;
    this.rng = rng;
    const link = conv.opts.link;
    this.vlans = link && link.kind === 'ethernet' ? [...(link.vlans ?? [])] : [];
  }

  /** Sends a request from the client. */
  sendRequest(spec: RequestSpec, how: Segmentation = 'mss'): SentRequest {
    const msg = buildRequest(spec);
    const range = this.conv.send(Dir.ToServer, msg.bytes, how);
    return { spec, msg, range };
  }

  /** Sends a response from the server. */
  sendResponse(spec: ResponseSpec, how: Segmentation = 'mss'): SentResponse {
    const msg = buildResponse(spec);
    const range = this.conv.send(Dir.ToClient, msg.bytes, how);
    return { spec, msg, range };
  }

  /** Sends a request's head, runs `between` (e.g. the server's 100 Continue), then sends its body. */
  sendRequestInParts(spec: RequestSpec, between: () => void, how: Segmentation = 'mss'): SentRequest {
    const msg = buildRequest(spec);
    const r1 = this.conv.send(Dir.ToServer, msg.head, how);
    between();
    const r2 = this.conv.send(Dir.ToServer, msg.wireBody, how);
    return { spec, msg, range: { start: r1.start, end: r2.end, firstTs: r1.firstTs, lastTs: r2.lastTs } };
  }

  /** Sends raw bytes from `dir` (tunnel payload, interim responses). */
  sendRaw(dir: Dir, bytes: Buffer | string, how: Segmentation = 'mss'): SentRange {
    return this.conv.send(dir, typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes, how);
  }

  /** Sends several requests in one write (pipelining): their bytes share segments. */
  sendRequests(specs: RequestSpec[], how: Segmentation = 'mss'): SentRequest[] {
    const msgs = specs.map((s) => buildRequest(s));
    const range = this.conv.send(Dir.ToServer, Buffer.concat(msgs.map((m) => m.bytes)), how);
    let off = range.start;
    return msgs.map((msg, i) => {
      const r = { spec: specs[i], msg, range: { ...range, start: off, end: off + msg.bytes.length } };
      off += msg.bytes.length;
      return r;
    });
  }

  /** Sends several responses in one write. */
  sendResponses(specs: ResponseSpec[], how: Segmentation = 'mss'): SentResponse[] {
    const msgs = specs.map((s) => buildResponse(s));
    const range = this.conv.send(Dir.ToClient, Buffer.concat(msgs.map((m) => m.bytes)), how);
    let off = range.start;
    return msgs.map((msg, i) => {
      const r = { spec: specs[i], msg, range: { ...range, start: off, end: off + msg.bytes.length } };
      off += msg.bytes.length;
      return r;
    });
  }

  /** Records the expected transaction for a request and/or response (at least one of them). */
  expect(req: SentRequest | null, resp: SentResponse | null, o: ExpectOverrides = {}): ExpectedTransaction {
    const c = this.conv.opts;
    const tx: ExpectedTransaction = {
      index: this.pending.length,
      startTs: 0,
      ipVersion: c.ipVersion,
      clientIp: formatIp(ipBytes(c.clientIp)),
      clientPort: c.clientPort,
      serverIp: formatIp(ipBytes(c.serverIp)),
      serverPort: c.serverPort,
      vlans: this.vlans,
      method: req ? req.spec.method : '',
      uri: req ? req.spec.uri : '',
      host: req && req.spec.host !== undefined ? normalizeHost(req.spec.host) : '',
      httpVersion: req ? (req.spec.version ?? 'HTTP/1.1') : null,
      status: o.status !== undefined ? o.status : resp ? resp.spec.status : null,
      requestBodyLength: o.requestBodyLength !== undefined ? o.requestBodyLength : req ? req.msg.decodedBody.length : null,
      responseBodyLength: o.responseBodyLength !== undefined ? o.responseBodyLength : resp ? resp.msg.decodedBody.length : null,
      requestBodySha256: null,
      responseBodySha256: null,
      responseContentEncoding: resp ? resp.msg.contentEncoding : null,
      flags: [...new Set([...this.defaultFlags, ...(o.flags ?? [])])],
      flagsExact: o.flagsExact ?? this.flagsExact,
    };
    if (req && tx.requestBodyLength !== null) tx.requestBodySha256 = sha256(req.msg.decodedBody);
    if (resp && tx.responseBodyLength !== null) tx.responseBodySha256 = sha256(resp.msg.decodedBody);
    this.pending.push({ tx, dir: req ? Dir.ToServer : Dir.ToClient, offset: req ? req.range.start : resp!.range.start });
    return tx;
  }

  /**
   * One complete exchange: the request, the server's think time, the response, the client's ACK and think time.
   * Records a lossless expectation.
   */
  exchange(reqSpec: RequestSpec, respSpec: ResponseSpec, o: ExchangeOptions = {}): { req: SentRequest; resp: SentResponse; tx: ExpectedTransaction } {
    const req = this.sendRequest(reqSpec, o.requestSegmentation);
    this.conv.wait(o.serverDelayUs ?? this.rng.int(300, 3000));
    const resp = this.sendResponse(respSpec, o.responseSegmentation);
    this.conv.wait(this.conv.rtt);
    this.conv.ack(Dir.ToServer);
    this.conv.wait(o.thinkUs ?? this.rng.int(2000, 20000));
    const tx = this.expect(req, resp, { flags: o.flags });
    return { req, resp, tx };
  }
}

/** Collects the connections of one scenario and assembles the capture. */
export class ScenarioBuilder {
  readonly rng: SeededRandom;
  readonly content: ApiContent;
  readonly conns: HttpConn[] = [];
  private nextClientPort: number;
  /** pcapng interfaces; default: one interface with the link type of the first packet. */
  interfaces: PcapngInterface[] | null = null;
  pcap = { bigEndian: false, nanos: false };
  /** Add sub-µs fractions (multiples of 250 ns) to timestamps, for nanosecond captures. */
  subMicro = false;

  constructor(seed: number) {
    this.rng = new SeededRandom(seed);
    this.content = new ApiContent(this.rng);
    this.nextClientPort = 40000 + this.rng.int(0, 9999);
  }

  /** A fresh ephemeral client port, unique within the scenario. */
  clientPort(): number {
    return this.nextClientPort++;
  }

  /**
   * Opens a connection (defaults: IPv4 192.168.1.10 → 10.20.0.10:80, fresh client port, Ethernet) starting at
   * `startUs` after the scenario epoch.
   */
  conn(o: Partial<ConversationOptions> = {}, startUs = 0): HttpConn {
    const opts: ConversationOptions = {
      ipVersion: 4,
      clientIp: '192.168.1.10',
      serverIp: '10.20.0.10',
      clientPort: this.clientPort(),
      serverPort: 80,
      ...o,
    };
    const conv = new TcpConversation(opts, this.rng, SCENARIO_EPOCH_US + startUs);
    const c = new HttpConn(conv, this.rng);
    this.conns.push(c);
    return c;
  }

  /** Merges every connection's frames in capture order and orders the expectations. */
  build(info: ScenarioInfo, seed: number): Scenario {
    const tagged: Array<{ p: CapturedPacket; c: number; i: number }> = [];
    const expected: Array<{ tx: ExpectedTransaction; c: number }> = [];
    this.conns.forEach((conn, c) => {
      conn.conv.render().forEach((p, i) => tagged.push({ p, c, i }));
      for (const pe of conn.pending) {
        pe.tx.startTs = conn.conv.deliveryTs(pe.dir, pe.offset) ?? conn.conv.clock;
        expected.push({ tx: pe.tx, c });
      }
    });
    tagged.sort((a, b) => a.p.ts - b.p.ts || a.c - b.c || a.i - b.i);
    const packets = tagged.map((t) => t.p);
    if (this.subMicro) {
      for (const p of packets) p.ts = p.ts + 0.25 * (p.ts % 4);
      for (const e of expected) e.tx.startTs = Math.floor(e.tx.startTs);
    }
    expected.sort((a, b) => a.tx.startTs - b.tx.startTs || a.c - b.c || a.tx.index - b.tx.index);
    const interfaces = this.interfaces ?? [{ linkType: packets[0].linkType, tsResolution: this.pcap.nanos ? 9 : 6 }];
    for (const p of packets) {
      const iface = interfaces[p.ifIndex];
      if (!iface || iface.linkType !== p.linkType) throw new Error(`${info.name}: packet link type ${p.linkType} does not match interface ${p.ifIndex}`);
    }
    return { info, seed, packets, expected: expected.map((e) => e.tx), interfaces, pcap: { ...this.pcap } };
  }
}
