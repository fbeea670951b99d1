// Unit tests of the fast path's JSON key counter: values read in place (strings, escaped strings, numbers),
// distinct values per type, validation when due, values of an unseen length validated one by one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JsonKeyCounter } from '../../../appliance/src/analyzers/sensitive/json-key.counter.ts';
import type { CountedKey } from '../../../appliance/src/analyzers/sensitive/field-profile.learner.ts';
import { SensitiveScanner } from '../../../appliance/src/analyzers/sensitive/sensitive.scanner.ts';

const scanner = new SensitiveScanner();

function key(leaf: string, type: string, minLength: number, maxLength: number, validateEvery = 1): CountedKey {
  return { direction: 'response', fieldKey: `s|json|${leaf}`, leaf, field: `data[].${leaf}`, type, minLength, maxLength, validateEvery, sinceValidated: validateEvery, rangeMissSince: validateEvery, index: 0 };
}

function count(counter: JsonKeyCounter, body: string): number[] {
  const counts: number[] = [];
  const b = Buffer.from(body, 'utf8');
  counter.count(b, b.length, counts, scanner);
  return counts.slice(0, counter.keys.length);
}

test('counts distinct values of each key: strings, escaped strings and numbers; other keys and empty values are ignored', () => {
  const c = new JsonKeyCounter([key('mobile', 'cn_mobile', 11, 19), key('mail', 'email', 10, 30)]);
  const body = JSON.stringify({
    data: [
      { mobile: '13812345678', mail: 'li.lei@example.cn', other: '13900000000' },
      { mobile: 13912345678, mail: 'han\u002fmei@example.cn' },
      { mobile: '13812345678', mail: '' },
      { mobile: null, mail: 'li.lei@example.cn' },
    ],
  }).replace('han/mei', 'han\\/mei');
  assert.deepEqual(count(c, body), [2, 2]);
});

test('a value counted for a type is not counted again under another key of the same type', () => {
  const c = new JsonKeyCounter([key('phone', 'cn_mobile', 11, 11), key('mobile', 'cn_mobile', 11, 11)]);
  assert.deepEqual(count(c, '{"phone":"13812345678","mobile":"13812345678","x":{"mobile":"13912345678"}}'), [1, 1]);
});

test('look-alikes in a known key count nothing when validation is due; values of an unseen length are validated', () => {
  const c = new JsonKeyCounter([key('mail', 'email', 17, 17)]);
  assert.deepEqual(count(c, '{"a":[{"mail":"not an address ok"},{"mail":"still not one!!!!"}]}'), [0], 'validation fails: the key counts 0');
  assert.deepEqual(count(c, '{"a":[{"mail":"a@b.cn"},{"mail":"x"},{"mail":"some.longer.one@example.com"}]}'), [2], 'shorter and longer valid values');
  assert.equal(c.keys[0].minLength, 6);
  assert.equal(c.keys[0].maxLength, 27);
});

test('between validations, values in the learned range are counted by shape; a failed out-of-range validation waits validateEvery messages', () => {
  const c = new JsonKeyCounter([key('mail', 'email', 10, 30, 4)]);
  assert.deepEqual(count(c, '{"mail":"li.lei@example.cn"}'), [1], 'validated (due at start)');
  assert.deepEqual(count(c, '{"mail":"not-an-email-at-all"}'), [1], 'not due: counted by length');
  assert.deepEqual(count(c, '{"mail":"bad"}'), [0], 'out of range, validated, fails');
  assert.deepEqual(count(c, '{"mail":"x@y.cn"}'), [0], 'out of range right after a failure: skipped');
  assert.ok(c.skippedValues >= 1);
});

test('counters sharing leaves (one compiled pattern and one distinct-value table for all) count each message on its own', () => {
  const a = new JsonKeyCounter([key('email', 'email', 10, 30), key('phone', 'cn_mobile', 11, 11)]);
  const b = new JsonKeyCounter([key('phone', 'cn_mobile', 11, 11), key('email', 'email', 10, 30)]);
  const body1 = '{"data":[{"email":"li.lei@example.cn","phone":"13812345678"},{"email":"han.mei@example.cn","phone":"13812345678"}]}';
  const body2 = '{"data":[{"email":"li.lei@example.cn","phone":"13912345678"}]}';
  assert.deepEqual(count(a, body1), [2, 1]);
  assert.deepEqual(count(b, body1), [1, 2], 'the same values in another counter are new for its message');
  assert.deepEqual(count(a, body2), [1, 1], 'values of the previous message are forgotten');
  assert.deepEqual(count(b, body2), [1, 1]);
  assert.deepEqual(count(a, body1), [2, 1], 'a message counted again counts the same');
});
