// Unit tests of the flow table: client/server roles (handshake and mid-stream guesses), connection lifecycle
// (FIN, RST, idle and closed timeouts, port reuse, eviction, shutdown), late packets, declined flows, one-sided
// captures, IPv6 keys and the borrowed-segment contract.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FlowTable } from '../../../appliance/src/engine/flow/flow.table.ts';
import { guessDestinationIsServer, isLikelyServerPort } from '../../../appliance/src/engine/flow/flow.roles.ts';
import { engineSettings, type EngineSettings } from '../../../appliance/src/engine/engine.settings.ts';
import { WeirdCounters } from '../../../appliance/src/engine/weird.counters.ts';
import type { TcpSegment } from '../../../appliance/src/engine/packet.types.ts';
import type { ConnectionInfo, Dir, StreamConsumer, StreamEndReason } from '../../../appliance/src/engine/stream.types.ts';

const FIN = 0x01;
const SYN = 0x02;
const RST = 0x04;
const ACK = 0x10;
const SEC = 1_000_000;

/** Everything one connection's consumer received, in order. */
class Recorder implements StreamConsumer {
  readonly events: string[] = [];
  readonly ends: (StreamEndReason | null)[] = [null, null];
  constructor(readonly conn: ConnectionInfo) {}
  onData(dir: Dir, data: Buffer, _ts: number): void {
    assert.equal(this.ends[dir], null, 'data after end');
    this.events.push(`d${dir}:${data.toString('latin1')}`);
  }
  onGap(dir: Dir, bytes: number, _ts: number): void {
    assert.equal(this.ends[dir], null, 'gap after end');
    this.events.push(`g${dir}:${bytes}`);
  }
  onEnd(dir: Dir, reason: StreamEndReason, ts: number): void {
    assert.equal(this.ends[dir], null, 'second end');
    this.ends[dir] = reason;
    this.events.push(`e${dir}:${reason}@${ts / SEC}`);
  }
}

interface Endpoint {
  ip: number[];
  port: number;
}

/** A flow table whose consumers are Recorders, and a segment sender that reuses ONE segment object like the decoder. */
function setup(overrides: Partial<EngineSettings> = {}, accept: (c: ConnectionInfo) => boolean = () => true) {
  const weird = new WeirdCounters();
  const flows: Recorder[] = [];
  const table = new FlowTable(engineSettings(overrides), weird, (conn) => {
    if (!accept(conn)) return null;
    const r = new Recorder(conn);
    flows.push(r);
    return r;
  });
  const scratch = Buffer.alloc(64);
  const seg: TcpSegment = { ts: 0, ipVersion: 4, srcAddr: scratch, dstAddr: scratch, srcPort: 0, dstPort: 0, seq: 0, ack: 0, flags: 0, window: 0, payload: scratch, payloadMissing: 0, vlans: [] };
  const send = (from: Endpoint, to: Endpoint, opts: { seq?: number; ack?: number; flags?: number; data?: string; t?: number; vlans?: number[] }) => {
    // Addresses are written into a shared scratch buffer that the next packet overwrites, as a decoder would.
    const n = from.ip.length;
    scratch.fill(0xee);
    scratch.set(from.ip, 0);
    scratch.set(to.ip, 16);
    seg.ts = (opts.t ?? 1) * SEC;
    seg.ipVersion = n === 4 ? 4 : 6;
    seg.srcAddr = scratch.subarray(0, n);
    seg.dstAddr = scratch.subarray(16, 16 + n);
    seg.srcPort = from.port;
    seg.dstPort = to.port;
    seg.seq = (opts.seq ?? 0) >>> 0;
    seg.ack = (opts.ack ?? 0) >>> 0;
    seg.flags = opts.flags ?? (opts.ack === undefined ? 0 : ACK);
    seg.payload = Buffer.from(opts.data ?? '', 'latin1');
    seg.vlans.length = 0;
    if (opts.vlans) seg.vlans.push(...opts.vlans);
    table.onSegment(seg);
  };
  return { table, weird, flows, send };
}

