// Tests of the settings forms' pure parts: which time zone the wizard proposes, the zone list offered, and how the
// service's validation issues are mapped to a field and line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialTimeZone, timeZoneChoices } from '../../../ui/src/lib/settings/time-zones.list.ts';
import { fieldIssues } from '../../../ui/src/lib/api/api.errors.ts';
import { ApiError } from '../../../ui/src/lib/api/api.client.ts';

test('the wizard proposes the browser zone while the service has its default; later the stored zone wins', () => {
  assert.equal(initialTimeZone('UTC', 'Asia/Shanghai', true), 'Asia/Shanghai');
  assert.equal(initialTimeZone('Europe/Paris', 'Asia/Shanghai', true), 'Europe/Paris');
  assert.equal(initialTimeZone('UTC', 'Asia/Shanghai', false), 'UTC');
});

test('the zone list is sorted and always holds UTC and the current zone', () => {
  assert.deepEqual(timeZoneChoices(['Europe/Paris', 'Asia/Shanghai'], 'Etc/GMT+3'), ['Asia/Shanghai', 'Etc/GMT+3', 'Europe/Paris', 'UTC']);
});

test('validation issues name the field and the 1-based line of list entries', () => {
  const err = new ApiError('validation_failed', 400, 'Some fields are invalid.', [
    { path: 'watch.2', message: 'not a host, address or network' },
    { path: 'bpf', message: 'no control characters' },
    'junk',
  ]);
  assert.deepEqual(fieldIssues(err), [
    { field: 'watch', line: 3, message: 'not a host, address or network' },
    { field: 'bpf', line: null, message: 'no control characters' },
  ]);
  assert.deepEqual(fieldIssues(new ApiError('forbidden', 403, 'no')), []);
  assert.deepEqual(fieldIssues(new Error('x')), []);
});
