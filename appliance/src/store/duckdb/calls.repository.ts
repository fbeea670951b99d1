/**
 * The call log on DuckDB: calls are queued by `append`, written in batches by `flush` (at least once a second while
 * open) through DuckDB's appender inside one transaction together with their per-minute rollups, and queried with
 * parameterised SQL for the call-log search, charts, totals, Parquet export and retention.
 *
 * Crash safety: a flush is one transaction, so a killed process leaves either all of a batch or none of it; at most
 * the calls queued since the last flush (one flush interval) are lost.
 */
import { statSync } from 'node:fs';
import type { DuckDBConnection, DuckDBDataChunk, DuckDBType } from '@duckdb/node-api';
import { CALL_NUMBER_FIELDS, CALL_TEXT_FIELDS, toCallColumns, type CallColumns } from '../events/call-columns.ts';
import type {
  CallBucket,
  CallEvent,
  CallEventStore,
  CallPage,
  CallQuery,
  CallTotals,
  CallEndpointKey,
  CallsWriterStats,
  EndpointClient,
  EndpointBucket,
  RetentionPolicy,
  RetentionResult,
  SensitiveCallSummary,
  StoredCall,
} from '../events/call-event.types.ts';
import { duckDbModule, type EventsDatabase } from './events.database.ts';


/** Writer settings. */
export interface CallsWriterOptions {
  /** Flush interval in ms (default 1000). */
  flushIntervalMs?: number;
  /** A flush starts early when this many calls are queued (default 20,000). */
  batchSize?: number;
  /** Reports a failed flush (the batch is retried at the next flush, up to 3 times, then counted as lost). */
  onError?: (err: Error) => void;
}

const NF = CALL_NUMBER_FIELDS.length;
const TF = CALL_TEXT_FIELDS.length;
/** Rows per DuckDB data chunk (DuckDB's vector size). */
const DUCKDB_VECTOR_SIZE = 2048;

const snake = (f: string): string => f.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Staging tables (temp, per connection): one row per call with numbers and string codes, and the strings. */
const CREATE_STAGE = `CREATE TEMP TABLE IF NOT EXISTS calls_stage (seq DOUBLE, ${CALL_NUMBER_FIELDS.map((f) => `${snake(f)} DOUBLE`).join(', ')}, ${CALL_TEXT_FIELDS.map((f) => `c_${snake(f)} INTEGER`).join(', ')});
  CREATE TEMP TABLE IF NOT EXISTS dict_stage (code INTEGER, s VARCHAR)`;
/** Column types of a staging chunk and DuckDB's chunk constructor, set by the first open (DuckDB is imported then). */
let staging: { types: DuckDBType[]; chunk: typeof DuckDBDataChunk } | undefined;

/**
 * A text field of the staged row: its code indexes the batch's dictionary, read once into one list (`d.arr`). One
 * list look-up per field replaced one hash join per field (0.53× the insert's CPU, 0.76× the whole flush's).
 */
const text = (f: (typeof CALL_TEXT_FIELDS)[number]): string => `d.arr[s.c_${snake(f)} + 1]`;
const list = (f: (typeof CALL_TEXT_FIELDS)[number]): string => `CASE WHEN ${text(f)} = '' THEN []::VARCHAR[] ELSE string_split(${text(f)}, chr(31)) END`;

/** Moves the staged rows into the call log in staging order, ids from $1. */
const INSERT_CALLS = `INSERT INTO calls SELECT $1 + s.seq::BIGINT, make_timestamp(trunc(s.ts_us)::BIGINT), ${text('source')}, ${text('clientIp')},
  s.client_port::INTEGER, ${text('serverIp')}, s.server_port::INTEGER, ${text('host')}, ${text('method')}, ${text('uri')}, ${text('template')},
  CASE WHEN isnan(s.status) THEN NULL ELSE s.status::SMALLINT END, s.request_bytes::BIGINT, s.response_bytes::BIGINT,
  CASE WHEN isnan(s.latency_us) THEN NULL ELSE trunc(s.latency_us)::BIGINT END, ${text('authScheme')}, ${text('identity')}, ${text('userAgent')},
  ${list('sensitiveTypes')}, s.sensitive_count::INTEGER, ${list('detections')}, s.severity::TINYINT, s.flags::INTEGER
  FROM calls_stage s CROSS JOIN (SELECT list(s ORDER BY code) AS arr FROM dict_stage) d
  ORDER BY s.seq`;


/** The hourly sensitive rollup tables (migration 0003). */
const SENSITIVE_ROLLUPS = ['sensitive_rollups_endpoints', 'sensitive_rollups_clients'] as const;

const MINUTE_US = 60_000_000;
const HOUR_US = 3_600_000_000;

/** The outcome of {@link DuckDbCallsRepository.rollUpHours}. */
export interface HourlyRollupResult {
  /** Completed hours (re)computed. */
  hours: number;
  /** Hourly rows written. */
  rows: number;
  /** The hourly table is complete before this time (epoch µs). */
  rolledUntilUs: number;
}

/** Encodes a page cursor (position of the last row shown). */
function encodeCursor(tsUs: number, id: number): string {
  return Buffer.from(`${tsUs}:${id}`).toString('base64url');
}

/** Decodes a cursor; null when it is not one of ours. */
function decodeCursor(cursor: string): { tsUs: number; id: number } | null {
  const m = /^(\d{1,17}):(\d{1,17})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return m === null ? null : { tsUs: Number(m[1]), id: Number(m[2]) };
}

