// Whole-capture fuzzing: generated captures (pcap and pcapng) are mutated — bytes flipped, records cut and shuffled,
// length fields corrupted, garbage appended — written to real files and read through the whole engine. Nothing may
// throw out of the reader or the engine, every counter stays sane, and memory stays bounded. Deterministic seeds,
// bounded work (a few seconds), so it runs on every CI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaptureFileReader, CaptureFormatError } from '../../appliance/src/engine/source/capture-file.reader.ts';
import { HttpEngine } from '../../appliance/src/engine/http-engine.ts';
import { generateScenario, listScenarios, writeScenarioCapture } from '../../scripts/traffic/scenario.catalog.ts';
import { SeededRandom } from '../../scripts/traffic/seeded.random.ts';

/** One mutation of a capture image, chosen at random. */
function mutate(img: Buffer, rnd: SeededRandom): Buffer {
  const out = Buffer.from(img);
  const kind = rnd.int(0, 5);
  if (kind === 0) {
    // flip bytes anywhere past the file header
    const n = rnd.int(1, 64);
    for (let i = 0; i < n; i++) out[rnd.int(24, out.length - 1)] ^= 1 << rnd.int(0, 7);
    return out;
  }
  if (kind === 1) return out.subarray(0, rnd.int(0, out.length)); // truncated anywhere
  if (kind === 2) {
    // overwrite a 32-bit word with a hostile length-like value
    const at = rnd.int(24, Math.max(24, out.length - 4));
    out.writeUInt32LE([0, 0xffffffff, 0x7fffffff, rnd.int(1, 1 << 24)][rnd.int(0, 3)] >>> 0, at);
    return out;
  }
  if (kind === 3) {
    // duplicate a slice (records repeated or misaligned)
    const a = rnd.int(24, out.length - 1);
    const b = Math.min(out.length, a + rnd.int(1, 4096));
    return Buffer.concat([out, out.subarray(a, b)]);
  }
  if (kind === 4) {
    // swap two slices (reordering and broken framing)
    const a = rnd.int(24, out.length - 1);
    const len = rnd.int(1, Math.min(2048, out.length - a));
    const b = rnd.int(24, out.length - len);
    const tmp = Buffer.from(out.subarray(a, a + len));
    out.copy(out, a, b, b + len);
    tmp.copy(out, b);
    return out;
  }
  // random garbage appended
  const junk = Buffer.alloc(rnd.int(1, 3000));
  for (let i = 0; i < junk.length; i++) junk[i] = rnd.int(0, 255);
  return Buffer.concat([out, junk]);
}

test('mutated captures never throw out of the reader or the engine, and memory stays bounded', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'engine-fuzz-'));
  const rnd = new SeededRandom(20261128);
  const images: Buffer[] = [];
  for (const info of listScenarios()) {
    const sc = generateScenario(info.name, 7);
    for (const format of info.formats) images.push(writeScenarioCapture(null, sc, { format }).buffer!);
  }
  let runs = 0;
  let formatErrors = 0;
  let transactions = 0;
  const heapBefore = process.memoryUsage().heapUsed;
  try {
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < images.length; i++) {
        const path = join(dir, `m${round}-${i}.cap`);
        writeFileSync(path, mutate(images[i], rnd));
        const engine = new HttpEngine((tx) => {
          transactions++;
          // analyzers read every field, bodies included (lazy decoding runs here)
          assert.ok(tx.startTs <= tx.endTs);
          assert.equal(typeof tx.method, 'string');
          void tx.requestBody?.data.length;
          void tx.responseBody?.data.length;
          void tx.responseBody?.contentEncoding.length;
        });
        try {
          const stats = await new CaptureFileReader(path, { chunkSize: 4096 }).run((p) => engine.push(p));
          assert.ok(stats.packets >= 0);
        } catch (err) {
          // the only acceptable failure: the header no longer says pcap/pcapng (one clear error)
          assert.ok(err instanceof CaptureFormatError, `unexpected ${String(err)}`);
          formatErrors++;
        }
        engine.finish();
        const s = engine.stats();
        assert.ok(s.transactions >= 0 && s.packets >= 0 && Number.isFinite(s.bytes));
        for (const v of Object.values(s.weird)) assert.ok(Number.isInteger(v) && v > 0);
        runs++;
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.ok(runs >= 400, `runs ${runs}`);
  assert.ok(formatErrors < runs / 4, `most mutations keep a readable header (${formatErrors} of ${runs} did not)`);
  assert.ok(transactions > 1000, `mutated captures still yield transactions (${transactions})`);
  global.gc?.();
  const growth = process.memoryUsage().heapUsed - heapBefore;
  assert.ok(growth < 200 * 1024 * 1024, `heap grew ${Math.round(growth / 1048576)} MB`);
});
