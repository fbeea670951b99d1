// Unit tests of TCP reassembly through the flow table: ordering, retransmission, overlap policy, wrap-around, gaps
// (by ACK, at FIN, at the buffer limits), snap-length tails, plus a randomized equivalence test and a fuzz loop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FlowTable } from '../../../appliance/src/engine/flow/flow.table.ts';
import { engineSettings, type EngineSettings } from '../../../appliance/src/engine/engine.settings.ts';
import { WeirdCounters } from '../../../appliance/src/engine/weird.counters.ts';
import type { TcpSegment } from '../../../appliance/src/engine/packet.types.ts';
import type { ConnectionInfo, Dir, StreamConsumer, StreamEndReason } from '../../../appliance/src/engine/stream.types.ts';

const FIN = 0x01;
const SYN = 0x02;
const RST = 0x04;
const ACK = 0x10;

/** Everything one connection's consumer received, in order. */
class Recorder implements StreamConsumer {
  readonly events: string[] = [];
  readonly bufs: Buffer[][] = [[], []];
  readonly ends: (StreamEndReason | null)[] = [null, null];
  constructor(readonly conn: ConnectionInfo) {}
  onData(dir: Dir, data: Buffer, _ts: number): void {
    assert.equal(this.ends[dir], null, 'data after end');
    this.bufs[dir].push(Buffer.from(data));
    this.events.push(`d${dir}:${data.toString('latin1')}`);
  }
  onGap(dir: Dir, bytes: number, _ts: number): void {
    assert.equal(this.ends[dir], null, 'gap after end');
    assert.ok(bytes > 0, 'empty gap');
    this.events.push(`g${dir}:${bytes}`);
  }
  onEnd(dir: Dir, reason: StreamEndReason, _ts: number): void {
    assert.equal(this.ends[dir], null, 'second end');
    this.ends[dir] = reason;
    this.events.push(`e${dir}:${reason}`);
  }
  text(dir: Dir): string {
    return Buffer.concat(this.bufs[dir]).toString('latin1');
  }
}

interface Harness {
  table: FlowTable;
  weird: WeirdCounters;
  flows: Recorder[];
  /** Client (10.0.0.1:40000) → server (10.0.0.2:80). */
  c2s(seq: number, data: string | Buffer, flags?: number, ack?: number, ts?: number): void;
  /** Server → client. */
  s2c(seq: number, data: string | Buffer, flags?: number, ack?: number, ts?: number): void;
}

function harness(overrides: Partial<EngineSettings> = {}): Harness {
  const weird = new WeirdCounters();
  const flows: Recorder[] = [];
  const table = new FlowTable(engineSettings(overrides), weird, (conn) => {
    const r = new Recorder(conn);
    flows.push(r);
    return r;
  });
  const cli = Buffer.from([10, 0, 0, 1]);
  const srv = Buffer.from([10, 0, 0, 2]);
  // Without an `ack` argument the ACK bit is cleared, so a test segment acknowledges nothing by accident.
  const send = (fromClient: boolean, seq: number, data: string | Buffer, flags = ACK, ack?: number, ts = 1_000_000) => {
    const seg: TcpSegment = {
      ts,
      ipVersion: 4,
      srcAddr: fromClient ? cli : srv,
      dstAddr: fromClient ? srv : cli,
      srcPort: fromClient ? 40000 : 80,
      dstPort: fromClient ? 80 : 40000,
      seq: seq >>> 0,
      ack: (ack ?? 0) >>> 0,
      flags: ack === undefined ? flags & ~ACK : flags,
      window: 65535,
      payload: typeof data === 'string' ? Buffer.from(data, 'latin1') : data,
      payloadMissing: 0,
      vlans: [],
    };
    table.onSegment(seg);
  };
  return {
    table,
    weird,
    flows,
    c2s: (seq, data, flags, ack, ts) => send(true, seq, data, flags, ack, ts),
    s2c: (seq, data, flags, ack, ts) => send(false, seq, data, flags, ack, ts),
  };
}

