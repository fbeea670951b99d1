/**
 * The HTTP stage's working state for one request/response exchange while it is being parsed: the record that will
 * be emitted (filled in place by the parser, never copied) plus the bookkeeping needed to pair, time and complete
 * it. The bookkeeping stays out of the record, so internal fields never leak to the analyzers.
 */
import type { ConnectionInfo } from '../stream.types.ts';
import type { Transaction } from '../transaction.types.ts';
import { LazyDecodedBody } from './content.decoder.ts';
import { TransactionRecord } from './transaction.record.ts';

/** One exchange under construction. */
export class Exchange {
  /** The future Transaction: the parser writes the request and response fields straight into it. */
  readonly tx = new TransactionRecord();
  /** TxFlag bits gathered so far (the record gets them, plus the session's, when emitted). */
  flags = 0;
  /** A request head was parsed (or partly seen) for this exchange. */
  hasRequest = false;
  /** A final response head was parsed (or partly seen). */
  hasResponse = false;
  /** No more request bytes belong to this exchange. */
  reqDone = false;
  /** No more response bytes belong to this exchange. */
  respDone = false;
  /** The request asked to switch protocol (CONNECT or Upgrade): the client side waits for the answer. */
  switchRequested = false;

  /** Capture times (µs), -1 when not seen. */
  reqStartTs = -1;
  reqEndTs = -1;
  /** First byte of the first response message (interim included). */
  respStartTs = -1;
  /** First byte of the final response. */
  respFinalStartTs = -1;
  respEndTs = -1;

  /** Completes the record (connection, times, flags) and returns it; `swapped`: the client/server guess was reversed. */
  toTransaction(conn: ConnectionInfo, index: number, flags: number, swapped: boolean): Transaction {
    const hasReq = this.hasRequest;
    const startTs = hasReq && this.reqStartTs >= 0 ? this.reqStartTs : this.respStartTs >= 0 ? this.respStartTs : this.reqStartTs;
    let endTs = this.respEndTs >= 0 ? this.respEndTs : this.reqEndTs >= 0 ? this.reqEndTs : startTs;
    if (this.reqEndTs > endTs) endTs = this.reqEndTs;
    if (endTs < startTs) endTs = startTs;
    const respFirst = this.respFinalStartTs >= 0 ? this.respFinalStartTs : this.respStartTs;
    let latency: number | null = null;
    if (hasReq && this.reqEndTs >= 0 && respFirst >= 0) latency = respFirst > this.reqEndTs ? respFirst - this.reqEndTs : 0;
    const tx = this.tx;
    tx.flowId = conn.flowId;
    tx.index = index;
    tx.startTs = startTs;
    tx.endTs = endTs;
    tx.latencyUs = latency;
    tx.ipVersion = conn.ipVersion;
    tx.clientIp = swapped ? conn.serverIp : conn.clientIp;
    tx.clientPort = swapped ? conn.serverPort : conn.clientPort;
    tx.serverIp = swapped ? conn.clientIp : conn.serverIp;
    tx.serverPort = swapped ? conn.clientPort : conn.serverPort;
    tx.vlans = conn.vlans;
    tx.flags = flags;
    if (tx.requestBody instanceof LazyDecodedBody) tx.requestBody.owner = tx;
    if (tx.responseBody instanceof LazyDecodedBody) tx.responseBody.owner = tx;
    return tx;
  }
}
