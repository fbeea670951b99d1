// The "how it is judged" for scheduled reports: a real SMTP server receives the reports the scheduler sends
// when a ManualClock is moved past the schedule time (no waiting). Checks the subject, both languages, the HTML part
// (charts as cid images, traffic text escaped), the PDF attachment's text (pdftotext) and that the figures equal what
// the data source reports for the same period. Writes screenshots of the rendered report and of the PDF's first page
// to test-results/reports/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { reportWorld, MONDAY } from './report.fixture.ts';
import { withReportBrowser } from '../../../appliance/src/reports/report-browser.renderer.ts';
import { REPORT_LIST_LIMIT } from '../../../appliance/src/reports/report-data.source.ts';

const OUT = 'test-results/reports';
const MIN = 60_000;

function pdfText(pdf: Buffer, dir: string, name: string): string {
  const file = join(dir, `${name}.pdf`);
  writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

test('a weekly zh-CN and a daily English schedule are delivered by scheduler.tick() with the clock past 08:00', async () => {
  const w = await reportWorld();
  try {
    w.clock.set(MONDAY - 6 * 24 * 3600_000);
    const who = { userId: 1, username: 'admin', ip: '127.0.0.1' };
    const weekly = w.reports.createSchedule({ name: '周报', enabled: true, frequency: 'weekly', timeOfDay: '08:00', weekday: 1, dayOfMonth: 1, language: 'zh-CN', recipients: ['ciso@example.com'], hosts: [] }, who);
    w.clock.set(MONDAY - 15 * 3600_000);
    const daily = w.reports.createSchedule({ name: 'Daily shop', enabled: true, frequency: 'daily', timeOfDay: '08:00', weekday: 1, dayOfMonth: 1, language: 'en', recipients: ['soc@example.com', 'ops@example.com'], hosts: ['shop.example.com'] }, who);
    assert.equal(weekly.nextDueAt, MONDAY + 8 * 3600_000, 'weekly: next Monday 08:00 Shanghai');

    // 07:59 local on Monday: nothing is due yet.
    w.clock.set(MONDAY + 8 * 3600_000 - MIN);
    assert.equal((await w.scheduler.tick()).get('report-delivery')?.message, '0 sent, 0 to retry, 0 failed');
    assert.equal(w.reports.listRuns().length, 0);
    const before = w.smtp.received.length;

    w.clock.set(MONDAY + 8 * 3600_000 + 5 * MIN);
    const outcome = await w.scheduler.tick();
    assert.equal(outcome.get('report-delivery')?.status, 'succeeded');
    const fresh = w.smtp.received.slice(before);
    assert.equal(fresh.length, 2, 'one weekly (zh-CN) and one daily (en) message');

    const runs = w.reports.listRuns(10);
    const weeklyRun = runs.find((r) => r.scheduleId === weekly.id)!;
    const dailyRun = runs.find((r) => r.scheduleId === daily.id)!;
    assert.equal(weeklyRun.status, 'sent');
    assert.equal(weeklyRun.attempts, 1);
    assert.deepEqual([weeklyRun.periodStart, weeklyRun.periodEnd], [MONDAY + 8 * 3600_000 - 7 * 24 * 3600_000, MONDAY + 8 * 3600_000]);
    assert.equal(dailyRun.status, 'sent');
    assert.equal(w.schedules.get(weekly.id)!.nextDueAt, MONDAY + 8 * 3600_000 + 7 * 24 * 3600_000);

    const mails = await Promise.all(fresh.map((m) => simpleParser(m.raw, { keepCidLinks: true })));
    const zh = mails.find((m) => m.headers.get('x-api-radar-report') === String(weeklyRun.id)) as ParsedMail;
    const en = mails.find((m) => m.headers.get('x-api-radar-report') === String(dailyRun.id)) as ParsedMail;
    assert.ok(zh !== undefined && en !== undefined);

    // Figures from the data source for the same periods and scopes.
    const zhData = w.reports.data({ start: weeklyRun.periodStart, end: weeklyRun.periodEnd }, { hosts: [] });
    const enData = w.reports.data({ start: dailyRun.periodStart, end: dailyRun.periodEnd }, { hosts: ['shop.example.com'] });
    assert.equal(zhData.posture.openFindings, 5);
    assert.equal(zhData.changes.newFindingCount, 4);
    assert.equal(zhData.changes.newEndpointCount, 2);
    assert.equal(zhData.changes.newSensitiveFieldCount, 3);
    assert.equal(zhData.posture.likelySuccess, 1);
    assert.equal(enData.changes.newFindingCount, 1, 'daily shop scope: only the credential stuffing of Sunday');
    assert.ok(zhData.topFindings.length <= REPORT_LIST_LIMIT);
    const login = { host: 'shop.example.com', method: 'POST', path: '/v1/login', before: 10, after: 18 };
    assert.deepEqual(zhData.changes.riskMovers, [login], 'risk movers: the login endpoint gained the abuse points in the week');
    assert.deepEqual(enData.changes.riskMovers, [login]);

    assert.equal(zh.subject, `API Radar 每周报告 2026-02-23 – 2026-03-02：未处理发现 ${zhData.posture.openFindings} 个，新增 ${zhData.changes.newFindingCount} 个`);
    assert.equal(en.subject, `API Radar daily report 2026-03-01 – 2026-03-02: ${enData.posture.openFindings} open findings, ${enData.changes.newFindingCount} new`);
    assert.deepEqual(fresh.find((m) => m.to.includes('soc@example.com'))!.to.sort(), ['ops@example.com', 'soc@example.com']);

    for (const [mail, data, lang] of [[zh, zhData, 'zh-CN'], [en, enData, 'en']] as const) {
      const html = String(mail.html);
      assert.match(html, new RegExp(`<html lang="${lang}">`));
      assert.doesNotMatch(html, /<script/i, 'no script element, traffic text escaped');
      assert.doesNotMatch(html, /<img src=x/i);
      assert.doesNotMatch(html, /<svg/i, 'email charts are images, not inline SVG');
      const cids = [...html.matchAll(/src="cid:([^"]+)"/g)].map((m) => m[1]).sort();
      assert.deepEqual(cids, ['chart-attackers@api-radar', 'chart-sensitive@api-radar', 'chart-severity@api-radar']);
      for (const cid of cids) {
        const a = mail.attachments.find((x) => x.cid === cid);
        assert.ok(a !== undefined && a.contentType === 'image/png' && a.content.subarray(1, 4).toString() === 'PNG', `inline PNG for ${cid}`);
      }
      const pdf = mail.attachments.find((a) => a.contentType === 'application/pdf');
      assert.ok(pdf !== undefined && pdf.content.subarray(0, 5).toString() === '%PDF-');
      assert.match(String(pdf.filename), /^api-radar-report-2026-03-02-\d+\.pdf$/);
      const text = pdfText(pdf.content, w.dir, lang);
      const textPart = String(mail.text);
      if (lang === 'zh-CN') {
        assert.match(text, /API Radar 安全报告/);
        assert.match(text, /安全态势概览/);
        assert.match(textPart, new RegExp(`未处理发现: ${data.posture.openFindings}\\n`));
        assert.match(textPart, new RegExp(`新增敏感字段: ${data.changes.newSensitiveFieldCount}\\n`));
        assert.match(text, /身份证/, 'sensitive type names in Chinese');
      } else {
        assert.match(text, /API Radar security report/);
        assert.match(text, /Posture summary/);
        assert.match(textPart, new RegExp(`Open findings: ${data.posture.openFindings}\\n`));
        assert.match(textPart, new RegExp(`New findings: ${data.changes.newFindingCount}\\n`));
        assert.doesNotMatch(text, /admin\.example\.com/, 'scope keeps other hosts out');
      }
      // Every listed finding type and new endpoint path appears in the PDF; evidence is masked there too.
      for (const f of data.topFindings) assert.ok(text.includes(f.type), `${lang} PDF lists ${f.type}`);
      assert.match(text, lang === 'zh-CN' ? /风险变化最大的接口（1）/ : /Risk movers \(1\)/);
      assert.match(text, /\+8/, `${lang} PDF shows the risk change`);
      assert.match(textPart, /POST shop\.example\.com\/v1\/login 10 → 18/);
      for (const e of data.changes.newEndpoints) assert.ok(text.replace(/\s+/g, '').includes(e.path.replace(/\s+/g, '').slice(0, 20)), `${lang} PDF lists ${e.path}`);
      assert.doesNotMatch(text, /6222021234567890123/, 'card number in evidence masked');
      assert.doesNotMatch(html, /6222021234567890123/);
      assert.doesNotMatch(html, /eyJhbGciOiJIUzI1NiJ9eyJzdWIiOiIxMjM0NTY3ODkwIn0abcdef/, 'token in evidence cut');
      // Posture tile figures: the number printed right before its label in the PDF's layout text.
      const label = lang === 'zh-CN' ? '未处理发现' : 'Open findings';
      assert.ok(text.includes(String(data.posture.openFindings)) && text.includes(label));
    }
    assert.match(String(zh.html), /&lt;script&gt;alert\(1\)&lt;\/script&gt;/, 'the hostile path is shown as text');

    // The same files are what the history serves.
    assert.match(w.reports.runHtml(weeklyRun.id)!, /<svg /, 'preview keeps inline SVG charts');
    assert.equal(w.reports.runPdf(weeklyRun.id)!.content.subarray(0, 5).toString(), '%PDF-');

    // Screenshots to look at: the rendered report and the PDF's first page.
    mkdirSync(OUT, { recursive: true });
    await withReportBrowser(async (b) => {
      writeFileSync(join(OUT, 'report-zh-CN.png'), await b.screenshot(w.reports.runHtml(weeklyRun.id)!));
      writeFileSync(join(OUT, 'report-en.png'), await b.screenshot(w.reports.runHtml(dailyRun.id)!));
    });
    writeFileSync(join(OUT, 'report-zh-CN.pdf'), w.reports.runPdf(weeklyRun.id)!.content);
    execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', join(OUT, 'report-zh-CN.pdf'), join(OUT, 'report-zh-CN-pdf-page1')]);
    assert.ok(existsSync(join(OUT, 'report-zh-CN-pdf-page1.png')));
    assert.ok(readFileSync(join(OUT, 'report-zh-CN.png')).length > 10_000);

    // The job run was recorded.
    const jr = w.scheduler.history('report-delivery', 5)[0];
    assert.equal(jr.status, 'succeeded');
    assert.match(jr.message, /^2 sent, 0 to retry, 0 failed$/);
  } finally {
    await w.close();
  }
});
