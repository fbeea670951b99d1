/**
 * The class behind every Transaction the HTTP stage emits. All fields are initialised in the constructor (one
 * object shape for every record). Header lists are kept as the head string plus a table of field offsets and
 * built on first read, so transactions whose headers no analyzer reads never pay for per-field strings.
 */
import type { HeaderList, HttpBody, Transaction } from '../transaction.types.ts';
import { buildHeaderList } from './head.parser.ts';

/** Placeholder VLAN list of a record not emitted yet (shared: emission sets the connection's list). */
const NO_VLANS = Object.freeze([]) as unknown as number[];

/** One emitted transaction; behaves as a plain {@link Transaction} (headers are accessors, `toJSON` gives all fields). */
export class TransactionRecord implements Transaction {
  flowId = 0;
  index = 0;
  startTs = 0;
  endTs = 0;
  latencyUs: number | null = null;
  ipVersion: 4 | 6 = 4;
  clientIp = '';
  clientPort = 0;
  serverIp = '';
  serverPort = 0;
  vlans: number[] = NO_VLANS;
  method = '';
  uri = '';
  path = '';
  query = '';
  host = '';
  httpVersion = '';
  requestBody: HttpBody | null = null;
  status: number | null = null;
  reason = '';
  responseBody: HttpBody | null = null;
  requestBytes = 0;
  responseBytes = 0;
  flags = 0;
  // The heads behind the header accessors: head string, field table (offsets into it; null: no head) and the built
  // list (obs-fold heads arrive built; otherwise built on first read). Private, so copies and comparisons of
  // records see only the Transaction fields.
  #reqHead = '';
  #reqFields: number[] | null = null;
  #reqList: HeaderList | null = null;
  #respHead = '';
  #respFields: number[] | null = null;
  #respList: HeaderList | null = null;

  /** Sets the request head the request headers are built from (see {@link buildHeaderList}). */
  setRequestHead(head: string, fields: number[] | null, list: HeaderList | null): void {
    this.#reqHead = head;
    this.#reqFields = fields;
    this.#reqList = list;
  }

  /** Sets the response head the response headers are built from. */
  setResponseHead(head: string, fields: number[] | null, list: HeaderList | null): void {
    this.#respHead = head;
    this.#respFields = fields;
    this.#respList = list;
  }

  /** Request header fields in wire order (built on first read). */
  get requestHeaders(): HeaderList {
    return this.#reqList ?? (this.#reqList = this.#reqFields === null ? [] : buildHeaderList(this.#reqHead, this.#reqFields));
  }

  set requestHeaders(list: HeaderList) {
    this.#reqList = list;
  }

  /** Response header fields in wire order (built on first read). */
  get responseHeaders(): HeaderList {
    return this.#respList ?? (this.#respList = this.#respFields === null ? [] : buildHeaderList(this.#respHead, this.#respFields));
  }

  set responseHeaders(list: HeaderList) {
    this.#respList = list;
  }

  /** The record as a plain object with every Transaction field (JSON output, copies). */
  toJSON(): Transaction {
    return {
      flowId: this.flowId,
      index: this.index,
      startTs: this.startTs,
      endTs: this.endTs,
      latencyUs: this.latencyUs,
      ipVersion: this.ipVersion,
      clientIp: this.clientIp,
      clientPort: this.clientPort,
      serverIp: this.serverIp,
      serverPort: this.serverPort,
      vlans: this.vlans,
      method: this.method,
      uri: this.uri,
      path: this.path,
      query: this.query,
      host: this.host,
      httpVersion: this.httpVersion,
      requestHeaders: this.requestHeaders,
      requestBody: this.requestBody,
      status: this.status,
      reason: this.reason,
      responseHeaders: this.responseHeaders,
      responseBody: this.responseBody,
      requestBytes: this.requestBytes,
      responseBytes: this.responseBytes,
      flags: this.flags,
    };
  }
}
