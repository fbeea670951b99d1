/**
 * `npm run bench:live`: live capture through the service on the loopback interface. A local HTTP server and a client
 * sending `--rate` requests/s for `--seconds` (in their own process) make the traffic; the service captures it with
 * its live pipeline into the call log. Prints requests sent, calls stored, lost transactions, the capture's counters
 * and peak memory, and writes them to docs/benchmarks.md. Needs root or CAP_NET_RAW.
 *
 * Target (issue 6): 5,000 requests/s for 30 s captured with zero lost transactions.
 *
 * Usage: npm run bench:live [-- --rate 5000] [--seconds 30] [--buffer-mib 64] [--no-write] [--json (one JSON line, nothing written)]
 */
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startService } from '../../appliance/src/service.runtime.ts';
import { hasCapNetRaw } from '../../appliance/src/engine/source/live-capture.source.ts';
import { Client } from '../lib/service.client.ts';
import { writeBenchSection } from './bench.report.ts';

const self = fileURLToPath(import.meta.url);

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}

const fmt = (n: number, d = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

/** Traffic process: an HTTP server plus a paced keep-alive client; reports the port, then the count sent. */
async function trafficProcess(): Promise<void> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end('{"ok":true,"items":[1,2,3]}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  process.send!({ type: 'port', port });
  const { rate, seconds } = await new Promise<{ rate: number; seconds: number }>((r) => process.once('message', (m: { rate: number; seconds: number }) => r(m)));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const total = rate * seconds;
  let sent = 0;
  let done = 0;
  let failed = 0;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
      while (sent < due) {
        const i = sent++;
        http
          .get({ host: '127.0.0.1', port, path: `/api/v1/items/${i}?page=${i % 7}`, headers: { host: 'live.bench' }, agent }, (res) => {
            res.resume();
            res.on('end', () => {
              if (++done + failed === total) resolve();
            });
          })
          .on('error', () => {
            if (done + ++failed === total) resolve();
          });
      }
      if (sent >= total) clearInterval(tick);
    }, 5);
  });
  const seconds2 = (performance.now() - started) / 1000;
  agent.destroy();
  server.close();
  process.send!({ type: 'done', sent: done, failed, seconds: seconds2 });
  process.disconnect();
}

async function main(): Promise<void> {
  if (hasCapNetRaw() !== true) {
    process.stderr.write('bench:live needs root or CAP_NET_RAW\n');
    process.exit(2);
  }
  const rate = arg('rate', 5000);
  const seconds = arg('seconds', 30);
  const bufferMiB = arg('buffer-mib', 64);
  const dataDir = mkdtempSync(join(tmpdir(), 'radar-live-'));
  const svc = await startService(
    { dataDir, host: '127.0.0.1', httpsPort: 0, httpPort: 0, uiDir: join(dataDir, 'no-ui'), captureInterface: '', publicUrl: '' },
    { log: () => {} },
  );
  const admin = new Client(svc.httpsPort, readFileSync(join(dataDir, 'tls', 'cert.pem')));
  await admin.call('POST', '/api/v1/setup/complete', { token: svc.newSetupToken, username: 'admin', password: 'Radar-Bench-2026!' });
  await admin.login('admin', 'Radar-Bench-2026!');

  const traffic = fork(self, ['--traffic'], { execArgv: ['--import', 'tsx'] });
  const port = await new Promise<number>((r) => traffic.once('message', (m: { port: number }) => r(m.port)));
  const put = await admin.call('PUT', '/api/v1/settings/capture', { enabled: true, iface: 'lo', bpf: `tcp port ${port}`, promiscuous: true, bufferMiB, watch: [], ignore: [] });
  // A cold start (fresh checkout, compile cache empty) can outlast the PUT's own wait: poll up to 30 s more.
  let state = (put.json as { status: { state: string } }).status.state;
  for (let i = 0; i < 60 && state === 'starting'; i++) {
    await new Promise((r) => setTimeout(r, 500));
    state = ((await admin.call('GET', '/api/v1/capture/status')).json as { status: { state: string } }).status.state;
  }
  if (state !== 'running') throw new Error(`capture did not start: ${JSON.stringify(put.json)} (last state ${state})`);
  traffic.send({ rate, seconds });
  const result = await new Promise<{ sent: number; failed: number; seconds: number }>((r) => traffic.on('message', (m: { type: string; sent: number; failed: number; seconds: number }) => (m.type === 'done' ? r(m) : undefined)));
  const range = `from=${Date.now() - 3_600_000}&to=${Date.now() + 3_600_000}`;
  let stored = 0;
  for (let i = 0; i < 60; i++) {
    stored = ((await admin.call('GET', `/api/v1/calls/totals?${range}`)).json as { calls: number }).calls;
    if (stored >= result.sent) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const status = ((await admin.call('GET', '/api/v1/capture/status')).json as { status: { stats: { capture: { packets: number; drops: number | null }; engine: { tcpGaps: number }; rss: number; cpuSeconds: number; weird: Record<string, number> } } }).status;
  await svc.close();
  rmSync(dataDir, { recursive: true, force: true });

  const st = status.stats;
  const lost = result.sent - stored;
  const lines = [
    `Machine: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} cores, Node ${process.version}; traffic generator, service and capture process on the same 2 cores.`,
    '',
    '| measurement | figure |',
    '|---|---|',
    `| requests answered (target rate ${fmt(rate)}/s for ${seconds} s) | ${fmt(result.sent)} in ${fmt(result.seconds, 1)} s = ${fmt(result.sent / result.seconds)}/s (${result.failed} failed) |`,
    `| calls in the call log | ${fmt(stored)} |`,
    `| lost transactions | ${fmt(lost)} |`,
    `| packets captured | ${fmt(st.capture.packets)}; interface drops ${st.capture.drops ?? 'unknown'}; TCP gap bytes ${fmt(st.engine.tcpGaps)} |`,
    `| capture process | ${fmt(st.rss / 2 ** 20)} MB RSS, ${fmt(st.cpuSeconds, 1)} CPU s; kernel ring ${bufferMiB} MiB |`,
    '',
    `Target: ${fmt(rate)} requests/s for ${seconds} s with zero lost transactions (${lost === 0 && result.sent / result.seconds >= rate * 0.95 ? 'met' : 'NOT met'}).`,
  ];
  const text = lines.join('\n');
  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify({ sent: result.sent, failed: result.failed, seconds: result.seconds, stored, lost, packets: st.capture.packets, gapBytes: st.engine.tcpGaps })}\n`);
    return;
  }
  process.stdout.write(`${text}\n`);
  if (!process.argv.includes('--no-write')) writeBenchSection('live-bench', 'Live capture on loopback (`npm run bench:live`)', `Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench:live\`.\n\n${text}`);
}

if (process.argv.includes('--traffic')) await trafficProcess();
else await main();
