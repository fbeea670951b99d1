// The alert dispatcher over a real SQLite file and a real webhook receiver, with time moved by a ManualClock: a flood
// becomes one message with a count after the window, the minimum severity filters per channel, the per-minute limit
// ends in a summary, failures are recorded in words with their tries, channel changes apply at once and secrets
// stay write-only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStateDatabase, type StateDatabase } from '../../../appliance/src/store/sqlite/state.database.ts';
import { NotifierChannelsRepository } from '../../../appliance/src/store/sqlite/notifier-channels.repository.ts';
import { AuditRepository } from '../../../appliance/src/store/sqlite/audit.repository.ts';
import { ManualClock } from '../../../appliance/src/store/clock.repository.ts';
import { AlertDispatcher } from '../../../appliance/src/notifiers/alert-dispatcher.service.ts';
import { NotifierChannelsService, SECRET_MASK } from '../../../appliance/src/notifiers/notifier-channels.service.ts';
import { NotifierRegistry } from '../../../appliance/src/notifiers/notifier.registry.ts';
import { plugin as webhook } from '../../../appliance/src/notifiers/webhook/webhook.notifier.ts';
import { plugin as syslog } from '../../../appliance/src/notifiers/syslog/syslog.notifier.ts';
import type { Alert } from '../../../appliance/src/notifiers/alert.types.ts';
import type { Principal } from '../../../appliance/src/services/auth.service.ts';
import { ApiError } from '../../../appliance/src/errors/error.catalogue.ts';
import { startWebhook } from './receivers.ts';

const ADMIN = { userId: 1, username: 'admin', role: 'admin', csrfToken: '', sessionId: '' } as unknown as Principal;

interface Env {
  db: StateDatabase;
  clock: ManualClock;
  repo: NotifierChannelsRepository;
  alerts: AlertDispatcher;
  channels: NotifierChannelsService;
}

