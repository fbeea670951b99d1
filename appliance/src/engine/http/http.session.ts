/**
 * The HTTP/1.x stage of the engine: one {@link HttpSession} per TCP connection turns the two reassembled byte
 * streams into Transaction records. The session recognises HTTP by content (and which side is the client),
 * pairs responses with requests in FIFO order (pipelining, 1xx interim responses), bounds the queue of requests
 * waiting for a response, and emits each exchange when both its sides are complete or can no longer complete.
 * Per-direction parsing lives in message.parser.ts.
 */
import type { EngineSettings } from '../engine.settings.ts';
import type { WeirdCounters } from '../weird.counters.ts';
import { Dir, type ConnectionInfo, type StreamConsumer, type StreamConsumerFactory, type StreamEndReason } from '../stream.types.ts';
import { TxFlag, type TransactionSink } from '../transaction.types.ts';
import { HttpStats } from './http.stats.ts';
import { Exchange } from './exchange.model.ts';
import { createParserScratch, MessageParser, Role, type ParserScratch, type SessionHooks } from './message.parser.ts';

export { HttpStats } from './http.stats.ts';

/** Bytes a mid-stream connection may scan, in both directions together, without finding a start line before it is judged not HTTP. */
export const MIDSTREAM_SCAN_BUDGET = 1 << 20;

/** The HTTP consumer of one connection. */
export class HttpSession implements StreamConsumer, SessionHooks {
  /** Parser of the ToServer direction (fields, not an array: one object less to touch per packet). */
  private readonly p0: MessageParser;
  /** Parser of the ToClient direction. */
  private readonly p1: MessageParser;
  private dead = false;
  /** The flow stage's client/server guess was wrong: requests flow ToClient. */
  private swapped = false;
  private rolesKnown = false;
  /** Exchanges not emitted yet, in creation order. */
  private readonly live: Exchange[] = [];
  /** Exchanges whose response has not started, oldest first. */
  private readonly waiting: Exchange[] = [];
  private emitted = 0;
  /** Bytes seen ToServer. */
  private bytes0 = 0;
  /** Bytes seen ToClient. */
  private bytes1 = 0;
  private scanBudget = MIDSTREAM_SCAN_BUDGET;
  /** A direction opened with a TLS record. */
  private tls = false;

  constructor(
    private readonly conn: ConnectionInfo,
    readonly settings: EngineSettings,
    readonly weird: WeirdCounters,
    private readonly sink: TransactionSink,
    readonly stats: HttpStats,
    readonly scratch: ParserScratch = createParserScratch(),
  ) {
    this.p0 = new MessageParser(this, Dir.ToServer, conn.midstream);
    this.p1 = new MessageParser(this, Dir.ToClient, conn.midstream);
  }

  onData(dir: Dir, data: Buffer, ts: number): void {
    this.onBytes(dir, data, 0, data.length, ts);
  }

  onBytes(dir: Dir, buf: Buffer, off: number, end: number, ts: number): void {
    if (this.dead) return;
    if (!this.rolesKnown && this.dirBytesOf(dir) === 0 && looksLikeTls(buf, off, end)) {
      this.tls = true;
      if (this.conn.midstream) {
        this.notHttp();
        return;
      }
    }
    if (dir === Dir.ToServer) {
      this.bytes0 += end - off;
      this.p0.feed(buf, off, end, ts);
    } else {
      this.bytes1 += end - off;
      this.p1.feed(buf, off, end, ts);
    }
  }

  onGap(dir: Dir, bytes: number, _ts: number): void {
    if (this.dead) return;
    if (dir === Dir.ToServer) this.bytes0 += bytes;
    else this.bytes1 += bytes;
    this.stats.gaps++;
    this.parserOf(dir).gap(bytes);
  }

  onEnd(dir: Dir, _reason: StreamEndReason, _ts: number): void {
    if (this.dead) return;
    const p = this.parserOf(dir);
    if (p.ended) return;
    p.end();
    const other = this.parserOf(1 - dir);
    if (other.ended) this.flush(true);
    else if (p.role === Role.Response) this.flush(false);
  }

  assignRoles(parser: MessageParser, role: number): void {
    if (this.rolesKnown) return;
    this.rolesKnown = true;
    this.stats.httpConnections++;
    const other = this.parserOf(1 - parser.dir);
    const reqDir = role === Role.Request ? parser.dir : other.dir;
    this.swapped = reqDir !== Dir.ToServer;
    parser.adopt(role);
    other.adopt(role === Role.Request ? Role.Response : Role.Request);
  }

  notHttp(): void {
    if (this.dead) return;
    this.weird.inc('http_not_http');
    const c = this.conn;
    this.stats.noteNonHttp(c.ipVersion === 6 ? `[${c.serverIp}]:${c.serverPort}` : `${c.serverIp}:${c.serverPort}`, this.tls);
    this.kill();
  }