/** Handshake with client ISN `cIsn` and server ISN `sIsn`; returns the first data sequence numbers. */
function handshake(h: Harness, cIsn = 1000, sIsn = 5000): { c: number; s: number } {
  h.c2s(cIsn, '', SYN);
  h.s2c(sIsn, '', SYN | ACK, cIsn + 1);
  h.c2s(cIsn + 1, '', ACK, sIsn + 1);
  return { c: (cIsn + 1) >>> 0, s: (sIsn + 1) >>> 0 };
}

test('in-order payload is passed through as the same Buffer (zero copy)', () => {
  const weird = new WeirdCounters();
  const seen: Buffer[] = [];
  const table = new FlowTable(engineSettings(), weird, () => ({
    onData: (_d, data) => void seen.push(data),
    onGap: () => assert.fail('no gap expected'),
    onEnd: () => undefined,
  }));
  const payload = Buffer.from('GET / HTTP/1.1\r\n\r\n');
  table.onSegment({ ts: 1, ipVersion: 4, srcAddr: Buffer.from([1, 1, 1, 1]), dstAddr: Buffer.from([2, 2, 2, 2]), srcPort: 5555, dstPort: 80, seq: 7, ack: 1, flags: ACK, window: 1, payload, payloadMissing: 0, vlans: [] });
  assert.equal(seen.length, 1);
  assert.equal(seen[0], payload);
  assert.equal(table.stats.bytesDelivered, payload.length);
  assert.equal(table.stats.reassemblyBytes, 0);
});

test('in-order delivery in both directions with FIN ends', () => {
  const h = harness();
  const { c, s } = handshake(h);
  h.c2s(c, 'GET / HTTP/1.1\r\n', ACK, s);
  h.c2s(c + 16, '\r\n', ACK, s);
  h.s2c(s, 'HTTP/1.1 200 OK\r\n\r\n', ACK, c + 18);
  h.c2s(c + 18, '', FIN | ACK, s + 19);
  h.s2c(s + 19, '', FIN | ACK, c + 19);
  const r = h.flows[0];
  assert.deepEqual(r.events, ['d0:GET / HTTP/1.1\r\n', 'd0:\r\n', 'd1:HTTP/1.1 200 OK\r\n\r\n', 'e0:fin', 'e1:fin']);
  assert.equal(r.conn.midstream, false);
  assert.equal(h.weird.total(), 0);
});

test('three out-of-order segments give the same bytes in all 6 orders', () => {
  const parts = [
    [0, 'AAAA'],
    [4, 'BBBBB'],
    [9, 'CC'],
  ] as const;
  const orders = [
    [0, 1, 2],
    [0, 2, 1],
    [1, 0, 2],
    [1, 2, 0],
    [2, 0, 1],
    [2, 1, 0],
  ];
  const buffered = [0, 1, 1, 2, 1, 2];
  for (const [k, order] of orders.entries()) {
    const h = harness();
    const { c } = handshake(h);
    for (const i of order) h.c2s(c + parts[i][0], parts[i][1]);
    const r = h.flows[0];
    assert.equal(r.text(0), 'AAAABBBBBCC', `order ${order.join('')}`);
    assert.equal(r.events.filter((e) => e.startsWith('g')).length, 0);
    assert.equal(h.table.stats.reassemblyBytes, 0);
    assert.equal(h.table.stats.outOfOrderSegments, buffered[k]);
  }
});

test('retransmissions are dropped and counted, not weird', () => {
  const h = harness();
  const { c } = handshake(h);
  h.c2s(c, 'hello ');
  h.c2s(c, 'hello ');
  h.c2s(c + 6, 'world');
  h.c2s(c + 2, 'llo');
  assert.equal(h.flows[0].text(0), 'hello world');
  assert.equal(h.table.stats.retransmittedSegments, 2);
  assert.equal(h.table.stats.retransmittedBytes, 9);
  assert.equal(h.weird.total(), 0);
  // a keep-alive probe (1 byte at nextSeq - 1) is old data too
  h.c2s(c + 10, 'x');
  assert.equal(h.flows[0].text(0), 'hello world');
});

