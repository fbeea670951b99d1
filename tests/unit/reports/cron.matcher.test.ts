// Unit tests of the cron matcher and the zoned-time helpers: node-cron expressions matched in the appliance's time
// zone, minute windows, last-day-of-month, DST, and rejected expressions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileCron } from '../../../appliance/src/jobs/cron.matcher.ts';
import { formatZoned, isValidTimeZone, zonedParts, zonedToUtc } from '../../../appliance/src/jobs/zoned.time.ts';

const MIN = 60_000;

test('an expression fires at local time in the given zone, not UTC', () => {
  const c = compileCron('30 8 * * 1');
  const mondayShanghai = zonedToUtc(2026, 3, 2, 8, 30, 'Asia/Shanghai');
  assert.equal(mondayShanghai, Date.UTC(2026, 3 - 1, 2, 0, 30));
  assert.equal(c.matches(mondayShanghai, 'Asia/Shanghai'), true);
  assert.equal(c.matches(mondayShanghai + 59_000, 'Asia/Shanghai'), true, 'anywhere in the minute');
  assert.equal(c.matches(mondayShanghai + MIN, 'Asia/Shanghai'), false);
  assert.equal(c.matches(mondayShanghai, 'UTC'), false);
  assert.equal(c.matches(Date.UTC(2026, 2, 2, 8, 30), 'UTC'), true);
});

test('firesBetween lists minute starts in (from, to], bounded by limit', () => {
  const c = compileCron('*/15 * * * *');
  const t0 = Date.UTC(2026, 0, 1, 0, 0);
  assert.deepEqual(c.firesBetween(t0, t0 + 45 * MIN, 'UTC'), [t0 + 15 * MIN, t0 + 30 * MIN, t0 + 45 * MIN], 'from is exclusive, to inclusive');
  assert.deepEqual(c.firesBetween(t0 - 1, t0 + 20 * MIN, 'UTC', 1), [t0]);
  assert.deepEqual(c.firesBetween(t0 + MIN, t0 + 14 * MIN, 'UTC'), []);
});

test('L is the last day of the month; weekday 7 is Sunday', () => {
  const last = compileCron('0 4 L * *');
  assert.equal(last.matches(Date.UTC(2026, 1, 28, 4, 0), 'UTC'), true, '28 February 2026');
  assert.equal(last.matches(Date.UTC(2028, 1, 28, 4, 0), 'UTC'), false, 'leap year: 29th is last');
  assert.equal(last.matches(Date.UTC(2028, 1, 29, 4, 0), 'UTC'), true);
  assert.equal(compileCron('0 0 * * 7').matches(Date.UTC(2026, 2, 1, 0, 0), 'UTC'), true, '1 March 2026 is a Sunday');
});

test('invalid expressions and second-resolution expressions are refused', () => {
  assert.throws(() => compileCron('not cron'), RangeError);
  assert.throws(() => compileCron('61 * * * *'), RangeError);
  assert.throws(() => compileCron('*/10 * * * * *'.replace(/^\*\/10/, '5')), RangeError, 'fires at second 5 only');
  assert.doesNotThrow(() => compileCron('0 17 3 * * *'));
});

test('zoned time across a DST change (Europe/Berlin, 29 March 2026)', () => {
  assert.equal(isValidTimeZone('Europe/Berlin'), true);
  assert.equal(isValidTimeZone('Mars/Olympus'), false);
  const before = zonedToUtc(2026, 3, 28, 8, 0, 'Europe/Berlin');
  const after = zonedToUtc(2026, 3, 29, 8, 0, 'Europe/Berlin');
  assert.equal(after - before, 23 * 3600_000, 'the DST day is 23 hours long');
  assert.equal(formatZoned(after, 'Europe/Berlin'), '2026-03-29 08:00');
  const gap = zonedToUtc(2026, 3, 29, 2, 30, 'Europe/Berlin');
  assert.equal(zonedParts(gap, 'Europe/Berlin').hour, 3, 'a time in the DST gap moves forward');
  const daily = compileCron('0 8 * * *');
  const fires = daily.firesBetween(before, after, 'Europe/Berlin');
  assert.deepEqual(fires, [after]);
});
