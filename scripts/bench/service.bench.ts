/**
 * `npm run bench:service`: the service end to end on this machine, printed and written to docs/benchmarks.md.
 *   1. Ingest: a generated capture is uploaded through the API and analysed (engine + every analyzer) into the call
 *      log (DuckDB) while a client hammers the read API; prints ingest transactions/s, API p50/p95 latency during
 *      ingest, and peak RSS of the service and its pipeline process.
 *   2. Search: the call log is filled to `--search-rows` calls (synthetic rows inserted by SQL) and the call-log
 *      searches the UI runs are timed (p50/p95 of 7 runs each).
 * Targets (issue 6): ingest ≥ 50,000 transactions/s, API p95 < 200 ms during ingest, search over 10 M calls < 500 ms.
 *
 * Usage: npm run bench:service [-- --transactions N] [--search-rows N] [--no-write]
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeBenchCapture } from '../traffic/bench.writer.ts';
import { startService } from '../../appliance/src/service.runtime.ts';
import { openEventsDatabase } from '../../appliance/src/store/duckdb/events.database.ts';
import { DuckDbCallsRepository } from '../../appliance/src/store/duckdb/calls.repository.ts';
import { Client } from '../lib/service.client.ts';
import { writeBenchSection } from './bench.report.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}

function pct(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

const fmt = (n: number, d = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

/** CPU seconds (user + system) of this process and of its waited-for children, from /proc/self/stat. */
function procCpu(): { self: number; children: number } {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14–17 of proc(5) (utime, stime, cutime, cstime) are at 11–14 after the command name.
  const tick = 100;
  return { self: (Number(f[11]) + Number(f[12])) / tick, children: (Number(f[13]) + Number(f[14])) / tick };
}

/** RSS in bytes of `pid` and all its descendants (from /proc). */
function treeRss(pid: number): number {
  let total = 0;
  const walk = (p: number): void => {
    try {
      const status = readFileSync(`/proc/${p}/status`, 'utf8');
      const m = /VmRSS:\s+(\d+) kB/.exec(status);
      if (m !== null) total += Number(m[1]) * 1024;
      for (const t of readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim().split(/\s+/)) if (t !== '') walk(Number(t));
    } catch {
      // The process ended between the reads.
    }
  };
  walk(pid);
  return total;
}

/**
 * Reads the run's status, retrying a reset connection: the client and the service share one event loop, and when it
 * was blocked past the keep-alive timeout the server closes the reused socket as the next poll is written.
 */
async function pollRun(admin: Client, id: number): Promise<Awaited<ReturnType<Client['call']>>> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await admin.call('GET', `/api/v1/captures/${id}`);
    } catch (err) {
      if (attempt >= 3 || (err as NodeJS.ErrnoException).code !== 'ECONNRESET') throw err;
    }
  }
}

