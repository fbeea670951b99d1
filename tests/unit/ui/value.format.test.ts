// Tests of the UI's value formatting and form helpers: counts and bytes in both locales, times, one entry per line,
// and counter rates (the wizard's moving receive counters).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatCount, formatTime, parseLines, ratePerSecond } from '../../../ui/src/lib/format/value.format.ts';

test('counts and bytes are grouped and scaled', () => {
  assert.equal(formatCount(1234567, 'en'), '1,234,567');
  assert.equal(formatCount(12.345, 'en'), '12.3');
  assert.equal(formatBytes(512, 'en'), '512 B');
  assert.equal(formatBytes(1536, 'en'), '1.5 KiB');
  assert.equal(formatBytes(5 * 1024 ** 3, 'zh-CN'), '5 GiB');
});

test('times are formatted in the locale and bad input gives an empty string', () => {
  assert.match(formatTime('2026-11-28T10:02:03Z', 'en'), /2026/);
  assert.match(formatTime(Date.parse('2026-11-28T10:02:03Z'), 'zh-CN'), /2026/);
  assert.equal(formatTime(null, 'en'), '');
  assert.equal(formatTime('not a date', 'en'), '');
});

test('lines are trimmed, blank ones dropped and duplicates removed', () => {
  assert.deepEqual(parseLines(' a.example.com \r\n\n10.0.0.0/8\na.example.com\n  '), ['a.example.com', '10.0.0.0/8']);
  assert.deepEqual(parseLines(''), []);
});

test('counter rates are per second and never negative', () => {
  assert.equal(ratePerSecond(100, 300, 2000), 100);
  assert.equal(ratePerSecond(300, 100, 2000), 0);
  assert.equal(ratePerSecond(100, 200, 0), 0);
});
