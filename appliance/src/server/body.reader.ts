/** Reads a raw (non-JSON) request body into memory with a size cap: for uploads small enough to hold (specs, PEM). */
import type { Readable } from 'node:stream';
import { ApiError } from '../errors/error.catalogue.ts';

/** Reads `body` as UTF-8 text; ApiError `payload_too_large` past `maxBytes`. */
export async function readBodyText(body: Readable, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > maxBytes) {
      body.destroy();
      throw new ApiError('payload_too_large');
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}
