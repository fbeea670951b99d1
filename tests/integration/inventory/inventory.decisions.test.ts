// User decisions on endpoint templates through the running service: split values off a parameter, pin a literal
// template before its siblings merge, dissolve a parameter, unpin; each audited and in the change log, honoured by
// the templater of the next uploads and pushed at once to a running live capture, and kept in SQLite across a restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startService } from '../../../appliance/src/service.runtime.ts';
import { ManualClock } from '../../../appliance/src/store/clock.repository.ts';
import { ScenarioBuilder } from '../../../scripts/traffic/scenario.builder.ts';
import { writeScenarioCapture } from '../../../scripts/traffic/scenario.catalog.ts';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { hasCapNetRaw } from '../../../appliance/src/engine/source/live-capture.source.ts';
import { ADMIN_PASSWORD, adminClient, Client, completeSetup, withService } from '../server/service.harness.ts';

interface Endpoint { id: number; method: string; template: string; pinned: boolean; calls: number }

function capture(paths: string[], seed: number, host = 'api.example.com'): Buffer {
  const b = new ScenarioBuilder(seed);
  const conn = b.conn({ clientIp: '192.168.9.10', serverIp: '10.9.0.10' });
  for (const p of paths) conn.exchange({ method: 'GET', uri: p, host, headers: [], body: null }, { status: 200, headers: [['Content-Type', 'application/json']], body: '{}' }, { thinkUs: 1000 });
  return writeScenarioCapture(null, b.build({ name: 'decisions', description: 'templates to pin and split', formats: ['pcap'], lossy: false, notes: '' }, seed), { format: 'pcap' }).buffer!;
}

const slugs = (prefix: string, n: number, tag: string): string[] => Array.from({ length: n }, (_, i) => `${prefix}/${tag}-${String.fromCharCode(97 + (i % 26))}${i}`);

async function upload(c: Client, pcap: Buffer, name: string): Promise<void> {
  const r = await c.call('POST', `/api/v1/captures?name=${name}`, undefined, { raw: pcap });
  assert.equal(r.status, 202, JSON.stringify(r.json));
  const id = (r.json as { run: { id: number } }).run.id;
  for (let i = 0; i < 200; i++) {
    const st = ((await c.call('GET', `/api/v1/captures/${id}`)).json as { run: { status: string } }).run.status;
    if (st !== 'running') return;
    await new Promise((res) => setTimeout(res, 100));
  }
}

async function endpoints(c: Client): Promise<Endpoint[]> {
  return ((await c.call('GET', '/api/v1/inventory/apis?limit=500')).json as { endpoints: Endpoint[] }).endpoints;
}

function byTemplate(list: Endpoint[], template: string): Endpoint {
  const e = list.find((x) => x.template === template);
  assert.ok(e !== undefined, `${template} not in ${list.map((x) => x.template).join(', ')}`);
  return e;
}

