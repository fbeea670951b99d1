/**
 * The scenario catalogue: named, deterministic captures of HTTP/1.x API traffic, each covering one network or
 * protocol edge case, with the transactions the engine must extract (golden expectations). `generateScenario`
 * builds one in memory; `writeScenarioCapture` writes it as pcap or pcapng.
 */
import { LinkType } from '../../appliance/src/engine/packet.types.ts';
import { PcapngWriter, PcapWriter } from '../../appliance/src/engine/source/capture.writer.ts';
import { Dir } from '../../appliance/src/engine/stream.types.ts';
import type { ApiHost } from './api-content.generator.ts';
import { buildRequest, buildResponse, type Headers, type RequestSpec, type ResponseSpec } from './http-message.builder.ts';
import { ScenarioBuilder, type HttpConn } from './scenario.builder.ts';
import type { CaptureFormat, Scenario, ScenarioInfo } from './scenario.types.ts';
import type { ConversationOptions } from './tcp-conversation.builder.ts';
import { SENSITIVE_SCENARIO_INFO, populateSensitiveScenario } from './sensitive/sensitive.scenario.ts';

/** Builds the connections of one scenario. */
type ScenarioBody = (b: ScenarioBuilder) => void;

interface CatalogEntry {
  info: ScenarioInfo;
  body: ScenarioBody;
}

const BOTH: CaptureFormat[] = ['pcap', 'pcapng'];
const HOST = 'api.example.com';
const LOSSLESS = 'Lossless: every transaction must match exactly (flags included).';

function entry(name: string, description: string, body: ScenarioBody, extra: Partial<ScenarioInfo> = {}): CatalogEntry {
  return { info: { name, description, formats: BOTH, lossy: false, notes: LOSSLESS, ...extra }, body };
}

function get(b: ScenarioBuilder, uri: string, host = HOST, extra: Headers = []): RequestSpec {
  return { method: 'GET', uri, host, headers: [...b.content.clientHeaders(), ...extra] };
}

function post(b: ScenarioBuilder, uri: string, size: number, host = HOST): RequestSpec {
  return { method: 'POST', uri, host, headers: b.content.clientHeaders(), body: b.content.json(size) };
}

function ok(b: ScenarioBuilder, size: number, extra: Partial<ResponseSpec> = {}): ResponseSpec {
  return { status: 200, headers: [['Server', 'nginx/1.25.3']], body: b.content.json(size), ...extra };
}

/** `n` random API exchanges on one connection. */
function randomExchanges(b: ScenarioBuilder, c: HttpConn, host: ApiHost, n: number): void {
  for (let i = 0; i < n; i++) {
    const req = b.content.request(host);
    c.exchange(req, b.content.response(req));
  }
}

/** Handshake, `n` random exchanges on the default host, FIN from the client. */
function simple(b: ScenarioBuilder, o: Partial<ConversationOptions>, n: number, startUs = 0): HttpConn {
  const c = b.conn(o, startUs);
  c.conv.handshake();
  randomExchanges(b, c, b.content.hosts(1)[0], n);
  c.conv.close();
  return c;
}

/** Handshake plus two exchanges with bodies large enough to span several segments. */
function bulky(b: ScenarioBuilder, o: Partial<ConversationOptions>, startUs = 0): HttpConn {
  const c = b.conn(o, startUs);
  c.conv.handshake();
  c.exchange(post(b, '/api/v1/documents', 2500), { status: 201, body: b.content.json(3000) });
  c.exchange(get(b, `/api/v1/documents/${b.rng.uuid()}`), ok(b, 4000));
  c.conv.close();
  return c;
}

/** Binary bytes that look like a TLS record (what flows through a CONNECT tunnel). */
function tlsLike(len: number, salt: number): Buffer {
  const out = Buffer.alloc(len);
  out[0] = 0x16;
  out[1] = 0x03;
  out[2] = 0x01;
  out.writeUInt16BE(len - 5, 3);
  for (let i = 5; i < len; i++) out[i] = (i * 131 + salt * 17) & 0xff;
  return out;
}

