/** Unit tests of the HTTP/1.x byte-level syntax helpers and the content decoder. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import {
  Start, checkStartLine, classifyStart, findHeadEnd, isChunkedFinal, normalizeHost, parseChunkSize, parseContentLength, splitTarget,
  type TargetParts,
} from '../../../appliance/src/engine/http/http.syntax.ts';
import { decodeContent, DecodeStatus, parseCodings } from '../../../appliance/src/engine/http/content.decoder.ts';
import { buildHeaderList, HeadParser } from '../../../appliance/src/engine/http/head.parser.ts';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

test('classifyStart recognises requests, responses, partial prefixes and non-HTTP', () => {
  const cls = (s: string) => classifyStart(b(s), 0, s.length, 8192);
  assert.equal(cls('GET /'), Start.Request);
  assert.equal(cls('HEAD / HTTP/1.1'), Start.Request);
  assert.equal(cls('HTTP/1.1 200 OK'), Start.Response);
  assert.equal(cls('HT'), Start.More);
  assert.equal(cls('GE'), Start.More);
  assert.equal(cls('BREW /pot HTTP/1.1\r\n'), Start.Request);
  assert.equal(cls('BREW /pot'), Start.More);
  assert.equal(cls('BREW /pot COFFEE\r\n'), Start.None);
  assert.equal(cls('\x16\x03\x01\x02\x00'), Start.None);
  assert.equal(cls('SSH-2.0-OpenSSH_9.6\r\n'), Start.None);
  assert.equal(cls('220 smtp.example ESMTP\r\n'), Start.None);
});

test('checkStartLine accepts complete request and status lines only', () => {
  const chk = (s: string, want: number = Start.None) => checkStartLine(b(s), 0, s.length, want);
  assert.equal(chk('GET /x HTTP/1.1\r\n'), Start.Request);
  assert.equal(chk('GET /x HTTP/1.1\n'), Start.Request);
  assert.equal(chk('HTTP/1.0 404 Not Found\r\n'), Start.Response);
  assert.equal(chk('HTTP/1.0 404\r\n'), Start.Response);
  assert.equal(chk('GET /x HTTP/1.1\r\n', Start.Response), Start.None);
  assert.equal(chk('Get the data now\r\n'), Start.None);
  assert.equal(chk('GET  HTTP/1.1\r\n'), Start.None);
  assert.equal(chk('HTTP/1.1 2000 OK\r\n'), Start.None);
});

test('findHeadEnd finds CRLF, bare-LF and mixed blank lines within bounds', () => {
  assert.equal(findHeadEnd(b('A\r\nB: c\r\n\r\nbody'), 0, 15), 11);
  assert.equal(findHeadEnd(b('A\nB: c\n\nbody'), 0, 12), 8);
  assert.equal(findHeadEnd(b('A\r\nB: c\n\r\n'), 0, 10), 10);
  assert.equal(findHeadEnd(b('A\r\nB: c\r\n'), 0, 9), -1);
  assert.equal(findHeadEnd(b('A\r\nB: c\r\n\r\n'), 0, 9), -1);
});

test('chunk sizes, Content-Length values and Transfer-Encoding', () => {
  assert.equal(parseChunkSize(b('1a'), 0, 2), 26);
  assert.equal(parseChunkSize(b('FF;name=v\r'), 0, 10), 255);
  assert.equal(parseChunkSize(b('10 \r'), 0, 4), 16);
  assert.equal(parseChunkSize(b('0\r'), 0, 2), 0);
  assert.equal(parseChunkSize(b('zz\r'), 0, 3), -1);
  assert.equal(parseChunkSize(b('\r'), 0, 1), -1);
  assert.equal(parseChunkSize(b('12 34\r'), 0, 6), -1);
  assert.equal(parseChunkSize(b('ffffffffffffffffff'), 0, 18), -1);
  assert.equal(parseContentLength('42'), 42);
  assert.equal(parseContentLength(' 7 '), 7);
  assert.equal(parseContentLength('5, 5'), 5);
  assert.equal(parseContentLength('5, 6'), -2);
  assert.equal(parseContentLength('-1'), -1);
  assert.equal(parseContentLength('1e3'), -1);
  assert.equal(parseContentLength(''), -1);
  assert.equal(parseContentLength('9'.repeat(16)), -1);
  assert.equal(isChunkedFinal('gzip, Chunked'), true);
  assert.equal(isChunkedFinal('chunked, gzip'), false);
});

test('host normalisation and request-target splitting', () => {
  assert.equal(normalizeHost(' Example.COM:80 '), 'example.com');
  assert.equal(normalizeHost('example.com:8080'), 'example.com:8080');
  assert.equal(normalizeHost('[::1]:80'), '[::1]');
  assert.equal(normalizeHost('[::80]'), '[::80]');
  const t: TargetParts = { path: '', query: '', host: null };
  splitTarget('GET', '/a/b?c=1?d', t);
  assert.deepEqual(t, { path: '/a/b', query: 'c=1?d', host: null });
  splitTarget('GET', '?only', t);
  assert.deepEqual(t, { path: '/', query: 'only', host: null });
  splitTarget('GET', 'HTTPS://Api.Example:443/v1?x', t);
  assert.deepEqual(t, { path: '/v1', query: 'x', host: 'api.example' });
  splitTarget('CONNECT', 'Db.Example:5432', t);
  assert.deepEqual(t, { path: '/', query: '', host: 'db.example:5432' });
});

test('head parser: fields, obs-fold, missing colon, whitespace before colon, field limit, early blank line', () => {
  const hp = new HeadParser();
  const head = 'GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n  continued\r\nbroken line\r\nBad : v\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n';
  assert.equal(hp.parse(head, true, 100), head.length);
  assert.equal(hp.startLine, 'GET / HTTP/1.1');
  assert.deepEqual(hp.headers, [['Host', 'h'], ['X-A', '1 continued'], ['Bad', 'v'], ['Content-Length', '3'], ['Content-Length', '4']]);
  assert.equal(hp.obsFolds, 1);
  assert.equal(hp.noColon, 1);
  assert.equal(hp.nameWhitespace, 1);
  assert.equal(hp.contentLengthConflict, true);
  assert.equal(hp.parse('X: 1\r\nY: 2\r\nZ: 3\r\n\r\n', false, 2), 20);
  assert.equal(hp.tooMany, true);
  assert.equal(hp.headers.length, 2);
  assert.equal(hp.parse('GET / HTTP/1.1\nA: 1\n\nB: 2\r\n\r\n', true, 10), 21);
  assert.deepEqual(hp.headers, [['A', '1']]);
});

test('head parser: the field table rebuilds names and values exactly (whitespace, empty values, colons in values, bare LF)', () => {
  const hp = new HeadParser();
  const head = 'HTTP/1.1 200 OK\r\nA:b\r\nName \t: \t v a l \t\r\nEmpty:\r\nBlank:   \r\nUrl: http://x:8/y\nX-Tab:\tv\r\nContent-Encoding:  gzip \r\n\r\n';
  assert.equal(hp.parse(head, true, 100), head.length);
  const expected = [['A', 'b'], ['Name', 'v a l'], ['Empty', ''], ['Blank', ''], ['Url', 'http://x:8/y'], ['X-Tab', 'v'], ['Content-Encoding', 'gzip']];
  assert.deepEqual(hp.headers, expected);
  assert.deepEqual(buildHeaderList(hp.str, hp.takeFields()), expected);
  assert.equal(hp.contentEncoding, 'gzip');
  assert.equal(hp.nameWhitespace, 1);
});

test('content decoder: codings list, layers, errors and the output cap', () => {
  assert.deepEqual(parseCodings(' GZIP , identity,br'), ['gzip', 'br']);
  const text = Buffer.from('abc'.repeat(1000));
  const ok = decodeContent(zlib.brotliCompressSync(zlib.gzipSync(text)), ['gzip', 'br'], 1 << 20);
  assert.equal(ok.status, DecodeStatus.Ok);
  assert.deepEqual(ok.decoded, ['br', 'gzip']);
  assert.deepEqual(ok.data, text);
  assert.equal(decodeContent(zlib.gzipSync(text), ['gzip'], 100).status, DecodeStatus.Bomb);
  assert.equal(decodeContent(Buffer.from('nope'), ['deflate'], 100).status, DecodeStatus.Error);
  assert.equal(decodeContent(text, ['compress'], 100).status, DecodeStatus.Unknown);
  assert.equal(decodeContent(text, ['gzip', 'gzip', 'gzip'], 100).status, DecodeStatus.TooMany);
});
