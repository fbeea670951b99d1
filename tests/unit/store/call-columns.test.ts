// Unit tests of the columnar call-log batch: rows survive the round trip through columns (nulls, lists, shared and
// attacker-controlled strings), the builder grows past its capacity and starts a fresh dictionary per batch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deserialize, serialize } from 'node:v8';
import { CallColumnsBuilder, fromCallColumns, toCallColumns } from '../../../appliance/src/store/events/call-columns.ts';
import type { CallEvent } from '../../../appliance/src/store/events/call-event.types.ts';

const row = (i: number, o: Partial<CallEvent> = {}): CallEvent => ({
  tsUs: 1_700_000_000_000_000 + i * 1000, source: 'upload:1', clientIp: `10.0.0.${i % 3}`, clientPort: 40000 + i, serverIp: '10.9.0.1', serverPort: 443,
  host: 'api.example.com', method: 'GET', uri: `/v1/items/${i}?q="<b>"`, template: '/v1/items/{id}', status: 200, requestBytes: 300, responseBytes: 2000 + i,
  latencyUs: 1500.5, authScheme: 'jwt', identity: `sub:u${i % 2}`, userAgent: 'curl/8', sensitiveTypes: [], sensitiveCount: 0, detections: [], severity: 0, flags: 0, ...o,
});

test('rows round-trip through columns, including nulls, lists and the empty string', () => {
  const rows = [
    row(0),
    row(1, { status: null, latencyUs: null, sensitiveTypes: ['email', 'phone'], sensitiveCount: 3, detections: ['sqli'], severity: 4, identity: '', template: '' }),
    row(2, { flags: 5, uri: '/ünïcødé/😀' }),
  ];
  const cols = toCallColumns(rows);
  assert.equal(cols.length, 3);
  assert.deepEqual(fromCallColumns(cols), rows);
  // Shared strings are stored once.
  assert.equal(cols.dict.filter((s) => s === 'api.example.com').length, 1);
  // The batch survives the IPC channel's serialisation.
  assert.deepEqual(fromCallColumns(deserialize(serialize(cols)) as typeof cols), rows);
});

test('the builder grows past its capacity and each take starts a new batch', () => {
  const b = new CallColumnsBuilder(2);
  const first = Array.from({ length: 5 }, (_, i) => row(i));
  for (const r of first) b.add(r);
  const one = b.take();
  assert.equal(one.length, 5);
  b.add(row(9, { host: 'other.example.com' }));
  const two = b.take();
  assert.deepEqual(fromCallColumns(one), first);
  assert.deepEqual(fromCallColumns(two), [row(9, { host: 'other.example.com' })]);
  assert.ok(!two.dict.includes('/v1/items/0?q="<b>"'), 'the second batch has its own dictionary');
  assert.equal(b.take().length, 0);
});
