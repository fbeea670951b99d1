/**
 * Reads a raw (non-JSON) request body with a size cap: into memory for uploads small enough to hold (specs, PEM), or
 * into a file (upgrade bundles).
 */
import { createWriteStream, rmSync } from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
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

/** Streams `body` into the file `path` (mode 0640); ApiError `payload_too_large` past `maxBytes` (the file is removed). Returns the size. */
export async function writeBodyFile(body: Readable, path: string, maxBytes: number): Promise<number> {
  let size = 0;
  const cap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      done(size > maxBytes ? new ApiError('payload_too_large') : null, chunk);
    },
  });
  try {
    await pipeline(body, cap, createWriteStream(path, { mode: 0o640 }));
  } catch (err) {
    rmSync(path, { force: true });
    throw err;
  }
  return size;
}
