// Failed deliveries: a real SMTP server that refuses with 451 makes the run `retrying` with the error in words; the
// retry comes from the kept files after the backoff when the clock moves on; SMTP not configured and a dead server
// are explained; after the last attempt the run is `failed`. "Send now" and retention of old runs with their files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { simpleParser } from 'mailparser';
import { reportWorld, MONDAY } from './report.fixture.ts';
import { RETRY_DELAYS_MS } from '../../../appliance/src/reports/reports.service.ts';

const MIN = 60_000;
const who = { userId: 1, username: 'admin', ip: '127.0.0.1' };

test('a refused delivery is retried with backoff from the same files and then sent', async () => {
  const w = await reportWorld();
  try {
    w.clock.set(MONDAY);
    const s = w.reports.createSchedule({ name: 'daily', enabled: true, frequency: 'daily', timeOfDay: '08:00', weekday: 1, dayOfMonth: 1, language: 'en', recipients: ['soc@example.com'], hosts: [] }, who);
    w.smtp.reject = { code: 451, text: 'Try again later' };
    w.clock.set(MONDAY + 8 * 3600_000 + MIN);
    const first = await w.scheduler.tick();
    assert.equal(first.get('report-delivery')?.message, '0 sent, 1 to retry, 0 failed');
    const run = w.reports.listRuns()[0];
    assert.equal(run.status, 'retrying');
    assert.equal(run.attempts, 1);
    assert.equal(run.errorCode, 'smtp_rejected');
    assert.match(run.error, /refused the message \(451\)\. It may accept it later\./);
    assert.equal(run.nextAttemptAt, w.clock.now() + RETRY_DELAYS_MS[0]);
    assert.ok(existsSync(run.pdfPath) && existsSync(run.htmlPath), 'rendered once, kept for the retry');
    assert.equal(w.schedules.get(s.id)!.nextDueAt, MONDAY + 32 * 3600_000, 'the schedule moved on: the period is not repeated');

    w.smtp.reject = null;
    w.clock.advance(RETRY_DELAYS_MS[0] - MIN);
    await w.scheduler.tick();
    assert.equal(w.reports.getRun(run.id)!.status, 'retrying', 'not before the backoff');
    w.clock.advance(MIN);
    assert.equal((await w.scheduler.tick()).get('report-delivery')?.message, '1 sent, 0 to retry, 0 failed');
    const sent = w.reports.getRun(run.id)!;
    assert.deepEqual([sent.status, sent.attempts, sent.error], ['sent', 2, '']);
    assert.equal(w.smtp.received.length, 1);
    const mail = await simpleParser(w.smtp.received[0].raw);
    assert.equal(mail.subject, run.subject || sent.subject);
    assert.equal(w.reports.listRuns().length, 1, 'no second report for the same period');
  } finally {
    await w.close();
  }
});

test('missing SMTP settings and a dead server are explained; the last attempt fails the run', async () => {
  const w = await reportWorld();
  try {
    w.clock.set(MONDAY);
    const s = w.reports.createSchedule({ name: 'x', enabled: true, frequency: 'weekly', timeOfDay: '09:00', weekday: 3, dayOfMonth: 1, language: 'zh-CN', recipients: ['a@example.com'], hosts: ['shop.example.com'] }, who);
    w.smtpSettings.current = null;
    const manual = await w.reports.sendNow(s.id, who);
    assert.equal(manual?.trigger, 'manual');
    assert.equal(manual?.status, 'retrying');
    assert.equal(manual?.errorCode, 'smtp_not_configured');
    assert.match(manual!.error, /Email is not set up/);
    assert.equal(w.schedules.get(s.id)!.lastPeriodEnd, null, 'send now does not move the schedule');

    const port = w.smtp.port;
    await w.smtp.close();
    w.smtpSettings.current = { host: '127.0.0.1', port, security: 'none', allowSelfSigned: false, username: '', password: '', from: 'radar@example.com', timeoutSeconds: 2 };
    for (const delay of RETRY_DELAYS_MS) {
      w.clock.advance(delay);
      await w.scheduler.tick();
    }
    const failed = w.reports.getRun(manual!.id)!;
    assert.equal(failed.status, 'failed');
    assert.equal(failed.attempts, RETRY_DELAYS_MS.length + 1);
    assert.equal(failed.nextAttemptAt, null);
    assert.equal(failed.errorCode, 'smtp_connect');
    assert.match(failed.error, /^(Nothing accepted a connection at|The connection to) 127\.0\.0\.1:\d+/);
    const jobRun = w.scheduler.history('report-delivery', 1)[0];
    assert.equal(jobRun.status, 'succeeded', 'a failed delivery is the run record\'s business, not a job failure');
    assert.match(jobRun.message, /0 sent, 0 to retry, 1 failed/);

    // Retention removes finished runs older than the retention with their files.
    assert.equal(await w.scheduler.runNow('history-retention').then((o) => o?.status), 'succeeded');
    assert.ok(existsSync(failed.pdfPath));
    w.clock.advance(200 * 24 * 3600_000);
    const out = await w.scheduler.runNow('history-retention');
    assert.match(out!.message, /deleted \d+ job runs and 1 report runs/);
    assert.equal(w.reports.getRun(failed.id), undefined);
    assert.equal(existsSync(failed.pdfPath), false);
    assert.equal(existsSync(failed.htmlPath), false);
  } finally {
    w.smtp.close = async () => {};
    await w.close();
  }
});

test('a recipient the server refuses is named on the run; the others still get the report', async () => {
  const w = await reportWorld();
  try {
    w.clock.set(MONDAY);
    const s = w.reports.createSchedule({ name: 'team', enabled: true, frequency: 'daily', timeOfDay: '08:00', weekday: 1, dayOfMonth: 1, language: 'en', recipients: ['soc@example.com', 'gone@example.com'], hosts: [] }, who);
    w.smtp.refuseRecipients.add('gone@example.com');
    const run = await w.reports.sendNow(s.id, who);
    assert.equal(run?.status, 'sent');
    assert.equal(run?.errorCode, 'smtp_partial');
    assert.match(run!.error, /refused 1 of 2 recipients: gone@example\.com\. The others received the report/);
    assert.deepEqual(w.smtp.received.map((m) => m.to), [['soc@example.com']]);
  } finally {
    await w.close();
  }
});