test('overlap with delivered data: only the new bytes are delivered (tcp_overlap)', () => {
  const h = harness();
  const { c } = handshake(h);
  h.c2s(c, 'abcdef');
  h.c2s(c + 3, 'XYZghi');
  assert.equal(h.flows[0].text(0), 'abcdefghi');
  assert.equal(h.weird.get('tcp_overlap'), 1);
  assert.equal(h.weird.get('tcp_overlap_mismatch'), 0, 'delivered bytes are not kept, so not compared');
  assert.equal(h.table.stats.overlapBytes, 3);
});

test('overlap with buffered data: first-received bytes win, mismatch counted', () => {
  const h = harness();
  const { c } = handshake(h);
  h.c2s(c + 4, 'EFGH'); // buffered first
  h.c2s(c, 'abcdefghij'); // in order, overlaps the buffered chunk with other bytes
  assert.equal(h.flows[0].text(0), 'abcdEFGHij');
  assert.equal(h.weird.get('tcp_overlap'), 1);
  assert.equal(h.weird.get('tcp_overlap_mismatch'), 1);
  assert.equal(h.table.stats.overlapBytes, 4);
});

test('overlap between buffered segments: the earlier one wins; identical overlap is no mismatch', () => {
  const h = harness();
  const { c } = handshake(h);
  h.c2s(c + 4, '4567');
  h.c2s(c + 6, '67ZZ'); // overlaps 2 identical bytes, brings 2 new
  h.c2s(c + 2, 'XX4Y'); // 2 new, overlaps '4' (same) and '5' (differs)
  assert.equal(h.weird.get('tcp_overlap'), 2);
  assert.equal(h.weird.get('tcp_overlap_mismatch'), 1);
  h.c2s(c, '01');
  assert.equal(h.flows[0].text(0), '01XX4567ZZ');
  assert.equal(h.table.stats.reassemblyBytes, 0);
  // a segment entirely inside buffered data with different bytes is a mismatch, not a retransmission
  const h2 = harness();
  const { c: c2 } = handshake(h2);
  h2.c2s(c2 + 4, 'abcd');
  h2.c2s(c2 + 5, 'Q');
  assert.equal(h2.weird.get('tcp_overlap_mismatch'), 1);
  assert.equal(h2.table.stats.retransmittedSegments, 0);
  h2.c2s(c2 + 5, 'b');
  assert.equal(h2.table.stats.retransmittedSegments, 1);
});

test('sequence numbers wrap around 2^32', () => {
  const h = harness();
  const { c, s } = handshake(h, 0xfffffff8, 0xfffffffe);
  assert.equal(c, 0xfffffff9);
  assert.equal(s, 0xffffffff);
  h.c2s(c + 10, 'KLMNO'); // past the wrap, out of order
  h.c2s(c, '01234');
  h.c2s(c + 5, '56789'); // crosses 0xffffffff → 0
  h.s2c(s, 'abc');
  h.s2c(s + 3, 'def');
  assert.equal(h.flows[0].text(0), '0123456789KLMNO');
  assert.equal(h.flows[0].text(1), 'abcdef');
  h.c2s(c + 15, '', FIN | ACK);
  assert.equal(h.flows[0].ends[0], 'fin');
  assert.equal(h.table.stats.gapBytes, 0);
});

