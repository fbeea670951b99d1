/**
 * The incremental HTTP/1.x parser of one direction of a connection: content detection, request or status line,
 * header block, body framing (Content-Length, chunked with extensions and trailers, until close), gaps and
 * resynchronisation. It accepts bytes in arbitrary slices (one byte at a time works) and keeps at most one bounded
 * carry buffer for a head, a chunk-size line, a resync candidate or held bytes. Pairing of requests and responses
 * and emission belong to the session (see http.session.ts), reached through {@link SessionHooks}.
 *
 * Input is `buf[off..end)` of a buffer that may be much larger (a capture read buffer): every scan is bounded by
 * `end`. Hot path: a header block that arrives in one slice is found with one bounded scan and decoded with one latin1
 * toString; bodies are copied once into the kept buffer and never scanned byte by byte.
 */
import type { EngineSettings } from '../engine.settings.ts';
import type { WeirdCounters } from '../weird.counters.ts';
import type { Dir } from '../stream.types.ts';
import { TxFlag, type HeaderList, type HttpBody } from '../transaction.types.ts';
import type { HttpStats } from './http.stats.ts';
import type { Exchange } from './exchange.model.ts';
import { BodyCollector } from './body.collector.ts';
import { HeadParser } from './head.parser.ts';
import { knownCodings, LazyDecodedBody, MAX_CODING_LAYERS, parseCodingsShared, type DecodeReport } from './content.decoder.ts';
import {
  CHAR_H, CR, LF, MAX_METHOD_LENGTH, SP, Start, TCHAR, checkStartLine, classifyStart, findHeadEnd, isChunkedFinal,
  indexOfLf, normalizeHost, parseChunkSize, parseContentLength, splitTarget, type TargetParts,
} from './http.syntax.ts';

/** What a direction carries. The numeric values match {@link Start}.Request / Start.Response. */
export const Role = { Unknown: 0, Request: 1, Response: 2 } as const;

/** Per-engine scratch objects the parsers share (see {@link SessionHooks.scratch}). */
export interface ParserScratch {
  head: HeadParser;
  target: TargetParts;
}

/** Creates the scratch objects for one engine. */
export function createParserScratch(): ParserScratch {
  return { head: new HeadParser(), target: { path: '', query: '', host: null } };
}

/** What the parser needs from its session: limits, counters, role assignment and the exchange bookkeeping. */
export interface SessionHooks {
  readonly settings: EngineSettings;
  readonly weird: WeirdCounters;
  readonly stats: HttpStats;
  /**
   * Scratch state shared by every parser of the engine (a head is parsed and consumed synchronously, so one
   * instance serves all connections and stays in cache).
   */
  readonly scratch: ParserScratch;
  /** `parser` recognised `role` (Role.Request or Role.Response): give it that role and the other direction the other. */
  assignRoles(parser: MessageParser, role: number): void;
  /** The connection is not HTTP: count it once and ignore it from now on. */
  notHttp(): void;
  /** Charges `bytes` scanned while no role is known; false when the budget is exhausted (the connection was dropped). */
  spendScanBudget(bytes: number): boolean;
  /** A request head was parsed (or partly seen): a new exchange, queued for its response. */
  openRequest(startTs: number): Exchange;
  /** A response head was parsed (or partly seen): the oldest exchange waiting for one, or a NoRequest exchange. */
  bindResponse(startTs: number): Exchange;
  /** One side of `ex` finished: emit it when both are done. */
  settle(ex: Exchange): void;
  /**
   * `ex` switched protocol: emit it, then either stop parsing the connection (101 Upgrade) or, for a CONNECT tunnel,
   * let both directions judge the tunnel's first bytes ({@link MessageParser.enterTunnel}).
   */
  tunnel(ex: Exchange): void;
  /** A CONNECT tunnel carries something other than plain HTTP (TLS): stop parsing the connection. */
  tunnelOpaque(): void;
  /** The server refused a protocol switch: the client side resumes parsing what it held. */
  switchDeclined(): void;
}

const S_DETECT = 0;
const S_IDLE = 1;
const S_HEAD = 2;
const S_BODY_CL = 3;
const S_CHUNK_SIZE = 4;
const S_CHUNK_DATA = 5;
const S_CHUNK_CR = 6;
const S_CHUNK_LF = 7;
const S_TRAILERS = 8;
const S_BODY_CLOSE = 9;
const S_RESYNC = 10;
const S_HOLD = 11;
const S_DEAD = 12;
/** First bytes inside a CONNECT tunnel: plain HTTP goes on to S_IDLE, TLS stops the connection. */
const S_TUNNEL = 13;

const BODY_NONE = 0;
const BODY_CL = 1;
const BODY_CHUNKED = 2;
const BODY_CLOSE = 3;

