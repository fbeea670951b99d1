/**
 * A batch of call-log rows in columns (CallColumns): the numbers of every row in one Float64Array and the text
 * fields as codes into one per-batch dictionary of distinct strings. A pipeline process builds them so that the
 * batch crosses the IPC channel as two typed-array copies and a short string list instead of thousands of small
 * objects, and the call log writes them into DuckDB without a JS object per row.
 */
import type { CallEvent } from './call-event.types.ts';

/** Numeric fields, in their order within a row of {@link CallColumns.nums} (NaN stands for null). */
export const CALL_NUMBER_FIELDS = ['tsUs', 'clientPort', 'serverPort', 'status', 'requestBytes', 'responseBytes', 'latencyUs', 'sensitiveCount', 'severity', 'flags'] as const;

/** Text fields, in their order within a row of {@link CallColumns.codes}; list fields are joined by {@link LIST_SEPARATOR}. */
export const CALL_TEXT_FIELDS = ['source', 'clientIp', 'serverIp', 'host', 'method', 'uri', 'template', 'authScheme', 'identity', 'userAgent', 'sensitiveTypes', 'detections'] as const;

/** Joins the items of the list fields (sensitive types and detection types are identifiers: never contain it). */
export const LIST_SEPARATOR = '\u001f';

const NF = CALL_NUMBER_FIELDS.length;
const TF = CALL_TEXT_FIELDS.length;

/** Call-log rows in columns. Row `i`'s number `f` is `nums[i * 10 + f]`, its text `t` is `dict[codes[i * 12 + t]]`. */
export interface CallColumns {
  length: number;
  nums: Float64Array;
  codes: Uint32Array;
  /** The distinct strings of the batch. */
  dict: string[];
}

/** Builds CallColumns row by row; `take` hands the batch over and starts the next one. */
export class CallColumnsBuilder {
  private nums: Float64Array;
  private codes: Uint32Array;
  private dict: string[] = [];
  private index = new Map<string, number>();
  /** Rows in the current batch. */
  length = 0;

  /** @param capacity rows the buffers hold before they grow */
  constructor(capacity = 2048) {
    this.nums = new Float64Array(NF * Math.max(1, capacity));
    this.codes = new Uint32Array(TF * Math.max(1, capacity));
  }

  private code(s: string): number {
    let c = this.index.get(s);
    if (c === undefined) {
      c = this.dict.length;
      this.dict.push(s);
      this.index.set(s, c);
    }
    return c;
  }

  /** Adds one row. */
  add(e: CallEvent): void {
    if ((this.length + 1) * NF > this.nums.length) {
      const nums = new Float64Array(this.nums.length * 2);
      nums.set(this.nums);
      this.nums = nums;
      const codes = new Uint32Array(this.codes.length * 2);
      codes.set(this.codes);
      this.codes = codes;
    }
    const n = this.length * NF;
    const nums = this.nums;
    nums[n] = e.tsUs;
    nums[n + 1] = e.clientPort;
    nums[n + 2] = e.serverPort;
    nums[n + 3] = e.status ?? NaN;
    nums[n + 4] = e.requestBytes;
    nums[n + 5] = e.responseBytes;
    nums[n + 6] = e.latencyUs ?? NaN;
    nums[n + 7] = e.sensitiveCount;
    nums[n + 8] = e.severity;
    nums[n + 9] = e.flags;
    const t = this.length * TF;
    const codes = this.codes;
    codes[t] = this.code(e.source);
    codes[t + 1] = this.code(e.clientIp);
    codes[t + 2] = this.code(e.serverIp);
    codes[t + 3] = this.code(e.host);
    codes[t + 4] = this.code(e.method);
    codes[t + 5] = this.code(e.uri);
    codes[t + 6] = this.code(e.template);
    codes[t + 7] = this.code(e.authScheme);
    codes[t + 8] = this.code(e.identity);
    codes[t + 9] = this.code(e.userAgent);
    codes[t + 10] = this.code(e.sensitiveTypes.length === 0 ? '' : e.sensitiveTypes.join(LIST_SEPARATOR));
    codes[t + 11] = this.code(e.detections.length === 0 ? '' : e.detections.join(LIST_SEPARATOR));
    this.length++;
  }

  /** The rows added since the last take (copied out, so the buffers are reused). */
  take(): CallColumns {
    const batch: CallColumns = { length: this.length, nums: this.nums.slice(0, this.length * NF), codes: this.codes.slice(0, this.length * TF), dict: this.dict };
    this.length = 0;
    this.dict = [];
    this.index = new Map();
    return batch;
  }
}

/** The columns of `events`. */
export function toCallColumns(events: readonly CallEvent[]): CallColumns {
  const b = new CallColumnsBuilder(events.length);
  for (let i = 0; i < events.length; i++) b.add(events[i]);
  return b.take();
}

/** Rows of a batch back as CallEvents (tests, and stores that take rows). */
export function fromCallColumns(c: CallColumns): CallEvent[] {
  const out: CallEvent[] = [];
  const list = (s: string): string[] => (s === '' ? [] : s.split(LIST_SEPARATOR));
  for (let i = 0; i < c.length; i++) {
    const n = i * NF;
    const t = i * TF;
    const s = (k: number): string => c.dict[c.codes[t + k]];
    const status = c.nums[n + 3];
    const latency = c.nums[n + 6];
    out.push({
      tsUs: c.nums[n],
      source: s(0),
      clientIp: s(1),
      clientPort: c.nums[n + 1],
      serverIp: s(2),
      serverPort: c.nums[n + 2],
      host: s(3),
      method: s(4),
      uri: s(5),
      template: s(6),
      status: Number.isNaN(status) ? null : status,
      requestBytes: c.nums[n + 4],
      responseBytes: c.nums[n + 5],
      latencyUs: Number.isNaN(latency) ? null : latency,
      authScheme: s(7),
      identity: s(8),
      userAgent: s(9),
      sensitiveTypes: list(s(10)),
      sensitiveCount: c.nums[n + 7],
      detections: list(s(11)),
      severity: c.nums[n + 8],
      flags: c.nums[n + 9],
    });
  }
  return out;
}
