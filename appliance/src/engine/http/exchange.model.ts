/**
 * The HTTP stage's working record for one request/response exchange while it is being parsed: the future
 * Transaction's fields plus the bookkeeping needed to pair, time and complete it. It becomes an immutable
 * Transaction only when emitted (so internal fields never leak to the analyzers).
 */
import type { ConnectionInfo } from '../stream.types.ts';
import type { HeaderList, HttpBody, Transaction } from '../transaction.types.ts';
import { LazyDecodedBody } from './content.decoder.ts';
import { TransactionRecord } from './transaction.record.ts';

/** One exchange under construction. */
export class Exchange {
  /** TxFlag bits gathered so far. */
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

  method = '';
  uri = '';
  path = '';
  query = '';
  host = '';
  httpVersion = '';
  /** Request head string, field table and built list (see TransactionRecord); a null table and list: no head. */
  reqHead = '';
  reqFields: number[] | null = null;
  reqList: HeaderList | null = null;
  requestBody: HttpBody | null = null;
  status: number | null = null;
  reason = '';
  /** Response head string, field table and built list, as for the request. */
  respHead = '';
  respFields: number[] | null = null;
  respList: HeaderList | null = null;
  responseBody: HttpBody | null = null;
  requestBytes = 0;
  responseBytes = 0;

  /** Capture times (µs), -1 when not seen. */
  reqStartTs = -1;
  reqEndTs = -1;
  /** First byte of the first response message (interim included). */
  respStartTs = -1;
  /** First byte of the final response. */
  respFinalStartTs = -1;
  respEndTs = -1;

  /** Builds the Transaction record; `swapped` means the connection's client/server guess was reversed. */
  toTransaction(conn: ConnectionInfo, index: number, flags: number, swapped: boolean): Transaction {
    const hasReq = this.hasRequest;
    const startTs = hasReq && this.reqStartTs >= 0 ? this.reqStartTs : this.respStartTs >= 0 ? this.respStartTs : this.reqStartTs;
    let endTs = this.respEndTs >= 0 ? this.respEndTs : this.reqEndTs >= 0 ? this.reqEndTs : startTs;
    if (this.reqEndTs > endTs) endTs = this.reqEndTs;
    if (endTs < startTs) endTs = startTs;
    const respFirst = this.respFinalStartTs >= 0 ? this.respFinalStartTs : this.respStartTs;
    let latency: number | null = null;
    if (hasReq && this.reqEndTs >= 0 && respFirst >= 0) latency = respFirst > this.reqEndTs ? respFirst - this.reqEndTs : 0;
    const tx = new TransactionRecord();
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
    tx.method = this.method;
    tx.uri = this.uri;
    tx.path = this.path;
    tx.query = this.query;
    tx.host = this.host;
    tx.httpVersion = this.httpVersion;
    tx.setRequestHead(this.reqHead, this.reqFields, this.reqList);
    tx.requestBody = this.requestBody;
    tx.status = this.status;
    tx.reason = this.reason;
    tx.setResponseHead(this.respHead, this.respFields, this.respList);
    tx.responseBody = this.responseBody;
    tx.requestBytes = this.requestBytes;
    tx.responseBytes = this.responseBytes;
    tx.flags = flags;
    if (this.requestBody instanceof LazyDecodedBody) this.requestBody.owner = tx;
    if (this.responseBody instanceof LazyDecodedBody) this.responseBody.owner = tx;
    return tx;
  }
}
