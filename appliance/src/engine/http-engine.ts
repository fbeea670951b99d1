/**
 * The passive HTTP engine: wires the stages together (decode → flow table / TCP reassembly → HTTP/1.x parser) and
 * hands every completed Transaction to a sink. One instance processes one packet stream on one thread; the service
 * shards flows across several instances by a symmetric flow hash.
 *
 * Time inside the engine is capture time (packet timestamps), so files and live traffic behave the same and
 * timeouts are reproducible.
 */
import type { FrameSink, RawPacket } from './packet.types.ts';
import type { TransactionSink } from './transaction.types.ts';
import { engineSettings, type EngineSettings } from './engine.settings.ts';
import { WeirdCounters } from './weird.counters.ts';
import { PacketDecoder } from './decode/packet.decoder.ts';
import { FlowTable } from './flow/flow.table.ts';
import { createHttpConsumerFactory, HttpStats } from './http/http.session.ts';

/** Engine-wide counters, as reported by `api-radar analyze` and the health page. */
export interface EngineStats {
  packets: number;
  bytes: number;
  flows: number;
  transactions: number;
  /** HTTP protocol violations (weirds whose reason starts with `http_`). */
  parseErrors: number;
  /** Bytes of TCP payload never captured (holes declared by the reassembler). */
  tcpGaps: number;
  /** All anomalies by reason. */
  weird: Record<string, number>;
}

/** Runs packets through every stage of the engine. */
export class HttpEngine implements FrameSink {
  readonly settings: EngineSettings;
  readonly weird = new WeirdCounters();
  readonly decoder: PacketDecoder;
  readonly flows: FlowTable;
  readonly http = new HttpStats();
  private packets = 0;
  private bytes = 0;
  private transactions = 0;
  private lastTs = 0;

  constructor(sink: TransactionSink, settings: Partial<EngineSettings> = {}) {
    this.settings = engineSettings(settings);
    this.decoder = new PacketDecoder(this.settings, this.weird);
    const counting: TransactionSink = (tx) => {
      this.transactions++;
      sink(tx);
    };
    this.flows = new FlowTable(this.settings, this.weird, createHttpConsumerFactory(this.settings, this.weird, counting, this.http));
  }

  /** Processes one packet synchronously (its bytes are not kept unless a stage copies them). */
  push(pkt: RawPacket): void {
    this.frame(pkt.data, 0, pkt.data.length, pkt.ts, pkt.linkType, pkt.origLen);
  }

  /**
   * Processes the frame `buf[off..end)` (a {@link FrameSink}: pass the engine to a reader's `runFrames`). Nothing
   * per packet is allocated on the way to the HTTP parser.
   */
  frame(buf: Buffer, off: number, end: number, ts: number, linkType: number, origLen: number): void {
    this.packets++;
    this.bytes += origLen;
    if (ts > this.lastTs) {
      this.lastTs = ts;
      this.flows.advance(ts);
      this.decoder.expire(ts);
    }
    const seg = this.decoder.decodeFrame(buf, off, end, ts, linkType, origLen);
    if (seg !== null) this.flows.onDecoded(seg);
  }

  /**
   * Moves capture time forward without a packet (live capture on a quiet link): idle and RST timeouts fire and
   * their transactions are emitted. `nowTs` in µs; ignored when not past the last packet's time.
   */
  advance(nowTs: number): void {
    if (nowTs <= this.lastTs) return;
    this.lastTs = nowTs;
    this.flows.advance(nowTs);
    this.decoder.expire(nowTs);
  }

  /** Ends the capture: closes every open flow so pending transactions are emitted. */
  finish(): void {
    this.flows.closeAll('shutdown');
  }

  /** Current counters. */
  stats(): EngineStats {
    return {
      packets: this.packets,
      bytes: this.bytes,
      flows: this.flows.stats.flowsCreated,
      transactions: this.transactions,
      parseErrors: this.weird.total('http_'),
      tcpGaps: this.flows.stats.gapBytes,
      weird: this.weird.toJSON(),
    };
  }
}
