// Tests of the call detail view's pure parts: capture flag names (every name has a message in both catalogues),
// severity names by rank, attacker-view links with hostile values encoded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { callFlags, severityName, traceLink } from '../../../ui/src/components/calls/call.detail.ts';
import { TxFlag } from '../../../appliance/src/engine/transaction.types.ts';
import { en } from '../../../ui/src/lib/i18n/en.ts';
import { zhCN } from '../../../ui/src/lib/i18n/zh-CN.ts';

test('capture flags are named in bit order and every name is translated', () => {
  assert.deepEqual(callFlags(0), []);
  assert.deepEqual(callFlags(TxFlag.NoResponse | TxFlag.Gap), ['Gap', 'NoResponse']);
  const every = callFlags(2 ** 11 - 1);
  assert.equal(every.length, Object.keys(TxFlag).length);
  for (const name of every) {
    const key = `call.flag.${name}`;
    assert.ok(key in en && key in zhCN, key);
  }
});

test('severity ranks map to names, unknown ranks to null', () => {
  assert.deepEqual([1, 2, 3, 4, 5].map(severityName), ['info', 'low', 'medium', 'high', 'critical']);
  assert.equal(severityName(0), null);
  assert.equal(severityName(9), null);
});

test('attacker-view links encode what came from traffic', () => {
  assert.equal(traceLink({ ip: '10.0.0.1' }), '/threats/trace?ip=10.0.0.1');
  assert.equal(traceLink({ identity: 'sub:<a>&x=1' }), '/threats/trace?identity=sub%3A%3Ca%3E%26x%3D1');
});
