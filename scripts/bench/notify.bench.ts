/**
 * `npm run bench:notify`: prints figures for the notifiers and the block list — the dispatcher's cost per alert
 * (grouping into three channels, a no-op plug-in, in-memory SQLite), webhook and syslog messages per second to local
 * receivers, and block-list inserts and exports with 10,000 entries. Figures are copied into docs/notifiers.md.
 *
 * Usage: npm run bench:notify [-- --alerts N] [--entries N]
 */
import { createServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { createSocket } from 'node:dgram';
import { z } from 'zod';
import { openStateDatabase } from '../../appliance/src/store/sqlite/state.database.ts';
import { NotifierChannelsRepository } from '../../appliance/src/store/sqlite/notifier-channels.repository.ts';
import { BlocklistRepository } from '../../appliance/src/store/sqlite/blocklist.repository.ts';
import { AuditRepository } from '../../appliance/src/store/sqlite/audit.repository.ts';
import { ManualClock } from '../../appliance/src/store/clock.repository.ts';
import { AlertDispatcher } from '../../appliance/src/notifiers/alert-dispatcher.service.ts';
import { NotifierRegistry } from '../../appliance/src/notifiers/notifier.registry.ts';
import type { NotifierContext, NotifierPlugin } from '../../appliance/src/notifiers/notifier.types.ts';
import type { Alert } from '../../appliance/src/notifiers/alert.types.ts';
import { plugin as webhook } from '../../appliance/src/notifiers/webhook/webhook.notifier.ts';
import { plugin as syslog } from '../../appliance/src/notifiers/syslog/syslog.notifier.ts';
import { BlocklistService } from '../../appliance/src/blocklist/blocklist.service.ts';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}

const fmt = (n: number, d = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const seconds = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e9;

const ALERTS = arg('--alerts', 200_000);
const ENTRIES = arg('--entries', 10_000);
const SENDS = 500;
const ctx: NotifierContext = { version: 'bench', publicUrl: 'https://radar.test', now: () => Date.now(), sleep: async () => {} };

function alert(i: number, now: number): Alert {
  return { type: i % 3 === 0 ? 'sqli' : 'credential_stuffing', category: 'attack', severity: 'high', host: 'api.example.com', endpoint: `GET /v1/items/{id}`, client: `10.0.${(i >> 8) & 3}.${i & 255}`, identity: '', evidence: `evidence ${i} card 6222021234567890`, count: 1, firstSeen: now, lastSeen: now, linkPath: '/findings' };
}

async function dispatcherFigures(): Promise<void> {
  let sent = 0;
  const noop: NotifierPlugin<{ n: number }> = { kind: 'noop', label: { en: 'no-op', 'zh-CN': '空' }, settings: z.object({ n: z.number().default(0) }), secretFields: [], create: () => ({ send: async () => (sent++, { attempts: 1, detail: '' }), test: async () => ({ attempts: 1, detail: '' }), close: () => {} }) };
  const db = openStateDatabase(':memory:');
  const repo = new NotifierChannelsRepository(db);
  for (const name of ['a', 'b', 'c']) repo.create({ name, kind: 'noop', enabled: true, minSeverity: 'low', groupWindowSeconds: 60, maxPerMinute: 20, settings: {} }, 0);
  const clock = new ManualClock(Date.UTC(2026, 10, 28));
  const d = new AlertDispatcher(repo, new NotifierRegistry([noop]), clock, { version: 'bench', publicUrl: '' });
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < ALERTS; i++) {
    void d.dispatch(alert(i, clock.now()));
    if (i % 1000 === 999) clock.advance(1000);
  }
  await d.idle();
  const s = seconds(t0);
  console.log(`dispatcher: ${fmt(ALERTS)} alerts (1,024 clients, 2 types) into 3 channels in ${fmt(s, 2)} s = ${fmt((s / ALERTS) * 1e6, 2)} µs per alert; ${fmt(sent)} messages sent (60 s window, 20 a minute)`);
  db.close();
}

async function webhookFigures(): Promise<void> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const n = webhook.create(webhook.settings.parse({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, secret: 'k' }), ctx);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < SENDS; i++) await n.send(alert(i, Date.now()));
  const s = seconds(t0);
  console.log(`webhook: ${SENDS} signed POSTs one after another: ${fmt(SENDS / s)} messages/s (${fmt((s / SENDS) * 1000, 2)} ms each)`);
  server.closeAllConnections();
  server.close();
}

async function syslogFigures(): Promise<void> {
  const tcp = createTcpServer((sock) => sock.resume());
  await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
  const udp = createSocket('udp4');
  await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
  for (const [transport, port] of [['tcp', (tcp.address() as AddressInfo).port], ['udp', udp.address().port]] as const) {
    const n = syslog.create(syslog.settings.parse({ host: '127.0.0.1', port, transport, format: 'cef' }), ctx);
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < SENDS; i++) await n.send(alert(i, Date.now()));
    const s = seconds(t0);
    console.log(`syslog ${transport.toUpperCase()} (CEF${transport === 'tcp' ? ', one connection per message' : ''}): ${fmt(SENDS / s)} messages/s`);
  }
  tcp.close();
  udp.close();
}

function blocklistFigures(): void {
  const db = openStateDatabase(':memory:');
  const clock = new ManualClock(Date.UTC(2026, 10, 28));
  const svc = new BlocklistService(new BlocklistRepository(db), new AuditRepository(db), clock);
  let t0 = process.hrtime.bigint();
  for (let i = 0; i < ENTRIES; i++) {
    const v = i % 2 === 0 ? `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` : `2001:db8:${(i >> 16).toString(16)}:${(i & 0xffff).toString(16)}::/64`;
    svc.addAutomatic(v, `bench entry ${i}`, 'policy:1', i % 4 === 0 ? null : 3_600_000);
  }
  console.log(`block list: ${fmt(ENTRIES)} automatic additions in ${fmt(seconds(t0) * 1000)} ms (${fmt((seconds(t0) / ENTRIES) * 1e6, 1)} µs each)`);
  for (const f of ['plain', 'nginx', 'json'] as const) {
    t0 = process.hrtime.bigint();
    const out = svc.export(f);
    console.log(`block list export ${f}: ${fmt(ENTRIES)} entries in ${fmt(seconds(t0) * 1000, 1)} ms, ${fmt(Buffer.byteLength(out.body) / 1024)} KiB`);
  }
  db.close();
}

await dispatcherFigures();
await webhookFigures();
await syslogFigures();
blocklistFigures();