const C: Endpoint = { ip: [192, 168, 1, 10], port: 51000 };
const S: Endpoint = { ip: [10, 1, 2, 3], port: 80 };

test('port-based guesses for mid-stream pickups', () => {
  assert.equal(isLikelyServerPort(443), true);
  assert.equal(isLikelyServerPort(8080), true);
  assert.equal(isLikelyServerPort(51000), false);
  assert.equal(guessDestinationIsServer(51000, 80), true);
  assert.equal(guessDestinationIsServer(80, 51000), false);
  assert.equal(guessDestinationIsServer(3000, 1500), false, 'a common HTTP port beats a lower unknown port');
  assert.equal(guessDestinationIsServer(40000, 30000), true, 'otherwise the lower port');
  assert.equal(guessDestinationIsServer(22, 80), false, 'both well-known: the lower port');
});

test('SYN sender is the client and SYN+ACK sender the server, whatever the ports', () => {
  const { table, flows, send } = setup();
  const a: Endpoint = { ip: [10, 0, 0, 1], port: 80 };
  const b: Endpoint = { ip: [10, 0, 0, 2], port: 50000 };
  send(a, b, { seq: 10, flags: SYN, vlans: [7] });
  send(b, a, { seq: 90, ack: 11, flags: SYN | ACK });
  send(a, b, { seq: 11, ack: 91, data: 'hello' });
  send(b, a, { seq: 91, ack: 16, data: 'world' });
  assert.equal(flows.length, 1);
  const r = flows[0];
  assert.deepEqual(
    { ...r.conn },
    { flowId: 1, ipVersion: 4, clientIp: '10.0.0.1', clientPort: 80, serverIp: '10.0.0.2', serverPort: 50000, vlans: [7], midstream: false },
  );
  assert.deepEqual(r.events, ['d0:hello', 'd1:world']);
  assert.equal(table.stats.flowsMidstream, 0);
  assert.equal(table.stats.flowsCreated, 1);
});

test('a SYN+ACK without the SYN creates the flow with the right roles and both sequence bases', () => {
  const { flows, send } = setup();
  send(S, C, { seq: 500, ack: 1001, flags: SYN | ACK });
  send(C, S, { seq: 1001, ack: 501, data: 'GET /' });
  send(S, C, { seq: 501, ack: 1006, data: 'HTTP' });
  const r = flows[0];
  assert.equal(r.conn.clientPort, C.port);
  assert.equal(r.conn.midstream, false);
  assert.deepEqual(r.events, ['d0:GET /', 'd1:HTTP']);
});

test('mid-stream pickup: roles guessed from the ports, sequence base from the first data', () => {
  const { table, flows, send } = setup();
  send(C, S, { seq: 777_777, ack: 1234, data: 'POST /x' });
  send(S, C, { seq: 1234, ack: 777_784, data: '200' });
  const r = flows[0];
  assert.equal(r.conn.midstream, true);
  assert.equal(r.conn.clientIp, '192.168.1.10');
  assert.equal(r.conn.serverPort, 80);
  assert.deepEqual(r.events, ['d0:POST /x', 'd1:200']);
  assert.equal(table.stats.flowsMidstream, 1);
});

test('server-first mid-stream pickup: the first packet goes to the client', () => {
  const { flows, send } = setup();
  send(S, C, { seq: 42, ack: 9, data: 'HTTP/1.1 200 OK' });
  send(C, S, { seq: 9, ack: 57, data: 'GET /next' });
  const r = flows[0];
  assert.equal(r.conn.serverIp, '10.1.2.3');
  assert.equal(r.conn.clientPort, 51000);
  assert.deepEqual(r.events, ['d1:HTTP/1.1 200 OK', 'd0:GET /next']);
});

