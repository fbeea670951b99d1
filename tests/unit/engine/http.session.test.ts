/**
 * Unit tests of the HTTP/1.x stage: a session is driven directly through the consumer factory with crafted
 * onData/onGap/onEnd calls, and the transactions reaching a recording sink are checked field by field.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { createHttpConsumerFactory, HttpStats } from '../../../appliance/src/engine/http/http.session.ts';
import { engineSettings, type EngineSettings } from '../../../appliance/src/engine/engine.settings.ts';
import { WeirdCounters } from '../../../appliance/src/engine/weird.counters.ts';
import { Dir, type ConnectionInfo, type StreamConsumer } from '../../../appliance/src/engine/stream.types.ts';
import { TxFlag, headerValue, txFlagNames, type Transaction } from '../../../appliance/src/engine/transaction.types.ts';

const C = Dir.ToServer;
const S = Dir.ToClient;

interface Harness {
  s: StreamConsumer;
  txs: Transaction[];
  weird: WeirdCounters;
  stats: HttpStats;
  /** Sends `data` (string = latin1) in direction `dir` at time `ts`, as one slice or in slices of `step` bytes. */
  send(dir: Dir, data: string | Buffer, ts?: number, step?: number): void;
  end(ts?: number): void;
}

function harness(settings: Partial<EngineSettings> = {}, conn: Partial<ConnectionInfo> = {}): Harness {
  const txs: Transaction[] = [];
  const weird = new WeirdCounters();
  const stats = new HttpStats();
  const factory = createHttpConsumerFactory(engineSettings(settings), weird, (tx) => txs.push(tx), stats);
  const s = factory({
    flowId: 7, ipVersion: 4, clientIp: '10.0.0.1', clientPort: 40000, serverIp: '10.0.0.2', serverPort: 80, vlans: [12], midstream: false,
    ...conn,
  });
  assert.ok(s);
  return {
    s, txs, weird, stats,
    send(dir, data, ts = 1000, step = 0) {
      const buf = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
      if (step <= 0) {
        // a reused buffer, as the reassembler delivers: the session must copy what it keeps
        const view = Buffer.from(buf);
        s.onData(dir, view, ts);
        view.fill(0x58);
        return;
      }
      for (let o = 0; o < buf.length; o += step) {
        const view = Buffer.from(buf.subarray(o, o + step));
        s.onData(dir, view, ts);
        view.fill(0x58);
      }
    },
    end(ts = 9000) {
      s.onEnd(C, 'fin', ts);
      s.onEnd(S, 'fin', ts);
    },
  };
}

const body = (tx: Transaction, side: 'req' | 'resp'): string => {
  const b = side === 'req' ? tx.requestBody : tx.responseBody;
  return b === null ? '<null>' : b.data.toString('latin1');
};
const has = (tx: Transaction, flag: number): boolean => (tx.flags & flag) !== 0;

test('simple GET: request and response fields, host normalisation, sizes and timestamps', () => {
  const h = harness();
  const req = 'GET /v1/users/42?x=1&y=2 HTTP/1.1\r\nHost:  API.Example.com:80 \r\nAccept: */*\r\n\r\n';
  const resp = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{"id":"42"}';
  h.send(C, req, 1000);
  h.send(S, resp, 1500);
  assert.equal(h.txs.length, 1);
  const tx = h.txs[0];
  assert.equal(tx.method, 'GET');
  assert.equal(tx.uri, '/v1/users/42?x=1&y=2');
  assert.equal(tx.path, '/v1/users/42');
  assert.equal(tx.query, 'x=1&y=2');
  assert.equal(tx.host, 'api.example.com');
  assert.equal(tx.httpVersion, 'HTTP/1.1');
  assert.deepEqual(tx.requestHeaders, [['Host', 'API.Example.com:80'], ['Accept', '*/*']]);
  assert.equal(tx.requestBody, null);
  assert.equal(tx.status, 200);
  assert.equal(tx.reason, 'OK');
  assert.equal(headerValue(tx.responseHeaders, 'content-type'), 'application/json');
  assert.equal(body(tx, 'resp'), '{"id":"42"}');
  assert.equal(tx.responseBody?.wireLength, 11);
  assert.equal(tx.requestBytes, req.length);
  assert.equal(tx.responseBytes, resp.length);
  assert.equal(tx.startTs, 1000);
  assert.equal(tx.endTs, 1500);
  assert.equal(tx.latencyUs, 500);
  assert.equal(tx.index, 0);
  assert.equal(tx.flowId, 7);
  assert.deepEqual([tx.clientIp, tx.clientPort, tx.serverIp, tx.serverPort], ['10.0.0.1', 40000, '10.0.0.2', 80]);
  assert.deepEqual(tx.vlans, [12]);
  assert.equal(tx.flags, 0);
  assert.equal(h.stats.transactions, 1);
  assert.deepEqual(h.weird.toJSON(), {});
});