test('a gap is declared as soon as the peer acknowledges data the capture never saw', () => {
  const h = harness();
  const { c, s } = handshake(h);
  h.c2s(c, 'AAAA');
  h.c2s(c + 8, 'CCCC'); // 4 bytes lost before it
  assert.equal(h.flows[0].text(0), 'AAAA');
  h.s2c(s, 'resp', ACK, c + 12);
  assert.deepEqual(h.flows[0].events, ['d0:AAAA', 'g0:4', 'd0:CCCC', 'd1:resp']);
  assert.equal(h.weird.get('tcp_gap'), 1);
  assert.equal(h.table.stats.gapBytes, 4);
  // the lost segment is retransmitted late: it is old now
  h.c2s(c + 4, 'BBBB');
  assert.equal(h.flows[0].text(0), 'AAAACCCC');
  // a lost tail with nothing buffered: the ACK alone declares it
  h.s2c(s + 4, '', ACK, c + 20);
  assert.deepEqual(h.flows[0].events.slice(-1), ['g0:8']);
  h.c2s(c + 20, 'next');
  assert.equal(h.flows[0].text(0), 'AAAACCCCnext');
});

test('an ACK far beyond anything seen is not trusted', () => {
  const h = harness({ reassemblyPerDirectionBytes: 1000 });
  const { c, s } = handshake(h);
  h.c2s(c, 'AAAA');
  h.s2c(s, '', ACK, c + 100_000);
  assert.equal(h.weird.get('tcp_ack_beyond_data'), 1);
  assert.equal(h.table.stats.gapBytes, 0);
  h.c2s(c + 4, 'BBBB');
  assert.equal(h.flows[0].text(0), 'AAAABBBB');
});

test('FIN after a hole: the hole becomes a gap, buffered data follows, then the end', () => {
  const h = harness();
  const { c } = handshake(h);
  h.c2s(c, 'one');
  h.c2s(c + 6, 'three');
  h.c2s(c + 11, 'four', FIN | ACK);
  assert.deepEqual(h.flows[0].events, ['d0:one', 'g0:3', 'd0:three', 'd0:four', 'e0:fin']);
  h.c2s(c + 3, 'two'); // late fill: a retransmission now
  h.c2s(c + 15, 'more');
  assert.equal(h.weird.get('tcp_data_after_fin'), 1);
  assert.equal(h.flows[0].text(0), 'onethreefour');
  assert.equal(h.table.stats.reassemblyBytes, 0);
});

test('FIN is delivered after buffered data once the hole fills', () => {
  const h = harness();
  const { c } = handshake(h);
  h.c2s(c + 3, 'def');
  h.c2s(c + 6, 'ghi');
  h.c2s(c, 'abc');
  h.c2s(c + 9, '', FIN | ACK);
  assert.deepEqual(h.flows[0].events, ['d0:abc', 'd0:def', 'd0:ghi', 'e0:fin']);
  // a FIN retransmission or a pure ACK changes nothing
  h.c2s(c + 9, '', FIN | ACK);
  assert.equal(h.flows[0].events.length, 4);
});

test('per-direction buffer limit: the oldest hole becomes a gap', () => {
  const h = harness({ reassemblyPerDirectionBytes: 10 });
  const { c } = handshake(h);
  h.c2s(c + 2, 'abcd'); // hole of 2 at the start
  h.c2s(c + 8, 'efgh'); // 8 bytes buffered
  h.c2s(c + 14, 'ijkl'); // would be 12 > 10
  assert.equal(h.weird.get('tcp_reassembly_depth_exceeded'), 1);
  assert.deepEqual(h.flows[0].events, ['g0:2', 'd0:abcd']);
  assert.equal(h.table.stats.reassemblyBytes, 8, 'efgh and ijkl wait behind the next hole');
  h.c2s(c + 6, 'XY');
  h.c2s(c + 12, '--');
  assert.equal(h.flows[0].text(0), 'abcdXYefgh--ijkl');
  // a segment larger than the limit on its own, ahead of a hole
  h.c2s(c + 20, 'this is more than ten');
  assert.deepEqual(h.flows[0].events.slice(-2), ['g0:2', 'd0:this is more than ten']);
  assert.equal(h.table.stats.reassemblyBytes, 0);
});