test('one-sided capture still delivers and is counted one-sided at the end', () => {
  const { table, flows, send } = setup();
  send(S, C, { seq: 1, ack: 1, data: 'HTTP/1.1 200 OK\r\n' });
  send(S, C, { seq: 18, ack: 1, data: '\r\n' });
  table.closeAll();
  assert.deepEqual(flows[0].events, ['d1:HTTP/1.1 200 OK\r\n', 'd1:\r\n', 'e0:shutdown@1', 'e1:shutdown@1']);
  assert.equal(table.stats.flowsOneSided, 1);
  assert.equal(table.stats.flowsClosed, 1);
  assert.equal(table.stats.flowsActive, 0);
});

test('segments without payload never create a flow', () => {
  const { table, flows, send } = setup();
  send(C, S, { seq: 5, ack: 9 });
  send(C, S, { seq: 5, ack: 9, flags: FIN | ACK });
  send(C, S, { seq: 5, flags: RST });
  send(S, C, { seq: 5, ack: 9, flags: RST | ACK, data: 'rst text' });
  assert.equal(flows.length, 0);
  assert.equal(table.stats.flowsCreated, 0);
  assert.equal(table.stats.segmentsWithoutFlow, 4);
});

test('RST ends both directions once after its grace; late packets go to the closed flow, then create nothing', () => {
  const { table, flows, send } = setup({ tcpClosedTimeoutSec: 5, tcpRstGraceMs: 1000 });
  send(C, S, { seq: 100, flags: SYN, t: 1 });
  send(S, C, { seq: 300, ack: 101, flags: SYN | ACK, t: 1 });
  send(C, S, { seq: 101, ack: 301, data: 'GET', t: 2 });
  send(S, C, { seq: 301, ack: 104, flags: RST | ACK, t: 3 });
  send(C, S, { seq: 104, ack: 301, data: 'late', t: 3 });
  send(S, C, { seq: 301, flags: RST, t: 3 });
  assert.deepEqual(flows[0].events, ['d0:GET', 'd0:late'], 'data in flight from the peer is still delivered during the grace');
  table.advance(3.5 * SEC);
  assert.deepEqual(flows[0].events, ['d0:GET', 'd0:late']);
  table.advance(4.6 * SEC); // sweeps run at most once per capture second
  assert.deepEqual(flows[0].events, ['d0:GET', 'd0:late', 'e0:rst@3', 'e1:rst@3']);
  assert.equal(table.stats.flowsActive, 1, 'kept while closed, to absorb late packets');
  table.advance(9 * SEC);
  assert.equal(table.stats.flowsActive, 0);
  assert.equal(table.stats.flowsClosed, 1);
  // a late FIN, ACK or RST of the forgotten connection creates nothing
  send(C, S, { seq: 104, ack: 301, flags: FIN | ACK, t: 10 });
  send(S, C, { seq: 301, ack: 105, t: 10 });
  send(S, C, { seq: 301, flags: RST, t: 10 });
  assert.equal(table.stats.flowsCreated, 1);
  assert.equal(flows.length, 1);
});

test('both FINs close the flow; it is removed after the closed timeout', () => {
  const { table, flows, send } = setup({ tcpClosedTimeoutSec: 2 });
  send(C, S, { seq: 100, flags: SYN, t: 1 });
  send(S, C, { seq: 300, ack: 101, flags: SYN | ACK, t: 1 });
  send(C, S, { seq: 101, ack: 301, data: 'req', flags: ACK | FIN, t: 1 });
  send(S, C, { seq: 301, ack: 105, data: 'resp', flags: ACK | FIN, t: 2 });
  send(C, S, { seq: 105, ack: 306, t: 2 });
  assert.deepEqual(flows[0].events, ['d0:req', 'e0:fin@1', 'd1:resp', 'e1:fin@2']);
  table.advance(3 * SEC);
  assert.equal(table.stats.flowsActive, 1);
  table.advance(4 * SEC);
  assert.equal(table.stats.flowsActive, 0);
  assert.equal(table.stats.flowsOneSided, 0);
});