test('POST with a Content-Length body, then a second request on the same connection', () => {
  const h = harness();
  h.send(C, 'POST /login HTTP/1.1\r\nHost: a\r\nContent-Length: 27\r\n\r\n{"user":"u","password":"p"}', 10);
  h.send(S, 'HTTP/1.1 204 No Content\r\n\r\n', 20);
  h.send(C, 'GET /next HTTP/1.1\r\nHost: a\r\n\r\n', 30);
  h.send(S, 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok', 40);
  assert.equal(h.txs.length, 2);
  assert.equal(body(h.txs[0], 'req'), '{"user":"u","password":"p"}');
  assert.equal(h.txs[0].status, 204);
  assert.equal(h.txs[0].responseBody, null);
  assert.equal(h.txs[1].path, '/next');
  assert.equal(h.txs[1].index, 1);
  assert.equal(has(h.txs[1], TxFlag.Pipelined), false);
});

test('chunked response with extensions and trailers', () => {
  const h = harness();
  h.send(C, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n');
  const resp = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;name=val;x\r\nhello\r\n6 ; q="a"\r\n world\r\n0\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n';
  h.send(S, resp);
  assert.equal(h.txs.length, 1);
  const b = h.txs[0].responseBody!;
  assert.equal(b.data.toString(), 'hello world');
  assert.equal(b.chunked, true);
  assert.equal(b.wireLength, 11);
  assert.deepEqual(b.trailers, [['X-Checksum', 'abc'], ['X-Other', '1']]);
  assert.equal(h.txs[0].responseBytes, resp.length);
  assert.equal(h.txs[0].flags, 0);
});

test('chunked request body, bare-LF line ends tolerated', () => {
  const h = harness();
  h.send(C, 'PUT /f HTTP/1.1\nHost: a\nTransfer-Encoding: chunked\n\n3\nabc\n2\nde\n0\n\n');
  h.send(S, 'HTTP/1.1 201 Created\nContent-Length: 0\n\n');
  assert.equal(h.txs.length, 1);
  assert.equal(body(h.txs[0], 'req'), 'abcde');
  assert.equal(h.txs[0].requestBody?.chunked, true);
  assert.equal(h.txs[0].status, 201);
  assert.equal(h.txs[0].host, 'a');
});

function respWith(encoding: string, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Encoding: ${encoding}\r\nContent-Length: ${payload.length}\r\n\r\n`), payload]);
}

test('gzip, x-gzip, deflate (zlib-wrapped and raw) and br bodies are decoded', () => {
  const text = Buffer.from(JSON.stringify({ users: Array.from({ length: 50 }, (_, i) => ({ id: i, email: `u${i}@example.com` })) }));
  const cases: Array<[string, Buffer]> = [
    ['gzip', zlib.gzipSync(text)],
    ['x-gzip', zlib.gzipSync(text)],
    ['deflate', zlib.deflateSync(text)],
    ['deflate', zlib.deflateRawSync(text)],
    ['br', zlib.brotliCompressSync(text)],
    ['gzip, gzip', zlib.gzipSync(zlib.gzipSync(text))],
    ['deflate, br', zlib.brotliCompressSync(zlib.deflateSync(text))],
  ];
  for (const [enc, payload] of cases) {
    const h = harness();
    h.send(C, 'GET /u HTTP/1.1\r\nHost: a\r\n\r\n');
    h.send(S, respWith(enc, payload), 1000, 300);
    assert.equal(h.txs.length, 1, enc);
    const b = h.txs[0].responseBody!;
    assert.equal(b.data.toString(), text.toString(), enc);
    assert.equal(b.wireLength, payload.length, enc);
    assert.deepEqual(b.contentEncoding, enc.split(', ').reverse(), enc);
    assert.equal(has(h.txs[0], TxFlag.DecodeError), false, enc);
    assert.equal(h.stats.bodiesDecoded, 1, enc);
  }
});

test('three stacked codings, corrupt data and unknown codings are kept raw and counted', () => {
  const text = Buffer.from('plain text body');
  const h = harness();
  const triple = zlib.gzipSync(zlib.gzipSync(zlib.gzipSync(text)));
  const corrupt = Buffer.from('this is not gzip at all');
  const zstd = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3]);
  for (const _ of [1, 2, 3]) h.send(C, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n');
  h.send(S, Buffer.concat([respWith('gzip, gzip, gzip', triple), respWith('gzip', corrupt), respWith('zstd', zstd)]));
  assert.equal(h.txs.length, 3);
  assert.deepEqual(h.txs[0].responseBody!.data, triple);
  assert.ok(has(h.txs[0], TxFlag.DecodeError));
  assert.equal(h.weird.get('http_too_many_encodings'), 1);
  assert.deepEqual(h.txs[1].responseBody!.data, corrupt);
  assert.ok(has(h.txs[1], TxFlag.DecodeError));
  assert.equal(h.weird.get('http_decode_error'), 1);
  assert.deepEqual(h.txs[2].responseBody!.data, zstd);
  assert.deepEqual(h.txs[2].responseBody!.contentEncoding, []);
  assert.equal(has(h.txs[2], TxFlag.DecodeError), false);
  assert.equal(h.weird.get('http_unknown_content_encoding'), 1);
  assert.equal(h.stats.unknownEncodings, 1);
});

test('truncated gzip yields the decodable prefix', () => {
  const text = Buffer.from(Array.from({ length: 2000 }, (_, i) => `line ${i} of the body`).join('\n'));
  const gz = zlib.gzipSync(text);
  const h = harness();
  h.send(C, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n');
  h.send(S, Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: ${gz.length}\r\n\r\n`), gz.subarray(0, gz.length >> 1)]));
  h.end();
  assert.equal(h.txs.length, 1);
  const tx = h.txs[0];
  assert.ok(has(tx, TxFlag.Truncated));
  assert.equal(has(tx, TxFlag.DecodeError), false);
  const data = tx.responseBody!.data.toString();
  assert.ok(data.length > 1000);
  assert.ok(text.toString().startsWith(data));
});

