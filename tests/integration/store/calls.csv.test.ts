// Tests of the call log's CSV export: cells quoted and defused for spreadsheets (hostile values from traffic), the
// export pages through a real DuckDB call log with the search filters, newest first, and stops at its cap; the route
// through a running service answers CSV with the header, refuses bad filters before sending anything, and is audited.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEventsDatabase } from '../../../appliance/src/store/duckdb/events.database.ts';
import { DuckDbCallsRepository } from '../../../appliance/src/store/duckdb/calls.repository.ts';
import { CallsService } from '../../../appliance/src/services/calls.service.ts';
import { CALL_CSV_COLUMNS, csvCell } from '../../../appliance/src/services/calls.csv.ts';
import { ManualClock } from '../../../appliance/src/store/clock.repository.ts';
import type { CallEvent } from '../../../appliance/src/store/events/call-event.types.ts';
import { adminClient, withService } from '../server/service.harness.ts';

const T0 = Date.UTC(2026, 10, 20, 8, 0, 0) * 1000;

function call(i: number, over: Partial<CallEvent> = {}): CallEvent {
  return {
    tsUs: T0 + i * 1_000_000, source: 'upload:1', clientIp: '10.0.0.1', clientPort: 40000, serverIp: '10.1.0.1', serverPort: 80, host: 'api.example.com',
    method: 'GET', uri: `/v1/users/${i}`, template: '/v1/users/{id}', status: 200, requestBytes: 100, responseBytes: 900, latencyUs: 1500, authScheme: 'jwt',
    identity: '', userAgent: 'curl/8', sensitiveTypes: [], sensitiveCount: 0, detections: [], severity: 0, flags: 0, ...over,
  };
}

/** Splits CSV text into rows of cells (RFC 4180 quoting). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    }
    else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  return rows;
}

test('cells from traffic are quoted and defused for spreadsheets', () => {
  assert.equal(csvCell('plain'), 'plain');
  assert.equal(csvCell('a,b'), '"a,b"');
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell('=HYPERLINK("http://x")'), `"'=HYPERLINK(""http://x"")"`);
  assert.equal(csvCell('+1'), "'+1");
  assert.equal(csvCell('-2+3'), "'-2+3");
  assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
  assert.equal(csvCell('\t=1+1'), "' =1+1", 'a control character before a formula is blanked and the formula still defused');
  assert.equal(csvCell('line1\r\nline2'), 'line1  line2');
  assert.equal(csvCell(null), '');
  assert.equal(csvCell(-5), '-5', 'numbers are written as numbers');
});

test('the export pages through the call log with the search filters, newest first, up to its cap', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'calls-csv-'));
  const db = await openEventsDatabase(join(dir, 'events.duckdb'));
  const repo = await DuckDbCallsRepository.open(db, { flushIntervalMs: 0 });
  try {
    const events: CallEvent[] = [];
    for (let i = 0; i < 1200; i++) events.push(call(i, { status: i % 3 === 0 ? 404 : 200 }));
    events.push(call(1300, { uri: '/v1/users/=cmd|"/c calc"!A1', userAgent: '<script>x</script>, "ua"', sensitiveTypes: ['cn_mobile', 'email'], sensitiveCount: 2, status: 404 }));
    repo.append(events);
    await repo.flush();
    const calls = new CallsService(repo, new ManualClock(T0 / 1000 + 3_600_000), dir);
    const read = async (query: Record<string, string>, max?: number): Promise<{ rows: string[][]; count: number }> => {
      const it = calls.exportCsv(query, max);
      let text = '';
      let r = await it.next();
      while (r.done !== true) {
        text += r.value;
        r = await it.next();
      }
      return { rows: parseCsv(text), count: r.value };
    };
    const all = await read({ status: '4xx' });
    assert.deepEqual(all.rows[0], [...CALL_CSV_COLUMNS]);
    assert.equal(all.count, 401, 'every 404 (400 in pages of 500, and the hostile one)');
    assert.equal(all.rows.length, 402);
    const col = (name: string): number => CALL_CSV_COLUMNS.indexOf(name as (typeof CALL_CSV_COLUMNS)[number]);
    const hostile = all.rows[1];
    assert.equal(hostile[col('uri')], '/v1/users/=cmd|"/c calc"!A1', 'a formula character inside a value is left alone');
    assert.equal(hostile[col('user_agent')], '<script>x</script>, "ua"');
    assert.equal(hostile[col('sensitive_types')], 'cn_mobile email');
    assert.equal(hostile[col('latency_ms')], '1.5');
    assert.equal(hostile.length, CALL_CSV_COLUMNS.length);
    const times = all.rows.slice(1).map((r) => Date.parse(r[col('time')]));
    assert.deepEqual(times, [...times].sort((a, b) => b - a), 'newest first');
    assert.ok(all.rows.slice(1).every((r) => r[col('status')] === '404'));
    const capped = await read({}, 700);
    assert.equal(capped.count, 700);
    assert.equal(capped.rows.length, 701);
    await assert.rejects(read({ status: 'bad' }), (e: Error & { code?: string }) => e.code === 'validation_failed');
  } finally {
    await repo.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the CSV route answers the header on an empty call log, refuses bad filters, and is audited', async () => {
  await withService(async (svc, _dir, _clock, client) => {
    const c = await adminClient(svc, client);
    const r = await c.call('GET', '/api/v1/calls/export.csv?status=5xx');
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /^text\/csv/);
    assert.match(String(r.headers['content-disposition']), /attachment; filename="calls.csv"/);
    assert.equal(r.json, `${CALL_CSV_COLUMNS.join(',')}\r\n`);
    const bad = await c.call('GET', '/api/v1/calls/export.csv?status=6xx');
    assert.equal(bad.status, 400);
    const audit = (await c.call('GET', '/api/v1/audit')).json as { entries: Array<{ action: string; detail: { rows?: number } }> };
    assert.deepEqual(audit.entries.filter((e) => e.action === 'calls.export_csv').map((e) => e.detail.rows), [0]);
  });
});
