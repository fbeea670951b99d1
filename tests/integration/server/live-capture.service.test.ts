// Integration test of live capture through the running service on the loopback interface: the interface list, the
// wizard's packet check, capture settings applied at once, every call of a local HTTP client reaching the call log
// (DuckDB) and the live inventory, counters in the status, a bad filter reported in words, and the restart-free stop.
// Capture needs root or CAP_NET_RAW; without it the test is skipped with that reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { hasCapNetRaw } from '../../../appliance/src/engine/source/live-capture.source.ts';
import { adminClient, withService, type Client } from './service.harness.ts';

const skip = hasCapNetRaw() === true ? false : 'live capture needs root or CAP_NET_RAW (not available to this process)';

async function startServer(): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ok: true, path: req.url }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/** Sends `n` GETs with Host `shop.test` over keep-alive connections, `parallel` at a time. */
async function traffic(port: number, n: number, parallel = 8): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: parallel });
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) {
      const i = next++;
      await new Promise<void>((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port, path: `/api/orders/${1000 + i}?page=${i % 3}`, headers: { host: 'shop.test' }, agent }, (res) => {
            res.resume();
            res.on('end', resolve);
          })
          .on('error', reject);
      });
    }
  };
  try {
    await Promise.all(Array.from({ length: parallel }, worker));
  } finally {
    agent.destroy();
  }
}

async function waitFor<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms: number): Promise<T> {
  const end = Date.now() + ms;
  let v = await fn();
  while (!ok(v) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 200));
    v = await fn();
  }
  return v;
}

const RANGE = `from=${Date.now() - 3_600_000}&to=${Date.now() + 3_600_000}`;

async function liveCalls(c: Client): Promise<number> {
  return ((await c.call('GET', `/api/v1/calls/totals?${RANGE}`)).json as { calls: number }).calls;
}

test('live capture on loopback: probe, settings applied at once, every call in the call log and the inventory', { skip }, async () => {
  const { server, port } = await startServer();
  try {
    await withService(async (svc, _dir, _clock, client) => {
      const admin = await adminClient(svc, client);
      const ifs = (await admin.call('GET', '/api/v1/interfaces')).json as { interfaces: Array<{ name: string; counters: unknown }> };
      assert.ok(ifs.interfaces.some((i) => i.name === 'lo'), 'loopback listed');

      const bpf = `tcp port ${port}`;
      // The probe process may take a moment to start under load: keep traffic flowing until it answers.
      let probing = true;
      const probeCall = admin.call('POST', '/api/v1/interfaces/probe', { iface: 'lo', bpf, seconds: 3 }).finally(() => (probing = false));
      while (probing) {
        await traffic(port, 10);
        await new Promise((r) => setTimeout(r, 100));
      }
      const probe = await probeCall;
      assert.equal(probe.status, 200, JSON.stringify(probe.json));
      const p = (probe.json as { probe: { packets: number; transactions: number; hosts: Array<{ host: string; calls: number }> } }).probe;
      assert.ok(p.packets > 0);
      assert.equal(p.hosts[0]?.host, 'shop.test');
      assert.ok(p.hosts[0].calls >= 10, `probe saw ${p.hosts[0].calls} calls`);
      await new Promise((r) => setTimeout(r, 300));

      const missing = await admin.call('PUT', '/api/v1/settings/capture', { enabled: true, iface: 'nope0', bpf, promiscuous: true, watch: [], ignore: [] });
      assert.equal(missing.status, 400);

      const put = await admin.call('PUT', '/api/v1/settings/capture', { enabled: true, iface: 'lo', bpf, promiscuous: true, watch: ['shop.test'], ignore: [] });
      assert.equal(put.status, 200, JSON.stringify(put.json));
      assert.equal((put.json as { status: { state: string } }).status.state, 'running');

      // A policy created while the capture runs applies to it at once.
      const pol = await admin.call('POST', '/api/v1/policies', { name: 'Orders watched', conditions: { templates: ['/api/orders/**'] }, actions: { raise: { severity: 'low', type: 'orders_watched' } } });
      assert.equal(pol.status, 200, JSON.stringify(pol.json));
      await new Promise((r) => setTimeout(r, 300));
      await traffic(port, 1000);
      // Requests to an out-of-scope host are counted, not analysed.
      await new Promise<void>((resolve, reject) => http.get({ host: '127.0.0.1', port, path: '/other', headers: { host: 'other.test' } }, (res) => res.resume().on('end', resolve)).on('error', reject));
      const n = await waitFor(() => liveCalls(admin), (v) => v >= 1000, 15_000);
      assert.equal(n, 1000, 'every call captured once');

      const status = (await waitFor(
        async () => ((await admin.call('GET', '/api/v1/capture/status')).json as { status: { state: string; stats: { capture: { packets: number }; calls: number; outOfScope: number } | null } }).status,
        (s) => s.stats !== null && s.stats.calls >= 1000 && s.stats.outOfScope >= 1,
        5000,
      ));
      assert.equal(status.state, 'running');
      assert.ok(status.stats!.capture.packets >= 2000);
      assert.equal(status.stats!.outOfScope, 1);

      const page = (await admin.call('GET', '/api/v1/calls?source=live:lo&limit=5&q=/api/orders/1999')).json as { calls: Array<{ host: string; template: string; status: number }> };
      assert.equal(page.calls.length, 1);
      assert.equal(page.calls[0].host, 'shop.test');
      assert.equal(page.calls[0].status, 200);

      const stop = await admin.call('PUT', '/api/v1/settings/capture', { enabled: false, iface: 'lo', bpf, promiscuous: true, watch: [], ignore: [] });
      assert.equal((stop.json as { status: { state: string } }).status.state, 'stopped');
      const eps = (await admin.call('GET', '/api/v1/inventory/endpoints?source=live')).json as { run: { name: string }; endpoints: Array<{ host: string; path: string; calls: number }> };
      assert.equal(eps.run.name, 'live:lo');
      const orders = eps.endpoints.filter((e) => e.host === 'shop.test');
      assert.equal(orders.reduce((s, e) => s + e.calls, 0), 1000);
      assert.deepEqual(orders.map((e) => e.path), ['/api/orders/{orderId}']);

      const live = (await admin.call('GET', '/api/v1/findings?source=live')).json as { findings: Array<{ type: string; count: number }> };
      assert.equal(live.findings.find((f) => f.type === 'orders_watched')?.count, 1000, 'the new policy applied without a restart');

      const bad = await admin.call('PUT', '/api/v1/settings/capture', { enabled: true, iface: 'lo', bpf: 'tcp port (', promiscuous: true, watch: [], ignore: [] });
      const st = (bad.json as { status: { state: string; lastError: { code: string; message: string } } }).status;
      assert.equal(st.state, 'failed');
      assert.equal(st.lastError.code, 'invalid_filter');
      assert.ok(svc.services.audit.list(20).some((e) => e.action === 'settings.capture'));
    });
  } finally {
    server.close();
  }
});