/** Bounds of the window of a slice decoded at once to look for a complete head (larger heads take the general path). */
const HEAD_WINDOW_MIN = 256;
const HEAD_WINDOW_MAX = 4096;
/** Longest chunk-size line (size + extensions) accepted. */
const MAX_CHUNK_LINE = 4096;
/** Carry buffers larger than this are released once empty, so idle connections stay small. */
const CARRY_KEEP = 4096;

const EMPTY = Buffer.alloc(0);
/** The trailers of every body without any (shared, frozen: bodies are read-only to analyzers). */
const NO_TRAILERS = Object.freeze([]) as unknown as HeaderList;
/** The content codings of every body that was not decoded (shared and frozen, as NO_TRAILERS). */
const NO_CODINGS = Object.freeze([]) as unknown as string[];

/** Parser of one direction. Created by the session; `dir` is the stream direction it reads. */
export class MessageParser {
  role: number = Role.Unknown;
  /** The direction's stream ended (no more bytes). */
  ended = false;
  private state: number;
  private carry: Buffer = EMPTY;
  private carryLen = 0;
  /** Capture time of the first carried byte. */
  private carryTs = 0;
  /** Start time to use for the next message when bytes are replayed from a carry (-1: none). */
  private replayTs = -1;
  /** In resync mode: the next byte is at the start of a line. */
  private atLineStart = true;
  /** Exchange of the message in progress (for responses, also kept across interim 1xx responses). */
  private ex: Exchange | null = null;
  private msgStartTs = 0;
  private lastTs = 0;
  private msgBytes = 0;
  private remaining = 0;
  private bodyKind = BODY_NONE;
  private chunked = false;
  private codings: string | null = null;
  private trailerList: HeaderList | null = null;
  private inTrailers = false;
  private holdOverflow = false;
  /** Bytes decoded at once when looking for a head in one slice: 1.5 × the last head, within the bounds. */
  private headWindow = 1024;
  private rlMethod = '';
  private rlTarget = '';
  private rlVersion = '';
  private readonly body: BodyCollector;
  private readonly decodeReport: DecodeReport;
  private readonly hp: HeadParser;
  private readonly target: TargetParts;

  constructor(
    private readonly s: SessionHooks,
    readonly dir: Dir,
    midstream: boolean,
  ) {
    this.state = midstream ? S_RESYNC : S_DETECT;
    this.body = new BodyCollector(s.settings.httpBodyLimit);
    this.hp = s.scratch.head;
    this.target = s.scratch.target;
    this.decodeReport = { weird: s.weird, stats: s.stats, maxOutput: s.settings.httpDecompressLimit, bodyLimit: s.settings.httpBodyLimit };
  }

  /** Gives this direction its role once the connection is recognised; replays bytes held during detection. */
  adopt(role: number): void {
    this.role = role;
    if (this.state !== S_DETECT) return;
    this.state = S_IDLE;
    if (this.carryLen > 0) {
      this.replayTs = this.carryTs;
      const tmp = this.takeCarry();
      this.feed(tmp, 0, tmp.length, this.lastTs);
    }
  }

  /** Stops all parsing of this direction. */
  kill(): void {
    this.state = S_DEAD;
    this.clearCarry();
    this.ex = null;
  }

  /**
   * The connection became a CONNECT tunnel. The next bytes of this direction (held ones first) decide: a TLS record
   * ends parsing of the connection, anything else is parsed as HTTP again with the same roles.
   */
  enterTunnel(): void {
    if (this.state === S_DEAD) return;
    this.state = S_TUNNEL;
    this.ex = null;
    if (this.holdOverflow) {
      this.holdOverflow = false;
      this.s.tunnelOpaque();
      return;
    }
    if (this.carryLen > 0) {
      this.replayTs = this.carryTs;
      const tmp = this.takeCarry();
      this.feed(tmp, 0, tmp.length, this.lastTs);
    }
  }

