// The report and job routes on the running service (real HTTPS listener, real SQLite file, real SMTP server):
// schedules CRUD with validation, "send now", the history with HTML preview (strict CSP) and PDF download, the
// figures of a period matching what the emailed report says, and the jobs list, runs and "run now".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { startService } from '../../../appliance/src/service.runtime.ts';
import { ManualClock } from '../../../appliance/src/store/clock.repository.ts';
import { SettingsRepository } from '../../../appliance/src/store/sqlite/settings.repository.ts';
import { FindingsRepository } from '../../../appliance/src/analyzers/tracing/findings.repository.ts';
import { SMTP_SETTINGS_KEY, TIME_ZONE_KEY } from '../../../appliance/src/reports/report.settings.ts';
import { startSmtp } from './report.fixture.ts';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  json: unknown;
}

function client(port: number, ca: Buffer) {
  let cookie = '';
  let csrf = '';
  const call = (method: string, path: string, body?: unknown): Promise<Answer> => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = {};
    if (data !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': String(data.length) });
    if (cookie !== '') headers.cookie = cookie;
    if (csrf !== '') headers['x-csrf-token'] = csrf;
    return new Promise((resolve, reject) => {
      const req = request({ host: 'localhost', port, path: `/api/v1${path}`, method, headers, ca }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const buf = Buffer.concat(chunks);
          const set = res.headers['set-cookie'];
          if (set !== undefined) cookie = set[0].split(';')[0];
          let json: unknown = null;
          if (String(res.headers['content-type'] ?? '').startsWith('application/json')) json = JSON.parse(buf.toString('utf8'));
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: buf, json });
        });
      });
      req.on('error', reject);
      if (data !== undefined) req.write(data);
      req.end();
    });
  };
  return {
    call,
    async login(username: string, password: string) {
      const a = await call('POST', '/auth/login', { username, password });
      assert.equal(a.status, 200);
      csrf = (a.json as { csrfToken: string }).csrfToken;
    },
  };
}