test('a new SYN on a closed tuple (port reuse) starts a new flow at once', () => {
  const { table, flows, send } = setup();
  send(C, S, { seq: 100, flags: SYN });
  send(S, C, { seq: 300, ack: 101, flags: SYN | ACK });
  send(C, S, { seq: 101, ack: 301, flags: RST | ACK });
  send(C, S, { seq: 100, flags: SYN }); // same ISN: a late retransmission, ignored
  assert.equal(table.stats.flowsCreated, 1);
  send(C, S, { seq: 9000, flags: SYN });
  send(S, C, { seq: 7000, ack: 9001, flags: SYN | ACK });
  send(C, S, { seq: 9001, ack: 7001, data: 'again' });
  assert.equal(table.stats.flowsCreated, 2);
  assert.equal(flows[1].conn.flowId, 2);
  assert.deepEqual(flows[1].events, ['d0:again']);
  assert.equal(table.stats.flowsActive, 1);
});

test('idle timeout via advance(): buffered data is flushed behind a gap, then onEnd(timeout)', () => {
  const { table, flows, send } = setup({ tcpIdleTimeoutSec: 10 });
  send(C, S, { seq: 100, flags: SYN, t: 100 });
  send(C, S, { seq: 101, data: 'abc', t: 100 });
  send(C, S, { seq: 106, data: 'fgh', t: 101 });
  const other: Endpoint = { ip: [192, 168, 1, 11], port: 51001 };
  send(other, S, { seq: 1, data: 'x', t: 105 });
  table.advance(110 * SEC);
  assert.equal(flows[0].ends[0], null, 'not idle long enough');
  table.advance(111 * SEC);
  assert.deepEqual(flows[0].events, ['d0:abc', 'g0:2', 'd0:fgh', 'e0:timeout@111', 'e1:timeout@111']);
  assert.equal(flows[1].ends[0], null, 'the other flow is still fresh');
  assert.equal(table.stats.flowsActive, 1);
  assert.equal(table.stats.reassemblyBytes, 0);
});

test('advance() sweeps at most once per capture second', () => {
  const { table, flows, send } = setup({ tcpIdleTimeoutSec: 1 });
  table.advance(10 * SEC);
  send(C, S, { seq: 1, data: 'x', t: 9 });
  table.advance(10 * SEC + 500_000);
  assert.equal(flows[0].ends[0], null, 'the sweep at 10 s already ran');
  table.advance(11 * SEC);
  assert.equal(flows[0].ends[0], 'timeout');
});

test('eviction at maxFlows removes the least recently seen flow', () => {
  const { table, weird, flows, send } = setup({ maxFlows: 2 });
  const c1: Endpoint = { ip: [1, 0, 0, 1], port: 40001 };
  const c2: Endpoint = { ip: [1, 0, 0, 2], port: 40002 };
  const c3: Endpoint = { ip: [1, 0, 0, 3], port: 40003 };
  send(c1, S, { seq: 1, data: 'one', t: 1 });
  send(c2, S, { seq: 1, data: 'two', t: 2 });
  send(c1, S, { seq: 4, data: 'ONE', t: 3 }); // c1 is now the most recent
  send(c3, S, { seq: 1, data: 'three', t: 4 });
  assert.deepEqual(flows[1].events, ['d0:two', 'e0:evicted@4', 'e1:evicted@4']);
  assert.equal(flows[0].ends[0], null);
  assert.equal(weird.get('flow_table_evicted'), 1);
  assert.equal(table.stats.flowsEvicted, 1);
  assert.equal(table.stats.flowsActive, 2);
  send(c2, S, { seq: 4, data: 'back', t: 5 }); // comes back as a new mid-stream flow, evicting c1
  assert.equal(flows.length, 4);
  assert.equal(flows[0].ends[0], 'evicted');
});