  /** Parses `buf[off..end)`, which arrived at capture time `ts`. */
  feed(buf: Buffer, off: number, end: number, ts: number): void {
    this.lastTs = ts;
    while (off < end) {
      switch (this.state) {
        case S_IDLE:
          off = this.idle(buf, off, end, ts);
          break;
        case S_HEAD:
          off = this.head(buf, off, end);
          break;
        case S_BODY_CL:
        case S_CHUNK_DATA: {
          const avail = end - off;
          const n = avail < this.remaining ? avail : this.remaining;
          this.body.add(buf, off, n);
          off += n;
          this.msgBytes += n;
          this.remaining -= n;
          if (this.remaining === 0) {
            if (this.state === S_BODY_CL) this.finishMessage();
            else this.state = S_CHUNK_CR;
          }
          break;
        }
        case S_CHUNK_SIZE:
          off = this.chunkSize(buf, off, end);
          break;
        case S_CHUNK_CR: {
          const c = buf[off];
          if (c === CR) {
            off++;
            this.msgBytes++;
            this.state = S_CHUNK_LF;
          } else if (c === LF) {
            off++;
            this.msgBytes++;
            this.state = S_CHUNK_SIZE;
          } else {
            this.violation('http_chunk_missing_crlf', this.ex);
            this.state = S_CHUNK_SIZE;
          }
          break;
        }
        case S_CHUNK_LF:
          if (buf[off] === LF) {
            off++;
            this.msgBytes++;
          } else {
            this.violation('http_chunk_missing_crlf', this.ex);
          }
          this.state = S_CHUNK_SIZE;
          break;
        case S_TRAILERS:
          off = this.trailers(buf, off, end);
          break;
        case S_BODY_CLOSE:
          this.body.add(buf, off, end - off);
          this.msgBytes += end - off;
          off = end;
          break;
        case S_RESYNC:
          off = this.resync(buf, off, end, ts);
          break;
        case S_DETECT:
          off = this.detect(buf, off, end, ts);
          break;
        case S_HOLD:
          this.hold(buf, off, end);
          off = end;
          break;
        case S_TUNNEL:
          if (buf[off] >= 0x14 && buf[off] <= 0x17) {
            this.s.tunnelOpaque();
            return;
          }
          this.state = S_IDLE;
          break;
        default:
          return;
      }
    }
  }

  /** `bytes` of this direction were never captured. */
  gap(bytes: number): void {
    const ex = this.ex;
    switch (this.state) {
      case S_BODY_CL:
      case S_CHUNK_DATA:
        ex!.flags |= TxFlag.Gap | TxFlag.Truncated;
        if (bytes <= this.remaining) {
          this.body.gap(bytes);
          this.msgBytes += bytes;
          this.remaining -= bytes;
          if (this.remaining === 0) {
            if (this.state === S_BODY_CL) this.finishMessage();
            else this.state = S_CHUNK_CR;
          }
          return;
        }
        this.body.gap(this.remaining);
        this.msgBytes += this.remaining;
        this.finishMessage();
        this.enterResync(true);
        return;
      case S_BODY_CLOSE:
        ex!.flags |= TxFlag.Gap | TxFlag.Truncated;
        this.body.gap(bytes);
        this.msgBytes += bytes;
        return;
      case S_HEAD:
        if (this.inTrailers) {
          ex!.flags |= TxFlag.Gap;
          this.finishMessage();
        } else {
          this.abortHead(this.carry, 0, this.carryLen, TxFlag.Gap);
        }
        this.enterResync(true);
        return;
      case S_CHUNK_SIZE:
      case S_CHUNK_CR:
      case S_CHUNK_LF:
      case S_TRAILERS:
        ex!.flags |= TxFlag.Gap | TxFlag.Truncated;
        this.body.markTruncated();
        this.finishMessage();
        this.enterResync(true);
        return;
      case S_IDLE:
        if (ex !== null) ex.flags |= TxFlag.Gap;
        this.enterResync(true);
        return;
      case S_RESYNC:
        this.clearCarry();
        this.atLineStart = true;
        return;
      case S_DETECT:
        this.enterResync(true);
        return;
      case S_HOLD:
        this.holdOverflow = true;
        this.clearCarry();
        return;
      default:
        return;
    }
  }

  /** The direction's stream ended: a close-delimited body completes, anything else in progress is truncated. */
  end(): void {
    this.ended = true;
    const ex = this.ex;
    switch (this.state) {
      case S_BODY_CLOSE:
        this.finishMessage();
        break;
      case S_BODY_CL:
      case S_CHUNK_SIZE:
      case S_CHUNK_DATA:
      case S_CHUNK_CR:
      case S_CHUNK_LF:
      case S_TRAILERS:
        ex!.flags |= TxFlag.Truncated;
        this.body.markTruncated();
        this.finishMessage();
        break;
      case S_HEAD:
        if (this.inTrailers) {
          ex!.flags |= TxFlag.Truncated;
          this.finishMessage();
        } else {
          this.abortHead(this.carry, 0, this.carryLen, TxFlag.Truncated);
        }
        break;
      default:
        break;
    }
    this.kill();
  }

  /** The server refused the protocol switch this (client) direction was waiting for: parse the held bytes. */
  release(): void {
    if (this.state !== S_HOLD) return;
    this.state = S_IDLE;
    if (this.holdOverflow) {
      this.holdOverflow = false;
      this.enterResync(false);
      return;
    }
    if (this.carryLen > 0) {
      this.replayTs = this.carryTs;
      const tmp = this.takeCarry();
      this.feed(tmp, 0, tmp.length, this.lastTs);
    }
  }