test('retention and system settings are validated, stored and audited', async () => {
  await withService(async (svc, _dir, _clock, client) => {
    const admin = await adminClient(svc, client);
    assert.deepEqual((await admin.call('GET', '/api/v1/settings/retention')).json, { retention: { maxAgeDays: 30, maxGiB: 0, storeRawSensitive: false } });
    assert.equal((await admin.call('PUT', '/api/v1/settings/retention', { maxAgeDays: 0, maxGiB: 1, storeRawSensitive: false })).status, 400);
    const r = await admin.call('PUT', '/api/v1/settings/retention', { maxAgeDays: 90, maxGiB: 20, storeRawSensitive: false });
    assert.deepEqual(r.json, { retention: { maxAgeDays: 90, maxGiB: 20, storeRawSensitive: false } });
    assert.equal((await admin.call('PUT', '/api/v1/settings/system', { timezone: 'Mars/Olympus', ntpServers: [] })).status, 400);
    assert.equal((await admin.call('PUT', '/api/v1/settings/system', { timezone: 'Asia/Shanghai', ntpServers: ['ntp.aliyun.com; rm -rf /'] })).status, 400);
    const s = await admin.call('PUT', '/api/v1/settings/system', { timezone: 'Asia/Shanghai', ntpServers: ['ntp.aliyun.com', '10.0.0.1'] });
    assert.deepEqual((s.json as { system: unknown }).system, { timezone: 'Asia/Shanghai', ntpServers: ['ntp.aliyun.com', '10.0.0.1'] });
    assert.ok(svc.services.audit.list(20).some((e) => e.action === 'settings.system'));
    // The schedules follow the new time zone without a restart: the 02:30 lifecycle job now runs at 18:30 UTC.
    assert.equal(svc.services.jobs.zone, 'Asia/Shanghai');
    const jobs = (await admin.call('GET', '/api/v1/jobs')).json as { jobs: Array<{ name: string; nextRunAt: number }> };
    const lifecycle = jobs.jobs.find((j) => j.name === 'inventory-lifecycle');
    assert.ok(lifecycle !== undefined);
    assert.deepEqual([new Date(lifecycle.nextRunAt).getUTCHours(), new Date(lifecycle.nextRunAt).getUTCMinutes()], [18, 30]);
  });
});
