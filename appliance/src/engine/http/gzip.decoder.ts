/**
 * gzip decoding through one reused native zlib handle. `zlib.gunzipSync` builds a zlib stream object, initialises
 * zlib and closes it again for every call — more than half of its cost for the few-hundred-byte bodies of API
 * traffic. Node 20 has no public way to reuse a synchronous inflater (its sync path closes the handle), so this
 * drives the handle of one `zlib.createGunzip()` stream directly (`reset`, `writeSync` and the stream's write-state
 * array, the calls Node's own `processChunkSync` makes), with the same flush mode and output loop. Any departure —
 * a zlib error, output over the cap, or a Node whose stream lacks those internals — returns null, and the caller
 * decodes with `zlib.gunzipSync`, so errors, truncation and caps keep its exact behaviour. One thread, not
 * re-entrant.
 */
import zlib from 'node:zlib';

/** The internal handle calls used (present on Node 20's zlib streams). */
interface ZlibHandle {
  reset(): void;
  writeSync(flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, outOff: number, outLen: number): void;
  onerror: (message: string, errno: number) => void;
}

const OUT_CHUNK = 16 * 1024;

/** Decodes gzip bodies with one reused zlib handle; see the file header. */
export class ReusedGunzip {
  private handle: ZlibHandle | null = null;
  private state: Uint32Array | null = null;
  private failed = false;
  private readonly out = Buffer.allocUnsafe(OUT_CHUNK);
  /** Whether the handle's internals are missing (then every call answers null). */
  unsupported = false;

  /** The decoded bytes of `input` (a fresh Buffer), or null when the caller must decode it with `zlib.gunzipSync`. */
  gunzip(input: Buffer, maxOutput: number): Buffer | null {
    if (this.handle === null && !this.open()) return null;
    const h = this.handle as ZlibHandle;
    const state = this.state as Uint32Array;
    const out = this.out;
    this.failed = false;
    h.reset();
    let inOff = 0;
    let availIn = input.length;
    let total = 0;
    let first: Buffer | null = null;
    let more: Buffer[] | null = null;
    for (;;) {
      h.writeSync(zlib.constants.Z_SYNC_FLUSH, input, inOff, availIn, out, 0, OUT_CHUNK);
      if (this.failed) {
        // a fresh handle for the next body: the failed one's state is zlib's business
        this.handle = null;
        return null;
      }
      const availOut = state[0];
      const have = OUT_CHUNK - availOut;
      if (have > 0) {
        total += have;
        if (total > maxOutput) return null;
        const chunk = Buffer.allocUnsafe(have);
        out.copy(chunk, 0, 0, have);
        if (first === null) first = chunk;
        else (more ??= [first]).push(chunk);
      }
      inOff += availIn - state[1];
      availIn = state[1];
      if (availOut !== 0) break;
    }
    if (more !== null) return Buffer.concat(more, total);
    return first ?? Buffer.alloc(0);
  }

  private open(): boolean {
    if (this.unsupported) return false;
    const stream = zlib.createGunzip() as unknown as { _handle?: Partial<ZlibHandle>; _writeState?: unknown };
    const h = stream._handle;
    const state = stream._writeState;
    if (h === undefined || typeof h.reset !== 'function' || typeof h.writeSync !== 'function' || !(state instanceof Uint32Array) || state.length < 2) {
      this.unsupported = true;
      return false;
    }
    h.onerror = () => {
      this.failed = true;
    };
    this.handle = h as ZlibHandle;
    this.state = state;
    return true;
  }
}