  private idle(buf: Buffer, off: number, end: number, ts: number): number {
    let c = buf[off];
    while (c === CR || c === LF) {
      if (++off === end) return end;
      c = buf[off];
    }
    if (this.role === Role.Request ? TCHAR[c] === 0 : c !== CHAR_H) {
      this.violation(this.role === Role.Request ? 'http_bad_request_line' : 'http_bad_status_line', this.ex);
      this.enterResync(false);
      return off;
    }
    this.msgStartTs = this.replayTs >= 0 ? this.replayTs : ts;
    this.replayTs = -1;
    this.msgBytes = 0;
    this.inTrailers = false;
    this.state = S_HEAD;
    return this.head(buf, off, end);
  }

  /** Accumulates a head (or a trailer section) until its blank line, then parses it. */
  private head(buf: Buffer, off: number, end: number): number {
    const max = this.s.settings.httpMaxHeaderBytes;
    const old = this.carryLen;
    if (old === 0) {
      // Common case: the whole head is in this slice. Decode a window (sized from the previous head of this
      // direction) once and let the head parser find the end.
      const win = end - off > this.headWindow ? off + this.headWindow : end;
      const hp = this.hp;
      const wused = hp.parse(buf.toString('latin1', off, win), !this.inTrailers, this.s.settings.httpMaxHeaderCount);
      if (hp.complete) {
        const next = wused + (wused >> 1) + 64;
        this.headWindow = next < HEAD_WINDOW_MIN ? HEAD_WINDOW_MIN : next > HEAD_WINDOW_MAX ? HEAD_WINDOW_MAX : next;
        if (wused > max) {
          this.msgBytes += wused;
          this.headTooLarge(buf, off, off + wused, true);
          return off + wused;
        }
        this.msgBytes += wused;
        this.onHead();
        return off + wused;
      }
      const e = win === end ? -1 : findHeadEnd(buf, off, end);
      if (e < 0) {
        this.msgBytes += end - off;
        if (end - off > max) {
          this.headTooLarge(buf, off, end, false);
          return end;
        }
        this.append(buf, off, end);
        return end;
      }
      if (e - off > max) {
        this.msgBytes += e - off;
        this.headTooLarge(buf, off, e, true);
        return e;
      }
      const used = this.hp.parse(buf.toString('latin1', off, e), !this.inTrailers, this.s.settings.httpMaxHeaderCount);
      this.msgBytes += used;
      this.onHead();
      return off + used;
    }
    let e = -1;
    const c1 = this.carry[old - 1];
    const b0 = buf[off];
    if (c1 === LF) {
      if (b0 === LF) e = off + 1;
      else if (b0 === CR && off + 1 < end && buf[off + 1] === LF) e = off + 2;
    } else if (c1 === CR && old >= 2 && this.carry[old - 2] === LF && b0 === LF) {
      e = off + 1;
    }
    if (e < 0) e = findHeadEnd(buf, off, end);
    if (e < 0) {
      this.msgBytes += end - off;
      if (old + end - off > max) {
        this.headTooLarge(this.carry, 0, old, false);
        return end;
      }
      this.append(buf, off, end);
      return end;
    }
    if (old + e - off > max) {
      this.msgBytes += e - off;
      this.headTooLarge(this.carry, 0, old, true);
      return e;
    }
    this.append(buf, off, e);
    let used = this.hp.parse(this.carry.toString('latin1', 0, this.carryLen), !this.inTrailers, this.s.settings.httpMaxHeaderCount);
    if (used <= old) used = this.carryLen;
    const consumed = used - old;
    this.clearCarry();
    this.msgBytes += consumed;
    this.onHead();
    return off + consumed;
  }

  private headTooLarge(src: Buffer, s: number, e: number, atLineStart: boolean): void {
    this.s.weird.inc('http_header_too_large');
    this.s.stats.parseErrors++;
    if (this.inTrailers) {
      this.ex!.flags |= TxFlag.Malformed;
      this.finishMessage();
    } else {
      this.abortHead(src, s, e, TxFlag.Malformed);
    }
    this.enterResync(atLineStart);
  }