test('closed flows make room before live ones are evicted', () => {
  const { table, weird, send } = setup({ maxFlows: 2 });
  const c1: Endpoint = { ip: [1, 0, 0, 1], port: 40001 };
  const c2: Endpoint = { ip: [1, 0, 0, 2], port: 40002 };
  const c3: Endpoint = { ip: [1, 0, 0, 3], port: 40003 };
  send(c1, S, { seq: 1, data: 'one' });
  send(c2, S, { seq: 1, data: 'two' });
  send(c2, S, { seq: 4, flags: RST });
  send(c3, S, { seq: 1, data: 'three' });
  assert.equal(weird.get('flow_table_evicted'), 0);
  assert.equal(table.stats.flowsClosed, 1);
  assert.equal(table.stats.flowsActive, 2);
});

test('closeAll ends every open direction with shutdown, exactly once', () => {
  const { table, flows, send } = setup();
  send(C, S, { seq: 10, data: 'a', flags: FIN | ACK, ack: 1 });
  const other: Endpoint = { ip: [9, 9, 9, 9], port: 8080 };
  send(other, C, { seq: 1, data: 'b' });
  table.closeAll();
  assert.deepEqual(flows[0].events, ['d0:a', 'e0:fin@1', 'e1:shutdown@1']);
  assert.deepEqual(flows[1].events, ['d1:b', 'e0:shutdown@1', 'e1:shutdown@1']);
  assert.equal(flows[1].conn.serverPort, 8080);
  table.closeAll();
  assert.equal(table.stats.flowsClosed, 2);
});

test('a declined flow (factory returns null) is tracked but its payload ignored', () => {
  const { table, flows, send } = setup({}, (c) => c.serverPort !== 22);
  const ssh: Endpoint = { ip: [10, 1, 2, 3], port: 22 };
  send(C, ssh, { seq: 1, data: 'SSH-2.0' });
  send(C, ssh, { seq: 100, data: 'out of order, never buffered' });
  assert.equal(flows.length, 0);
  assert.equal(table.stats.flowsDeclined, 1);
  assert.equal(table.stats.flowsActive, 1);
  assert.equal(table.stats.reassemblyBytes, 0);
  assert.equal(table.stats.bytesDelivered, 0);
  send(C, ssh, { seq: 200, flags: RST });
  table.advance(100 * SEC);
  assert.equal(table.stats.flowsActive, 0);
});

test('an RST whose sender goes on sending was not real: the connection continues (RST evasion)', () => {
  const { table, flows, send, weird } = setup({ tcpRstGraceMs: 1000 });
  send(C, S, { seq: 100, flags: SYN, t: 1 });
  send(S, C, { seq: 300, ack: 101, flags: SYN | ACK, t: 1 });
  send(C, S, { seq: 101, ack: 301, flags: RST, t: 1 });
  send(C, S, { seq: 101, ack: 301, data: 'GET /hidden', t: 1.1 });
  send(S, C, { seq: 301, ack: 112, data: '200', t: 1.2 });
  table.advance(5 * SEC);
  assert.deepEqual(flows[0].events, ['d0:GET /hidden', 'd1:200']);
  assert.equal(weird.get('tcp_rst_ignored'), 1);
});

test('a forged RST and FIN before the SYN-ACK do not hide the connection that follows', () => {
  const { table, flows, send, weird } = setup({ tcpRstGraceMs: 1000 });
  send(C, S, { seq: 100, flags: SYN, t: 1 });
  send(S, C, { seq: 0, ack: 101, flags: RST | ACK, t: 1 });
  send(S, C, { seq: 0, ack: 101, flags: FIN | ACK, t: 1 });
  send(C, S, { seq: 101, flags: RST, t: 1 });
  send(S, C, { seq: 5000, ack: 101, flags: SYN | ACK, t: 1 });
  send(C, S, { seq: 101, ack: 5001, data: 'GET /', t: 1 });
  send(S, C, { seq: 5001, ack: 106, data: 'HTTP/1.1 200', t: 1 });
  table.advance(5 * SEC);
  assert.deepEqual(flows[0].events, ['d0:GET /', 'd1:HTTP/1.1 200']);
  assert.equal(weird.get('tcp_fin_after_rst'), 1);
  assert.equal(weird.get('tcp_rst_ignored'), 1);
});

