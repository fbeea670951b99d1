// Unit tests of the benchmark capture writer: exact transaction count, valid checksums, complete streams,
// determinism by seed, both file formats.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBenchCapture } from '../../scripts/traffic/bench.writer.ts';
import { decodeCapture, parseHttpExchanges, readCapture, reassembleStreams } from '../../scripts/traffic/capture.inspect.ts';

const dir = mkdtempSync(join(tmpdir(), 'traffic-bench-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('bench pcap: every transaction is complete and the reported counts match the file', async () => {
  const path = join(dir, 'b.pcap');
  const r = await writeBenchCapture(path, { transactions: 3000, seed: 11, clients: 200 });
  assert.equal(r.transactions, 3000);
  const file = readFileSync(path);
  assert.equal(r.bytes, file.length);
  const recs = readCapture(file);
  assert.equal(recs.length, r.packets);
  for (let i = 1; i < recs.length; i++) assert.ok(recs[i].ts >= recs[i - 1].ts, `ts order at ${i}`);
  const d = decodeCapture(recs);
  assert.equal(d.badIpChecksums, 0);
  assert.equal(d.badTcpChecksums, 0);
  const conns = reassembleStreams(d.segments);
  assert.equal(conns.length, r.connections);
  let tx = 0;
  let gzip = 0;
  let chunked = 0;
  let posts = 0;
  for (const c of conns) {
    assert.deepEqual(c.holes, [0, 0]);
    assert.ok(c.handshake);
    for (const e of parseHttpExchanges(c.streams[0], c.streams[1])) {
      assert.ok(e.request && e.response, 'complete exchange');
      tx++;
      if (e.response.contentEncoding.includes('gzip')) gzip++;
      if (e.response.headers.some((h) => h[0] === 'Transfer-Encoding')) chunked++;
      if (!e.request.startLine.startsWith('GET')) posts++;
      assert.equal(e.response.body.toString('latin1')[0], '{');
    }
  }
  assert.equal(tx, 3000);
  assert.ok(gzip > 150 && chunked > 150 && posts > 600, `mix: gzip ${gzip}, chunked ${chunked}, non-GET ${posts}`);
  const perTx = r.bytes / r.transactions;
  assert.ok(perTx > 1100 && perTx < 1800, `average ${perTx.toFixed(0)} B per transaction`);
});

test('bench pcapng is valid and the output is deterministic by seed', async () => {
  const a = join(dir, 'a.pcapng');
  const b = join(dir, 'b.pcapng');
  const c = join(dir, 'c.pcapng');
  const ra = await writeBenchCapture(a, { transactions: 500, seed: 3, format: 'pcapng' });
  await writeBenchCapture(b, { transactions: 500, seed: 3, format: 'pcapng' });
  await writeBenchCapture(c, { transactions: 500, seed: 4, format: 'pcapng' });
  const h = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
  assert.equal(h(a), h(b));
  assert.notEqual(h(a), h(c));
  const recs = readCapture(readFileSync(a));
  assert.equal(recs.length, ra.packets);
  assert.equal(readFileSync(a).length, ra.bytes);
  const d = decodeCapture(recs);
  assert.equal(d.badTcpChecksums, 0);
  let tx = 0;
  for (const conn of reassembleStreams(d.segments)) tx += parseHttpExchanges(conn.streams[0], conn.streams[1]).length;
  assert.equal(tx, 500);
});