  /**
   * Ends a head that will never complete (gap, end of stream, size limit): the exchange still gets what the start
   * line says, when it was complete, and `flag`.
   */
  private abortHead(src: Buffer, s: number, e: number, flag: number): void {
    let line: string | null = null;
    const nl = indexOfLf(src, s, e);
    if (nl >= 0) line = src.toString('latin1', s, nl > s && src[nl - 1] === CR ? nl - 1 : nl);
    this.clearCarry();
    if (this.role === Role.Request) {
      const ex = this.s.openRequest(this.msgStartTs);
      ex.flags |= flag;
      if (line !== null && this.parseRequestLine(line, line.length)) {
        this.applyRequestLine(ex);
        this.s.stats.requests++;
      }
      ex.tx.requestBytes += this.msgBytes;
      ex.reqEndTs = this.lastTs;
      ex.reqDone = true;
      this.msgBytes = 0;
      this.state = S_IDLE;
      this.s.settle(ex);
    } else if (this.role === Role.Response) {
      const ex = this.ex ?? this.s.bindResponse(this.msgStartTs);
      this.ex = null;
      ex.flags |= flag;
      ex.hasResponse = true;
      if (line !== null && isStatusLine(line, line.length)) this.applyStatusLine(line, line.length, ex);
      if (ex.respFinalStartTs < 0) ex.respFinalStartTs = this.msgStartTs;
      ex.tx.responseBytes += this.msgBytes;
      ex.respEndTs = this.lastTs;
      ex.respDone = true;
      this.msgBytes = 0;
      this.state = S_IDLE;
      this.s.settle(ex);
    }
  }

  private onHead(): void {
    if (this.inTrailers) {
      this.trailerList = this.hp.headers;
      this.headWeirds(this.ex);
      this.finishMessage();
    } else if (this.role === Role.Request) {
      this.onRequestHead();
    } else {
      this.onResponseHead();
    }
  }

  private onRequestHead(): void {
    const hp = this.hp;
    if (!this.parseRequestLine(hp.str, hp.startEnd)) {
      this.violation('http_bad_request_line', null);
      this.enterResync(true);
      return;
    }
    const ex = this.s.openRequest(this.msgStartTs);
    this.ex = ex;
    this.applyRequestLine(ex);
    const reqList = hp.builtList;
    ex.tx.setRequestHead(hp.str, reqList === null ? hp.takeFields() : null, reqList);
    if (ex.tx.host === '' && hp.host !== null) ex.tx.host = normalizeHost(hp.host);
    ex.switchRequested = ex.tx.method === 'CONNECT' || hp.upgrade;
    this.s.stats.requests++;
    this.headWeirds(ex);
    if (hp.tooMany) {
      this.violation('http_too_many_headers', ex);
      this.finishMessage();
      this.enterResync(true);
      return;
    }
    this.frame(ex, false, false);
  }

  private onResponseHead(): void {
    const hp = this.hp;
    const line = hp.str;
    const n = hp.startEnd;
    if (!isStatusLine(line, n)) {
      this.violation('http_bad_status_line', this.ex);
      this.enterResync(true);
      return;
    }
    let ex = this.ex;
    if (ex === null) {
      ex = this.s.bindResponse(this.msgStartTs);
      this.ex = ex;
    }
    const status = this.applyStatusLine(line, n, ex);
    this.headWeirds(ex);
    if (status < 200 && status !== 101) {
      this.s.stats.interimResponses++;
      if (status === 100) ex.flags |= TxFlag.Continue100;
      ex.tx.status = null;
      ex.tx.reason = '';
      ex.tx.responseBytes += this.msgBytes;
      this.msgBytes = 0;
      this.state = S_IDLE;
      return;
    }
    this.s.stats.responses++;
    ex.hasResponse = true;
    const respList = hp.builtList;
    ex.tx.setResponseHead(hp.str, respList === null ? hp.takeFields() : null, respList);
    ex.respFinalStartTs = this.msgStartTs;
    if (status === 101 || (ex.tx.method === 'CONNECT' && status < 300)) {
      ex.tx.responseBytes += this.msgBytes;
      ex.respEndTs = this.lastTs;
      this.ex = null;
      this.s.tunnel(ex);
      return;
    }
    if (hp.tooMany) {
      this.violation('http_too_many_headers', ex);
      this.finishMessage();
      this.enterResync(true);
    } else {
      this.frame(ex, true, ex.tx.method === 'HEAD' || status === 204 || status === 304);
    }
    if (ex.switchRequested) {
      ex.switchRequested = false;
      this.s.switchDeclined();
    }
  }

  /** Decides the body framing of the message whose head was just parsed (RFC 9112 section 6.3). */
  private frame(ex: Exchange, isResponse: boolean, noBody: boolean): void {
    const hp = this.hp;
    if (noBody) {
      this.finishMessage();
      return;
    }
    const te = hp.transferEncoding;
    const cl = hp.contentLength;
    if (te !== null) {
      if (cl !== null) this.violation('http_cl_and_te', ex);
      if (isChunkedFinal(te)) {
        this.startBody(BODY_CHUNKED, -1);
      } else if (isResponse) {
        this.startBody(BODY_CLOSE, -1);
      } else {
        this.violation('http_bad_transfer_encoding', ex);
        this.finishMessage();
        this.enterResync(true);
      }
      return;
    }
    if (cl !== null) {
      const n = hp.contentLengthConflict ? -2 : parseContentLength(cl);
      if (n < 0) {
        this.violation(n === -2 ? 'http_conflicting_content_length' : 'http_bad_content_length', ex);
        this.finishMessage();
        this.enterResync(true);
      } else if (n === 0) {
        this.finishMessage();
      } else {
        this.startBody(BODY_CL, n);
      }
      return;
    }
    if (isResponse) this.startBody(BODY_CLOSE, -1);
    else this.finishMessage();
  }

