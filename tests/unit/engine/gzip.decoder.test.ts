/** Unit tests of the reused-handle gzip decoder: same bytes and outcomes as `zlib.gunzipSync` for every kind of body. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { ReusedGunzip } from '../../../appliance/src/engine/http/gzip.decoder.ts';
import { decodeContent, DecodeStatus } from '../../../appliance/src/engine/http/content.decoder.ts';

const SYNC = { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: 1 << 22 };

/** Deterministic bodies of many sizes and compressibilities. */
function bodies(): Buffer[] {
  const out: Buffer[] = [];
  let x = 7;
  for (const size of [1, 37, 660, 5_000, 16 * 1024, 16 * 1024 + 1, 70_000, 400_000]) {
    for (const alphabet of [4, 60, 256]) {
      const d = Buffer.alloc(size);
      for (let i = 0; i < size; i++) {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        d[i] = 32 + ((x >>> 16) % alphabet);
      }
      for (const level of [0, 1, 9]) out.push(zlib.gzipSync(d, { level }));
    }
  }
  return out;
}

test('decodes every body exactly as gunzipSync, on one reused handle', () => {
  const g = new ReusedGunzip();
  const all = bodies();
  for (const b of all) assert.ok(g.gunzip(b, 1 << 22)?.equals(zlib.gunzipSync(b, SYNC)));
  assert.equal(g.unsupported, false);
  const empty = zlib.gzipSync(Buffer.alloc(0));
  assert.equal(g.gunzip(empty, 1 << 22)?.length, 0);
});

test('truncated bodies give the same decodable prefix as gunzipSync; concatenated members decode whole', () => {
  const g = new ReusedGunzip();
  const full = zlib.gzipSync(Buffer.from('{"email":"a@example.com","mobile":"13812345678"}'.repeat(200)));
  for (const cut of [12, 40, full.length >> 1, full.length - 4]) {
    const part = full.subarray(0, cut);
    assert.ok(g.gunzip(part, 1 << 22)?.equals(zlib.gunzipSync(part, SYNC)), `cut ${cut}`);
  }
  const two = Buffer.concat([zlib.gzipSync('first '), zlib.gzipSync('second')]);
  assert.equal(g.gunzip(two, 1 << 22)?.toString(), zlib.gunzipSync(two, SYNC).toString());
});

test('corrupt data and output over the cap answer null; the next body decodes again', () => {
  const g = new ReusedGunzip();
  const good = zlib.gzipSync(Buffer.from('hello '.repeat(1000)));
  const corrupt = Buffer.from(good);
  corrupt[20] ^= 0xff;
  corrupt[21] ^= 0xff;
  assert.throws(() => zlib.gunzipSync(corrupt, SYNC));
  assert.equal(g.gunzip(corrupt, 1 << 22), null);
  assert.equal(g.gunzip(Buffer.from('not gzip at all'), 1 << 22), null);
  assert.equal(g.gunzip(good, 100), null);
  assert.equal(g.gunzip(good, 1 << 22)?.toString(), 'hello '.repeat(1000));
});

test('decodeContent keeps its statuses with the reused decoder in front', () => {
  const text = Buffer.from('{"ok":true}'.repeat(50));
  const ok = decodeContent(zlib.gzipSync(text), ['gzip'], 1 << 20);
  assert.equal(ok.status, DecodeStatus.Ok);
  assert.ok(ok.data.equals(text));
  assert.equal(decodeContent(zlib.gzipSync(text), ['gzip'], 100).status, DecodeStatus.Bomb);
  const bad = zlib.gzipSync(text);
  bad[bad.length - 6] ^= 0xff; // CRC-32 of the trailer
  assert.equal(decodeContent(bad, ['x-gzip'], 1 << 20).status, DecodeStatus.Error);
  assert.equal(decodeContent(zlib.gzipSync(text), ['x-gzip'], 1 << 20).status, DecodeStatus.Ok);
});