/**
 * The longest run of `text` made of characters case mapping leaves alone (ASCII non-letters, CJK and later blocks):
 * any value that contains `text` ignoring case contains this run exactly.
 */
export function caselessAnchor(text: string): string {
  let best = '';
  let run = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    const caseless = cp < 0x80 ? !/[A-Za-z]/.test(ch) : cp >= 0x2e80;
    if (caseless) {
      run += ch;
      if (run.length > best.length) best = run;
    } else run = '';
  }
  return best;
}

function safeInt(n: number, what: string): number {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${what} must be an integer`);
  return n;
}

/** The DuckDB call log. Create with {@link DuckDbCallsRepository.open}. */
export class DuckDbCallsRepository implements CallEventStore {
  private queue: CallColumns[] = [];
  private queued = 0;
  private retries = 0;
  private nextId: number;
  private running: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Writer counters. */
  readonly stats: CallsWriterStats = { written: 0, flushes: 0, lost: 0, lastFlushMs: 0 };
  /** Hourly rollups are complete before this time (µs), except from {@link dirtyFromUs} on. */
  private rolledUntilUs = 0;
  /** Earliest minute written into an hour already rolled up, or null. */
  private dirtyFromUs: number | null = null;

  private constructor(
    private readonly db: EventsDatabase,
    firstId: number,
    private readonly opts: Required<Omit<CallsWriterOptions, 'onError'>> & Pick<CallsWriterOptions, 'onError'>,
  ) {
    this.nextId = firstId;
    if (this.opts.flushIntervalMs > 0) {
      this.timer = setInterval(() => void this.flush().catch(() => undefined), this.opts.flushIntervalMs);
      this.timer.unref();
    }
  }

  /** Opens the repository over an events database (ids continue after the highest stored one). */
  static async open(db: EventsDatabase, opts: CallsWriterOptions = {}): Promise<DuckDbCallsRepository> {
    if (staging === undefined) {
      const { DOUBLE, INTEGER, DuckDBDataChunk } = await duckDbModule();
      staging = { types: [DOUBLE, ...CALL_NUMBER_FIELDS.map(() => DOUBLE), ...CALL_TEXT_FIELDS.map(() => INTEGER)], chunk: DuckDBDataChunk };
    }
    const r = (await db.connection.runAndReadAll('SELECT coalesce(max(id), 0)::DOUBLE AS m FROM calls')).getRowObjectsJS();
    const repo = new DuckDbCallsRepository(db, Number(r[0].m) + 1, {
      flushIntervalMs: opts.flushIntervalMs ?? 1000,
      batchSize: opts.batchSize ?? 20_000,
      onError: opts.onError,
    });
    const m = (await db.connection.runAndReadAll("SELECT rolled_until_us::DOUBLE AS u, dirty_from_us::DOUBLE AS d FROM rollup_marks WHERE name = 'hourly'")).getRowObjectsJS()[0];
    repo.rolledUntilUs = Number(m.u);
    repo.dirtyFromUs = m.d === null ? null : Number(m.d);
    return repo;
  }

  private get conn(): DuckDBConnection {
    return this.db.connection;
  }

  append(events: readonly CallEvent[]): void {
    if (this.closed) throw new Error('the call log is closed');
    if (events.length > 0) this.appendColumns(toCallColumns(events));
  }

  appendColumns(batch: CallColumns): void {
    if (this.closed) throw new Error('the call log is closed');
    if (batch.length === 0) return;
    this.queue.push(batch);
    this.queued += batch.length;
    if (this.queued >= this.opts.batchSize) void this.flush().catch(() => undefined);
  }

  pending(): number {
    return this.queued;
  }

  flush(): Promise<void> {
    const next = this.running.then(() => this.writeQueued());
    this.running = next.catch(() => undefined);
    return next;
  }

  private async writeQueued(): Promise<void> {
    if (this.queued === 0) return;
    const batches = this.queue;
    const count = this.queued;
    this.queue = [];
    this.queued = 0;
    const started = performance.now();
    const firstId = this.nextId;
    try {
      await this.conn.run('BEGIN TRANSACTION');
      const earliest = await this.stage(batches);
      await this.conn.run(INSERT_CALLS, [firstId]);
      const dirty = await this.writeRollups(firstId, firstId + count, earliest);
      await this.writeSensitiveRollups(firstId, firstId + count);
      await this.conn.run('COMMIT');
      if (dirty !== null) this.dirtyFromUs = dirty;
    } catch (err) {
      await this.conn.run('ROLLBACK').catch(() => undefined);
      if (++this.retries >= 3) {
        this.stats.lost += count;
        this.retries = 0;
      } else {
        this.queue = batches.concat(this.queue);
        this.queued += count;
      }
      this.opts.onError?.(err as Error);
      throw err;
    }
    this.retries = 0;
    this.nextId = firstId + count;
    this.stats.written += count;
    this.stats.flushes++;
    this.stats.lastFlushMs = performance.now() - started;
  }

  /**
   * Loads the batches into the temp staging tables: numbers and string codes in data chunks (typed arrays copied
   * into DuckDB's vectors, no call per value), each batch's distinct strings once, codes offset per batch so they run
   * 0, 1, 2, … across the flush (a code + 1 is its string's position in the dictionary list). Returns the
   * earliest minute of the batches (epoch µs).
   */
  private async stage(batches: readonly CallColumns[]): Promise<number> {
    await this.conn.run(CREATE_STAGE);
    await this.conn.run('DELETE FROM calls_stage');
    await this.conn.run('DELETE FROM dict_stage');
    const dict = await this.conn.createAppender('dict_stage', 'main', 'temp');
    const rows = await this.conn.createAppender('calls_stage', 'main', 'temp');
    const max = DUCKDB_VECTOR_SIZE;
    const cols: Array<Float64Array | Int32Array> = [];
    for (let c = 0; c <= NF; c++) cols.push(new Float64Array(max));
    for (let c = 0; c < TF; c++) cols.push(new Int32Array(max));
    let earliest = Number.POSITIVE_INFINITY;
    let seq = 0;
    let offset = 0;
    try {
      for (const b of batches) {
        for (let k = 0; k < b.dict.length; k++) {
          dict.appendInteger(offset + k);
          dict.appendVarchar(b.dict[k]);
          dict.endRow();
        }
        for (let from = 0; from < b.length; from += max) {
          const n = Math.min(max, b.length - from);
          for (let i = 0; i < n; i++) {
            const r = from + i;
            cols[0][i] = seq++;
            for (let f = 0; f < NF; f++) cols[1 + f][i] = b.nums[r * NF + f];
            for (let t = 0; t < TF; t++) cols[1 + NF + t][i] = offset + b.codes[r * TF + t];
            const ts = b.nums[r * NF];
            if (ts < earliest) earliest = ts;
          }
          const chunk = staging!.chunk.create(staging!.types, n);
          // setColumnValues only indexes the values, so a typed array serves (no number array per column).
          for (let c = 0; c < cols.length; c++) chunk.setColumnValues(c, (n === max ? cols[c] : cols[c].subarray(0, n)) as unknown as readonly number[]);
          rows.appendDataChunk(chunk);
        }
        offset += b.dict.length;
      }
      dict.flushSync();
      rows.flushSync();
    } finally {
      dict.closeSync();
      rows.closeSync();
    }
    return Math.floor(earliest / MINUTE_US) * MINUTE_US;
  }

  /**
   * Adds the calls with ids in [fromId, toId) to the minute rollups; when they touch an hour the hourly table already
   * holds, marks the hourly table dirty from there (same transaction) and returns the new dirty mark, else null.
   */
  private async writeRollups(fromId: number, toId: number, earliest: number): Promise<number | null> {
    await this.conn.run(
      `INSERT INTO call_rollups
       SELECT date_trunc('minute', ts), host, template, count(*), count(*) FILTER (WHERE status IS NULL OR status >= 400),
         count(*) FILTER (WHERE sensitive_count > 0), count(*) FILTER (WHERE len(detections) > 0),
         sum(request_bytes + response_bytes), coalesce(sum(latency_us), 0)
       FROM calls WHERE id >= $1 AND id < $2 GROUP BY ALL
       ON CONFLICT (minute, host, template) DO UPDATE SET
         calls = calls + excluded.calls, errors = errors + excluded.errors,
         sensitive_calls = sensitive_calls + excluded.sensitive_calls, detections = detections + excluded.detections,
         bytes = bytes + excluded.bytes, latency_us_sum = latency_us_sum + excluded.latency_us_sum`,
      [fromId, toId],
    );
    if (earliest >= this.rolledUntilUs || (this.dirtyFromUs !== null && this.dirtyFromUs <= earliest)) return null;
    const dirty = this.dirtyFromUs === null ? earliest : Math.min(this.dirtyFromUs, earliest);
    await this.conn.run("UPDATE rollup_marks SET dirty_from_us = $1 WHERE name = 'hourly'", [dirty]);
    return dirty;
  }

  /** Adds the sensitive calls with ids in [fromId, toId) to the hourly sensitive rollups (per type and endpoint, per type and client). */
  private async writeSensitiveRollups(fromId: number, toId: number): Promise<void> {
    await this.conn.run(
      `INSERT INTO sensitive_rollups_endpoints
       SELECT date_trunc('hour', ts), type, host, method, template, count(*), max(ts)
       FROM (SELECT ts, unnest(list_distinct(sensitive_types)) AS type, host, method, template FROM calls WHERE id >= $1 AND id < $2 AND sensitive_count > 0)
       GROUP BY ALL
       ON CONFLICT (hour, type, host, method, template) DO UPDATE SET calls = calls + excluded.calls, last_ts = greatest(last_ts, excluded.last_ts)`,
      [fromId, toId],
    );
    await this.conn.run(
      `INSERT INTO sensitive_rollups_clients
       SELECT date_trunc('hour', ts), type, client_ip, count(*), sum(sensitive_count), max(ts)
       FROM (SELECT ts, unnest(list_distinct(sensitive_types)) AS type, client_ip, sensitive_count FROM calls WHERE id >= $1 AND id < $2 AND sensitive_count > 0)
       GROUP BY ALL
       ON CONFLICT (hour, type, client_ip) DO UPDATE SET calls = calls + excluded.calls, vals = vals + excluded.vals, last_ts = greatest(last_ts, excluded.last_ts)`,
      [fromId, toId],
    );
  }

  /**
   * Brings the hourly rollups up to the last completed hour before `nowUs`: hours after the last run, and hours that
   * received calls since (uploads of older captures), are recomputed from the minute rollups in one transaction.
   * Runs between flushes (never inside one).
   */
  rollUpHours(nowUs: number): Promise<HourlyRollupResult> {
    const next = this.running.then(() => this.rollUp(safeInt(Math.trunc(nowUs), 'now')));
    this.running = next.then(() => undefined, () => undefined);
    return next;
  }

  private async rollUp(nowUs: number): Promise<HourlyRollupResult> {
    const target = Math.max(this.rolledUntilUs, Math.floor(nowUs / HOUR_US) * HOUR_US);
    let from = this.hourlyEndUs();
    if (from === 0) {
      const first = (await this.conn.runAndReadAll('SELECT epoch_us(min(minute))::DOUBLE AS m FROM call_rollups')).getRowObjectsJS()[0].m;
      from = first === null ? target : Math.floor(Number(first) / HOUR_US) * HOUR_US;
    }
    if (from >= target) return { hours: 0, rows: 0, rolledUntilUs: this.rolledUntilUs };
    await this.conn.run('BEGIN TRANSACTION');
    let rows: number;
    try {
      await this.conn.run('DELETE FROM call_rollups_hourly WHERE hour >= make_timestamp($1::BIGINT) AND hour < make_timestamp($2::BIGINT)', [from, target]);
      rows = (
        await this.conn.run(
          `INSERT INTO call_rollups_hourly
           SELECT date_trunc('hour', minute) AS hour, host, template, sum(calls), sum(errors), sum(sensitive_calls), sum(detections), sum(bytes), sum(latency_us_sum)
           FROM call_rollups WHERE minute >= make_timestamp($1::BIGINT) AND minute < make_timestamp($2::BIGINT)
           GROUP BY 1, 2, 3`,
          [from, target],
        )
      ).rowsChanged;
      // Dirty marks are always before rolled_until (see writeRollups), so this run covers them.
      await this.conn.run("UPDATE rollup_marks SET rolled_until_us = $1, dirty_from_us = NULL WHERE name = 'hourly'", [target]);
      await this.conn.run('COMMIT');
      this.rolledUntilUs = target;
      this.dirtyFromUs = null;
    } catch (err) {
      await this.conn.run('ROLLBACK').catch(() => undefined);
      throw err;
    }
    return { hours: (target - from) / HOUR_US, rows, rolledUntilUs: this.rolledUntilUs };
  }

  /** Where hourly rollups may be read: [start of the hourly table, this time) (µs). */
  private hourlyEndUs(): number {
    return this.dirtyFromUs === null ? this.rolledUntilUs : Math.min(this.rolledUntilUs, Math.floor(this.dirtyFromUs / HOUR_US) * HOUR_US);
  }

  async search(q: CallQuery): Promise<CallPage> {
    const where: string[] = [];
    const params: Array<string | number> = [];
    const p = (v: string | number): string => {
      params.push(v);
      return `$${params.length}`;
    };
    if (q.fromUs !== undefined) where.push(`ts >= make_timestamp(${p(safeInt(q.fromUs, 'from'))}::BIGINT)`);
    if (q.toUs !== undefined) where.push(`ts < make_timestamp(${p(safeInt(q.toUs, 'to'))}::BIGINT)`);
    if (q.host !== undefined) where.push(`host = ${p(q.host)}`);
    if (q.template !== undefined) where.push(`template = ${p(q.template)}`);
    if (q.method !== undefined) where.push(`method = ${p(q.method)}`);
    if (q.clientIp !== undefined) where.push(`client_ip = ${p(q.clientIp)}`);
    if (q.identity !== undefined) where.push(`identity = ${p(q.identity)}`);
    if (q.source !== undefined) where.push(`source = ${p(q.source)}`);
    if (q.status !== undefined) where.push(`status = ${p(safeInt(q.status, 'status'))}`);
    if (q.statusClass !== undefined) where.push(`status // 100 = ${p(safeInt(q.statusClass, 'status class'))}`);
    if (q.sensitiveType !== undefined) where.push(`list_contains(sensitive_types, ${p(q.sensitiveType)})`);
    if (q.detection !== undefined) where.push(`list_contains(detections, ${p(q.detection)})`);
    if (q.finding !== undefined) {
      const f = q.finding;
      where.push(`ts >= make_timestamp(${p(safeInt(f.fromUs, 'finding from'))}::BIGINT)`, `ts < make_timestamp(${p(safeInt(f.toUs, 'finding to'))}::BIGINT)`);
      // severity > 0 exactly when a call has a detection: a one-byte column rules out most rows before the list is read
      where.push('severity > 0', `host = ${p(f.host)}`, `method = ${p(f.method)}`, `list_contains(detections, ${p(f.type)})`);
      // a call without a template was aggregated under its request path (the uri before any query)
      const path = p(f.path);
      where.push(`(template = ${path} OR (template = '' AND (uri = ${path} OR starts_with(uri, ${path} || '?'))))`);
      if (f.client !== '') where.push(`client_ip = ${p(f.client)}`);
    }
    if (q.text !== undefined && q.text !== '') {
      const t = p(q.text.toLowerCase());
      // lower() per row is the cost: a caseless part of the term, matched as is, rules most rows out first.
      const anchor = caselessAnchor(q.text);
      const a = anchor.length >= 2 ? p(anchor) : null;
      const col = (c: string): string => (a === null ? `contains(lower(${c}), ${t})` : `(contains(${c}, ${a}) AND contains(lower(${c}), ${t}))`);
      const ors = [col('uri'), col('user_agent'), col('identity')];
      if (/^[0-9a-f.:]+$/i.test(q.text)) ors.push(`contains(client_ip, ${t})`);
      where.push(`(${ors.join(' OR ')})`);
    }
    if (q.cursor !== undefined) {
      const c = decodeCursor(q.cursor);
      if (c === null) throw new RangeError('invalid cursor');
      const ts = p(c.tsUs);
      where.push(`(ts < make_timestamp(${ts}::BIGINT) OR (ts = make_timestamp(${ts}::BIGINT) AND id < ${p(c.id)}))`);
    }
    const limit = Math.min(500, Math.max(1, Math.trunc(q.limit ?? 50)));
    const sql = `SELECT ${CALL_COLUMNS}
      FROM calls ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY ts DESC, id DESC LIMIT ${limit + 1}`;
    const rows = (await this.conn.runAndReadAll(sql, params)).getRowObjectsJS();
    const calls = rows.slice(0, limit).map(rowToCall);
    const last = calls[calls.length - 1];
    return { calls, next: rows.length > limit && last !== undefined ? encodeCursor(last.tsUs, last.id) : null };
  }

  async recent(fromUs: number, toUs: number, limit: number): Promise<StoredCall[]> {
    const sql = `SELECT ${CALL_COLUMNS}
      FROM calls WHERE ts >= make_timestamp($1::BIGINT) AND ts < make_timestamp($2::BIGINT)
      ORDER BY ts DESC, id DESC LIMIT $3`;
    const rows = (await this.conn.runAndReadAll(sql, [safeInt(fromUs, 'from'), safeInt(toUs, 'to'), safeInt(Math.max(1, Math.trunc(limit)), 'limit')])).getRowObjectsJS();
    return rows.map(rowToCall).reverse();
  }

  async timeline(fromUs: number, toUs: number, bucketSeconds: number, host?: string): Promise<CallBucket[]> {
    const bucket = safeInt(bucketSeconds, 'bucket');
    if (bucket < 60 || bucket % 60 !== 0) throw new RangeError('bucket must be a multiple of 60 seconds');
    const from = safeInt(fromUs, 'from');
    const to = safeInt(toUs, 'to');
    const params: Array<string | number> = [from, to];
    const hostSql = host !== undefined ? `AND host = $${params.push(host)}` : '';
    const cols = 'calls, errors, sensitive_calls, detections, bytes';
    // Whole hours the hourly table holds are read from it when buckets are whole hours; the rest from minutes.
    let source = `SELECT minute AS t, ${cols} FROM call_rollups WHERE minute >= make_timestamp($1::BIGINT) AND minute < make_timestamp($2::BIGINT) ${hostSql}`;
    if (bucket % 3600 === 0) {
      const hs = Math.ceil(from / HOUR_US) * HOUR_US;
      const he = Math.max(hs, Math.min(Math.floor(to / HOUR_US) * HOUR_US, this.hourlyEndUs()));
      if (he > hs) {
        const a = params.push(hs);
        const b = params.push(he);
        source = `SELECT hour AS t, ${cols} FROM call_rollups_hourly WHERE hour >= make_timestamp($${a}::BIGINT) AND hour < make_timestamp($${b}::BIGINT) ${hostSql}
          UNION ALL
          SELECT minute AS t, ${cols} FROM call_rollups WHERE minute >= make_timestamp($1::BIGINT) AND minute < make_timestamp($2::BIGINT)
            AND (minute < make_timestamp($${a}::BIGINT) OR minute >= make_timestamp($${b}::BIGINT)) ${hostSql}`;
      }
    }
    const rows = (
      await this.conn.runAndReadAll(
        `SELECT epoch_us(time_bucket(INTERVAL '${bucket} seconds', t))::DOUBLE AS start_us,
           sum(calls)::DOUBLE AS calls, sum(errors)::DOUBLE AS errors, sum(sensitive_calls)::DOUBLE AS sensitive_calls,
           sum(detections)::DOUBLE AS detections, sum(bytes)::DOUBLE AS bytes
         FROM (${source})
         GROUP BY 1 ORDER BY 1`,
        params,
      )
    ).getRowObjectsJS();
    return rows.map((r) => ({
      startUs: Number(r.start_us),
      calls: Number(r.calls),
      errors: Number(r.errors),
      sensitiveCalls: Number(r.sensitive_calls),
      detections: Number(r.detections),
      bytes: Number(r.bytes),
    }));
  }

  async totals(fromUs: number, toUs: number): Promise<CallTotals> {
    const rows = (
      await this.conn.runAndReadAll(
        `SELECT count(*)::DOUBLE AS calls, count(DISTINCT client_ip)::DOUBLE AS clients,
           count(DISTINCT identity) FILTER (WHERE identity <> '')::DOUBLE AS identities,
           count(DISTINCT host)::DOUBLE AS hosts,
           count(DISTINCT (host, method, template)) FILTER (WHERE template <> '')::DOUBLE AS endpoints,
           count(*) FILTER (WHERE status IS NULL OR status >= 400)::DOUBLE AS errors,
           count(*) FILTER (WHERE sensitive_count > 0)::DOUBLE AS sensitive_calls,
           count(*) FILTER (WHERE len(detections) > 0)::DOUBLE AS detected_calls,
           epoch_us(min(ts))::DOUBLE AS first_us, epoch_us(max(ts))::DOUBLE AS last_us
         FROM calls WHERE ts >= make_timestamp($1::BIGINT) AND ts < make_timestamp($2::BIGINT)`,
        [safeInt(fromUs, 'from'), safeInt(toUs, 'to')],
      )
    ).getRowObjectsJS()[0];
    return {
      calls: Number(rows.calls),
      clients: Number(rows.clients),
      identities: Number(rows.identities),
      hosts: Number(rows.hosts),
      endpoints: Number(rows.endpoints),
      errors: Number(rows.errors),
      sensitiveCalls: Number(rows.sensitive_calls),
      detectedCalls: Number(rows.detected_calls),
      firstUs: rows.first_us === null ? null : Number(rows.first_us),
      lastUs: rows.last_us === null ? null : Number(rows.last_us),
    };
  }

  async endpointTimeline(fromUs: number, toUs: number, bucketSeconds: number, endpoint: CallEndpointKey): Promise<EndpointBucket[]> {
    const bucket = safeInt(bucketSeconds, 'bucket');
    if (bucket < 60 || bucket % 60 !== 0) throw new RangeError('bucket must be a multiple of 60 seconds');
    const rows = (
      await this.conn.runAndReadAll(
        `SELECT epoch_us(time_bucket(INTERVAL '${bucket} seconds', ts))::DOUBLE AS start_us, count(*)::DOUBLE AS calls,
           count(*) FILTER (WHERE status // 100 = 2)::DOUBLE AS s2, count(*) FILTER (WHERE status // 100 = 3)::DOUBLE AS s3,
           count(*) FILTER (WHERE status // 100 = 4)::DOUBLE AS s4, count(*) FILTER (WHERE status // 100 = 5)::DOUBLE AS s5,
           count(*) FILTER (WHERE status IS NULL)::DOUBLE AS none,
           avg(latency_us)::DOUBLE AS lat_avg, quantile_cont(latency_us, 0.95)::DOUBLE AS lat_p95
         FROM calls
         WHERE ts >= make_timestamp($1::BIGINT) AND ts < make_timestamp($2::BIGINT) AND host = $3 AND method = $4 AND template = $5
         GROUP BY 1 ORDER BY 1`,
        [safeInt(fromUs, 'from'), safeInt(toUs, 'to'), endpoint.host, endpoint.method, endpoint.template],
      )
    ).getRowObjectsJS();
    const num = (v: unknown): number | null => (v === null ? null : Number(v));
    return rows.map((r) => ({
      startUs: Number(r.start_us),
      calls: Number(r.calls),
      s2xx: Number(r.s2),
      s3xx: Number(r.s3),
      s4xx: Number(r.s4),
      s5xx: Number(r.s5),
      noResponse: Number(r.none),
      latencyAvgUs: num(r.lat_avg),
      latencyP95Us: num(r.lat_p95),
    }));
  }

  async callsOfActors(ips: readonly string[], identities: readonly string[], limit: number): Promise<StoredCall[]> {
    if (ips.length === 0 && identities.length === 0) return [];
    const params: Array<string | number> = [];
    const list = (xs: readonly string[]): string => xs.map((x) => (params.push(x), `$${params.length}`)).join(', ');
    const ors: string[] = [];
    if (ips.length > 0) ors.push(`client_ip IN (${list(ips)})`);
    if (identities.length > 0) ors.push(`identity IN (${list(identities)})`);
    params.push(Math.min(5000, Math.max(1, safeInt(Math.trunc(limit), 'limit'))));
    const sql = `SELECT ${CALL_COLUMNS} FROM calls WHERE ${ors.join(' OR ')} ORDER BY ts DESC, id DESC LIMIT $${params.length}`;
    return (await this.conn.runAndReadAll(sql, params)).getRowObjectsJS().map(rowToCall);
  }

  async sensitiveSummary(fromUs: number, toUs: number, perType: number): Promise<SensitiveCallSummary> {
    const top = Math.min(100, Math.max(1, safeInt(perType, 'perType')));
    const from = safeInt(fromUs, 'from');
    const to = safeInt(toUs, 'to');
    // Whole hours come from the hourly sensitive rollups; the parts of hours at either end of the range from the calls
    // (at most two hours of them), so the work is bounded by the range's hours, not by the number of calls.
    const hs = Math.ceil(from / HOUR_US) * HOUR_US;
    const he = Math.max(hs, Math.floor(to / HOUR_US) * HOUR_US);
    const edges: Array<[number, number]> = he > hs ? [[from, hs], [he, to]] : [[from, to]];
    const params: number[] = [hs, he];
    const edgeCalls = edges.map(([lo, hi]) => {
      const l = params.push(lo);
      const h = params.push(hi);
      return `SELECT ts, unnest(list_distinct(sensitive_types)) AS type, host, method, template, client_ip, sensitive_count
        FROM calls WHERE ts >= make_timestamp($${l}::BIGINT) AND ts < make_timestamp($${h}::BIGINT) AND sensitive_count > 0`;
    });
    const rows = (
      await this.conn.runAndReadAll(
        `WITH edge_calls AS MATERIALIZED (${edgeCalls.join(' UNION ALL ')}),
         e AS MATERIALIZED (
           SELECT type, host, method, template, sum(calls)::DOUBLE AS calls, max(last_ts) AS last_ts FROM (
             SELECT type, host, method, template, calls, last_ts FROM sensitive_rollups_endpoints
             WHERE hour >= make_timestamp($1::BIGINT) AND hour < make_timestamp($2::BIGINT)
             UNION ALL SELECT type, host, method, template, 1, ts FROM edge_calls
           ) GROUP BY ALL),
         c AS MATERIALIZED (
           SELECT type, client_ip, sum(calls)::DOUBLE AS calls, sum(vals)::DOUBLE AS vals FROM (
             SELECT type, client_ip, calls, vals FROM sensitive_rollups_clients
             WHERE hour >= make_timestamp($1::BIGINT) AND hour < make_timestamp($2::BIGINT)
             UNION ALL SELECT type, client_ip, 1, sensitive_count FROM edge_calls
           ) GROUP BY ALL),
         ct AS (SELECT type, count(*)::DOUBLE AS clients FROM c GROUP BY type)
         SELECT 't' AS kind, e.type, NULL AS host, NULL AS method, NULL AS template, NULL AS client_ip, sum(e.calls) AS calls,
           count(*)::DOUBLE AS endpoints, coalesce(any_value(ct.clients), 0) AS clients, NULL::DOUBLE AS vals, epoch_us(max(e.last_ts))::DOUBLE AS last_us
         FROM e LEFT JOIN ct ON ct.type = e.type GROUP BY e.type
         UNION ALL
         (SELECT 'e', type, host, method, template, NULL, calls, NULL, NULL, NULL, epoch_us(last_ts)::DOUBLE FROM e
          QUALIFY row_number() OVER (PARTITION BY type ORDER BY calls DESC, host, method, template) <= ${top})
         UNION ALL
         (SELECT 'c', type, NULL, NULL, NULL, client_ip, calls, NULL, NULL, vals, NULL FROM c
          QUALIFY row_number() OVER (PARTITION BY type ORDER BY calls DESC, client_ip) <= ${top})`,
        params,
      )
    ).getRowObjectsJS();
    const out: SensitiveCallSummary = { types: [], endpoints: [], clients: [] };
    for (const r of rows) {
      const type = String(r.type);
      const calls = Number(r.calls);
      if (r.kind === 't') out.types.push({ type, calls, endpoints: Number(r.endpoints), clients: Number(r.clients), lastUs: Number(r.last_us) });
      else if (r.kind === 'e') out.endpoints.push({ type, host: String(r.host), method: String(r.method), template: String(r.template), calls, lastUs: Number(r.last_us) });
      else out.clients.push({ type, clientIp: String(r.client_ip), calls, values: Number(r.vals) });
    }
    // types busiest first; endpoints and clients grouped by type, busiest first within it
    const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
    out.types.sort((a, b) => b.calls - a.calls || cmp(a.type, b.type));
    out.endpoints.sort((a, b) => cmp(a.type, b.type) || b.calls - a.calls || cmp(`${a.host} ${a.method} ${a.template}`, `${b.host} ${b.method} ${b.template}`));
    out.clients.sort((a, b) => cmp(a.type, b.type) || b.calls - a.calls || cmp(a.clientIp, b.clientIp));
    return out;
  }

  async endpointClients(fromUs: number, toUs: number, endpoint: CallEndpointKey, limit: number): Promise<{ clients: EndpointClient[]; total: number }> {
    const n = Math.min(1000, Math.max(1, safeInt(limit, 'limit')));
    const rows = (
      await this.conn.runAndReadAll(
        `WITH g AS MATERIALIZED (
           SELECT client_ip, identity, count(*)::DOUBLE AS calls, count(*) FILTER (WHERE status IS NULL OR status >= 400)::DOUBLE AS errors,
             count(*) FILTER (WHERE sensitive_count > 0)::DOUBLE AS sensitive_calls, sum(sensitive_count)::DOUBLE AS sensitive_values,
             count(*) FILTER (WHERE severity > 0)::DOUBLE AS detected_calls, epoch_us(min(ts))::DOUBLE AS first_us, epoch_us(max(ts))::DOUBLE AS last_us
           FROM calls
           WHERE ts >= make_timestamp($1::BIGINT) AND ts < make_timestamp($2::BIGINT) AND host = $3 AND method = $4 AND template = $5
           GROUP BY client_ip, identity)
         SELECT *, count(*) OVER ()::DOUBLE AS total FROM g ORDER BY calls DESC, client_ip, identity LIMIT ${n}`,
        [safeInt(fromUs, 'from'), safeInt(toUs, 'to'), endpoint.host, endpoint.method, endpoint.template],
      )
    ).getRowObjectsJS();
    return {
      total: rows.length === 0 ? 0 : Number(rows[0].total),
      clients: rows.map((r) => ({
        clientIp: String(r.client_ip),
        identity: String(r.identity),
        calls: Number(r.calls),
        errors: Number(r.errors),
        sensitiveCalls: Number(r.sensitive_calls),
        sensitiveValues: Number(r.sensitive_values),
        detectedCalls: Number(r.detected_calls),
        firstUs: Number(r.first_us),
        lastUs: Number(r.last_us),
      })),
    };
  }

  async byId(id: number): Promise<StoredCall | null> {
    const rows = (await this.conn.runAndReadAll(`SELECT ${CALL_COLUMNS} FROM calls WHERE id = $1`, [safeInt(id, 'id')])).getRowObjectsJS();
    return rows.length === 0 ? null : rowToCall(rows[0]);
  }

  async exportParquet(fromUs: number, toUs: number, path: string): Promise<number> {
    await this.flush();
    const from = safeInt(fromUs, 'from');
    const to = safeInt(toUs, 'to');
    // COPY takes no parameters: the bounds are checked integers and the path is quoted as an SQL string literal.
    const quoted = `'${path.replace(/'/g, "''")}'`;
    const r = await this.conn.run(
      `COPY (SELECT * EXCLUDE (ts), ts FROM calls WHERE ts >= make_timestamp(${from}::BIGINT) AND ts < make_timestamp(${to}::BIGINT) ORDER BY ts, id)
       TO ${quoted} (FORMAT parquet, COMPRESSION zstd)`,
    );
    return r.rowsChanged;
  }

  async applyRetention(policy: RetentionPolicy, nowUs: number): Promise<RetentionResult> {
    await this.flush();
    let deletedByAge = 0;
    let deletedByBudget = 0;
    if (policy.maxAgeDays > 0) {
      const cutoff = safeInt(Math.trunc(nowUs - policy.maxAgeDays * 86_400_000_000), 'cutoff');
      deletedByAge = (await this.conn.run('DELETE FROM calls WHERE ts < make_timestamp($1::BIGINT)', [cutoff])).rowsChanged;
      await this.conn.run('DELETE FROM call_rollups WHERE minute < make_timestamp($1::BIGINT)', [cutoff - MINUTE_US]);
      await this.conn.run('DELETE FROM call_rollups_hourly WHERE hour < make_timestamp($1::BIGINT)', [cutoff - HOUR_US]);
      for (const t of SENSITIVE_ROLLUPS) await this.conn.run(`DELETE FROM ${t} WHERE hour < make_timestamp($1::BIGINT)`, [cutoff - HOUR_US]);
    }
    if (policy.maxBytes > 0) {
      for (let pass = 0; pass < 4; pass++) {
        await this.conn.run('CHECKPOINT');
        const used = await this.usedBytes();
        if (used <= policy.maxBytes) break;
        const total = await this.count();
        if (total === 0) break;
        // Delete the oldest share of calls that brings the store under budget, with 10 % head room.
        const share = Math.min(1, (1 - policy.maxBytes / used) * 1.1 + 0.01);
        const n = Math.max(1, Math.ceil(total * share));
        deletedByBudget += (
          await this.conn.run('DELETE FROM calls WHERE id IN (SELECT id FROM calls ORDER BY ts, id LIMIT $1)', [n])
        ).rowsChanged;
        await this.conn.run('DELETE FROM call_rollups WHERE minute < (SELECT coalesce(min(ts), make_timestamp(0::BIGINT)) FROM calls)');
        await this.conn.run("DELETE FROM call_rollups_hourly WHERE hour < (SELECT coalesce(date_trunc('hour', min(ts)), make_timestamp(0::BIGINT)) FROM calls)");
        for (const t of SENSITIVE_ROLLUPS) await this.conn.run(`DELETE FROM ${t} WHERE hour < (SELECT coalesce(date_trunc('hour', min(ts)), make_timestamp(0::BIGINT)) FROM calls)`);
      }
    }
    await this.conn.run('CHECKPOINT');
    return { deletedByAge, deletedByBudget, bytesAfter: await this.usedBytes() };
  }

  /** Bytes the database uses (blocks in use × block size, plus the WAL), or the file size when unknown. */
  async usedBytes(): Promise<number> {
    const r = (await this.conn.runAndReadAll('PRAGMA database_size')).getRowObjectsJS()[0];
    const blocks = Number(r.used_blocks ?? 0) * Number(r.block_size ?? 0);
    let wal = 0;
    if (this.db.path !== '') {
      try {
        wal = statSync(`${this.db.path}.wal`).size;
      } catch {
        wal = 0;
      }
    }
    return blocks + wal;
  }

  async count(): Promise<number> {
    const r = (await this.conn.runAndReadAll('SELECT count(*)::DOUBLE AS n FROM calls')).getRowObjectsJS();
    return Number(r[0].n);
  }

  /** Flushes what is queued and stops the timer (the database itself is closed by its owner). */
  async close(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
    this.closed = true;
  }
}