  private startBody(kind: number, length: number): void {
    this.bodyKind = kind;
    this.chunked = kind === BODY_CHUNKED;
    this.codings = this.hp.contentEncoding;
    this.trailerList = null;
    this.body.begin(length);
    if (kind === BODY_CL) {
      this.remaining = length;
      this.state = S_BODY_CL;
    } else {
      this.state = kind === BODY_CHUNKED ? S_CHUNK_SIZE : S_BODY_CLOSE;
    }
  }

  /** Completes the current message and hands its exchange back to the session. */
  private finishMessage(): void {
    const ex = this.ex!;
    this.ex = null;
    const body = this.bodyKind === BODY_NONE ? null : this.makeBody(ex);
    this.bodyKind = BODY_NONE;
    this.inTrailers = false;
    if (this.role === Role.Request) {
      ex.tx.requestBody = body;
      ex.tx.requestBytes += this.msgBytes;
      ex.reqEndTs = this.lastTs;
      ex.reqDone = true;
      this.state = ex.switchRequested ? S_HOLD : S_IDLE;
    } else {
      ex.tx.responseBody = body;
      ex.tx.responseBytes += this.msgBytes;
      ex.respEndTs = this.lastTs;
      ex.respDone = true;
      this.state = S_IDLE;
    }
    this.msgBytes = 0;
    this.s.settle(ex);
  }

  /** Builds the HttpBody of the finished message: kept bytes, content decoding, limits. */
  private makeBody(ex: Exchange): HttpBody | null {
    const body = this.body;
    const wire = body.wire;
    const truncated = body.truncated;
    const raw = body.take();
    if (this.bodyKind === BODY_CLOSE && wire === 0) return null;
    if (truncated) {
      ex.flags |= TxFlag.Truncated;
      this.s.stats.bodiesTruncated++;
    }
    const trailers = this.trailerList ?? NO_TRAILERS;
    if (this.codings !== null && raw.length > 0) {
      const codings = parseCodingsShared(this.codings);
      if (codings.length > MAX_CODING_LAYERS) {
        ex.flags |= TxFlag.DecodeError;
        this.s.stats.decodeErrors++;
        this.violation('http_too_many_encodings', ex);
      } else if (!knownCodings(codings)) {
        this.s.weird.inc('http_unknown_content_encoding');
        this.s.stats.unknownEncodings++;
      } else if (codings.length > 0) {
        return new LazyDecodedBody(raw, codings, wire, this.chunked, trailers, this.decodeReport);
      }
    }
    return { data: raw, wireLength: wire, contentEncoding: NO_CODINGS, chunked: this.chunked, trailers };
  }


  private chunkSize(buf: Buffer, off: number, end: number): number {
    const nl = indexOfLf(buf, off, end);
    if (nl < 0) {
      this.msgBytes += end - off;
      if (this.carryLen + end - off > MAX_CHUNK_LINE) {
        this.badChunk(false);
        return end;
      }
      this.append(buf, off, end);
      return end;
    }
    this.msgBytes += nl + 1 - off;
    let size: number;
    if (this.carryLen > 0) {
      if (this.carryLen + nl - off > MAX_CHUNK_LINE) {
        size = -1;
      } else {
        this.append(buf, off, nl);
        size = parseChunkSize(this.carry, 0, this.carryLen);
      }
      this.clearCarry();
    } else {
      size = parseChunkSize(buf, off, nl);
    }
    if (size < 0) {
      this.badChunk(true);
    } else if (size === 0) {
      this.inTrailers = true;
      this.state = S_TRAILERS;
    } else {
      this.remaining = size;
      this.state = S_CHUNK_DATA;
    }
    return nl + 1;
  }

  private badChunk(atLineStart: boolean): void {
    this.violation('http_bad_chunk_size', this.ex);
    this.ex!.flags |= TxFlag.Truncated;
    this.body.markTruncated();
    this.clearCarry();
    this.finishMessage();
    this.enterResync(atLineStart);
  }

