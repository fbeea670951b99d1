// Integration tests of live capture on the loopback interface: real libpcap (through `cap`), a real local HTTP server
// and client on 127.0.0.1, BPF filtering, counters, truncation, release of the device, the interface list, and the
// operator-facing errors (bad filter, missing interface, no CAP_NET_RAW, worker thread). Capture needs root or
// CAP_NET_RAW; without it the capture tests are skipped with the reason and the permission error is asserted instead.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawnSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { LinkType } from '../../appliance/src/engine/packet.types.ts';
import type { RawPacket } from '../../appliance/src/engine/packet.types.ts';
import { LiveCaptureError, LiveCaptureSource, effectiveFilter, hasCapNetRaw } from '../../appliance/src/engine/source/live-capture.source.ts';
import { listInterfaces } from '../../appliance/src/engine/source/network-interfaces.reader.ts';

const sourceModule = fileURLToPath(new URL('../../appliance/src/engine/source/live-capture.source.ts', import.meta.url));
const canCapture = hasCapNetRaw() === true;
const noCapture = canCapture ? false : 'live capture needs root or CAP_NET_RAW (not available to this process)';

/** A local HTTP server on 127.0.0.1 answering every request with a short body. */
async function startServer(): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end(`ok ${req.url}`));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/** Sends `paths` as GET requests over keep-alive connections (at most 4 at a time) and waits for every response. */
async function getAll(port: number, paths: string[]): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  try {
    await Promise.all(
      paths.map(
        (path) =>
          new Promise<void>((resolve, reject) => {
            http
              .get({ host: '127.0.0.1', port, path, agent }, (res) => {
                res.resume();
                res.on('end', resolve);
              })
              .on('error', reject);
          }),
      ),
    );
  } finally {
    agent.destroy();
  }
}

/** Collects copies of every captured packet and what the sink saw. */
class Collector {
  readonly frames: Buffer[] = [];
  readonly ts: number[] = [];
  readonly origLens: number[] = [];
  bytes = 0;
  readonly sink = (pkt: RawPacket): void => {
    this.frames.push(Buffer.from(pkt.data));
    this.ts.push(pkt.ts);
    this.origLens.push(pkt.origLen);
    this.bytes += pkt.data.length;
  };

  /** Latin-1 text of all frames, for searching request lines. */
  text(): string {
    return this.frames.map((f) => f.toString('latin1')).join('\n');
  }
}

/** Waits until `done()` holds (packets reach JavaScript asynchronously), at most `ms`. */
async function until(done: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!done() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
}

/** TCP ports of an Ethernet/IPv4/TCP frame as captured on lo, or null for anything else. */
function tcpPorts(frame: Buffer): [number, number] | null {
  if (frame.length < 14 + 20 || frame.readUInt16BE(12) !== 0x0800 || frame[14 + 9] !== 6) return null;
  const l4 = 14 + ((frame[14] & 0x0f) << 2);
  if (frame.length < l4 + 4) return null;
  return [frame.readUInt16BE(l4), frame.readUInt16BE(l4 + 2)];
}

test('captures every request line of 200 keep-alive requests on lo, and BPF excludes another server', { skip: noCapture }, async () => {
  const a = await startServer();
  const b = await startServer();
  const src = new LiveCaptureSource({ iface: 'lo', bpf: `tcp port ${a.port}` });
  const got = new Collector();
  const wallStart = Date.now() * 1000;
  src.start(got.sink);
  try {
    assert.equal(src.linkType, LinkType.ETHERNET);
    assert.equal(src.running, true);
    const n = 200;
    const paths = Array.from({ length: n }, (_, i) => `/test/${i}`);
    await Promise.all([getAll(a.port, paths), getAll(b.port, paths.map((_, i) => `/other/${i}`))]);
    const wanted = paths.map((p) => `GET ${p} HTTP/1.1\r\n`);
    await until(() => {
      const t = got.text();
      return wanted.every((w) => t.includes(w));
    });
    const text = got.text();
    const missing = wanted.filter((w) => !text.includes(w));
    assert.deepEqual(missing, [], `request lines not captured: ${missing.length}`);
    assert.ok(!text.includes('GET /other/'), 'traffic of the other server passed the BPF filter');
    for (const f of got.frames) {
      const ports = tcpPorts(f);
      assert.ok(ports !== null && (ports[0] === a.port || ports[1] === a.port), 'a frame outside "tcp port" was captured');
    }
    const st = src.stats;
    assert.equal(st.packets, got.frames.length);
    assert.equal(st.bytes, got.bytes);
    assert.ok(st.packets >= 2 * n, `expected at least a request and a response per call, got ${st.packets} packets`);
    assert.equal(st.dropsSource, 'proc_net_dev');
    assert.equal(st.drops, 0);
    assert.equal(st.kernelDrops, null);
    assert.ok(st.ifaceRxPackets !== null && st.ifaceRxPackets >= st.packets, 'lo received fewer packets than were captured');
    assert.deepEqual(st.errors, {});
    assert.equal(st.truncated, 0);
    for (let i = 0; i < got.frames.length; i++) assert.equal(got.origLens[i], got.frames[i].length);
    for (let i = 1; i < got.ts.length; i++) assert.ok(got.ts[i] >= got.ts[i - 1], 'timestamps went back');
    assert.ok(got.ts[0] >= wallStart - 1000 && got.ts[got.ts.length - 1] <= Date.now() * 1000 + 1000, 'timestamps not in capture time');
  } finally {
    src.stop();
    a.server.close();
    b.server.close();
  }
});