/** The columns of a stored call as `rowToCall` reads them. */
const CALL_COLUMNS = `id::DOUBLE AS id, epoch_us(ts)::DOUBLE AS ts_us, source, client_ip, client_port, server_ip, server_port, host, method, uri,
  template, status, request_bytes::DOUBLE AS request_bytes, response_bytes::DOUBLE AS response_bytes, latency_us::DOUBLE AS latency_us,
  auth_scheme, identity, user_agent, sensitive_types, sensitive_count, detections, severity, flags`;

function rowToCall(r: Record<string, unknown>): StoredCall {
  return {
    id: Number(r.id),
    tsUs: Number(r.ts_us),
    source: String(r.source),
    clientIp: String(r.client_ip),
    clientPort: Number(r.client_port),
    serverIp: String(r.server_ip),
    serverPort: Number(r.server_port),
    host: String(r.host),
    method: String(r.method),
    uri: String(r.uri),
    template: String(r.template),
    status: r.status === null ? null : Number(r.status),
    requestBytes: Number(r.request_bytes),
    responseBytes: Number(r.response_bytes),
    latencyUs: r.latency_us === null ? null : Number(r.latency_us),
    authScheme: String(r.auth_scheme),
    identity: String(r.identity),
    userAgent: String(r.user_agent),
    sensitiveTypes: (r.sensitive_types as string[] | null) ?? [],
    sensitiveCount: Number(r.sensitive_count),
    detections: (r.detections as string[] | null) ?? [],
    severity: Number(r.severity),
    flags: Number(r.flags),
  };
}