  /** At the start of the trailer section: an empty line ends the message, anything else is a trailer block. */
  private trailers(buf: Buffer, off: number, end: number): number {
    const c = buf[off];
    if (this.carryLen === 0) {
      if (c === LF) {
        this.msgBytes++;
        this.finishMessage();
        return off + 1;
      }
      if (c === CR) {
        if (off + 1 === end) {
          this.msgBytes++;
          this.append(buf, off, end);
          return end;
        }
        if (buf[off + 1] === LF) {
          this.msgBytes += 2;
          this.finishMessage();
          return off + 2;
        }
      }
    } else if (this.carryLen === 1 && this.carry[0] === CR && c === LF) {
      this.clearCarry();
      this.msgBytes++;
      this.finishMessage();
      return off + 1;
    }
    this.state = S_HEAD;
    return this.head(buf, off, end);
  }

  /** Discards bytes until a line that looks like a start line of this direction's role (either role when unknown). */
  private resync(buf: Buffer, off: number, end: number, ts: number): number {
    const want = this.role;
    if (want === Role.Unknown && !this.s.spendScanBudget(end - off)) return end;
    const max = this.s.settings.httpMaxHeaderBytes;
    if (this.carryLen > 0) {
      const nl = indexOfLf(buf, off, end);
      const stop = nl < 0 ? end : nl + 1;
      if (this.carryLen + stop - off > max) {
        this.clearCarry();
        this.atLineStart = nl >= 0;
        return stop;
      }
      this.append(buf, off, stop);
      if (nl < 0) return end;
      const kind = checkStartLine(this.carry, 0, this.carryLen, want);
      if (kind === Start.None) {
        this.clearCarry();
        this.atLineStart = true;
        return stop;
      }
      this.replayTs = this.carryTs;
      const tmp = this.takeCarry();
      this.resynced(kind);
      this.feed(tmp, 0, tmp.length, ts);
      return stop;
    }
    let p = off;
    if (!this.atLineStart) {
      const nl = indexOfLf(buf, off, end);
      if (nl < 0) return end;
      p = nl + 1;
    }
    while (p < end) {
      const c = buf[p];
      const nl = indexOfLf(buf, p, end);
      if ((want !== Role.Response && TCHAR[c] === 1) || (want !== Role.Request && c === CHAR_H)) {
        if (nl < 0) {
          if (end - p <= max) this.append(buf, p, end);
          this.atLineStart = false;
          return end;
        }
        const kind = checkStartLine(buf, p, nl + 1, want);
        if (kind !== Start.None) {
          this.resynced(kind);
          return p;
        }
      }
      if (nl < 0) {
        this.atLineStart = false;
        return end;
      }
      p = nl + 1;
    }
    this.atLineStart = true;
    return end;
  }

  private resynced(kind: number): void {
    this.state = S_IDLE;
    if (this.role === Role.Unknown) this.s.assignRoles(this, kind);
  }

  /** Content detection on the first bytes of the direction (not used for mid-stream connections). */
  private detect(buf: Buffer, off: number, end: number, ts: number): number {
    const limit = this.s.settings.httpMaxHeaderBytes;
    if (this.carryLen === 0) {
      const kind = classifyStart(buf, off, end, limit);
      if (kind === Start.More) {
        this.append(buf, off, end);
        return end;
      }
      if (kind === Start.None) {
        this.s.notHttp();
        return end;
      }
      this.s.assignRoles(this, kind);
      return off;
    }
    this.append(buf, off, end);
    const kind = classifyStart(this.carry, 0, this.carryLen, limit);
    if (kind === Start.More) {
      if (this.carryLen > limit) this.s.notHttp();
      return end;
    }
    if (kind === Start.None) {
      this.s.notHttp();
      return end;
    }
    this.replayTs = this.carryTs;
    const tmp = this.takeCarry();
    this.s.assignRoles(this, kind);
    this.feed(tmp, 0, tmp.length, ts);
    return end;
  }

  /** While waiting for the answer to a protocol switch, client bytes are held (bounded). */
  private hold(buf: Buffer, off: number, end: number): void {
    if (this.holdOverflow) return;
    if (this.carryLen + end - off > this.s.settings.httpMaxHeaderBytes) {
      this.holdOverflow = true;
      this.s.weird.inc('http_switch_hold_overflow');
      this.clearCarry();
      return;
    }
    this.append(buf, off, end);
  }

  private enterResync(atLineStart: boolean): void {
    this.state = S_RESYNC;
    this.atLineStart = atLineStart;
    this.bodyKind = BODY_NONE;
    this.inTrailers = false;
    this.clearCarry();
    this.s.stats.resyncs++;
  }