test('stop() releases the device: the same source and a new one capture again', { skip: noCapture }, async () => {
  const a = await startServer();
  const src = new LiveCaptureSource({ iface: 'lo', bpf: `tcp port ${a.port}` });
  try {
    const first = new Collector();
    src.start(first.sink);
    assert.throws(() => src.start(first.sink), (e: unknown) => e instanceof LiveCaptureError && e.code === 'already_started');
    await getAll(a.port, ['/first']);
    await until(() => first.text().includes('GET /first '));
    src.stop();
    assert.equal(src.running, false);
    src.stop();
    const afterStop = first.frames.length;
    await getAll(a.port, ['/between']);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(first.frames.length, afterStop, 'packets delivered after stop()');
    assert.ok(first.text().includes('GET /first '));

    const second = new Collector();
    src.start(second.sink);
    assert.equal(src.stats.packets, 0, 'counters restart on start()');
    const other = new LiveCaptureSource({ iface: 'lo', bpf: `tcp port ${a.port}` });
    const third = new Collector();
    other.start(third.sink);
    await getAll(a.port, ['/again']);
    await until(() => second.text().includes('GET /again ') && third.text().includes('GET /again '));
    other.stop();
    assert.ok(second.text().includes('GET /again '));
    assert.ok(third.text().includes('GET /again '));
    assert.ok(!second.text().includes('GET /between '));
  } finally {
    src.stop();
    a.server.close();
  }
});

test('a throwing sink is counted and capture goes on; stop() from inside the sink is safe', { skip: noCapture }, async () => {
  const a = await startServer();
  const throwing = new LiveCaptureSource({ iface: 'lo', bpf: `tcp port ${a.port}`, bufferBytes: 4 << 20 });
  let calls = 0;
  throwing.start(() => {
    calls++;
    throw new Error('sink bug');
  });
  const stopping = new LiveCaptureSource({ iface: 'lo', bpf: `tcp port ${a.port}`, bufferBytes: 4 << 20 });
  let stoppingCalls = 0;
  stopping.start(() => {
    stoppingCalls++;
    stopping.stop();
  });
  try {
    await getAll(a.port, ['/t1', '/t2', '/t3']);
    await until(() => calls >= 6);
    assert.ok(calls >= 6, `sink called ${calls} times`);
    const st = throwing.stats;
    assert.equal(st.errors.live_sink_exception, calls);
    assert.equal(st.packets, calls);
    assert.match(String(throwing.sinkError), /sink bug/);
    assert.equal(stoppingCalls, 1);
    assert.equal(stopping.running, false);
    assert.equal(stopping.stats.packets, 1);
  } finally {
    throwing.stop();
    stopping.stop();
    a.server.close();
  }
});

test('snaplen cuts packets and origLen is recovered from the IP header', { skip: noCapture }, async () => {
  const a = await startServer();
  const src = new LiveCaptureSource({ iface: 'lo', bpf: `tcp dst port ${a.port}`, snaplen: 128 });
  const got = new Collector();
  src.start(got.sink);
  try {
    const body = 'x'.repeat(3000);
    await new Promise<void>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: a.port, method: 'POST', path: '/big', headers: { 'content-length': body.length } }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end(body);
    });
    await until(() => got.origLens.some((l) => l > 3000));
    assert.ok(got.frames.every((f) => f.length <= 128), 'a packet longer than snaplen was delivered');
    const cut = got.origLens.map((l, i) => [l, got.frames[i]] as const).filter(([l]) => l > 128);
    assert.ok(cut.length >= 1, 'no cut packet seen');
    for (const [l, f] of cut) assert.equal(l, 14 + f.readUInt16BE(16), 'origLen is not the end of the IPv4 datagram');
    assert.equal(src.stats.truncated, cut.length);
  } finally {
    src.stop();
    a.server.close();
  }
});

test('the non-promiscuous filter prefix keeps frames of the own MAC and drops unicast to other MACs', { skip: noCapture }, async () => {
  const a = await startServer();
  const own = new LiveCaptureSource({ iface: 'lo', bpf: effectiveFilter(`tcp port ${a.port}`, '00:00:00:00:00:00') });
  const foreign = new LiveCaptureSource({ iface: 'lo', bpf: effectiveFilter(`tcp port ${a.port}`, '02:00:00:00:00:01') });
  const ownGot = new Collector();
  const foreignGot = new Collector();
  own.start(ownGot.sink);
  foreign.start(foreignGot.sink);
  try {
    await getAll(a.port, ['/mac']);
    await until(() => ownGot.text().includes('GET /mac '));
    assert.ok(ownGot.text().includes('GET /mac '));
    assert.equal(foreignGot.frames.length, 0);
  } finally {
    own.stop();
    foreign.stop();
    a.server.close();
  }
});

