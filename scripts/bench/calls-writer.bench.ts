/**
 * `npm run bench:writer`: the DuckDB call-log writer alone — generated call rows in 2,000-row column batches (as the
 * pipeline sends them), flushed every `F` rows into a fresh database file, for several flush sizes. Prints process CPU
 * (JS and DuckDB's threads) and wall time per row; the service flushes at least once a second, so at R calls/s a
 * flush holds about R rows.
 *
 * Usage: npm run bench:writer [-- --rows N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEventsDatabase } from '../../appliance/src/store/duckdb/events.database.ts';
import { DuckDbCallsRepository } from '../../appliance/src/store/duckdb/calls.repository.ts';
import { toCallColumns, type CallColumns } from '../../appliance/src/store/events/call-columns.ts';
import type { CallEvent } from '../../appliance/src/store/events/call-event.types.ts';
import { writeBenchSection } from './bench.report.ts';

const T0 = Date.UTC(2026, 10, 20, 8) * 1000;

/** Call `i` of a mix like the bench capture's: 40 hosts, 64 prefixes, 3,000 identities, some sensitive types and detections. */
function callEvent(i: number): CallEvent {
  return {
    tsUs: T0 + i * 2000, source: 'upload:1', clientIp: `10.${(i >> 8) & 255}.${i & 255}.${i % 7}`, clientPort: 40000 + (i % 20000), serverIp: '10.1.0.1', serverPort: 443,
    host: `api${i % 40}.example.com`, method: ['GET', 'POST', 'PUT'][i % 3], uri: `/v1/p${i % 64}/items/${i}?q=${i % 11}`, template: `/v1/p${i % 64}/items/{id}`,
    status: i % 10 === 0 ? 404 : 200, requestBytes: 300 + (i % 100), responseBytes: 1200 + (i % 900), latencyUs: 1000 + (i % 5000), authScheme: 'jwt',
    identity: `sub:u${i % 3000}`, userAgent: `client/${i % 5}`, sensitiveTypes: i % 7 === 0 ? ['cn_mobile'] : [], sensitiveCount: i % 7 === 0 ? 1 : 0,
    detections: i % 97 === 0 ? ['sqli'] : [], severity: i % 97 === 0 ? 4 : 0, flags: 0,
  };
}

async function run(batches: readonly CallColumns[], rows: number, flushEvery: number): Promise<{ cpuUs: number; wallUs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-writer-'));
  const db = await openEventsDatabase(join(dir, 'events.duckdb'));
  const repo = await DuckDbCallsRepository.open(db, { flushIntervalMs: 0 });
  try {
    const cpu = process.cpuUsage();
    const wall = performance.now();
    let since = 0;
    for (const b of batches) {
      repo.appendColumns(b);
      since += b.length;
      if (since >= flushEvery) {
        await repo.flush();
        since = 0;
      }
    }
    await repo.flush();
    const u = process.cpuUsage(cpu);
    if ((await repo.count()) !== rows) throw new Error('rows lost');
    return { cpuUs: (u.user + u.system) / rows, wallUs: ((performance.now() - wall) * 1000) / rows };
  } finally {
    await repo.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const at = process.argv.indexOf('--rows');
const rows = at >= 0 ? Number(process.argv[at + 1]) : 200_000;
const batches: CallColumns[] = [];
for (let i = 0; i < rows; i += 2000) batches.push(toCallColumns(Array.from({ length: Math.min(2000, rows - i) }, (_, k) => callEvent(i + k))));
const lines = [`DuckDB call-log writer, ${rows.toLocaleString('en-US')} rows in 2,000-row column batches (best of 2 runs per flush size; load average ${loadavg()[0].toFixed(2)} at the start)`, '', '| rows per flush | CPU µs per row | wall µs per row |', '|---|---|---|'];
console.log(lines.join('\n'));
for (const flushEvery of [5_000, 20_000, 100_000]) {
  const a = await run(batches, rows, flushEvery);
  const b = await run(batches, rows, flushEvery);
  const best = a.cpuUs <= b.cpuUs ? a : b;
  const line = `| ${flushEvery.toLocaleString('en-US')} | ${best.cpuUs.toFixed(2)} | ${best.wallUs.toFixed(2)} |`;
  console.log(line);
  lines.push(line);
}
if (!process.argv.includes('--no-write')) console.log(`\nwritten to ${writeBenchSection('writer-bench', 'Call-log writer (`npm run bench:writer`)', lines.join('\n'))}`);