test('schedules, send now, history with preview and PDF, period figures, and jobs through the API', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'radar-report-api-'));
  const clock = new ManualClock(Date.UTC(2026, 2, 2, 1, 0));
  const smtp = await startSmtp();
  // Settings as the wizard stores them (read at each use: no restart needed).
  const stored = { [SMTP_SETTINGS_KEY]: { host: '127.0.0.1', port: smtp.port, security: 'none', from: 'API Radar <radar@example.com>', timeoutSeconds: 5 }, [TIME_ZONE_KEY]: { timezone: 'Asia/Shanghai', ntpServers: [] } };
  const svc = await startService({ dataDir: dir, host: '127.0.0.1', httpsPort: 0, httpPort: 0, uiDir: join(dir, 'no-ui'), captureInterface: '', publicUrl: '' }, { clock, log: () => {} });
  try {
    const settings = new SettingsRepository(svc.db);
    for (const [k, v] of Object.entries(stored)) settings.set(k, v, clock.now());
    new FindingsRepository(svc.db).upsertMany([
      { type: 'attack.sqli', category: 'attack', severity: 'critical', host: 'shop.example.com', method: 'GET', path: '/v1/orders/{id}', client: '198.51.100.23', count: 4, firstSeen: new Date(clock.now() - 3600_000).toISOString(), lastSeen: new Date(clock.now() - 60_000).toISOString(), evidence: '<script>alert(1)</script>', outcome: 'likely_success' },
    ]);
    const c = client(svc.httpsPort, readFileSync(join(dir, 'tls', 'cert.pem')));
    assert.equal((await c.call('POST', '/setup/complete', { token: svc.newSetupToken, username: 'admin', password: 'Radar-Root-2026!' })).status, 200);
    await c.login('admin', 'Radar-Root-2026!');

    const bad = await c.call('POST', '/reports/schedules', { name: 'x', frequency: 'weekly', timeOfDay: '25:00', language: 'en', recipients: ['nobody'] });
    assert.equal(bad.status, 400);
    assert.deepEqual(((bad.json as { error: { details: Array<{ path: string }> } }).error.details.map((d) => d.path)).sort(), ['recipients.0', 'timeOfDay']);
    const created = await c.call('POST', '/reports/schedules', { name: 'Weekly', frequency: 'weekly', timeOfDay: '08:00', weekday: 1, language: 'en', recipients: ['soc@example.com'] });
    assert.equal(created.status, 201);
    const schedule = (created.json as { schedule: { id: number; nextDueAt: number } }).schedule;
    assert.equal(schedule.nextDueAt, Date.UTC(2026, 2, 9, 0, 0), 'next Monday 08:00 in Asia/Shanghai (the stored time zone)');
    const updated = await c.call('PUT', `/reports/schedules/${schedule.id}`, { name: 'Weekly', frequency: 'weekly', timeOfDay: '08:00', weekday: 1, language: 'zh-CN', recipients: ['soc@example.com'] });
    assert.equal((updated.json as { schedule: { language: string } }).schedule.language, 'zh-CN');
    assert.equal(((await c.call('GET', '/reports/schedules')).json as { schedules: unknown[] }).schedules.length, 1);

    const sent = await c.call('POST', `/reports/schedules/${schedule.id}/send`);
    assert.equal(sent.status, 200);
    const run = (sent.json as { run: { id: number; status: string; periodStart: number; periodEnd: number; subject: string } }).run;
    assert.equal(run.status, 'sent');
    assert.equal(smtp.received.length, 1);
    const mail = await simpleParser(smtp.received[0].raw);
    assert.equal(mail.subject, run.subject);

    // The API's figures for the same period are the ones in the report.
    const data = await c.call('GET', `/reports/data?from=${run.periodStart}&to=${run.periodEnd}`);
    const figures = (data.json as { data: { posture: { openFindings: number; likelySuccess: number }; changes: { newFindingCount: number } } }).data;
    assert.equal(figures.posture.openFindings, 1);
    assert.equal(figures.changes.newFindingCount, 1);
    assert.match(String(mail.subject), new RegExp(`未处理发现 ${figures.posture.openFindings} 个，新增 ${figures.changes.newFindingCount} 个$`));
    assert.match(String(mail.text), new RegExp(`疑似成功的攻击: ${figures.posture.likelySuccess}\\n`));

    const runs = await c.call('GET', '/reports/runs');
    assert.deepEqual((runs.json as { runs: Array<{ id: number }> }).runs.map((r) => r.id), [run.id]);
    const preview = await c.call('GET', `/reports/runs/${run.id}/preview`);
    assert.equal(preview.status, 200);
    assert.match(String(preview.headers['content-type']), /^text\/html/);
    assert.match(String(preview.headers['content-security-policy']), /default-src 'none'.*sandbox/);
    const page = preview.body.toString('utf8');
    assert.match(page, /API Radar 安全报告/);
    assert.match(page, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.doesNotMatch(page, /<script/);
    const pdf = await c.call('GET', `/reports/runs/${run.id}/pdf`);
    assert.equal(pdf.headers['content-type'], 'application/pdf');
    assert.match(String(pdf.headers['content-disposition']), /^attachment; filename="api-radar-report-2026-03-02-\d+\.pdf"$/);
    assert.equal(pdf.body.subarray(0, 5).toString(), '%PDF-');
    assert.equal((await c.call('GET', '/reports/runs/999/pdf')).status, 404);

    const jobs = await c.call('GET', '/jobs');
    assert.deepEqual((jobs.json as { jobs: Array<{ name: string }> }).jobs.map((j) => j.name), ['report-delivery', 'history-retention', 'call-log-retention', 'inventory-lifecycle', 'blocklist-expiry', 'risk-rescoring', 'rollups', 'alert-retry']);
    const ran = await c.call('POST', '/jobs/report-delivery/run');
    assert.deepEqual((ran.json as { outcome: { status: string; message: string } }).outcome.message, '0 sent, 0 to retry, 0 failed');
    const jobRuns = await c.call('GET', '/jobs/report-delivery/runs');
    assert.equal((jobRuns.json as { runs: Array<{ trigger: string }> }).runs[0].trigger, 'manual');
    const off = await c.call('PUT', '/jobs/history-retention', { enabled: false });
    assert.equal((off.json as { job: { enabled: boolean } }).job.enabled, false);
    assert.equal((await c.call('POST', '/jobs/nope/run')).status, 404);

    assert.equal((await c.call('DELETE', `/reports/schedules/${schedule.id}`)).status, 204);
    assert.equal((await c.call('GET', `/reports/schedules/${schedule.id}`)).status, 404);
    assert.equal(((await c.call('GET', '/reports/runs')).json as { runs: unknown[] }).runs.length, 1, 'history stays');
  } finally {
    await svc.close();
    await smtp.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