async function main(): Promise<void> {
  const transactions = arg('transactions', 200_000);
  const searchRows = arg('search-rows', 10_000_000);
  const benchDir = join(root, 'tmp', 'bench');
  mkdirSync(benchDir, { recursive: true });
  const capture = join(benchDir, `bench-${transactions}.pcap`);
  if (!existsSync(capture)) {
    process.stderr.write(`generating ${capture} ...\n`);
    await writeBenchCapture(capture, { transactions });
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'radar-bench-'));
  const svc = await startService(
    { dataDir, host: '127.0.0.1', httpsPort: 0, httpPort: 0, uiDir: join(dataDir, 'no-ui'), captureInterface: '', publicUrl: '' },
    { log: () => {} },
  );
  const ca = readFileSync(join(dataDir, 'tls', 'cert.pem'));
  const admin = new Client(svc.httpsPort, ca);
  const setup = await admin.call('POST', '/api/v1/setup/complete', { token: svc.newSetupToken, username: 'admin', password: 'Radar-Bench-2026!' });
  if (setup.status !== 200) throw new Error(`setup failed: ${JSON.stringify(setup.json)}`);
  await admin.login('admin', 'Radar-Bench-2026!');

  // 1. Ingest while the read API is hammered.
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, treeRss(process.pid))), 200);
  const latencies: number[] = [];
  let hammering = true;
  const reads = ['/api/v1/calls?limit=50', `/api/v1/calls/totals?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z`, '/api/v1/capture/status', '/api/v1/calls?limit=50&q=/api', '/api/v1/calls/timeline?from=2023-11-01T00:00:00Z&to=2023-11-30T00:00:00Z'];
  const hammer = async (k: number): Promise<void> => {
    const c = new Client(svc.httpsPort, ca);
    c.cookie = admin.cookie;
    for (let i = k; hammering; i++) {
      const t = performance.now();
      await c.call('GET', reads[i % reads.length]);
      latencies.push(performance.now() - t);
    }
  };
  const body = readFileSync(capture);
  let worstStall = 0;
  let lastTick = performance.now();
  const stallWatch = setInterval(() => {
    const now = performance.now();
    worstStall = Math.max(worstStall, now - lastTick - 50);
    lastTick = now;
  }, 50);
  const cpu0 = procCpu();
  const t0 = performance.now();
  const up = await admin.call('POST', '/api/v1/captures?name=bench.pcap', undefined, { raw: body });
  const uploadedAt = performance.now();
  if (up.status !== 202) throw new Error(`upload refused: ${up.status} ${JSON.stringify(up.json)}`);
  const id = (up.json as { run: { id: number } }).run.id;
  const hammers = process.argv.includes('--no-reads') ? [] : [hammer(0), hammer(1), hammer(2)];
  let run = { status: 'running', transactions: 0, error: '' };
  while (run.status === 'running') {
    await new Promise((r) => setTimeout(r, 100));
    run = ((await pollRun(admin, id)).json as { run: typeof run }).run;
  }
  const doneAt = performance.now();
  const cpu1 = procCpu();
  clearInterval(stallWatch);
  hammering = false;
  await Promise.all(hammers);
  clearInterval(sampler);
  if (run.status !== 'done') throw new Error(`analysis failed: ${run.error}`);
  const stored = ((await admin.call('GET', `/api/v1/calls/totals?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z`)).json as { calls: number }).calls;
  await svc.close();

  const ingestSeconds = (doneAt - uploadedAt) / 1000;
  const totalSeconds = (doneAt - t0) / 1000;

  // 2. Search over a large call log.
  const db = await openEventsDatabase(join(dataDir, 'events.duckdb'));
  const have = Number((await db.connection.runAndReadAll('SELECT count(*)::DOUBLE AS n FROM calls')).getRowObjectsJS()[0].n);
  const fillStart = performance.now();
  if (searchRows > have) {
    await db.connection.run(
      `INSERT INTO calls SELECT ${have} + i + 1, make_timestamp(1700000000000000 + i * 50), 'synthetic', '10.' || (i % 200)::VARCHAR || '.' || (i % 250)::VARCHAR || '.1', 40000 + (i % 20000)::INTEGER,
         '10.99.0.' || (i % 8)::VARCHAR, 443, 'host' || (i % 40)::VARCHAR || '.example.com', CASE WHEN i % 5 = 0 THEN 'POST' ELSE 'GET' END,
         '/api/v' || (i % 3)::VARCHAR || '/items/' || (i % 100000)::VARCHAR || '?page=' || (i % 10)::VARCHAR, '/api/v' || (i % 3)::VARCHAR || '/items/{id}',
         CASE WHEN i % 50 = 0 THEN 500 WHEN i % 20 = 0 THEN 404 ELSE 200 END, 300, 2000 + i % 1000, 1000 + i % 5000, 'jwt', 'sub:user' || (i % 5000)::VARCHAR,
         'bench-client/1.0', CASE WHEN i % 100 = 0 THEN ['cn_mobile'] ELSE [] END, CASE WHEN i % 100 = 0 THEN 1 ELSE 0 END,
         CASE WHEN i % 10000 = 0 THEN ['sqli'] ELSE [] END, CASE WHEN i % 10000 = 0 THEN 4 ELSE 0 END, 0
       FROM range(${searchRows - have}) t(i)`,
    );
    await db.connection.run('CHECKPOINT');
  }
  const fillSeconds = (performance.now() - fillStart) / 1000;
  const repo = await DuckDbCallsRepository.open(db, { flushIntervalMs: 0 });
  const total = await repo.count();
  const queries: Array<[string, Parameters<DuckDbCallsRepository['search']>[0]]> = [
    ['newest 50', {}],
    ['one host', { host: 'host7.example.com' }],
    ['status 5xx', { statusClass: 5 }],
    ['one client', { clientIp: '10.7.7.1' }],
    ['text in URI', { text: '/items/4242?' }],
    ['sensitive type', { sensitiveType: 'cn_mobile' }],
    ['detection (rare)', { detection: 'sqli' }],
    ['one hour of one host', { host: 'host3.example.com', fromUs: 1700000000000000 + 3600e6 * 50, toUs: 1700000000000000 + 3600e6 * 51 }],
  ];
  const searchLines: string[] = [];
  let worstP95 = 0;
  for (const [name, q] of queries) {
    const times: number[] = [];
    let rows = 0;
    let next: string | null = null;
    for (let i = 0; i < 7; i++) {
      const t = performance.now();
      const page = await repo.search({ ...q, limit: 50 });
      times.push(performance.now() - t);
      rows = page.calls.length;
      next = page.next;
    }
    let pageTwo = NaN;
    if (next !== null) {
      const t = performance.now();
      await repo.search({ ...q, limit: 50, cursor: next });
      pageTwo = performance.now() - t;
    }
    worstP95 = Math.max(worstP95, pct(times, 95));
    searchLines.push(`| ${name} | ${rows} | ${fmt(pct(times, 50))} | ${fmt(pct(times, 95))} | ${Number.isNaN(pageTwo) ? '–' : fmt(pageTwo)} |`);
  }
  const tl = performance.now();
  await repo.totals(1700000000000000, 1700000000000000 + 86_400e6);
  const totalsMs = performance.now() - tl;
  await repo.close();
  db.close();
  const dbBytes = statSync(join(dataDir, 'events.duckdb')).size;
  rmSync(dataDir, { recursive: true, force: true });

  const ingestRate = stored / ingestSeconds;
  const serviceCpu = cpu1.self - cpu0.self;
  const childCpu = cpu1.children - cpu0.children;
  const p95 = pct(latencies, 95);
  const lines = [
    `Machine: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} cores, Node ${process.version}.`,
    `Capture: ${fmt(transactions)} generated transactions, ${fmt(body.length / 1e6, 1)} MB.`,
    '',
    '| measurement | figure |',
    '|---|---|',
    `| calls stored in the call log | ${fmt(stored)} |`,
    `| ingest (analysis + call log) after upload | ${fmt(ingestSeconds, 2)} s → ${fmt(ingestRate)} transactions/s |`,
    `| upload + ingest | ${fmt(totalSeconds, 2)} s |`,
    `| CPU during upload + ingest: service process${hammers.length > 0 ? ' (with the read clients)' : ''} / analysis child | ${fmt(serviceCpu, 1)} s / ${fmt(childCpu, 1)} s (${fmt((serviceCpu * 1e6) / stored, 1)} / ${fmt((childCpu * 1e6) / stored, 1)} µs per call) |`,
    `| longest event-loop stall of the service during ingest | ${fmt(worstStall)} ms |`,
    `| API reads during ingest | ${fmt(latencies.length)} requests, p50 ${fmt(pct(latencies, 50), 1)} ms, p95 ${fmt(p95, 1)} ms, max ${fmt(Math.max(...latencies), 1)} ms |`,
    `| peak RSS, service + pipeline process | ${fmt(peakRss / 2 ** 20)} MB |`,
    '',
    `Call-log search over ${fmt(total)} calls (${fmt(dbBytes / 2 ** 20)} MB DuckDB file; filled by SQL in ${fmt(fillSeconds, 1)} s), 50 rows a page, 7 runs each:`,
    '',
    '| search | rows | p50 ms | p95 ms | next page ms |',
    '|---|---|---|---|---|',
    ...searchLines,
    '',
    `Totals over one day: ${fmt(totalsMs)} ms.`,
    '',
    `Targets: ingest ≥ 50,000 transactions/s (${ingestRate >= 50_000 ? 'met' : 'NOT met'}); API p95 < 200 ms during ingest (${p95 < 200 ? 'met' : 'NOT met'}); search over 10 M calls < 500 ms (${total >= 10_000_000 ? (worstP95 < 500 ? 'met' : 'NOT met') : 'not measured at 10 M'}).`,
  ];
  const text = lines.join('\n');
  process.stdout.write(`${text}\n`);
  if (!process.argv.includes('--no-write')) {
    const doc = writeBenchSection('service-bench', 'Service end to end (`npm run bench:service`)', `Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench:service\`.\n\n${text}`);
    process.stderr.write(`figures written to ${doc}\n`);
  }
}

await main();