test('global memcap: a flow that would exceed it declares its hole instead of buffering', () => {
  const h = harness({ reassemblyMemcapBytes: 10 });
  const { c, s } = handshake(h);
  h.c2s(c + 1, '12345678'); // 8 buffered
  h.s2c(s + 2, 'xyz'); // 11 > 10: the server side gives up its own hole
  assert.equal(h.weird.get('tcp_reassembly_memcap'), 1);
  assert.deepEqual(h.flows[0].events, ['g1:2', 'd1:xyz']);
  h.c2s(c + 20, 'abcd'); // 12 > 10: the client side's oldest hole goes
  assert.equal(h.weird.get('tcp_reassembly_memcap'), 2);
  assert.deepEqual(h.flows[0].events.slice(2), ['g0:1', 'd0:12345678']);
  assert.equal(h.table.stats.reassemblyBytes, 4, 'abcd fits once the other buffer is gone');
  assert.equal(h.table.stats.reassemblyBytesPeak, 8);
});

test('SYN with data (TCP Fast Open) delivers the SYN payload first', () => {
  const h = harness();
  h.c2s(100, 'GET /tfo', SYN);
  h.s2c(700, '', SYN | ACK, 109);
  h.c2s(109, ' HTTP/1.1', ACK, 701);
  assert.equal(h.flows[0].text(0), 'GET /tfo HTTP/1.1');
  assert.equal(h.weird.get('tcp_syn_with_data'), 1);
  // SYN retransmission (same ISN, same data) changes nothing
  h.c2s(100, 'GET /tfo', SYN);
  assert.equal(h.flows[0].text(0), 'GET /tfo HTTP/1.1');
});

test('bytes cut by the snap length become a gap right after the captured part', () => {
  const weird = new WeirdCounters();
  const events: string[] = [];
  const table = new FlowTable(engineSettings(), weird, () => ({
    onData: (d, data) => void events.push(`d${d}:${data.toString()}`),
    onGap: (d, n) => void events.push(`g${d}:${n}`),
    onEnd: (d, r) => void events.push(`e${d}:${r}`),
  }));
  const base = { ts: 1, ipVersion: 4 as const, srcAddr: Buffer.from([1, 1, 1, 1]), dstAddr: Buffer.from([2, 2, 2, 2]), srcPort: 5555, dstPort: 80, ack: 1, flags: ACK, window: 1, vlans: [] };
  table.onSegment({ ...base, seq: 10, payload: Buffer.from('head'), payloadMissing: 6 });
  table.onSegment({ ...base, seq: 20, payload: Buffer.from('next'), payloadMissing: 0 });
  assert.deepEqual(events, ['d0:head', 'g0:6', 'd0:next']);
});

test('randomized: segmented, shuffled, duplicated and re-segmented streams reassemble exactly', () => {
  let seed = 12345;
  const rand = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
  for (let round = 0; round < 200; round++) {
    const h = harness();
    const isn = rand(2) === 0 ? 0xffffffff - rand(3000) : rand(0xffffffff);
    const { c } = handshake(h, isn, 77);
    const total = 1 + rand(4000);
    const stream = Buffer.alloc(total);
    for (let i = 0; i < total; i++) stream[i] = rand(256);
    const segs: [number, number][] = [];
    const cuts = 1 + rand(3); // several independent segmentations: overlaps with identical bytes
    for (let k = 0; k < cuts; k++) {
      for (let off = 0; off < total; ) {
        const len = Math.min(total - off, 1 + rand(600));
        segs.push([off, len]);
        if (rand(5) === 0) segs.push([off, len]);
        off += len;
      }
    }
    for (let i = segs.length - 1; i > 0; i--) {
      const j = rand(i + 1);
      [segs[i], segs[j]] = [segs[j], segs[i]];
    }
    for (const [off, len] of segs) h.c2s(c + off, stream.subarray(off, off + len));
    const r = h.flows[0];
    assert.equal(Buffer.compare(Buffer.concat(r.bufs[0]), stream), 0, `round ${round}`);
    assert.equal(h.table.stats.gapBytes, 0);
    assert.equal(h.table.stats.reassemblyBytes, 0);
    assert.equal(h.weird.get('tcp_overlap_mismatch'), 0);
  }
});