const CATALOG: CatalogEntry[] = [
  entry('basic-get', 'One GET with a JSON Content-Length response, handshake and FIN.', (b) => {
    const c = b.conn();
    c.conv.handshake();
    c.exchange(get(b, '/api/v1/users/42'), ok(b, 400));
    c.conv.close();
  }),

  entry('xss-payloads', 'Hostile strings where the dashboard displays traffic: script and event-handler payloads in the path, query, Host, User-Agent, a cookie and a JSON body; the UI must render them as text.', (b) => {
    const c = b.conn();
    c.conv.handshake();
    const ua: Headers = [['User-Agent', '<img src=x onerror="window.__xss=1">'], ['Cookie', 'session=</td><script>window.__xss=2</script>']];
    c.exchange(get(b, '/api/<svg/onload=window.__xss=3>/items?q=<script>window.__xss=4</script>', 'evil.example', ua), ok(b, 120));
    c.exchange(
      { method: 'POST', uri: '/api/comments/"><iframe/src=javascript:window.__xss=5>', host: 'evil.example', headers: ua, body: '{"text":"<script>window.__xss=6</script>"}' },
      { status: 200, body: '{"html":"<img src=x onerror=alert(7)>"}' },
    );
    c.conv.close();
  }),

  entry('keepalive', 'Six transactions on one keep-alive connection (GET, JSON POST/PUT/PATCH, DELETE 204, 401); Host "API.Example.com:80".', (b) => {
    const c = b.conn();
    c.conv.handshake();
    const h = b.content.clientHeaders();
    c.exchange({ method: 'GET', uri: '/api/v1/orders?page=2&limit=20', host: HOST, headers: h }, ok(b, 900));
    c.exchange({ method: 'POST', uri: '/api/v1/orders', host: HOST, headers: h, body: b.content.json(300) }, { status: 201, body: b.content.json(200) });
    c.exchange({ method: 'PUT', uri: `/api/v1/orders/${b.rng.uuid()}`, host: HOST, headers: h, body: b.content.json(250) }, ok(b, 260));
    c.exchange({ method: 'PATCH', uri: '/api/v1/orders/8812/items/3', host: HOST, headers: h, body: '{"qty":2}' }, ok(b, 120));
    c.exchange({ method: 'DELETE', uri: '/api/v1/orders/8812', host: 'API.Example.com:80', headers: h }, { status: 204 });
    c.exchange({ method: 'GET', uri: '/api/v1/users/me', host: HOST, headers: [['Cookie', 'session=abc; theme=dark']] }, { status: 401, body: '{"error":"expired"}' });
    c.conv.close();
  }),

  entry(
    'pipelining',
    'Three pipelined requests (the first two in one segment) sent before any response; two responses in one segment.',
    (b) => {
      const c = b.conn();
      c.conv.handshake();
      const [r0, r1] = c.sendRequests([get(b, '/api/v1/products/1'), get(b, '/api/v1/products/2?fields=name,price')]);
      c.conv.wait(200);
      const r2 = c.sendRequest(post(b, '/api/v1/carts', 200));
      c.conv.wait(1500);
      const [s0, s1] = c.sendResponses([ok(b, 500), ok(b, 700)]);
      c.conv.wait(300);
      const s2 = c.sendResponse({ status: 201, body: b.content.json(150) });
      c.conv.wait(c.conv.rtt);
      c.conv.ack(Dir.ToServer);
      c.expect(r0, s0);
      c.expect(r1, s1, { flags: ['Pipelined'] });
      c.expect(r2, s2, { flags: ['Pipelined'] });
      c.conv.close();
    },
    { notes: `${LOSSLESS} Requests 1 and 2 were sent before the previous response arrived: Pipelined.` },
  ),

  entry('chunked', 'Chunked responses: chunk sizes 1..5000 (hex upper/lower case, an extension), trailers, chunked+gzip.', (b) => {
    const c = b.conn();
    c.conv.handshake();
    c.exchange(get(b, '/api/v1/reports/daily'), ok(b, 1300, { chunked: [50, 200, 1000, 1], trailers: [['X-Checksum', 'c0ffee']] }));
    c.exchange(get(b, '/api/v1/reports/weekly'), ok(b, 6000, { chunked: [5000] }));
    c.exchange(get(b, '/api/v1/reports/monthly', HOST, [['Accept-Encoding', 'gzip']]), ok(b, 3000, { chunked: [64, 10], coding: 'gzip' }));
    c.exchange(get(b, '/api/v1/reports/empty'), { status: 200, contentType: 'application/json', body: null, chunked: true });
    c.conv.close();
  }),

  entry('chunked-request', 'Chunked request bodies (POST with trailers, PUT), answered with Content-Length responses.', (b) => {
    const c = b.conn();
    c.conv.handshake();
    c.exchange({ ...post(b, '/api/v1/uploads', 900), chunked: [10, 100, 300], trailers: [['X-Digest', 'sha-256=abc']] }, { status: 201, body: '{"id":77}' });
    c.exchange({ method: 'PUT', uri: '/api/v1/uploads/77', host: HOST, body: b.content.json(2500), chunked: true }, ok(b, 100));
    c.conv.close();
  }),

  entry('gzip', 'gzip response bodies: Content-Length, chunked, and a plain one after them.', (b) => {
    const c = b.conn();
    c.conv.handshake();
    const ae: Headers = [['Accept-Encoding', 'gzip, deflate, br']];
    c.exchange(get(b, '/api/v1/customers', HOST, ae), ok(b, 5000, { coding: 'gzip' }));
    c.exchange(get(b, '/api/v1/customers/9', HOST, ae), ok(b, 800, { coding: 'gzip', chunked: true }));
    c.exchange(get(b, '/api/v1/customers/10'), ok(b, 300));
    c.conv.close();
  }),

  entry('deflate', 'Content-Encoding: deflate, both zlib-wrapped (RFC 9110) and raw DEFLATE (as some servers send).', (b) => {
    const c = b.conn();
    c.conv.handshake();
    c.exchange(get(b, '/api/v1/catalog'), ok(b, 4000, { coding: 'deflate' }));
    c.exchange(get(b, '/api/v1/catalog/2'), ok(b, 1000, { coding: 'deflate-raw' }));
    c.conv.close();
  }),

  entry('brotli', 'Content-Encoding: br with Content-Length and chunked.', (b) => {
    const c = b.conn();
    c.conv.handshake();
    c.exchange(get(b, '/api/v2/search?q=shoes'), ok(b, 6000, { coding: 'br' }));
    c.exchange(get(b, '/api/v2/search?q=hats'), ok(b, 900, { coding: 'br', chunked: [100] }));
    c.conv.close();
  }),

  entry(
    'continue-100',
    'POST with Expect: 100-continue: head, 100 Continue, body, final 201; then a plain GET.',
    (b) => {
      const c = b.conn();
      c.conv.handshake();
      const req = c.sendRequestInParts({ ...post(b, '/api/v1/imports', 3000), expectContinue: true }, () => {
        c.conv.wait(800);
        c.sendRaw(Dir.ToClient, 'HTTP/1.1 100 Continue\r\n\r\n');
        c.conv.wait(c.conv.rtt);
      });
      c.conv.wait(2000);
      const resp = c.sendResponse({ status: 201, body: '{"imported":42}' });
      c.conv.wait(c.conv.rtt);
      c.conv.ack(Dir.ToServer);
      c.expect(req, resp, { flags: ['Continue100'] });
      c.conv.wait(5000);
      c.exchange(get(b, '/api/v1/imports/42'), ok(b, 300));
      c.conv.close();
    },
    { notes: `${LOSSLESS} The first transaction has Continue100 and status 201 (the interim 100 is not a transaction).` },
  ),

  entry('head-204-304', 'Bodiless responses: HEAD (Content-Length 12345, no body), 204, 304 with a Content-Length header; then a normal GET.', (b) => {
    const c = b.conn();
    c.conv.handshake();
    c.exchange({ method: 'HEAD', uri: '/api/v1/exports/big.json', host: HOST }, { status: 200, headOnlyLength: 12345 });
    c.exchange({ method: 'DELETE', uri: '/api/v1/sessions/current', host: HOST }, { status: 204, headers: [['Server', 'envoy']] });
    c.exchange(get(b, '/api/v1/profile', HOST, [['If-None-Match', '"v7"']]), { status: 304, headers: [['ETag', '"v7"'], ['Content-Length', '2048']] });
    c.exchange(get(b, '/api/v1/profile'), ok(b, 600));
    c.conv.close();
  }),

  entry(
    'close-delimited',
    'Responses without Content-Length or chunking, ended by the server closing: HTTP/1.0, and HTTP/1.1 Connection: close with gzip.',
    (b) => {
      const c1 = b.conn();
      c1.conv.handshake();
      const r1 = c1.sendRequest({ method: 'GET', uri: '/legacy/export.json', host: HOST, version: 'HTTP/1.0' });
      c1.conv.wait(900);
      const s1 = c1.sendResponse({ version: 'HTTP/1.0', status: 200, body: b.content.json(5000), closeDelimited: true });
      c1.expect(r1, s1);
      c1.conv.close(Dir.ToClient);
      const c2 = b.conn({}, 200_000);
      c2.conv.handshake();
      const r2 = c2.sendRequest(get(b, '/api/v1/feed', HOST, [['Connection', 'close']]));
      c2.conv.wait(900);
      const s2 = c2.sendResponse({ status: 200, headers: [['Connection', 'close']], body: b.content.json(3000), coding: 'gzip', closeDelimited: true });
      c2.expect(r2, s2);
      c2.conv.close(Dir.ToClient);
    },
  ),

  entry(
    'connect-tunnel',
    'CONNECT through a proxy on :3128, 200 Connection established, then TLS-like bytes both ways.',
    (b) => {
      const c = b.conn({ serverPort: 3128 });
      c.conv.handshake();
      const req = c.sendRequest({ method: 'CONNECT', uri: 'api.example.com:443', host: 'api.example.com:443', headers: [['User-Agent', 'curl/8.5.0'], ['Proxy-Connection', 'Keep-Alive']] });
      c.conv.wait(3000);
      const resp = c.sendResponse({ status: 200, reason: 'Connection established', closeDelimited: true });
      c.expect(req, resp, { flags: ['Tunnel'] });
      c.conv.wait(c.conv.rtt);
      c.sendRaw(Dir.ToServer, tlsLike(517, 1));
      c.conv.wait(2000);
      c.sendRaw(Dir.ToClient, tlsLike(3200, 2));
      c.conv.wait(c.conv.rtt);
      c.sendRaw(Dir.ToServer, tlsLike(300, 3));
      c.conv.wait(1000);
      c.conv.close();
    },
    { notes: `${LOSSLESS} One transaction (CONNECT, status 200, Tunnel); the tunnelled bytes produce nothing.` },
  ),

  entry(
    'upgrade',
    'GET with Upgrade: websocket, 101 Switching Protocols, then WebSocket frames both ways.',
    (b) => {
      const c = b.conn();
      c.conv.handshake();
      const req = c.sendRequest({
        method: 'GET',
        uri: '/ws/chat?room=7',
        host: HOST,
        headers: [['Upgrade', 'websocket'], ['Connection', 'Upgrade'], ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='], ['Sec-WebSocket-Version', '13']],
      });
      c.conv.wait(700);
      const resp = c.sendResponse({
        status: 101,
        headers: [['Upgrade', 'websocket'], ['Connection', 'Upgrade'], ['Sec-WebSocket-Accept', 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=']],
      });
      c.expect(req, resp, { flags: ['Tunnel'] });
      c.conv.wait(c.conv.rtt);
      c.sendRaw(Dir.ToServer, Buffer.from([0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]));
      c.conv.wait(500);
      c.sendRaw(Dir.ToClient, Buffer.concat([Buffer.from([0x81, 0x05]), Buffer.from('Hello')]));
      c.conv.wait(500);
      c.conv.close();
    },
    { notes: `${LOSSLESS} One transaction (status 101, Tunnel); the WebSocket frames produce nothing.` },
  ),

  entry('segmented', 'Segment sizes from 1 byte to the MSS, including splits inside CRLF and the header terminator.', (b) => {
    const c = b.conn();
    c.conv.handshake();
    c.exchange(get(b, '/api/v1/users/1'), ok(b, 1200), { requestSegmentation: 'tiny', responseSegmentation: 'random' });
    c.exchange(post(b, '/api/v1/users', 1800), ok(b, 5000), { requestSegmentation: 'random', responseSegmentation: 'mss' });
    const spec = get(b, '/api/v1/users/2');
    const head = buildRequest(spec).bytes;
    const cr = head.indexOf('\r\n');
    const respSpec = ok(b, 700);
    const respHead = buildResponse(respSpec).head.length;
    c.exchange(spec, respSpec, {
      requestSegmentation: [cr + 1, head.length - 2 - (cr + 1), 1, 1],
      responseSegmentation: [respHead - 3, 1, 1, 1, 1460],
    });
    c.conv.close();
  }),

  entry('reordered', 'Out-of-order segments in both directions (including a request whose first segment arrives second).', (b) => {
    const c = b.conn({ mss: 1000 });
    c.conv.handshake();
    const x0 = c.exchange(get(b, '/api/v1/orders/1'), ok(b, 4000));
    const s0 = c.conv.dataSegments(Dir.ToClient, x0.resp.range.start, x0.resp.range.end);
    c.conv.swap(s0[1], s0[2]);
    const x1 = c.exchange(post(b, '/api/v1/orders', 2500), { status: 201, body: '{"id":2}' });
    const s1 = c.conv.dataSegments(Dir.ToServer, x1.req.range.start, x1.req.range.end);
    c.conv.swap(s1[0], s1[1]);
    const x2 = c.exchange(get(b, '/api/v1/orders/2'), ok(b, 3000));
    const s2 = c.conv.dataSegments(Dir.ToClient, x2.resp.range.start, x2.resp.range.end);
    c.conv.swap(s2[s2.length - 2], s2[s2.length - 1]);
    c.conv.close();
  }),

  entry('retransmitted', 'Exact duplicate segments: SYN, a request, a response segment after later data, the last response segment after the ACK, FIN.', (b) => {
    const c = b.conn({ mss: 1000 });
    c.conv.handshake();
    c.conv.retransmit(c.conv.segments[0], 10);
    const x0 = c.exchange(get(b, '/api/v1/invoices/7'), ok(b, 500));
    c.conv.retransmit(c.conv.dataSegments(Dir.ToServer, x0.req.range.start)[0], 50);
    const x1 = c.exchange(get(b, '/api/v1/invoices'), ok(b, 4000));
    const s1 = c.conv.dataSegments(Dir.ToClient, x1.resp.range.start, x1.resp.range.end);
    c.conv.retransmit(s1[1], s1[3].ts - s1[1].ts + 1);
    const x2 = c.exchange(get(b, '/api/v1/invoices/8'), ok(b, 2500));
    const s2 = c.conv.dataSegments(Dir.ToClient, x2.resp.range.start, x2.resp.range.end);
    c.conv.retransmit(s2[s2.length - 1], c.conv.rtt + 100);
    const fin = c.conv.fin(Dir.ToServer);
    c.conv.retransmit(fin, 200);
    c.conv.wait(300);
    c.conv.fin(Dir.ToClient);
    c.conv.wait(c.conv.rtt);
    c.conv.ack(Dir.ToServer);
  }),

  entry('overlapping', 'Retransmissions overlapping earlier segments with identical bytes, one of them also filling a hole.', (b) => {
    const c = b.conn({ mss: 1000 });
    c.conv.handshake();
    const x0 = c.exchange(get(b, '/api/v1/payments/1'), ok(b, 4000));
    const s0 = c.conv.dataSegments(Dir.ToClient, x0.resp.range.start, x0.resp.range.end);
    c.conv.retransmitRange(Dir.ToClient, s0[1].offset + 100, s0[2].offset + 500, s0[3].ts + 1);
    const x1 = c.exchange(get(b, '/api/v1/payments'), ok(b, 4000));
    const s1 = c.conv.dataSegments(Dir.ToClient, x1.resp.range.start, x1.resp.range.end);
    c.conv.lose(s1[2]);
    c.conv.retransmitRange(Dir.ToClient, s1[1].offset + 300, s1[3].offset + 200, s1[3].ts + 1);
    c.conv.close();
  }),

  entry(
    'gap-in-body',
    'A segment inside a Content-Length response body, and one inside a request body, were never captured (the peer ACKs past them).',
    (b) => {
      const c = b.conn({ mss: 1000 });
      c.conv.handshake();
      c.exchange(get(b, '/api/v1/accounts/1'), ok(b, 500));
      const x1 = c.exchange(get(b, '/api/v1/accounts'), ok(b, 6000));
      const body1 = x1.resp.range.start + x1.resp.msg.head.length;
      const s1 = c.conv.dataSegments(Dir.ToClient, body1, x1.resp.range.end).filter((s) => s.offset >= body1);
      c.conv.lose(s1[2]);
      Object.assign(x1.tx, { responseBodyLength: null, responseBodySha256: null, flags: ['Gap'], flagsExact: false });
      c.exchange(get(b, '/api/v1/accounts/2'), ok(b, 300));
      c.conv.close();

      const d = b.conn({ mss: 1000 }, 300_000);
      d.conv.handshake();
      const y0 = d.exchange(post(b, '/api/v1/accounts', 4000), { status: 201, body: '{"id":3}' });
      const body2 = y0.req.range.start + y0.req.msg.head.length;
      const s2 = d.conv.dataSegments(Dir.ToServer, body2, y0.req.range.end).filter((s) => s.offset >= body2);
      d.conv.lose(s2[1]);
      Object.assign(y0.tx, { requestBodyLength: null, requestBodySha256: null, flags: ['Gap'], flagsExact: false });
      d.exchange(get(b, '/api/v1/accounts/3'), ok(b, 200));
      d.conv.close();
    },
    {
      lossy: true,
      notes:
        'The hole lies inside a Content-Length body and the peer ACKs past it, so the reassembler must declare the gap ' +
        '(by ACK, at the latest at FIN). The damaged transaction is still emitted, with its status and the Gap flag ' +
        '(its body length is not asserted); the framing is known, so the following transaction is parsed normally ' +
        'with no flag.',
    },
  ),

  entry(
    'gap-in-headers',
    'A whole request (headers, one segment) was never captured; its response was.',
    (b) => {
      const c = b.conn();
      c.conv.handshake();
      c.exchange(get(b, '/api/v1/carts/1'), ok(b, 400));
      const r1 = c.sendRequest(get(b, '/api/v1/carts/2'));
      for (const s of c.conv.dataSegments(Dir.ToServer, r1.range.start, r1.range.end)) c.conv.lose(s);
      c.conv.wait(900);
      const s1 = c.sendResponse(ok(b, 600));
      c.conv.wait(c.conv.rtt);
      c.conv.ack(Dir.ToServer);
      c.expect(null, s1, { flags: ['NoRequest'], flagsExact: false });
      c.conv.wait(8000);
      const x2 = c.exchange(get(b, '/api/v1/carts/3'), ok(b, 300));
      x2.tx.flagsExact = false;
      c.conv.close();
    },
    {
      lossy: true,
      notes:
        'The second request is missing (the server ACKs past it). Its response arrives while no request is pending: ' +
        'it is emitted as a transaction with NoRequest (method/uri/host empty, status 200). The third request starts ' +
        'on a message boundary and pairs with its own response (flags not asserted exactly).',
    },
  ),

  entry(
    'midstream',
    'A keep-alive connection picked up without its handshake, at stream offsets far from the ISN.',
    (b) => {
      const c = b.conn();
      c.defaultFlags = ['Midstream'];
      c.conv.skipTo(48_211, 1_204_733);
      randomExchanges(b, c, b.content.hosts(1)[0], 3);
      c.conv.close();
    },
    { notes: `${LOSSLESS} Every transaction has Midstream; the capture starts on a request boundary.` },
  ),

  entry(
    'server-first-midstream',
    'Mid-stream pick-up whose first captured packet is a server response (its request was before the capture).',
    (b) => {
      const c = b.conn({ serverPort: 8080 });
      c.defaultFlags = ['Midstream'];
      c.conv.skipTo(9_112, 77_004);
      const s0 = c.sendResponse(ok(b, 800));
      c.conv.wait(c.conv.rtt);
      c.conv.ack(Dir.ToServer);
      c.expect(null, s0, { flags: ['NoRequest'], flagsExact: false });
      c.conv.wait(5000);
      const h = b.content.hosts(2)[1];
      randomExchanges(b, c, h, 2);
      c.conv.close();
    },
    {
      notes:
        'The first response has no request: NoRequest + Midstream (other flags not asserted). The client is the ' +
        'ephemeral-port side even though the server spoke first; the next two transactions are exact with Midstream.',
    },
  ),

  entry(
    'one-sided-request',
    'Only client-to-server packets were captured (handshake SYN included): three requests, no response bytes.',
    (b) => {
      const c = b.conn();
      c.conv.handshake();
      const h = b.content.hosts(1)[0];
      for (let i = 0; i < 3; i++) {
        const req = c.sendRequest(i === 1 ? post(b, '/api/v1/events', 700, h.header) : get(b, `/api/v1/events/${i}`, h.header));
        c.conv.wait(1200);
        c.sendResponse(ok(b, 300));
        c.conv.wait(c.conv.rtt);
        c.conv.ack(Dir.ToServer);
        c.conv.wait(4000);
        c.expect(req, null, { flags: ['OneSided', 'NoResponse'], flagsExact: false });
      }
      c.conv.close();
      c.conv.dropDirection(Dir.ToClient);
    },
    {
      lossy: true,
      notes: 'Each request is emitted without a response: status null, OneSided and NoResponse set (Pipelined may be set too).',
    },
  ),

  entry(
    'one-sided-response',
    'Only server-to-client packets were captured (SYN-ACK included): three responses, no request bytes.',
    (b) => {
      const c = b.conn();
      c.conv.handshake();
      for (let i = 0; i < 3; i++) {
        c.sendRequest(get(b, `/api/v1/events/${i}`));
        c.conv.wait(1200);
        const resp = c.sendResponse(ok(b, 300 + i * 900));
        c.conv.wait(c.conv.rtt);
        c.conv.ack(Dir.ToServer);
        c.conv.wait(4000);
        c.expect(null, resp, { flags: ['NoRequest'], flagsExact: false });
      }
      c.conv.close();
      c.conv.dropDirection(Dir.ToServer);
    },
    {
      lossy: true,
      notes: 'Each response is emitted without a request: method/uri/host empty, status 200, body length exact, NoRequest set (OneSided may be set).',
    },
  ),

  entry('seq-wraparound', 'Sequence numbers wrapping past 2^32 inside request and response bodies; and an ISN of 2^32-1.', (b) => {
    bulky(b, { clientIsn: 0xffffffff - 700, serverIsn: 0xffffffff - 3000 });
    const c = b.conn({ clientIsn: 0xffffffff, serverIsn: 0xfffffffe }, 100_000);
    c.conv.handshake();
    c.exchange(get(b, '/api/v1/users/9'), ok(b, 2000));
    c.conv.close();
  }),

  entry(
    'rst-teardown',
    'A connection reset by the server while a request waits; another reset by the client after a complete exchange.',
    (b) => {
      const c = b.conn();
      c.conv.handshake();
      c.exchange(get(b, '/api/v1/jobs/1'), ok(b, 300));
      c.exchange(get(b, '/api/v1/jobs/2'), ok(b, 300));
      const r2 = c.sendRequest(post(b, '/api/v1/jobs', 400));
      c.conv.wait(2500);
      c.conv.rst(Dir.ToClient);
      c.expect(r2, null, { flags: ['NoResponse'], flagsExact: false });
      const d = b.conn({}, 100_000);
      d.conv.handshake();
      d.exchange(get(b, '/api/v1/jobs/3'), ok(b, 300));
      d.conv.rst(Dir.ToServer);
    },
    { lossy: false, notes: 'The third request of the first connection is emitted with status null and NoResponse when the RST ends it; everything else is exact.' },
  ),

  entry('vlan', '802.1Q-tagged traffic on two VLANs.', (b) => {
    simple(b, { link: { kind: 'ethernet', vlans: [100] } }, 2);
    simple(b, { link: { kind: 'ethernet', vlans: [200] } }, 2, 50_000);
  }),

  entry('qinq', 'Double-tagged traffic: 0x88a8 outer tag, 0x8100/0x8100, and 0x9100 outer tag.', (b) => {
    simple(b, { link: { kind: 'ethernet', vlans: [300, 100] } }, 2);
    simple(b, { link: { kind: 'ethernet', vlans: [20, 30], outerTpid: 0x8100 } }, 2, 50_000);
    simple(b, { link: { kind: 'ethernet', vlans: [7, 8], outerTpid: 0x9100 } }, 1, 100_000);
  }),

  entry('ipv6', 'IPv6 over Ethernet: a keep-alive connection and one with multi-segment bodies.', (b) => {
    simple(b, { ipVersion: 6, clientIp: '2001:db8:1::10', serverIp: '2001:db8:2::80' }, 3);
    bulky(b, { ipVersion: 6, clientIp: 'fd00:0:0:1:0:0:0:abcd', serverIp: '2001:db8:2::80', serverPort: 8080 }, 50_000);
  }),

  entry('ipv6-ext-headers', 'IPv6 with hop-by-hop and destination-options extension headers before TCP.', (b) => {
    simple(b, { ipVersion: 6, clientIp: '2001:db8:1::11', serverIp: '2001:db8:2::80', ipv6ExtHeaders: [{ kind: 'hop-by-hop' }, { kind: 'destination', length: 16 }] }, 2);
    bulky(b, { ipVersion: 6, clientIp: '2001:db8:1::12', serverIp: '2001:db8:2::80', ipv6ExtHeaders: [{ kind: 'destination', length: 24 }] }, 50_000);
  }),

  entry(
    'ipv4-fragments',
    'IPv4-fragmented data segments: 3 fragments reversed with 8-byte identical overlaps; 4 shuffled with a duplicate; 2 in order.',
    (b) => {
      bulky(b, { fragment: { minPayload: 600, count: 3, order: 'reverse', overlap: true } });
      bulky(b, { fragment: { minPayload: 600, count: 4, order: 'shuffle', duplicate: true } }, 100_000);
      bulky(b, { fragment: { minPayload: 100, count: 2, order: 'forward' } }, 200_000);
    },
    { notes: `${LOSSLESS} Overlapping fragments carry identical bytes, so any overlap policy yields the original datagram.` },
  ),

  entry('ipv6-fragments', 'IPv6 Fragment headers: 3 fragments reversed, 4 shuffled, and fragments after a hop-by-hop header.', (b) => {
    const v6 = { ipVersion: 6 as const, clientIp: '2001:db8:1::20', serverIp: '2001:db8:2::80' };
    bulky(b, { ...v6, fragment: { minPayload: 600, count: 3, order: 'reverse' } });
    bulky(b, { ...v6, fragment: { minPayload: 600, count: 4, order: 'shuffle' } }, 100_000);
    bulky(b, { ...v6, ipv6ExtHeaders: [{ kind: 'hop-by-hop' }], fragment: { minPayload: 600, count: 2, order: 'forward' } }, 200_000);
  }),

  entry('sll', 'Linux cooked capture v1 (any-device), IPv4.', (b) => {
    simple(b, { link: { kind: 'sll' } }, 2);
    bulky(b, { link: { kind: 'sll' } }, 50_000);
  }),

  entry('sll2', 'Linux cooked capture v2, IPv4 and IPv6.', (b) => {
    simple(b, { link: { kind: 'sll2', ifIndex: 3 } }, 2);
    simple(b, { link: { kind: 'sll2', ifIndex: 3 }, ipVersion: 6, clientIp: '2001:db8:1::30', serverIp: '2001:db8:2::80' }, 2, 50_000);
  }),

  entry('null-loopback', 'BSD loopback (DLT_NULL, host byte order): IPv4 127.0.0.1 and IPv6 ::1 with AF_INET6 values 24, 28 and 30.', (b) => {
    const lo = { clientIp: '127.0.0.1', serverIp: '127.0.0.1', serverPort: 8080 };
    simple(b, { ...lo, link: { kind: 'null' } }, 2);
    const lo6 = { ipVersion: 6 as const, clientIp: '::1', serverIp: '::1', serverPort: 8080 };
    simple(b, { ...lo6, link: { kind: 'null', af6: 24 } }, 1, 50_000);
    simple(b, { ...lo6, link: { kind: 'null', af6: 28 } }, 1, 100_000);
    simple(b, { ...lo6, link: { kind: 'null', af6: 30 } }, 1, 150_000);
  }),

  entry('raw-ip', 'LINKTYPE_RAW: IPv4 and IPv6 packets without a link header.', (b) => {
    simple(b, { link: { kind: 'raw' } }, 2);
    simple(b, { link: { kind: 'raw' }, ipVersion: 6, clientIp: '2001:db8:1::40', serverIp: '2001:db8:2::80' }, 2, 50_000);
  }),

  entry(
    'pcapng-multi-interface',
    'pcapng with four interfaces: Ethernet (µs), SLL (ns), raw IPv6 (ns), SLL2 (µs); one connection split across two interfaces.',
    (b) => {
      b.interfaces = [
        { linkType: LinkType.ETHERNET, tsResolution: 6 },
        { linkType: LinkType.LINUX_SLL, tsResolution: 9 },
        { linkType: LinkType.RAW, tsResolution: 9 },
        { linkType: LinkType.LINUX_SLL2, tsResolution: 6 },
      ];
      simple(b, { ifIndex: 0 }, 2);
      simple(b, { link: { kind: 'sll' }, ifIndex: 1 }, 2, 20_000);
      simple(b, { link: { kind: 'raw' }, ifIndex: 2, ipVersion: 6, clientIp: '2001:db8:1::50', serverIp: '2001:db8:2::80' }, 2, 40_000);
      simple(b, { link: { kind: 'ethernet' }, ifIndex: 0, serverLink: { kind: 'sll2' }, serverIfIndex: 3 }, 2, 60_000);
    },
    { formats: ['pcapng'], notes: `${LOSSLESS} Requests of the last connection are on interface 0, its responses on interface 3.` },
  ),

  entry(
    'big-endian-pcap',
    'Classic pcap written by a big-endian host (magic a1b2c3d4 in big-endian order).',
    (b) => {
      b.pcap.bigEndian = true;
      simple(b, {}, 3);
    },
    { formats: ['pcap'] },
  ),

  entry(
    'ns-pcap',
    'Classic pcap with nanosecond timestamps (magic a1b23c4d) carrying sub-microsecond fractions.',
    (b) => {
      b.pcap.nanos = true;
      b.subMicro = true;
      simple(b, {}, 2);
      bulky(b, {}, 50_000);
    },
    { formats: ['pcap'], notes: `${LOSSLESS} Timestamps have 250 ns fractions; the engine rounds them down to µs.` },
  ),

  entry('mixed-api', 'About 1,000 transactions: 100 concurrent keep-alive connections from 60 clients to 10 hosts (some :8080, mixed-case Host).', (b) => {
    const hosts = b.content.hosts(10);
    for (let i = 0; i < 100; i++) {
      const host = hosts[b.rng.int(0, hosts.length - 1)];
      const client = b.rng.int(0, 59);
      const c = b.conn(
        {
          clientIp: `192.168.${10 + Math.floor(client / 20)}.${(client % 20) + 2}`,
          serverIp: host.ip,
          serverPort: host.port,
          tcpTimestamps: b.rng.chance(0.2),
          rttUs: b.rng.int(300, 30_000),
        },
        b.rng.int(0, 3_000_000),
      );
      c.conv.handshake();
      const n = b.rng.int(5, 15);
      for (let k = 0; k < n; k++) {
        const req = b.content.request(host);
        const resp = b.content.response(req);
        if (resp.body && b.rng.chance(0.25)) resp.coding = b.rng.pick(['gzip', 'gzip', 'br', 'deflate'] as const);
        if (b.rng.chance(0.2)) resp.chunked = true;
        c.exchange(req, resp);
      }
      c.conv.close(b.rng.chance(0.7) ? Dir.ToServer : Dir.ToClient);
    }
  }),
];

CATALOG.push(
  entry(SENSITIVE_SCENARIO_INFO.name, SENSITIVE_SCENARIO_INFO.description, (b) => void populateSensitiveScenario(b, { endpoints: 20, decoyEndpoints: 6, callsPerEndpoint: 2 })),
);

const BY_NAME = new Map(CATALOG.map((e) => [e.info.name, e]));

/** Every scenario of the catalogue, in catalogue order. */
export function listScenarios(): ScenarioInfo[] {
  return CATALOG.map((e) => ({ ...e.info, formats: [...e.info.formats] }));
}

/** Builds a scenario in memory. The same name and seed always give the same bytes. */
export function generateScenario(name: string, seed = 1): Scenario {
  const e = BY_NAME.get(name);
  if (!e) throw new Error(`unknown scenario "${name}" (known: ${[...BY_NAME.keys()].join(', ')})`);
  const b = new ScenarioBuilder(seed);
  e.body(b);
  return b.build({ ...e.info, formats: [...e.info.formats] }, seed);
}

/** Options of {@link writeScenarioCapture}. */
export interface WriteScenarioOptions {
  /** Default: the scenario's preferred format. */
  format?: CaptureFormat;
  snaplen?: number;
}

/**
 * Writes a scenario's capture to `path` (or to memory with `null`, returned as `buffer`). Throws when the scenario
 * cannot be expressed in the format (e.g. several link types in a classic pcap).
 */
export function writeScenarioCapture(path: string | null, scenario: Scenario, opts: WriteScenarioOptions = {}): { packets: number; bytes: number; format: CaptureFormat; buffer: Buffer | null } {
  const format = opts.format ?? scenario.info.formats[0];
  if (!scenario.info.formats.includes(format)) throw new Error(`scenario ${scenario.info.name} cannot be written as ${format}`);
  let bytes = format === 'pcap' ? 24 : 28;
  let buffer: Buffer | null = null;
  if (format === 'pcap') {
    const linkType = scenario.packets[0].linkType;
    if (scenario.packets.some((p) => p.linkType !== linkType)) throw new Error(`scenario ${scenario.info.name} mixes link types: use pcapng`);
    const w = new PcapWriter(path, { linkType, nanos: scenario.pcap.nanos, bigEndian: scenario.pcap.bigEndian, snaplen: opts.snaplen });
    for (const p of scenario.packets) {
      w.writePacket(p.ts, p.data);
      bytes += 16 + Math.min(p.data.length, opts.snaplen ?? Infinity);
    }
    if (path === null) buffer = w.toBuffer();
    else w.close();
  } else {
    const w = new PcapngWriter(path);
    for (const iface of scenario.interfaces) {
      w.addInterface({ ...iface, snaplen: opts.snaplen ?? iface.snaplen });
      bytes += (iface.tsResolution ?? 6) === 6 ? 20 : 32;
    }
    for (const p of scenario.packets) {
      w.writePacket(p.ifIndex, p.ts, p.data);
      bytes += 32 + ((Math.min(p.data.length, opts.snaplen ?? Infinity) + 3) & ~3);
    }
    if (path === null) buffer = w.toBuffer();
    else w.close();
  }
  return { packets: scenario.packets.length, bytes, format, buffer };
}
