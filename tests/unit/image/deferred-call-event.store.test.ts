// Tests of the call log the service opens after it listens (store/events/deferred-call-event.store.ts): calls
// appended before the events database is open reach it in order, queries wait for it, and a failed open is reported
// to every query and counts the held calls as lost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeferredCallEventStore } from '../../../appliance/src/store/events/deferred-call-event.store.ts';
import type { CallColumns } from '../../../appliance/src/store/events/call-columns.ts';
import type { CallEvent, CallEventStore } from '../../../appliance/src/store/events/call-event.types.ts';

/** A store that records what reaches it. */
function recordingStore(): { store: CallEventStore; got: string[]; closed: () => boolean } {
  const got: string[] = [];
  let closed = false;
  const store = {
    stats: { written: 7, flushes: 1, lost: 0, lastFlushMs: 2 },
    append: (events: readonly CallEvent[]) => got.push(...events.map((e) => `event:${e.uri}`)),
    appendColumns: (batch: CallColumns) => got.push(`columns:${batch.length}`),
    pending: () => 0,
    count: () => Promise.resolve(got.length),
    close: () => {
      closed = true;
      return Promise.resolve();
    },
  };
  return { store: store as unknown as CallEventStore, got, closed: () => closed };
}

const event = (uri: string): CallEvent => ({ uri }) as CallEvent;
const columns = (length: number): CallColumns => ({ length, nums: new Float64Array(0), codes: new Uint32Array(0), dict: [] });

test('calls appended before the open reach the store in order; queries wait for it', async () => {
  const deferred = new DeferredCallEventStore();
  const real = recordingStore();
  deferred.append([event('/a'), event('/b')]);
  deferred.appendColumns(columns(3));
  assert.equal(deferred.pending(), 5);
  assert.equal(deferred.stats.written, 0);
  assert.equal(deferred.isOpen(), false);
  let counted: number | null = null;
  const query = deferred.count().then((n) => (counted = n));
  await new Promise((r) => setImmediate(r));
  assert.equal(counted, null, 'a query waits while the store is not open');

  await deferred.open(() => Promise.resolve(real.store));
  await query;
  assert.deepEqual(real.got, ['event:/a', 'event:/b', 'columns:3']);
  assert.equal(counted, 3);
  deferred.append([event('/c')]);
  assert.deepEqual(real.got.at(-1), 'event:/c', 'once open, calls go straight through');
  assert.equal(deferred.stats.written, 7);
  await deferred.close();
  assert.equal(real.closed(), true);
});

test('a failed open rejects every query with its error and counts held and later calls as lost', async () => {
  const deferred = new DeferredCallEventStore();
  deferred.append([event('/a'), event('/b')]);
  const query = deferred.search({} as never);
  await assert.rejects(deferred.open(() => Promise.reject(new Error('migration 9 failed'))), /migration 9 failed/);
  await assert.rejects(query, /migration 9 failed/);
  await assert.rejects(deferred.count(), /migration 9 failed/);
  deferred.appendColumns(columns(4));
  assert.equal(deferred.stats.lost, 6);
  assert.equal(deferred.pending(), 0);
  await deferred.close();
});

test('closing before the open started returns at once; the store opens only once', async () => {
  const deferred = new DeferredCallEventStore();
  await deferred.close();
  await assert.rejects(deferred.open(() => Promise.resolve(recordingStore().store)).then(() => deferred.open(() => Promise.resolve(recordingStore().store))), /already being opened/);
});

test('openWhenUsed opens only when a call is appended or a query needs the store', async () => {
  const deferred = new DeferredCallEventStore();
  const real = recordingStore();
  let opened = 0;
  const ready = deferred.openWhenUsed(() => {
    opened++;
    return Promise.resolve(real.store);
  });
  await new Promise((r) => setImmediate(r));
  assert.equal(opened, 0, 'nothing needed the store yet');
  assert.equal(deferred.isOpening(), false);
  assert.equal(await deferred.count(), 0);
  await ready;
  assert.equal(opened, 1);
  deferred.append([event('/a')]);
  assert.equal(opened, 1);
  assert.deepEqual(real.got, ['event:/a']);
});