  spendScanBudget(bytes: number): boolean {
    this.scanBudget -= bytes;
    if (this.scanBudget >= 0) return true;
    this.notHttp();
    return false;
  }

  openRequest(startTs: number): Exchange {
    const ex = new Exchange();
    ex.hasRequest = true;
    ex.reqStartTs = startTs;
    if (this.live.length > 0) ex.flags |= TxFlag.Pipelined;
    if (this.waiting.length >= this.settings.httpMaxPendingRequests) {
      this.weird.inc('http_pending_requests_exceeded');
      const oldest = this.waiting[0];
      oldest.reqDone = true;
      oldest.respDone = true;
      this.emit(oldest);
    }
    this.live.push(ex);
    this.waiting.push(ex);
    return ex;
  }

  bindResponse(startTs: number): Exchange {
    // a response that began before the oldest waiting request cannot answer it
    let ex = this.waiting.length > 0 && this.waiting[0].reqStartTs <= startTs ? this.waiting.shift() : undefined;
    if (ex === undefined) {
      ex = new Exchange();
      ex.flags |= TxFlag.NoRequest;
      ex.reqDone = true;
      this.live.push(ex);
    }
    if (ex.respStartTs < 0) ex.respStartTs = startTs;
    return ex;
  }

  settle(ex: Exchange): void {
    if (!ex.reqDone) return;
    if (ex.respDone || this.responderEnded()) this.emit(ex);
  }

  tunnel(ex: Exchange): void {
    ex.flags |= TxFlag.Tunnel;
    ex.reqDone = true;
    ex.respDone = true;
    this.stats.tunnels++;
    this.emit(ex);
    while (this.live.length > 0) this.emit(this.live[0]);
    if (ex.tx.method === 'CONNECT' && ex.tx.status !== 101) {
      // the tunnel is a new HTTP session inside the connection: its exchanges are numbered from 0 again
      this.emitted = 0;
      this.p0.enterTunnel();
      this.p1.enterTunnel();
    } else {
      this.kill();
    }
  }

  tunnelOpaque(): void {
    this.kill();
  }

  switchDeclined(): void {
    const req = this.swapped ? this.p1 : this.p0;
    req.release();
  }

  private parserOf(dir: number): MessageParser {
    return dir === Dir.ToServer ? this.p0 : this.p1;
  }

  private dirBytesOf(dir: number): number {
    return dir === Dir.ToServer ? this.bytes0 : this.bytes1;
  }

  private responderEnded(): boolean {
    return (this.swapped ? this.p0 : this.p1).ended;
  }

  /** Emits the exchanges that can no longer get a response (all of them when `all`). */
  private flush(all: boolean): void {
    for (let i = 0; i < this.live.length; ) {
      const ex = this.live[i];
      if (all || ex.reqDone) this.emit(ex);
      else i++;
    }
  }

  private emit(ex: Exchange): void {
    removeFrom(this.live, ex);
    removeFrom(this.waiting, ex);
    let flags = ex.flags;
    const stats = this.stats;
    if (this.conn.midstream) flags |= TxFlag.Midstream;
    if (!ex.hasResponse) {
      flags |= TxFlag.NoResponse;
      stats.noResponse++;
      if ((this.swapped ? this.bytes0 : this.bytes1) === 0) flags = (flags | TxFlag.OneSided) & ~TxFlag.Pipelined;
    }
    if (flags & TxFlag.NoRequest) stats.noRequest++;
    if (flags & TxFlag.Pipelined) stats.pipelined++;
    stats.transactions++;
    this.sink(ex.toTransaction(this.conn, this.emitted++, flags, this.swapped));
  }

  private kill(): void {
    this.dead = true;
    this.p0.kill();
    this.p1.kill();
    this.live.length = 0;
    this.waiting.length = 0;
  }
}

/** Removes `item` from `list` (usually its first element). */
function removeFrom(list: Exchange[], item: Exchange): void {
  if (list.length === 0) return;
  if (list[0] === item) {
    list.shift();
    return;
  }
  const i = list.indexOf(item);
  if (i > 0) list.splice(i, 1);
}

/** `buf[off..end)` starts with a TLS record header (handshake, alert, change cipher spec or application data, version 3.x). */
function looksLikeTls(buf: Buffer, off: number, end: number): boolean {
  return end - off >= 3 && buf[off] >= 0x14 && buf[off] <= 0x17 && buf[off + 1] === 3 && buf[off + 2] <= 4;
}

/**
 * Creates the HTTP stage's consumer factory: every new connection gets an {@link HttpSession} that emits its
 * transactions to `sink`, counts anomalies in `weird` and its activity in `stats`.
 */
export function createHttpConsumerFactory(
  settings: EngineSettings,
  weird: WeirdCounters,
  sink: TransactionSink,
  stats: HttpStats = new HttpStats(),
): StreamConsumerFactory {
  const scratch = createParserScratch();
  return (conn: ConnectionInfo) => {
    stats.connections++;
    return new HttpSession(conn, settings, weird, sink, stats, scratch);
  };
}
