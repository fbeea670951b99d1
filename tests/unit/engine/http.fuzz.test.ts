/**
 * Robustness tests of the HTTP/1.x stage: random bytes and random mutations of valid conversations, delivered in
 * random slices with random gaps and ends. Nothing may throw, every emitted transaction must respect the
 * documented bounds, and transaction indexes must stay in sequence.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { createHttpConsumerFactory, HttpStats } from '../../../appliance/src/engine/http/http.session.ts';
import { engineSettings, type EngineSettings } from '../../../appliance/src/engine/engine.settings.ts';
import { WeirdCounters } from '../../../appliance/src/engine/weird.counters.ts';
import { Dir } from '../../../appliance/src/engine/stream.types.ts';
import type { Transaction } from '../../../appliance/src/engine/transaction.types.ts';

/** Small deterministic PRNG (mulberry32) so failures are reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const gz = zlib.gzipSync(Buffer.from('{"a":1,"b":"two"}'.repeat(20)));
const REQUESTS = [
  'GET /a?x=1 HTTP/1.1\r\nHost: h.example\r\n\r\n',
  'POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello',
  'PUT /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3;x\r\nabc\r\n0\r\nT: 1\r\n\r\n',
  'HEAD /d HTTP/1.0\r\n\r\n',
  'POST /e HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok',
  'GET http://proxy.example:8080/f HTTP/1.1\r\nX-Fold: a\r\n b\r\n\r\n',
];
const RESPONSES = [
  Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody'),
  Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nwiki\r\n5\r\npedia\r\n0\r\n\r\n'),
  Buffer.from('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n'),
  Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: ${gz.length}\r\n\r\n`), gz]),
  Buffer.from('HTTP/1.1 304 Not Modified\r\n\r\n'),
];
const INTERESTING = ['\r\n', '\n', ':', ' ', '0\r\n\r\n', 'HTTP/1.1 ', 'GET / HTTP/1.1\r\n', '\r\n\r\n', 'Content-Length: 99999\r\n', 'Transfer-Encoding: chunked\r\n', 'ffffffffffffffffff\r\n', '\x00', '\x16\x03\x01'];

function mutate(buf: Buffer, r: () => number): Buffer {
  const out = Buffer.from(buf);
  const parts: Buffer[] = [];
  let pos = 0;
  const edits = 1 + Math.floor(r() * 4);
  for (let e = 0; e < edits && pos < out.length; e++) {
    const at = pos + Math.floor(r() * (out.length - pos));
    parts.push(out.subarray(pos, at));
    const kind = r();
    if (kind < 0.3) {
      parts.push(Buffer.from([Math.floor(r() * 256)]));
      pos = at + 1;
    } else if (kind < 0.55) {
      pos = Math.min(out.length, at + 1 + Math.floor(r() * 20));
    } else if (kind < 0.8) {
      parts.push(Buffer.from(INTERESTING[Math.floor(r() * INTERESTING.length)], 'latin1'));
      pos = at;
    } else {
      parts.push(out.subarray(at, Math.min(out.length, at + 30)));
      pos = at;
    }
  }
  parts.push(out.subarray(pos));
  return Buffer.concat(parts);
}

function checkTx(tx: Transaction, settings: EngineSettings, expectedIndex: number): void {
  assert.equal(tx.index, expectedIndex);
  for (const b of [tx.requestBody, tx.responseBody]) {
    if (b === null) continue;
    assert.ok(b.data.length <= settings.httpBodyLimit);
    assert.ok(b.wireLength >= 0);
  }
  assert.ok(tx.requestHeaders.length <= settings.httpMaxHeaderCount);
  assert.ok(tx.responseHeaders.length <= settings.httpMaxHeaderCount);
  assert.ok(tx.requestBytes >= 0 && tx.responseBytes >= 0);
  assert.ok(tx.endTs >= tx.startTs || tx.startTs < 0 || tx.endTs < 0, JSON.stringify({ ...tx, requestBody: null, responseBody: null }));
  assert.ok(tx.latencyUs === null || tx.latencyUs >= 0);
  assert.equal(typeof tx.method, 'string');
  assert.ok(tx.status === null || (tx.status >= 100 && tx.status <= 999));
}

function runConversation(seed: number, random: boolean): { txs: number } {
  const r = rng(seed);
  const settings = engineSettings({
    httpBodyLimit: r() < 0.5 ? 64 : 4096,
    httpMaxHeaderBytes: r() < 0.3 ? 80 : 8192,
    httpMaxHeaderCount: r() < 0.3 ? 2 : 64,
    httpDecompressLimit: r() < 0.5 ? 100 : 1 << 20,
    httpMaxPendingRequests: 1 + Math.floor(r() * 6),
  });
  const weird = new WeirdCounters();
  const stats = new HttpStats();
  let index = 0;
  const factory = createHttpConsumerFactory(settings, weird, (tx) => checkTx(tx, settings, index++), stats);
  const s = factory({ flowId: seed, ipVersion: 6, clientIp: '::1', clientPort: 1, serverIp: '::2', serverPort: 80, vlans: [], midstream: r() < 0.3 })!;
  const streams: Buffer[] = [];
  if (random) {
    for (const _ of [0, 1]) {
      const n = Math.floor(r() * 3000);
      const b = Buffer.alloc(n);
      for (let i = 0; i < n; i++) b[i] = r() < 0.2 ? 0x0a : Math.floor(r() * 256);
      if (r() < 0.5) Buffer.from('GET / HTTP/1.1\r\n').copy(b, 0);
      streams.push(b);
    }
  } else {
    const count = 1 + Math.floor(r() * 6);
    const req: Buffer[] = [];
    const resp: Buffer[] = [];
    for (let i = 0; i < count; i++) {
      req.push(Buffer.from(REQUESTS[Math.floor(r() * REQUESTS.length)], 'latin1'));
      resp.push(RESPONSES[Math.floor(r() * RESPONSES.length)]);
    }
    streams.push(mutate(Buffer.concat(req), r), mutate(Buffer.concat(resp), r));
  }
  const offsets = [0, 0];
  let ts = 1;
  while (offsets[0] < streams[0].length || offsets[1] < streams[1].length) {
    const dir = (r() < 0.5 ? 0 : 1) as Dir;
    const buf = streams[dir];
    if (offsets[dir] >= buf.length) continue;
    const n = 1 + Math.floor(r() * (r() < 0.3 ? 3 : 400));
    const slice = Buffer.from(buf.subarray(offsets[dir], offsets[dir] + n));
    offsets[dir] += slice.length;
    ts += Math.floor(r() * 10);
    if (r() < 0.05) s.onGap(dir, 1 + Math.floor(r() * 200), ts);
    else s.onData(dir, slice, ts);
    slice.fill(0);
  }
  const first = (r() < 0.5 ? 0 : 1) as Dir;
  s.onEnd(first, 'fin', ts + 1);
  s.onEnd((1 - first) as Dir, 'rst', ts + 2);
  assert.equal(stats.transactions, index);
  return { txs: index };
}

test('random mutations of valid conversations, randomly sliced, never throw and respect bounds', () => {
  let total = 0;
  for (let seed = 1; seed <= 4000; seed++) total += runConversation(seed, false).txs;
  assert.ok(total > 1000, `only ${total} transactions recovered from mutated conversations`);
});

test('random bytes never throw', () => {
  for (let seed = 5001; seed <= 7000; seed++) runConversation(seed, true);
});

test('memory stays bounded over many connections that never end', () => {
  const settings = engineSettings({ httpMaxHeaderBytes: 4096, httpBodyLimit: 1024 });
  const factory = createHttpConsumerFactory(settings, new WeirdCounters(), () => {}, new HttpStats());
  const before = process.memoryUsage().heapUsed;
  const junk = Buffer.alloc(1 << 16, 0x41);
  const sessions = [];
  for (let i = 0; i < 500; i++) {
    const s = factory({ flowId: i, ipVersion: 4, clientIp: 'a', clientPort: 1, serverIp: 'b', serverPort: 80, vlans: [], midstream: false })!;
    s.onData(Dir.ToServer, Buffer.from('GET / HTTP/1.1\r\nX: '), 1);
    for (let k = 0; k < 4; k++) s.onData(Dir.ToServer, junk, 2);
    s.onData(Dir.ToClient, Buffer.from('HTTP/1.1 200 OK\r\n\r\n'), 3);
    for (let k = 0; k < 4; k++) s.onData(Dir.ToClient, junk, 4);
    sessions.push(s);
  }
  const grown = process.memoryUsage().heapUsed - before;
  // 500 connections that each pushed 512 KiB: what stays must be about the limits (head carry + kept body), not the input
  assert.ok(grown < 40 << 20, `heap grew by ${grown} bytes`);
  assert.equal(sessions.length, 500);
});