  /** Parses the request line `line[0..n)` into rlMethod/rlTarget/rlVersion; false when it is not one. */
  private parseRequestLine(line: string, n: number): boolean {
    const sp1 = line.indexOf(' ');
    if (sp1 <= 0 || sp1 > MAX_METHOD_LENGTH || sp1 >= n) return false;
    for (let i = 0; i < sp1; i++) if (TCHAR[line.charCodeAt(i) & 0xff] !== 1) return false;
    let ts = sp1 + 1;
    while (ts < n && line.charCodeAt(ts) === SP) ts++;
    const sp2 = line.lastIndexOf(' ', n - 1);
    let target: string;
    let version: string;
    if (sp2 < ts) {
      target = line.slice(ts, n);
      version = 'HTTP/0.9';
    } else {
      version = line.slice(sp2 + 1, n);
      let te = sp2;
      while (te > ts && line.charCodeAt(te - 1) === SP) te--;
      target = line.slice(ts, te);
      if (!isVersion(version, 0) || version.length !== 8) return false;
    }
    if (target.length === 0) return false;
    this.rlMethod = line.slice(0, sp1);
    this.rlTarget = target;
    this.rlVersion = version;
    if (target.indexOf(' ') >= 0) {
      this.s.weird.inc('http_space_in_target');
      this.s.stats.parseErrors++;
    }
    return true;
  }

  private applyRequestLine(ex: Exchange): void {
    ex.hasRequest = true;
    ex.tx.method = this.rlMethod;
    ex.tx.uri = this.rlTarget;
    ex.tx.httpVersion = this.rlVersion;
    const t = this.target;
    splitTarget(this.rlMethod, this.rlTarget, t);
    ex.tx.path = t.path;
    ex.tx.query = t.query;
    if (t.host !== null) ex.tx.host = t.host;
    if (this.rlTarget.indexOf(' ') >= 0) ex.flags |= TxFlag.Malformed;
  }

  /** Fills status and reason from the checked status line `line[0..n)`; returns the status. */
  private applyStatusLine(line: string, n: number, ex: Exchange): number {
    const status = (line.charCodeAt(9) - 48) * 100 + (line.charCodeAt(10) - 48) * 10 + (line.charCodeAt(11) - 48);
    ex.tx.status = status;
    ex.tx.reason = n > 13 ? line.slice(13, n) : '';
    if (!ex.hasRequest) ex.tx.httpVersion = line.slice(0, 8);
    return status;
  }

  private headWeirds(ex: Exchange | null): void {
    const hp = this.hp;
    if (hp.obsFolds > 0) this.violation('http_obs_fold', ex, hp.obsFolds);
    if (hp.noColon > 0) this.violation('http_header_no_colon', ex, hp.noColon);
    if (hp.nameWhitespace > 0) this.violation('http_header_name_whitespace', ex, hp.nameWhitespace);
  }

  /** Counts a protocol violation and marks the exchange Malformed. */
  private violation(reason: string, ex: Exchange | null, n = 1): void {
    this.s.weird.inc(reason, n);
    this.s.stats.parseErrors += n;
    if (ex !== null) ex.flags |= TxFlag.Malformed;
  }

  private append(buf: Buffer, off: number, end: number): void {
    const n = end - off;
    if (n <= 0) return;
    if (this.carryLen === 0) this.carryTs = this.lastTs;
    const need = this.carryLen + n;
    if (need > this.carry.length) {
      let cap = this.carry.length * 2;
      if (cap < 256) cap = 256;
      if (cap < need) cap = need;
      const grown = Buffer.allocUnsafe(cap);
      if (this.carryLen > 0) this.carry.copy(grown, 0, 0, this.carryLen);
      this.carry = grown;
    }
    buf.copy(this.carry, this.carryLen, off, end);
    this.carryLen = need;
  }

  /** The carried bytes as a new buffer; the carry is emptied. */
  private takeCarry(): Buffer {
    const out = Buffer.allocUnsafe(this.carryLen);
    this.carry.copy(out, 0, 0, this.carryLen);
    this.clearCarry();
    return out;
  }

  private clearCarry(): void {
    this.carryLen = 0;
    if (this.carry.length > CARRY_KEEP) this.carry = EMPTY;
  }
}

/** True when `str` has `HTTP/d.d` at `p`. */
function isVersion(str: string, p: number): boolean {
  if (str.length < p + 8 || !str.startsWith('HTTP/', p)) return false;
  const a = str.charCodeAt(p + 5);
  const b = str.charCodeAt(p + 7);
  return a >= 48 && a <= 57 && str.charCodeAt(p + 6) === 46 && b >= 48 && b <= 57;
}

/** True when `line[0..n)` is `HTTP/d.d SP ddd` optionally followed by SP and a reason phrase. */
function isStatusLine(line: string, n: number): boolean {
  if (n < 12 || !isVersion(line, 0) || line.charCodeAt(8) !== SP) return false;
  for (let i = 9; i < 12; i++) {
    const c = line.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return n === 12 || line.charCodeAt(12) === SP;
}