test('addresses are copied at flow creation; IPv6 flows are keyed and formatted', () => {
  const { flows, send } = setup();
  const c6: Endpoint = { ip: [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], port: 40000 };
  const s6: Endpoint = { ip: [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2], port: 443 };
  send(c6, s6, { seq: 1, data: 'v6 req' });
  send(C, S, { seq: 1, data: 'v4 req' }); // overwrites the shared address buffer
  send(s6, c6, { seq: 50, ack: 7, data: 'v6 resp' });
  assert.equal(flows.length, 2);
  assert.deepEqual([flows[0].conn.clientIp, flows[0].conn.serverIp, flows[0].conn.ipVersion], ['2001:db8::1', '2001:db8::2', 6]);
  assert.deepEqual(flows[0].events, ['d0:v6 req', 'd1:v6 resp']);
  assert.deepEqual(flows[1].events, ['d0:v4 req']);
});

test('flows differing only in one port or address byte are distinct; flow ids increase', () => {
  const { flows, send } = setup();
  for (let i = 0; i < 2000; i++) {
    send({ ip: [10, 0, (i >> 8) & 0xff, i & 0xff], port: 40000 + (i % 7) }, S, { seq: 1, data: `r${i}` });
  }
  for (let i = 0; i < 2000; i++) {
    send(S, { ip: [10, 0, (i >> 8) & 0xff, i & 0xff], port: 40000 + (i % 7) }, { seq: 1, ack: 1 + `r${i}`.length, data: `s${i}` });
  }
  assert.equal(flows.length, 2000);
  for (let i = 0; i < 2000; i++) {
    assert.equal(flows[i].conn.flowId, i + 1);
    assert.deepEqual(flows[i].events, [`d0:r${i}`, `d1:s${i}`]);
  }
});

test('a consumer that throws is detached and counted, never rethrown', () => {
  const weird = new WeirdCounters();
  let calls = 0;
  const table = new FlowTable(engineSettings(), weird, () => ({
    onData: () => {
      calls++;
      throw new Error('boom');
    },
    onGap: () => undefined,
    onEnd: () => undefined,
  }));
  const seg = (seq: number): TcpSegment => ({ ts: 1, ipVersion: 4, srcAddr: Buffer.from([1, 2, 3, 4]), dstAddr: Buffer.from([5, 6, 7, 8]), srcPort: 1111, dstPort: 80, seq, ack: 0, flags: 0, window: 0, payload: Buffer.from('abc'), payloadMissing: 0, vlans: [] });
  assert.doesNotThrow(() => table.onSegment(seg(1)));
  assert.doesNotThrow(() => table.onSegment(seg(4)));
  assert.equal(calls, 1);
  assert.equal(weird.get('flow_consumer_error'), 1);
  assert.doesNotThrow(() => table.closeAll());
});

test('malformed address lengths are counted, not thrown', () => {
  const weird = new WeirdCounters();
  const table = new FlowTable(engineSettings(), weird, () => null);
  table.onSegment({ ts: 1, ipVersion: 6, srcAddr: Buffer.alloc(4), dstAddr: Buffer.alloc(4), srcPort: 1, dstPort: 2, seq: 0, ack: 0, flags: SYN, window: 0, payload: Buffer.alloc(0), payloadMissing: 0, vlans: [] });
  assert.equal(weird.get('flow_bad_address'), 1);
  assert.equal(table.stats.flowsCreated, 0);
});
