/**
 * Content-Encoding decoding of kept bodies (gzip, x-gzip, deflate in zlib or raw form, br), with zlib's sync
 * functions. Output is capped (decompression-bomb protection); truncated input yields the decodable prefix; up to
 * two stacked codings are decoded, as libhtp does. Failures are reported as a status, never thrown.
 *
 * Decoding is lazy: an encoded body is emitted as a {@link LazyDecodedBody} that inflates on the first read of
 * `data` or `contentEncoding`. Most bodies are never read by an analyzer (they sample), so most never pay for zlib;
 * a body that is read behaves exactly as an eagerly decoded one, and decode failures then flag its transaction.
 */
import zlib from 'node:zlib';
import type { HeaderList, HttpBody } from '../transaction.types.ts';
import { TxFlag } from '../transaction.types.ts';
import type { WeirdCounters } from '../weird.counters.ts';
import type { HttpStats } from './http.stats.ts';
import { ReusedGunzip } from './gzip.decoder.ts';

/** Outcome of {@link decodeContent}. */
export const DecodeStatus = {
  Ok: 0,
  /** A coding the decoder does not know: nothing decoded. */
  Unknown: 1,
  /** More stacked codings than supported: nothing decoded. */
  TooMany: 2,
  /** The data did not decode. */
  Error: 3,
  /** The output would exceed the decompression cap. */
  Bomb: 4,
} as const;

/** Most stacked content codings decoded (libhtp's default). */
export const MAX_CODING_LAYERS = 2;

/** Result of decoding a body. */
export interface DecodeResult {
  status: number;
  /** Decoded bytes (status Ok) or the input unchanged. */
  data: Buffer;
  /** Codings decoded, outermost first (empty unless status is Ok). */
  decoded: string[];
}

/** Splits a Content-Encoding value into lower-case codings in the order applied, dropping `identity` and empties. */
export function parseCodings(value: string): string[] {
  const out: string[] = [];
  for (const part of value.split(',')) {
    const c = part.trim().toLowerCase();
    if (c.length > 0 && c !== 'identity') out.push(c);
  }
  return out;
}

let lastCodingsValue = '';
let lastCodings: readonly string[] = [];

/**
 * {@link parseCodings} remembering the last value parsed (traffic repeats one Content-Encoding value): the result
 * is shared and must not be modified.
 */
export function parseCodingsShared(value: string): readonly string[] {
  if (value !== lastCodingsValue) {
    lastCodings = Object.freeze(parseCodings(value));
    lastCodingsValue = value;
  }
  return lastCodings;
}

/** gzip without a zlib object per body (falls back to `zlib.gunzipSync` for anything unusual). */
const reusedGunzip = new ReusedGunzip();

const GZIP_OPTS = (max: number): zlib.ZlibOptions => ({ finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: max });

/** Decodes `raw` through `codings` (as listed in the header, i.e. in the order applied), output capped at `maxOutput` bytes. */
export function decodeContent(raw: Buffer, codings: readonly string[], maxOutput: number): DecodeResult {
  if (codings.length > MAX_CODING_LAYERS) return { status: DecodeStatus.TooMany, data: raw, decoded: [] };
  for (const c of codings) {
    if (c !== 'gzip' && c !== 'x-gzip' && c !== 'deflate' && c !== 'br') return { status: DecodeStatus.Unknown, data: raw, decoded: [] };
  }
  let data = raw;
  const decoded: string[] = [];
  for (let i = codings.length - 1; i >= 0; i--) {
    const coding = codings[i];
    let status: number;
    [status, data] = decodeOne(coding, data, maxOutput);
    if (status !== DecodeStatus.Ok) return { status, data: raw, decoded: [] };
    decoded.push(coding);
  }
  return { status: DecodeStatus.Ok, data, decoded };
}

