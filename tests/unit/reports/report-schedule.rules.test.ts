// Unit tests of report schedule rules: next due time (daily, weekly, monthly) in the appliance's time zone, the
// period of a due report, and the schedule schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextDueAfter, periodFor, previousDue, ReportScheduleSchema } from '../../../appliance/src/reports/report-schedule.rules.ts';
import { zonedToUtc } from '../../../appliance/src/jobs/zoned.time.ts';

const TZ = 'Asia/Shanghai';
const local = (y: number, m: number, d: number, h: number, mi: number) => zonedToUtc(y, m, d, h, mi, TZ);
const base = { timeOfDay: '08:00', weekday: 1, dayOfMonth: 1 };

test('daily: today at the time when still ahead, else tomorrow', () => {
  const s = { ...base, frequency: 'daily' as const };
  assert.equal(nextDueAfter(s, local(2026, 3, 2, 7, 59), TZ), local(2026, 3, 2, 8, 0));
  assert.equal(nextDueAfter(s, local(2026, 3, 2, 8, 0), TZ), local(2026, 3, 3, 8, 0), 'strictly after');
  assert.equal(nextDueAfter(s, local(2026, 12, 31, 23, 0), TZ), local(2027, 1, 1, 8, 0));
});

test('weekly: the next chosen weekday; monthly: the chosen day, rolling over the year', () => {
  const w = { ...base, frequency: 'weekly' as const, weekday: 5 };
  assert.equal(nextDueAfter(w, local(2026, 3, 2, 9, 0), TZ), local(2026, 3, 6, 8, 0), 'Monday → Friday');
  assert.equal(nextDueAfter(w, local(2026, 3, 6, 8, 30), TZ), local(2026, 3, 13, 8, 0));
  const m = { ...base, frequency: 'monthly' as const, dayOfMonth: 28, timeOfDay: '23:45' };
  assert.equal(nextDueAfter(m, local(2026, 2, 28, 23, 45), TZ), local(2026, 3, 28, 23, 45));
  assert.equal(nextDueAfter(m, local(2026, 12, 29, 0, 0), TZ), local(2027, 1, 28, 23, 45));
});

test('the period runs from the last report, or one period back for the first', () => {
  const w = { ...base, frequency: 'weekly' as const };
  const due = local(2026, 3, 2, 8, 0);
  assert.equal(previousDue(w, due, TZ), local(2026, 2, 23, 8, 0));
  assert.equal(previousDue({ ...base, frequency: 'monthly' }, local(2026, 1, 1, 8, 0), TZ), local(2025, 12, 1, 8, 0));
  assert.deepEqual(periodFor({ ...w, lastPeriodEnd: null }, due, TZ), { start: local(2026, 2, 23, 8, 0), end: due });
  const missed = local(2026, 2, 9, 8, 0);
  assert.deepEqual(periodFor({ ...w, lastPeriodEnd: missed }, due, TZ), { start: missed, end: due }, 'a missed week is covered, not lost');
});

test('the schema rejects bad times, recipients and days, and fills defaults', () => {
  const ok = ReportScheduleSchema.parse({ name: ' Weekly ', frequency: 'weekly', timeOfDay: '07:30', language: 'zh-CN', recipients: ['a@example.com'] });
  assert.deepEqual([ok.name, ok.enabled, ok.weekday, ok.dayOfMonth, ok.hosts], ['Weekly', true, 1, 1, []]);
  for (const bad of [{ timeOfDay: '24:00' }, { timeOfDay: '7:30' }, { recipients: [] }, { recipients: ['not-an-address'] }, { recipients: ['a@b.c>, x@y.z'] }, { dayOfMonth: 31 }, { language: 'fr' }]) {
    assert.equal(ReportScheduleSchema.safeParse({ name: 'x', frequency: 'monthly', timeOfDay: '07:30', language: 'en', recipients: ['a@example.com'], ...bad }).success, false, JSON.stringify(bad));
  }
});