async function withEnv(fn: (e: Env) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'radar-alerts-'));
  const db = openStateDatabase(join(dir, 'state.sqlite'));
  const clock = new ManualClock(Date.UTC(2026, 10, 28, 9));
  const repo = new NotifierChannelsRepository(db);
  const registry = new NotifierRegistry([webhook, syslog]);
  const alerts = new AlertDispatcher(repo, registry, clock, { version: '0.1.0', publicUrl: 'https://radar.test', sleep: async () => {} });
  const channels = new NotifierChannelsService(repo, registry, alerts, new AuditRepository(db), clock);
  try {
    await fn({ db, clock, repo, alerts, channels });
  } finally {
    await alerts.idle();
    alerts.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function alert(clock: ManualClock, over: Partial<Alert> = {}): Alert {
  return { type: 'credential_stuffing', category: 'abuse', severity: 'high', host: 'api.example.com', endpoint: 'POST /login', client: '198.51.100.9', identity: '', evidence: 'login failures', count: 1, firstSeen: clock.now(), lastSeen: clock.now(), linkPath: '/findings', ...over };
}

test('a flood of one type+endpoint+client becomes one webhook message with a count after the window', async () => {
  const rx = await startWebhook([200]);
  try {
    await withEnv(async ({ clock, alerts, channels, repo }) => {
      const ch = channels.create({ name: 'soc', kind: 'webhook', enabled: true, minSeverity: 'medium', groupWindowSeconds: 60, maxPerMinute: 20, settings: { url: rx.url, secret: 'k' } }, ADMIN, '127.0.0.1');
      for (let i = 0; i < 500; i++) {
        await alerts.dispatch(alert(clock, { evidence: `failure ${i}` }));
        clock.advance(50);
      }
      await alerts.dispatch(alert(clock, { severity: 'low' }));
      assert.equal(rx.hits.length, 0, 'nothing before the window ends');
      clock.set(Date.UTC(2026, 10, 28, 9) + 60_000);
      await alerts.pump();
      assert.equal(rx.hits.length, 1);
      const body = JSON.parse(rx.hits[0].body) as { alert: { count: number; evidence: string; url: string } };
      assert.equal(body.alert.count, 500, 'the low-severity alert is below the channel minimum');
      assert.equal(body.alert.evidence, 'failure 499');
      assert.equal(body.alert.url, 'https://radar.test/findings');
      const d = repo.deliveries(10, ch.id);
      assert.equal(d.length, 1);
      assert.equal(d[0].status, 'sent');
      assert.equal(d[0].count, 500);
      assert.equal(d[0].attempts, 1);
      assert.equal(d[0].detail, 'HTTP 200');
    });
  } finally {
    await rx.close();
  }
});

test('the per-minute limit folds the rest into one summary message; the next minute sends it', async () => {
  const rx = await startWebhook([200]);
  try {
    await withEnv(async ({ clock, alerts, channels, repo }) => {
      const ch = channels.create({ name: 'soc', kind: 'webhook', enabled: true, minSeverity: 'info', groupWindowSeconds: 0, maxPerMinute: 3, settings: { url: rx.url } }, ADMIN, '127.0.0.1');
      for (let i = 0; i < 10; i++) await alerts.dispatch(alert(clock, { client: `198.51.100.${i}` }));
      assert.equal(rx.hits.length, 3, 'three messages in the minute, the other seven held back');
      assert.equal(alerts.pending(ch.id), 7);
      clock.advance(30_000);
      await alerts.pump();
      assert.equal(rx.hits.length, 3, 'still the same minute');
      clock.advance(31_000);
      await alerts.dispatch(alert(clock, { client: '203.0.113.1' }));
      assert.equal(rx.hits.length, 5, 'a new minute: the new alert and the summary');
      const events = rx.hits.map((h) => JSON.parse(h.body) as { event: string; alert: { count: number; evidence: string } });
      assert.deepEqual(events.map((e) => e.event), ['alert', 'alert', 'alert', 'alert', 'summary']);
      assert.equal(events[4].alert.count, 7);
      assert.match(events[4].alert.evidence, /^7 alerts in 7 groups were held back by the limit of 3 messages a minute/);
      assert.equal(alerts.pending(ch.id), 0);
      const kinds = repo.deliveries(10, ch.id).map((d) => d.kind).reverse();
      assert.deepEqual(kinds, ['alert', 'alert', 'alert', 'alert', 'summary']);
    });
  } finally {
    await rx.close();
  }
});

test('failed deliveries are recorded with tries and the reason in words; disabled channels get nothing', async () => {
  const rx = await startWebhook([503]);
  try {
    await withEnv(async ({ clock, alerts, channels, repo }) => {
      const ch = channels.create({ name: 'flaky', kind: 'webhook', enabled: true, minSeverity: 'info', groupWindowSeconds: 0, maxPerMinute: 20, settings: { url: rx.url, retries: 2 } }, ADMIN, '127.0.0.1');
      await alerts.dispatch(alert(clock));
      const [d] = repo.deliveries(10, ch.id);
      assert.equal(d.status, 'failed');
      assert.equal(d.attempts, 3);
      assert.equal(d.error, 'The receiver answered 503 (a server-side problem). Gave up after 3 tries.');
      assert.match(d.detail, /^HTTP 503/);
      rx.plan.splice(0, rx.plan.length, 200);
      const again = await alerts.retry(d.id);
      assert.equal(again?.status, 'sent', 'a failed delivery can be sent again');
      assert.equal(again?.retryOf, d.id);
      assert.equal(again?.count, d.count);
      assert.deepEqual(JSON.parse(rx.hits[rx.hits.length - 1].body).alert.type, 'credential_stuffing');
      await assert.rejects(alerts.retry(again!.id), /only failed deliveries/);
      assert.equal(await alerts.retry(9999), undefined);
      rx.plan.splice(0, rx.plan.length, 503);
      const test = await alerts.sendTest(ch.id);
      clock.advance(91 * 86_400_000);
      assert.equal(channels.pruneDeliveries(90 * 86_400_000), 3, 'old delivery records are pruned (alert, its retry, test)');
      assert.deepEqual(repo.deliveries(10, ch.id), []);
      assert.equal(test?.kind, 'test');
      assert.equal(test?.status, 'failed');
      channels.update(ch.id, { name: 'flaky', kind: 'webhook', enabled: false, minSeverity: 'info', groupWindowSeconds: 0, maxPerMinute: 20, settings: { url: rx.url } }, ADMIN, '127.0.0.1');
      const before = rx.hits.length;
      await alerts.dispatch(alert(clock));
      assert.equal(rx.hits.length, before, 'a disabled channel is skipped');
    });
  } finally {
    await rx.close();
  }
});

test('channel secrets are write-only: masked on read, kept when the mask is sent back, replaced otherwise', async () => {
  await withEnv(async ({ channels, repo }) => {
    const ch = channels.create({ name: 'hook', kind: 'webhook', enabled: true, minSeverity: 'high', groupWindowSeconds: 30, maxPerMinute: 5, settings: { url: 'https://hooks.example.com/x', secret: 'top-secret', headers: { 'X-Api-Key': 'key-123' } } }, ADMIN, '127.0.0.1');
    assert.equal(ch.settings.secret, SECRET_MASK);
    assert.deepEqual(ch.settings.headers, { 'X-Api-Key': SECRET_MASK }, 'header values are secrets too');
    assert.equal(JSON.stringify(channels.list()).includes('top-secret'), false);
    channels.update(ch.id, { name: 'hook2', kind: 'webhook', enabled: true, minSeverity: 'high', groupWindowSeconds: 30, maxPerMinute: 5, settings: { ...ch.settings } }, ADMIN, '127.0.0.1');
    assert.equal(repo.get(ch.id)!.settings.secret, 'top-secret', 'the mask keeps the stored secret');
    assert.deepEqual(repo.get(ch.id)!.settings.headers, { 'X-Api-Key': 'key-123' });
    assert.equal(repo.get(ch.id)!.name, 'hook2');
    channels.update(ch.id, { name: 'hook2', kind: 'webhook', enabled: true, minSeverity: 'high', groupWindowSeconds: 30, maxPerMinute: 5, settings: { ...ch.settings, secret: 'new-secret' } }, ADMIN, '127.0.0.1');
    assert.equal(repo.get(ch.id)!.settings.secret, 'new-secret');
    assert.throws(() => channels.create({ name: 'bad', kind: 'webhook', enabled: true, minSeverity: 'high', groupWindowSeconds: 0, maxPerMinute: 1, settings: { url: 'ftp://x' } }, ADMIN, ''), (e: unknown) => e instanceof ApiError && e.code === 'validation_failed' && JSON.stringify(e.details).includes('settings.url'));
    assert.throws(() => channels.create({ name: 'bad', kind: 'pager', enabled: true, minSeverity: 'high', groupWindowSeconds: 0, maxPerMinute: 1, settings: {} }, ADMIN, ''), (e: unknown) => e instanceof ApiError && e.code === 'validation_failed');
    assert.throws(() => channels.create({ name: 'hook2', kind: 'syslog', enabled: true, minSeverity: 'high', groupWindowSeconds: 0, maxPerMinute: 1, settings: { host: 'siem' } }, ADMIN, ''), (e: unknown) => e instanceof ApiError && e.code === 'conflict');
    assert.throws(() => channels.update(ch.id, { name: 'hook2', kind: 'syslog', enabled: true, minSeverity: 'high', groupWindowSeconds: 0, maxPerMinute: 1, settings: { host: 'siem' } }, ADMIN, ''), (e: unknown) => e instanceof ApiError && e.code === 'validation_failed' && JSON.stringify(e.details).includes('cannot change'));
    channels.remove(ch.id, ADMIN, '');
    assert.equal(repo.list().length, 0);
  });
});

test('failed alert deliveries are retried on their own after 1, 5 and 30 minutes, then left for a manual retry', async () => {
  const rx = await startWebhook([503]);
  try {
    await withEnv(async ({ clock, alerts, channels, repo }) => {
      const ch = channels.create({ name: 'down', kind: 'webhook', enabled: true, minSeverity: 'info', groupWindowSeconds: 0, maxPerMinute: 20, settings: { url: rx.url, retries: 0 } }, ADMIN, '127.0.0.1');
      await alerts.dispatch(alert(clock));
      const [first] = repo.deliveries(10, ch.id);
      assert.equal(first.status, 'failed');
      assert.deepEqual(await channels.retryDue(), { retried: 0, sent: 0, failed: 0 }, 'not before the first delay');
      clock.advance(60_000);
      assert.deepEqual(await channels.retryDue(), { retried: 1, sent: 0, failed: 1 });
      assert.deepEqual(await channels.retryDue(), { retried: 0, sent: 0, failed: 0 }, 'a delivery is retried once per due time');
      clock.advance(4 * 60_000);
      assert.equal((await channels.retryDue()).retried, 0, 'the second retry waits 5 minutes');
      clock.advance(60_000);
      assert.equal((await channels.retryDue()).retried, 1);
      clock.advance(30 * 60_000);
      assert.equal((await channels.retryDue()).retried, 1);
      clock.advance(24 * 3_600_000 - 60_000);
      assert.equal((await channels.retryDue()).retried, 0, 'after three automatic retries the delivery stays failed');
      const chain = repo.deliveries(10, ch.id);
      assert.equal(chain.length, 4);
      assert.deepEqual(chain.map((d) => d.retryOf), [chain[1].id, chain[2].id, first.id, null]);

      // A receiver that comes back gets the alert at the next due retry; a disabled channel waits.
      await alerts.dispatch(alert(clock, { type: 'brute_force' }));
      const [second] = repo.deliveries(1, ch.id);
      assert.equal(second.status, 'failed');
      channels.update(ch.id, { name: 'down', kind: 'webhook', enabled: false, minSeverity: 'info', groupWindowSeconds: 0, maxPerMinute: 20, settings: { url: rx.url, retries: 0 } }, ADMIN, '127.0.0.1');
      clock.advance(60_000);
      assert.equal((await channels.retryDue()).retried, 0, 'disabled channel: no retry');
      channels.update(ch.id, { name: 'down', kind: 'webhook', enabled: true, minSeverity: 'info', groupWindowSeconds: 0, maxPerMinute: 20, settings: { url: rx.url, retries: 0 } }, ADMIN, '127.0.0.1');
      rx.plan.splice(0, rx.plan.length, 200);
      assert.deepEqual(await channels.retryDue(), { retried: 1, sent: 1, failed: 0 });
      const [sent] = repo.deliveries(1, ch.id);
      assert.equal(sent.retryOf, second.id);
      assert.equal(JSON.parse(rx.hits[rx.hits.length - 1].body).alert.type, 'brute_force');
    });
  } finally {
    await rx.close();
  }
});

test('alerts waiting in a grouping window or held back by the limit survive restarts of the dispatcher', async () => {
  const rx = await startWebhook([200]);
  try {
    await withEnv(async ({ db, clock, alerts, channels, repo }) => {
      const t0 = clock.now();
      const restart = (): AlertDispatcher => new AlertDispatcher(new NotifierChannelsRepository(db), new NotifierRegistry([webhook, syslog]), clock, { version: '0.1.0', publicUrl: '', sleep: async () => {} });
      const id = channels.create({ name: 'soc', kind: 'webhook', enabled: true, minSeverity: 'medium', groupWindowSeconds: 60, maxPerMinute: 1, settings: { url: rx.url, secret: 'k' } }, ADMIN, '127.0.0.1').id;
      for (let i = 0; i < 30; i++) {
        await alerts.dispatch(alert(clock, { evidence: `failure ${i}` }));
        clock.advance(1000);
      }
      await alerts.dispatch(alert(clock, { type: 'brute_force', client: '203.0.113.7' }));
      clock.set(t0 + 60_000);
      await alerts.pump();
      await alerts.idle();
      assert.equal(rx.hits.length, 1, 'the first group at the end of its window');
      assert.equal((JSON.parse(rx.hits[0].body) as { alert: { count: number } }).alert.count, 30);
      // The service stops (a restart, or a kill after the last save): a new dispatcher reads the waiting group back.
      const second = restart();
      assert.equal(second.pending(id), 1);
      clock.set(t0 + 90_000);
      await second.pump();
      assert.equal(rx.hits.length, 1, 'the limit remembers the message sent before the restart: the group is held back');
      assert.equal((repo.pendingOf(id) as { folded: unknown[] }).folded.length, 1);
      const third = restart();
      try {
        assert.equal(third.pending(id), 1, 'what the limit held back survives another restart');
        clock.set(t0 + 121_000);
        await third.pump();
        await third.idle();
        assert.equal(rx.hits.length, 2);
        const summary = JSON.parse(rx.hits[1].body) as { alert: { type: string; count: number; evidence: string } };
        assert.equal(summary.alert.type, 'alert_summary');
        assert.equal(summary.alert.count, 1);
        assert.match(summary.alert.evidence, /1× brute_force POST \/login from 203\.0\.113\.7/);
        third.close();
        const left = repo.pendingOf(id) as { open: unknown[]; folded: unknown[] };
        assert.deepEqual([left.open.length, left.folded.length], [0, 0], 'nothing left waiting');
      } finally {
        second.close();
        third.close();
      }
    });
  } finally {
    await rx.close();
  }
});