test('pin, split, dissolve and unpin stick: audited, logged, honoured by later uploads, kept across a restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'radar-dec-'));
  const clock = new ManualClock(Date.UTC(2026, 10, 28, 9));
  const start = () => startService({ dataDir: dir, host: '127.0.0.1', httpsPort: 0, httpPort: 0, uiDir: join(dir, 'no-ui'), captureInterface: '', publicUrl: '' }, { clock, log: () => {} });
  let svc: Awaited<ReturnType<typeof start>> | null = null;
  try {
    svc = await start();
    let c = new Client(svc.httpsPort, readFileSync(join(dir, 'tls', 'cert.pem')));
    await completeSetup(svc, c);
    assert.equal((await c.login('admin', ADMIN_PASSWORD)).status, 200);

    // First upload: 30 product slugs and one rare literal (merged), 30 tags, three report names (still literal).
    await upload(c, capture([...slugs('/products', 30, 'item'), '/products/rare', ...slugs('/tags', 30, 'tag'), '/reports/weekly', '/reports/daily', '/reports/monthly'], 1), 'a.pcap');
    let list = await endpoints(c);
    const products = byTemplate(list, '/products/{product}');
    const tags = byTemplate(list, '/tags/{tag}');
    const weekly = byTemplate(list, '/reports/weekly');
    assert.equal(list.some((e) => e.template === '/products/rare'), false);

    const bad = await c.call('POST', `/api/v1/inventory/apis/${products.id}/split`, { position: 0, values: ['rare'] });
    assert.equal(bad.status, 400, 'position 0 is not a parameter');
    const badValue = await c.call('POST', `/api/v1/inventory/apis/${products.id}/split`, { values: ['a/b'] });
    assert.equal(badValue.status, 400);
    const split = await c.call('POST', `/api/v1/inventory/apis/${products.id}/split`, { values: ['rare'] });
    assert.equal(split.status, 200, JSON.stringify(split.json));
    assert.deepEqual((split.json as { decision: { kind: string; position: number; values: string[] } }).decision, { ...(split.json as { decision: object }).decision, kind: 'split', position: 1, values: ['rare'] });
    const pin = await c.call('POST', `/api/v1/inventory/apis/${weekly.id}/pin`);
    assert.equal(pin.status, 200);
    assert.equal((pin.json as { endpoint: Endpoint }).endpoint.pinned, true);
    const dissolve = await c.call('POST', `/api/v1/inventory/apis/${tags.id}/split`, {});
    assert.equal(dissolve.status, 200);
    assert.equal((dissolve.json as { endpoint: Endpoint | null }).endpoint, null);
    assert.equal((await c.call('GET', `/api/v1/inventory/apis/${tags.id}`)).status, 404, 'a dissolved template leaves the inventory');

    const audit = ((await c.call('GET', '/api/v1/audit')).json as { entries: Array<{ action: string; target: string }> }).entries;
    for (const action of ['inventory.split', 'inventory.pin', 'inventory.dissolve']) assert.ok(audit.some((a) => a.action === action), action);
    const changes = ((await c.call('GET', '/api/v1/inventory/changes')).json as { changes: Array<{ kind: string; template: string }> }).changes;
    assert.deepEqual(['split', 'pinned', 'dissolved'].map((k) => changes.find((x) => x.kind === k)?.template), ['/products/{product}', '/reports/weekly', '/tags/{tag}']);
    await svc.close();
    svc = null;

    // After a restart the decisions are still there and the next upload honours them.
    svc = await start();
    c = new Client(svc.httpsPort, readFileSync(join(dir, 'tls', 'cert.pem')));
    assert.equal((await c.login('admin', ADMIN_PASSWORD)).status, 200);
    const decisions = ((await c.call('GET', '/api/v1/inventory/decisions')).json as { decisions: Array<{ kind: string; template: string }> }).decisions;
    assert.deepEqual(decisions.map((d) => `${d.kind} ${d.template}`), ['split /products/{product}', 'pin /reports/weekly', 'dissolve /tags/{tag}']);
    await upload(c, capture([...slugs('/products', 30, 'thing'), '/products/rare', ...slugs('/tags', 25, 'label'), ...slugs('/reports', 30, 'rep'), '/reports/weekly'], 2), 'b.pcap');
    list = await endpoints(c);
    assert.equal(byTemplate(list, '/products/rare').calls, 1, 'the split value is its own endpoint');
    assert.equal(byTemplate(list, '/products/{product}').calls, 61);
    assert.equal(byTemplate(list, '/reports/weekly').pinned, true);
    assert.equal(byTemplate(list, '/reports/weekly').calls, 2, 'the pinned literal did not merge with its 30 new siblings');
    byTemplate(list, '/reports/{report}');
    assert.equal(list.filter((e) => e.template.startsWith('/tags/')).length, 25, 'dissolved: every tag is a literal endpoint');

    const unpin = await c.call('POST', `/api/v1/inventory/apis/${weekly.id}/unpin`);
    assert.equal((unpin.json as { endpoint: Endpoint }).endpoint.pinned, false);
    assert.equal(((await c.call('GET', '/api/v1/inventory/decisions')).json as { decisions: unknown[] }).decisions.length, 2);
    const viewer = await c.call('POST', `/api/v1/inventory/apis/999999/pin`);
    assert.equal(viewer.status, 404);
  } finally {
    await svc?.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

const noCapture = hasCapNetRaw() === true ? false : 'live capture needs root or CAP_NET_RAW (not available to this process)';

test('a split taken while live capture runs applies to its next calls at once', { skip: noCapture }, async () => {
  const server = http.createServer((req, res) => req.resume().on('end', () => res.end('{}')));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const get = (path: string): Promise<void> =>
    new Promise((resolve, reject) => http.get({ host: '127.0.0.1', port, path, headers: { host: 'live.test' } }, (r) => r.resume().on('end', resolve)).on('error', reject));
  try {
    await withService(async (svc, _dir, _clock, client) => {
      const c = await adminClient(svc, client);
      await upload(c, capture(['/orders/1', '/orders/2'], 3, 'live.test'), 'live-seed.pcap');
      const orders = byTemplate(await endpoints(c), '/orders/{orderId}');
      const put = await c.call('PUT', '/api/v1/settings/capture', { enabled: true, iface: 'lo', bpf: `tcp port ${port}`, promiscuous: true, watch: [], ignore: [] });
      assert.equal(put.status, 200, JSON.stringify(put.json));
      await new Promise((r) => setTimeout(r, 500));
      assert.equal((await c.call('POST', `/api/v1/inventory/apis/${orders.id}/split`, { values: ['42'] })).status, 200);
      await new Promise((r) => setTimeout(r, 500));
      for (const id of [42, 43, 42]) await get(`/orders/${id}`);
      const range = `from=${Date.now() - 3_600_000}&to=${Date.now() + 3_600_000}`;
      let calls: Array<{ uri: string; template: string }> = [];
      for (let i = 0; i < 75 && calls.length < 3; i++) {
        await new Promise((r) => setTimeout(r, 200));
        calls = ((await c.call('GET', `/api/v1/calls?source=live:lo&limit=10&${range}`)).json as { calls: Array<{ uri: string; template: string }> }).calls;
      }
      assert.deepEqual(calls.map((x) => `${x.uri} ${x.template}`).sort(), ['/orders/42 /orders/42', '/orders/42 /orders/42', '/orders/43 /orders/{orderId}']);
      await c.call('PUT', '/api/v1/settings/capture', { enabled: false, iface: 'lo', bpf: `tcp port ${port}`, promiscuous: true, watch: [], ignore: [] });
    });
  } finally {
    server.close();
  }
});