test('fuzz: random segments never throw and keep memory bounded', () => {
  let seed = 987654321;
  const rand = (n: number) => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed % n;
  };
  const settings = { reassemblyPerDirectionBytes: 3000, reassemblyMemcapBytes: 20000, maxFlows: 16, tcpIdleTimeoutSec: 5, tcpClosedTimeoutSec: 1 };
  const weird = new WeirdCounters();
  const recorders: Recorder[] = [];
  const table = new FlowTable(engineSettings(settings), weird, (conn) => {
    if (conn.flowId % 7 === 0) return null;
    const r = new Recorder(conn);
    recorders.push(r);
    return r;
  });
  const addrs = [Buffer.from([10, 0, 0, 1]), Buffer.from([10, 0, 0, 2]), Buffer.from([10, 0, 0, 3])];
  const v6 = [Buffer.alloc(16, 1), Buffer.alloc(16, 2)];
  const ports = [80, 8080, 40000, 40001, 443, 1234];
  const flagSets = [ACK, ACK, ACK, SYN, SYN | ACK, FIN | ACK, RST, RST | ACK, 0, FIN | SYN | RST | ACK];
  let ts = 1_000_000;
  for (let i = 0; i < 60_000; i++) {
    ts += rand(50_000);
    const six = rand(10) === 0;
    const len = rand(5) === 0 ? 0 : rand(1500);
    const seg: TcpSegment = {
      ts,
      ipVersion: six ? 6 : 4,
      srcAddr: six ? v6[rand(2)] : addrs[rand(3)],
      dstAddr: six ? v6[rand(2)] : addrs[rand(3)],
      srcPort: ports[rand(ports.length)],
      dstPort: ports[rand(ports.length)],
      seq: rand(4) === 0 ? rand(0x100000000) : 0xfffff000 + rand(0x3000),
      ack: rand(3) === 0 ? rand(0x100000000) : 0xfffff000 + rand(0x3000),
      flags: flagSets[rand(flagSets.length)],
      window: 100,
      payload: Buffer.alloc(len, 0x41 + rand(26)),
      payloadMissing: rand(20) === 0 ? rand(3000) : 0,
      vlans: [],
    };
    table.advance(ts);
    table.onSegment(seg);
    assert.ok(table.stats.reassemblyBytes <= settings.reassemblyMemcapBytes);
    assert.ok(table.stats.reassemblyBytes >= 0);
    assert.ok(table.stats.flowsActive <= settings.maxFlows);
  }
  assert.ok(table.stats.flowsCreated > 100);
  table.closeAll();
  assert.equal(table.stats.flowsActive, 0);
  assert.equal(table.stats.reassemblyBytes, 0);
  for (const r of recorders) assert.ok(r.ends[0] !== null && r.ends[1] !== null, `flow ${r.conn.flowId} ended both ways`);
  assert.equal(table.stats.flowsCreated, table.stats.flowsClosed + table.stats.flowsEvicted);
  assert.equal(weird.get('flow_consumer_error'), 0);
});

test('RST ends both directions, flushing buffered data behind a gap', () => {
  const h = harness();
  const { c, s } = handshake(h);
  h.c2s(c, 'req');
  h.s2c(s + 2, 'later');
  h.s2c(s + 20, '', RST);
  assert.deepEqual(h.flows[0].events, ['d0:req'], 'an RST waits out its grace before it ends anything');
  h.table.advance(3_000_000);
  assert.deepEqual(h.flows[0].events, ['d0:req', 'e0:rst', 'g1:2', 'd1:later', 'e1:rst']);
  assert.equal(h.table.stats.reassemblyBytes, 0);
});