test('decompression bomb: 50 MB of zeros against a small cap keeps the raw bytes', () => {
  const bomb = zlib.gzipSync(Buffer.alloc(50 << 20));
  const h = harness({ httpDecompressLimit: 1 << 20 });
  h.send(C, 'GET /bomb HTTP/1.1\r\nHost: a\r\n\r\n');
  h.send(S, respWith('gzip', bomb), 1000, 1448);
  assert.equal(h.txs.length, 1);
  const tx = h.txs[0];
  assert.ok(!has(tx, TxFlag.DecodeError), 'content decoding is lazy: nothing is inflated before the body is read');
  assert.equal(h.weird.get('http_decompression_bomb'), 0);
  assert.deepEqual(tx.responseBody!.data, bomb);
  assert.ok(has(tx, TxFlag.DecodeError), 'the failed decode flags the transaction');
  assert.deepEqual(tx.responseBody!.contentEncoding, []);
  assert.equal(h.weird.get('http_decompression_bomb'), 1);
  assert.equal(h.stats.decompressionBombs, 1);
});

test('body over the analysis limit is cut, counted and flagged Truncated', () => {
  const h = harness({ httpBodyLimit: 100 });
  const big = 'x'.repeat(5000);
  h.send(C, `POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: ${big.length}\r\n\r\n${big}`, 1000, 512);
  h.send(S, 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
  const tx = h.txs[0];
  assert.equal(tx.requestBody!.data.length, 100);
  assert.equal(tx.requestBody!.wireLength, 5000);
  assert.ok(has(tx, TxFlag.Truncated));
  assert.equal(body(tx, 'resp'), 'ok');
  assert.equal(h.stats.bodiesTruncated, 1);
});

test('HEAD, 204 and 304 responses have no body even with Content-Length', () => {
  const h = harness();
  h.send(C, 'HEAD /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\nGET /c HTTP/1.1\r\nHost: a\r\n\r\nGET /d HTTP/1.1\r\nHost: a\r\n\r\n');
  h.send(S, 'HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nHTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\nHTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nend');
  assert.deepEqual(h.txs.map((t) => [t.path, t.status, t.responseBody === null]), [['/a', 200, true], ['/b', 204, true], ['/c', 304, true], ['/d', 200, false]]);
  assert.equal(body(h.txs[3], 'resp'), 'end');
});

test('100-continue: the interim response is consumed and the final one is paired with the same request', () => {
  const h = harness();
  h.send(C, 'POST /up HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n', 100);
  h.send(S, 'HTTP/1.1 100 Continue\r\n\r\n', 200);
  h.send(C, 'data', 300);
  h.send(S, 'HTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok', 450);
  assert.equal(h.txs.length, 1);
  const tx = h.txs[0];
  assert.ok(has(tx, TxFlag.Continue100));
  assert.equal(tx.status, 201);
  assert.equal(tx.reason, 'Created');
  assert.equal(body(tx, 'req'), 'data');
  assert.equal(body(tx, 'resp'), 'ok');
  assert.equal(tx.responseBytes, 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok'.length);
  assert.equal(tx.latencyUs, 150);
  assert.equal(h.stats.interimResponses, 2);
});

test('HTTP/1.0 response without length is read until the connection closes', () => {
  const h = harness();
  h.send(C, 'GET /old HTTP/1.0\r\n\r\n', 10);
  h.send(S, 'HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\npart one, ', 20);
  h.send(S, 'part two', 30);
  assert.equal(h.txs.length, 0);
  h.s.onEnd(S, 'fin', 40);
  assert.equal(h.txs.length, 1);
  assert.equal(body(h.txs[0], 'resp'), 'part one, part two');
  assert.equal(h.txs[0].endTs, 30);
  assert.equal(h.txs[0].flags, 0);
});

test('pipelining: three requests then three responses are paired in order', () => {
  const h = harness();
  h.send(C, 'GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\nPOST /3 HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\nZ', 10);
  h.send(S, 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1HTTP/1.1 404 Not Found\r\nContent-Length: 1\r\n\r\n2HTTP/1.1 500 Oops\r\nContent-Length: 1\r\n\r\n3', 20);
  assert.deepEqual(h.txs.map((t) => [t.index, t.path, t.status, body(t, 'resp'), has(t, TxFlag.Pipelined)]), [
    [0, '/1', 200, '1', false],
    [1, '/2', 404, '2', true],
    [2, '/3', 500, '3', true],
  ]);
  assert.equal(h.stats.pipelined, 2);
});

test('the pending-request queue is bounded: the oldest is emitted without a response', () => {
  const h = harness({ httpMaxPendingRequests: 2 });
  h.send(S, '');
  h.send(C, 'GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\nGET /3 HTTP/1.1\r\n\r\n');
  assert.equal(h.txs.length, 1);
  assert.equal(h.txs[0].path, '/1');
  assert.ok(has(h.txs[0], TxFlag.NoResponse));
  assert.equal(h.weird.get('http_pending_requests_exceeded'), 1);
  h.send(S, 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
  assert.equal(h.txs[1].path, '/2');
  assert.equal(h.txs[1].status, 200);
});

function conversation(h: Harness, step: number): void {
  const req =
    'GET /a?q=1 HTTP/1.1\r\nHost: Shop.example:80\r\nX-Folded: one\r\n  two\r\n\r\n' +
    'POST /b HTTP/1.1\r\nHost: shop.example\r\nTransfer-Encoding: chunked\r\n\r\n4;e=1\r\nWiki\r\n5\r\npedia\r\n0\r\nT: v\r\n\r\n' +
    'PUT /c HTTP/1.1\nHost: shop.example\nContent-Length: 3\n\nxyz';
  const gz = zlib.gzipSync(Buffer.from('{"compressed":true}'));
  const resp = Buffer.concat([
    Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst'),
    Buffer.from('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nsec\r\n3\r\nond\r\n0\r\n\r\n'),
    respWith('gzip', gz),
  ]);
  h.send(C, req, 1000, step);
  h.send(S, resp, 2000, step);
  h.end(3000);
}

test('keep-alive delivered one byte at a time gives the same transactions as one slice', () => {
  const whole = harness();
  conversation(whole, 0);
  const bytewise = harness();
  conversation(bytewise, 1);
  const odd = harness();
  conversation(odd, 7);
  assert.equal(whole.txs.length, 3);
  assert.deepEqual(bytewise.txs, whole.txs);
  assert.deepEqual(odd.txs, whole.txs);
  assert.deepEqual(bytewise.weird.toJSON(), whole.weird.toJSON());
  const [a, b, c] = whole.txs;
  assert.equal(a.host, 'shop.example');
  assert.equal(headerValue(a.requestHeaders, 'x-folded'), 'one two');
  assert.ok(has(a, TxFlag.Malformed));
  assert.equal(whole.weird.get('http_obs_fold'), 1);
  assert.equal(body(b, 'req'), 'Wikipedia');
  assert.deepEqual(b.requestBody!.trailers, [['T', 'v']]);
  assert.equal(body(b, 'resp'), 'second');
  assert.ok(has(b, TxFlag.Continue100));
  assert.equal(body(c, 'req'), 'xyz');
  assert.equal(body(c, 'resp'), '{"compressed":true}');
});

test('a gap inside a Content-Length body is skipped and parsing continues', () => {
  const h = harness();
  h.send(C, 'GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n');
  h.send(S, 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789');
  h.s.onGap(S, 50, 1000);
  h.send(S, 'x'.repeat(40) + 'HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext');
  assert.equal(h.txs.length, 2);
  const [a, b] = h.txs;
  assert.ok(has(a, TxFlag.Gap) && has(a, TxFlag.Truncated));
  assert.equal(body(a, 'resp'), '0123456789');
  assert.equal(a.responseBody!.wireLength, 100);
  assert.equal(b.path, '/b');
  assert.equal(body(b, 'resp'), 'next');
  assert.deepEqual(txFlagNames(b.flags), ['Pipelined']);
});

test('a gap inside headers marks the message and resynchronises at the next request line', () => {
  const h = harness();
  h.send(C, 'GET /first HTTP/1.1\r\nHost: a\r\nX-Long: aaaa');
  h.s.onGap(C, 300, 1000);
  h.send(C, 'bbbb\r\nAccept: */*\r\n\r\nGET /second HTTP/1.1\r\nHost: a\r\n\r\n');
  h.send(S, 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n2');
  assert.equal(h.txs.length, 2);
  assert.equal(h.txs[0].path, '/first');
  assert.ok(has(h.txs[0], TxFlag.Gap));
  assert.equal(body(h.txs[0], 'resp'), '1');
  assert.equal(h.txs[1].path, '/second');
  assert.equal(body(h.txs[1], 'resp'), '2');
  assert.ok(h.stats.resyncs >= 1);
});

test('mid-stream start inside a body resynchronises at the next request and flags Midstream', () => {
  const h = harness({}, { midstream: true });
  h.send(C, 'ing":"tail of a previous body"}\r\nGET /x HTTP/1.1\r\nHost: m\r\n\r\n');
  h.send(S, 'more body bytes\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi');
  assert.equal(h.txs.length, 1);
  assert.equal(h.txs[0].path, '/x');
  assert.equal(body(h.txs[0], 'resp'), 'hi');
  assert.ok(has(h.txs[0], TxFlag.Midstream));
});

test('response without a request is emitted with NoRequest', () => {
  const h = harness({}, { midstream: true });
  h.send(S, 'HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nnope', 50);
  assert.equal(h.txs.length, 1);
  const tx = h.txs[0];
  assert.ok(has(tx, TxFlag.NoRequest));
  assert.equal(tx.method, '');
  assert.equal(tx.status, 404);
  assert.equal(tx.httpVersion, 'HTTP/1.1');
  assert.equal(tx.startTs, 50);
  assert.equal(tx.latencyUs, null);
  assert.equal(h.stats.noRequest, 1);
});

test('requests whose server never sent a byte: NoResponse and OneSided at the end', () => {
  const h = harness();
  h.send(C, 'GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n', 10);
  assert.equal(h.txs.length, 0);
  h.end();
  assert.equal(h.txs.length, 2);
  for (const tx of h.txs) {
    assert.deepEqual(txFlagNames(tx.flags), ['OneSided', 'NoResponse']);
    assert.equal(tx.status, null);
    assert.equal(tx.latencyUs, null);
    assert.equal(tx.endTs, 10);
  }
});

test('a request cut by the end of the stream is emitted Truncated without a response', () => {
  const h = harness();
  h.send(C, 'POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc');
  h.send(S, 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
  h.end();
  assert.equal(h.txs.length, 1);
  assert.ok(has(h.txs[0], TxFlag.Truncated));
  assert.equal(body(h.txs[0], 'req'), 'abc');
  assert.equal(h.txs[0].status, 200);
});

test('CONNECT with a 2xx answer and TLS inside stops parsing (Tunnel), bytes held meanwhile are not parsed', () => {
  const h = harness();
  h.send(C, 'CONNECT api.example.com:443 HTTP/1.1\r\nHost: api.example.com:443\r\n\r\n');
  h.send(C, Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5]));
  h.send(S, 'HTTP/1.1 200 Connection Established\r\n\r\n');
  h.send(S, Buffer.from([0x16, 0x03, 0x03, 0x00, 0x02, 1, 2]));
  h.send(C, 'GET /not-parsed HTTP/1.1\r\n\r\n');
  h.end();
  assert.equal(h.txs.length, 1);
  const tx = h.txs[0];
  assert.equal(tx.method, 'CONNECT');
  assert.equal(tx.uri, 'api.example.com:443');
  assert.equal(tx.host, 'api.example.com:443');
  assert.ok(has(tx, TxFlag.Tunnel));
  assert.equal(h.stats.tunnels, 1);
  assert.equal(h.stats.parseErrors, 0);
});

test('plain HTTP inside a CONNECT tunnel is parsed, numbered from 0 again, including requests held during the CONNECT', () => {
  const h = harness();
  h.send(C, 'CONNECT abc:80 HTTP/1.1\r\nHost: abc:80\r\n\r\n');
  h.send(C, 'GET /inner HTTP/1.1\r\nHost: abc\r\n\r\n');
  h.send(S, 'HTTP/1.1 200 Connection Established\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
  h.send(C, 'POST /second HTTP/1.1\r\nHost: abc\r\nContent-Length: 1\r\n\r\nx');
  h.send(S, 'HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n');
  h.end();
  assert.deepEqual(
    h.txs.map((t) => [t.index, t.method, t.path, t.status, has(t, TxFlag.Tunnel)]),
    [
      [0, 'CONNECT', '/', 200, true],
      [0, 'GET', '/inner', 200, false],
      [1, 'POST', '/second', 201, false],
    ],
  );
  assert.equal(body(h.txs[1], 'resp'), 'ok');
  assert.equal(h.stats.parseErrors, 0);
});

test('101 Switching Protocols stops parsing; a refused upgrade resumes with the held requests', () => {
  const h = harness();
  h.send(C, 'GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
  h.send(S, 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n');
  h.send(C, Buffer.from([0x81, 0x85, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
  h.end();
  assert.equal(h.txs.length, 1);
  assert.equal(h.txs[0].status, 101);
  assert.ok(has(h.txs[0], TxFlag.Tunnel));

  const r = harness();
  r.send(C, 'GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n\r\nGET /after HTTP/1.1\r\nHost: a\r\n\r\n');
  r.send(S, 'HTTP/1.1 426 Upgrade Required\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
  assert.deepEqual(r.txs.map((t) => [t.path, t.status, has(t, TxFlag.Tunnel)]), [['/ws', 426, false], ['/after', 200, false]]);
});

test('absolute-form target: host, path and query come from the URI', () => {
  const h = harness();
  h.send(C, 'GET http://User@Proxy.Example:8080/p/q?z=9 HTTP/1.1\r\nHost: other\r\n\r\nGET https://s.example:443/ HTTP/1.1\r\n\r\nGET http://plain.example HTTP/1.1\r\n\r\nOPTIONS * HTTP/1.1\r\nHost: x.example:8080\r\n\r\n');
  h.end();
  assert.deepEqual(h.txs.map((t) => [t.host, t.path, t.query]), [
    ['proxy.example:8080', '/p/q', 'z=9'],
    ['s.example', '/', ''],
    ['plain.example', '/', ''],
    ['x.example:8080', '*', ''],
  ]);
  assert.equal(h.txs[0].uri, 'http://User@Proxy.Example:8080/p/q?z=9');
});

test('header limits: too large and too many fields count weirds and resynchronise', () => {
  const h = harness({ httpMaxHeaderBytes: 200, httpMaxHeaderCount: 3 });
  h.send(C, `GET /big HTTP/1.1\r\nX-Pad: ${'p'.repeat(300)}\r\n\r\n`, 10, 64);
  h.send(C, 'GET /many HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\nGET /ok HTTP/1.1\r\nHost: a\r\n\r\n', 20);
  h.end();
  assert.equal(h.weird.get('http_header_too_large'), 1);
  assert.equal(h.weird.get('http_too_many_headers'), 1);
  assert.deepEqual(h.txs.map((t) => [t.path, has(t, TxFlag.Malformed), t.requestHeaders.length]), [
    ['/big', true, 0],
    ['/many', true, 3],
    ['/ok', false, 1],
  ]);
});

test('framing violations: CL and TE together, bad Content-Length, bad chunk size', () => {
  const h = harness();
  h.send(C, 'POST /a HTTP/1.1\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n');
  h.send(S, 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nA');
  assert.equal(body(h.txs[0], 'req'), 'ok');
  assert.ok(has(h.txs[0], TxFlag.Malformed));
  assert.equal(h.weird.get('http_cl_and_te'), 1);

  h.send(C, 'GET /b HTTP/1.1\r\n\r\nGET /c HTTP/1.1\r\n\r\n');
  h.send(S, 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\ngarbage\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nB');
  assert.equal(h.weird.get('http_bad_chunk_size'), 1);
  assert.equal(h.txs[1].path, '/b');
  assert.ok(has(h.txs[1], TxFlag.Malformed));
  assert.equal(h.txs[2].path, '/c');
  assert.equal(body(h.txs[2], 'resp'), 'B');

  h.send(C, 'POST /d HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!GET /e HTTP/1.1\r\n\r\n');
  h.send(C, 'POST /f HTTP/1.1\r\nContent-Length: 12a\r\n\r\n');
  assert.equal(h.weird.get('http_conflicting_content_length'), 1);
  assert.equal(h.weird.get('http_bad_content_length'), 1);
  h.end();
  assert.deepEqual(h.txs.slice(3).map((t) => t.path), ['/d', '/e', '/f']);
});

test('non-HTTP bytes (a TLS ClientHello) are counted once and ignored', () => {
  const hello = Buffer.from('160301006b0100006703035f1a2b3c4d5e6f000102030405060708090a0b0c0d0e0f10111213141516171819000002c02f0100003c0000000f000d00000a6578616d706c652e636f6d', 'hex');
  const h = harness({}, { serverPort: 443 });
  h.send(C, hello);
  h.send(S, Buffer.from('160303004a020000460303', 'hex'));
  h.send(C, 'GET / HTTP/1.1\r\n\r\n');
  h.end();
  assert.equal(h.txs.length, 0);
  assert.equal(h.weird.get('http_not_http'), 1);
  assert.equal(h.stats.nonHttpConnections, 1);
  assert.equal(h.stats.tlsConnections, 1, 'counted as TLS');
  assert.deepEqual([...h.stats.nonHttpServers.values()], [{ tls: 1, other: 0 }]);
  assert.match([...h.stats.nonHttpServers.keys()][0], /:443$/);

  const m = harness({}, { midstream: true });
  m.send(S, Buffer.from('170303002a0000000000000001abcdef', 'hex'));
  assert.equal(m.weird.get('http_not_http'), 1);
  assert.equal(m.stats.tlsConnections, 1);

  const other = harness({}, { serverPort: 6379 });
  other.send(C, '*1\r\n$4\r\nPING\r\n'.repeat(300));
  other.end();
  assert.equal(other.stats.nonHttpConnections, 1);
  assert.equal(other.stats.tlsConnections, 0, 'other protocols are not TLS');
});

test('swapped roles: responses on the ToServer direction swap client and server', () => {
  const h = harness({}, { midstream: true });
  h.send(S, 'GET /swapped HTTP/1.1\r\nHost: a\r\n\r\n', 10);
  h.send(C, 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok', 20);
  assert.equal(h.txs.length, 1);
  const tx = h.txs[0];
  assert.equal(tx.path, '/swapped');
  assert.equal(body(tx, 'resp'), 'ok');
  assert.deepEqual([tx.clientIp, tx.clientPort, tx.serverIp, tx.serverPort], ['10.0.0.2', 80, '10.0.0.1', 40000]);

  const d = harness();
  d.send(C, 'HTT', 10);
  d.send(C, 'P/1.1 200 OK\r\nContent-Length: 0\r\n\r\n', 11);
  d.send(S, 'GET / HTTP/1.1\r\n\r\n', 5);
  d.end();
  assert.equal(d.txs.length, 2);
  assert.ok(has(d.txs[0], TxFlag.NoRequest));
  assert.equal(d.txs[0].clientIp, '10.0.0.2');
  assert.ok(has(d.txs[1], TxFlag.NoResponse));
});

test('unknown method with a full request line is recognised; junk start lines are violations', () => {
  const h = harness();
  h.send(C, 'FOOBAR /x HTTP/1.1\r\nHost: a\r\n\r\n');
  h.send(S, 'HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n');
  assert.equal(h.txs[0].method, 'FOOBAR');
  h.send(C, '\x01\x02junk\r\nGET /y HTTP/1.1\r\n\r\n');
  h.send(S, 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
  assert.equal(h.txs[1].path, '/y');
  assert.equal(h.weird.get('http_bad_request_line'), 1);
});

test('HTTP/0.9 simple request is reported with version HTTP/0.9', () => {
  const h = harness();
  h.send(C, 'GET /legacy\r\n');
  h.end();
  assert.equal(h.txs.length, 1);
  assert.equal(h.txs[0].method, 'GET');
  assert.equal(h.txs[0].path, '/legacy');
  assert.equal(h.txs[0].httpVersion, 'HTTP/0.9');
  assert.ok(has(h.txs[0], TxFlag.NoResponse));
});

test('a gap inside chunk data is skipped; a gap across a chunk boundary ends the message and resyncs', () => {
  const h = harness();
  h.send(C, 'GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\nGET /c HTTP/1.1\r\n\r\n');
  h.send(S, 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabcd');
  h.s.onGap(S, 8, 10);
  h.send(S, 'mnop\r\n0\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nwx');
  h.s.onGap(S, 500, 20);
  h.send(S, 'tail of something\r\nHTTP/1.1 202 Accepted\r\nContent-Length: 1\r\n\r\nc');
  assert.deepEqual(h.txs.map((t) => [t.path, t.status, body(t, 'resp'), t.responseBody?.wireLength, txFlagNames(t.flags)]), [
    ['/a', 200, 'abcd', 16, ['Gap', 'Truncated']],
    ['/b', 200, 'wx', 4, ['Gap', 'Truncated', 'Pipelined']],
    ['/c', 202, 'c', 1, ['Pipelined']],
  ]);
});

test('one connection, changing Host values, reason phrases and an uncommon method: each transaction gets its own', () => {
  const h = harness();
  const hosts = ['A.example:80', 'A.example:80', 'b.EXAMPLE', '', 'A.example:80'];
  const reasons = ['OK', 'OK', 'Not Found', 'OK', ''];
  for (let i = 0; i < hosts.length; i++) {
    h.send(C, `PROPFIND /r${i} HTTP/1.0\r\nHost: ${hosts[i]}\r\n\r\n`, 1000 + i * 10);
    h.send(S, `HTTP/1.1 ${i === 2 ? 404 : 200}${reasons[i] === '' ? '' : ` ${reasons[i]}`}\r\nContent-Length: 0\r\n\r\n`, 1005 + i * 10);
  }
  assert.deepEqual(h.txs.map((t) => t.host), ['a.example', 'a.example', 'b.example', '', 'a.example']);
  assert.deepEqual(h.txs.map((t) => t.reason), reasons);
  assert.deepEqual(h.txs.map((t) => `${t.method} ${t.httpVersion} ${t.status}`), [0, 1, 2, 3, 4].map((i) => `PROPFIND HTTP/1.0 ${i === 2 ? 404 : 200}`));
});