/** Decodes one layer; returns [status, output]. */
function decodeOne(coding: string, input: Buffer, max: number): [number, Buffer] {
  if (input.length === 0) return [DecodeStatus.Ok, input];
  if (coding === 'br') {
    return attempt(() => zlib.brotliDecompressSync(input, { finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH, maxOutputLength: max }));
  }
  if (coding === 'gzip' || coding === 'x-gzip') {
    const fast = reusedGunzip.gunzip(input, max);
    if (fast !== null) return [DecodeStatus.Ok, fast];
    return attempt(() => zlib.gunzipSync(input, GZIP_OPTS(max)));
  }
  const looksZlib = input.length >= 2 && (input[0] & 0x0f) === 8 && ((input[0] << 8) | input[1]) % 31 === 0;
  const first = attempt(() => (looksZlib ? zlib.inflateSync(input, GZIP_OPTS(max)) : zlib.inflateRawSync(input, GZIP_OPTS(max))));
  if (first[0] !== DecodeStatus.Error) return first;
  return attempt(() => (looksZlib ? zlib.inflateRawSync(input, GZIP_OPTS(max)) : zlib.inflateSync(input, GZIP_OPTS(max))));
}

/** Runs a zlib call, mapping its exceptions to a status (the zlib API reports failure only by throwing). */
function attempt(fn: () => Buffer): [number, Buffer] {
  try {
    return [DecodeStatus.Ok, fn()];
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) return [DecodeStatus.Bomb, EMPTY];
    return [DecodeStatus.Error, EMPTY];
  }
}

const EMPTY = Buffer.alloc(0);

/** Whether every coding in `codings` is one {@link decodeContent} knows. */
export function knownCodings(codings: readonly string[]): boolean {
  for (const c of codings) {
    if (c !== 'gzip' && c !== 'x-gzip' && c !== 'deflate' && c !== 'br') return false;
  }
  return true;
}

/** Where a lazily decoded body reports its outcome. */
export interface DecodeReport {
  readonly weird: WeirdCounters;
  readonly stats: HttpStats;
  /** Decompression cap (bytes of output). */
  readonly maxOutput: number;
  /** Decoded bytes kept; beyond it the body is cut and flagged Truncated. */
  readonly bodyLimit: number;
}

/**
 * An encoded body whose content decoding runs on first read. Until then it holds the raw (wire, de-chunked) bytes.
 * On a failed decode `data` is the raw bytes and `contentEncoding` is empty, as for an eager decode, and the owning
 * transaction gets {@link TxFlag.DecodeError} (with `Truncated` when the decoded output had to be cut).
 */
export class LazyDecodedBody implements HttpBody {
  /** The transaction whose flags a decode outcome updates (set when the transaction is built). */
  owner: { flags: number } | null = null;
  private raw: Buffer;
  private decoded: Buffer | null = null;
  private layers: string[] = [];

  constructor(
    raw: Buffer,
    private readonly codings: readonly string[],
    readonly wireLength: number,
    readonly chunked: boolean,
    readonly trailers: HeaderList,
    private readonly report: DecodeReport,
  ) {
    this.raw = raw;
  }

  /** The decoded bytes (decoding now if not done yet). */
  get data(): Buffer {
    return this.decoded ?? this.decode();
  }

  set data(value: Buffer) {
    this.decoded = value;
  }

  /** Codings decoded, outermost first (decoding now if not done yet). */
  get contentEncoding(): string[] {
    if (this.decoded === null) this.decode();
    return this.layers;
  }

  set contentEncoding(value: string[]) {
    this.layers = value;
  }

  /** The raw bytes as captured (content-encoded), without decoding. */
  get encodedData(): Buffer {
    return this.raw;
  }

  /** Whether the body has been decoded already. */
  get isDecoded(): boolean {
    return this.decoded !== null;
  }

  private decode(): Buffer {
    const rep = this.report;
    const r = decodeContent(this.raw, this.codings, rep.maxOutput);
    let data = r.data;
    let flags = 0;
    if (r.status === DecodeStatus.Ok) {
      this.layers = r.decoded;
      rep.stats.bodiesDecoded++;
      if (data.length > rep.bodyLimit) {
        data = Buffer.from(data.subarray(0, rep.bodyLimit));
        flags |= TxFlag.Truncated;
        rep.stats.bodiesTruncated++;
      }
    } else {
      flags |= TxFlag.DecodeError;
      rep.stats.decodeErrors++;
      if (r.status === DecodeStatus.Bomb) {
        rep.weird.inc('http_decompression_bomb');
        rep.stats.decompressionBombs++;
      } else {
        rep.weird.inc('http_decode_error');
      }
    }
    if (flags !== 0 && this.owner !== null) this.owner.flags |= flags;
    this.decoded = data;
    return data;
  }
}