test('an invalid BPF filter gives a clear error and nothing is left open', { skip: noCapture }, async () => {
  for (const bpf of ['tcp port xyz', 'xyz']) {
    const src = new LiveCaptureSource({ iface: 'lo', bpf });
    assert.throws(
      () => src.start(() => undefined),
      (e: unknown) => e instanceof LiveCaptureError && e.code === 'invalid_filter' && e.message.startsWith(`invalid BPF filter "${bpf}": `) && e.message.length > `invalid BPF filter "${bpf}": `.length,
    );
    assert.equal(src.running, false);
  }
  assert.match(
    (() => {
      try {
        new LiveCaptureSource({ iface: 'lo', bpf: 'tcp port xyz' }).start(() => undefined);
        return '';
      } catch (e) {
        return (e as Error).message;
      }
    })(),
    /^invalid BPF filter "tcp port xyz": unknown port 'xyz'$/,
  );
});

test('a missing interface gives a clear error naming the available ones', () => {
  const src = new LiveCaptureSource({ iface: 'nosuch9' });
  assert.throws(
    () => src.start(() => undefined),
    (e: unknown) => e instanceof LiveCaptureError && e.code === 'no_such_interface' && /^no such network interface "nosuch9" \(available: .*\blo\b/.test(e.message),
  );
  assert.throws(() => new LiveCaptureSource({ iface: '../lo' }).start(() => undefined), (e: unknown) => e instanceof LiveCaptureError && e.code === 'no_such_interface');
});

test('without CAP_NET_RAW, start() says the capability is needed', () => {
  if (!canCapture) {
    assert.throws(
      () => new LiveCaptureSource({ iface: 'lo' }).start(() => undefined),
      (e: unknown) => e instanceof LiveCaptureError && e.code === 'permission_denied' && e.message.includes('CAP_NET_RAW'),
    );
    return;
  }
  const script = `import(${JSON.stringify(sourceModule)}).then((m) => {
    try { new m.LiveCaptureSource({ iface: 'lo' }).start(() => {}); console.log(JSON.stringify({ started: true })); process.exit(0); }
    catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }
  });`;
  const res = spawnSync('setpriv', ['--bounding-set', '-net_raw', '--inh-caps', '-net_raw', '--', process.execPath, '--import', 'tsx', '-e', script], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  assert.equal(res.error, undefined, `setpriv could not run: ${res.error?.message}`);
  const out = JSON.parse(res.stdout.trim().split('\n').pop() ?? '{}') as { code?: string; message?: string };
  assert.equal(out.code, 'permission_denied', res.stdout + res.stderr);
  assert.match(out.message ?? '', /^capturing on "lo" needs the CAP_NET_RAW capability/);
});

test('start() refuses to run in a worker_thread instead of aborting the process', async () => {
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const code = `const { parentPort } = require('node:worker_threads');
    import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(sourceModule)}); }).then((m) => {
      try { new m.LiveCaptureSource({ iface: 'lo' }).start(() => {}); parentPort.postMessage({ started: true }); }
      catch (e) { parentPort.postMessage({ code: e.code, message: e.message }); }
    });`;
  const worker = new Worker(code, { eval: true });
  const msg = await new Promise<{ code?: string; message?: string }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  assert.equal(msg.code, 'worker_thread');
  assert.match(msg.message ?? '', /main thread/);
});

test('the interface list has lo with 127.0.0.1 and no pseudo devices', () => {
  const list = listInterfaces();
  const lo = list.find((i) => i.name === 'lo');
  assert.ok(lo !== undefined, `lo not listed: ${list.map((i) => i.name).join(', ')}`);
  const v4 = lo.addresses.find((a) => a.address === '127.0.0.1');
  assert.deepEqual(v4, { family: 'IPv4', address: '127.0.0.1', netmask: '255.0.0.0', prefixLength: 8, broadcast: null });
  assert.equal(lo.flags?.loopback, true);
  assert.equal(lo.flags?.up, true);
  assert.equal(lo.hardwareType, 772);
  assert.ok(lo.index !== null && lo.index > 0);
  assert.ok(lo.counters !== null && lo.counters.rxPackets >= 0);
  for (const i of list) assert.ok(!/^(any|nflog|nfqueue|bluetooth-monitor|dbus-system|dbus-session)$/.test(i.name), `pseudo device ${i.name} listed`);
  const withAny = listInterfaces({ includeAny: true });
  const any = withAny.find((i) => i.name === 'any');
  assert.ok(any !== undefined && any.pseudo, "'any' missing with includeAny");
  assert.equal(withAny.length, list.length + 1);
});
