// The notifier plug-ins against real local receivers: webhook (HMAC over timestamp + raw body, retries with
// exponential backoff on 5xx and network errors, none on 4xx, timeout), syslog over UDP, TCP and TLS (RFC 5424 with
// structured data, CEF with escaping, octet-counting framing) and email through a real SMTP server (both languages,
// HTML escaped). Discovery finds every plug-in folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWebhook, startUdp, startStream, parse5424, parseCef, startSmtp, until } from './receivers.ts';
import { plugin as webhook, type WebhookSettings } from '../../../appliance/src/notifiers/webhook/webhook.notifier.ts';
import { plugin as syslog, type SyslogSettings } from '../../../appliance/src/notifiers/syslog/syslog.notifier.ts';
import { plugin as email } from '../../../appliance/src/notifiers/email/email.notifier.ts';
import { discoverNotifierPlugins, NotifierRegistry } from '../../../appliance/src/notifiers/notifier.registry.ts';
import { NotifierError, type NotifierContext } from '../../../appliance/src/notifiers/notifier.types.ts';
import type { Alert } from '../../../appliance/src/notifiers/alert.types.ts';
import { ensureCertificate } from '../../../appliance/src/server/tls.certificate.ts';

const NOW = Date.UTC(2026, 10, 28, 9, 30);

function ctx(delays: number[] = []): NotifierContext {
  return { version: '0.1.0', publicUrl: 'https://radar.example.com:8443', now: () => NOW, sleep: async (ms) => void delays.push(ms) };
}

const ALERT: Alert = {
  type: 'sqli',
  category: 'attack',
  severity: 'high',
  host: 'api.example.com',
  endpoint: 'GET /v1/orders/{id}',
  client: '203.0.113.7',
  identity: 'sub:alice',
  evidence: 'q=1\' OR "1"="1" | x=y \\ ] <script>alert(1)</script>\nnext',
  count: 12,
  firstSeen: NOW - 60_000,
  lastSeen: NOW - 1000,
  linkPath: '/findings?type=sqli',
};

function webhookSettings(url: string, over: Partial<WebhookSettings> = {}): WebhookSettings {
  return webhook.settings.parse({ url, secret: 's3cret-key', retries: 3, backoffMs: 200, timeoutMs: 500, ...over });
}

test('webhook: JSON body signed with HMAC-SHA256 over "<timestamp>.<raw body>"', async () => {
  const rx = await startWebhook([200]);
  try {
    const r = await webhook.create(webhookSettings(rx.url, { headers: { 'X-Api-Key': 'k1' } }), ctx()).send(ALERT);
    assert.deepEqual(r, { attempts: 1, detail: 'HTTP 200' });
    const hit = rx.hits[0];
    const sig = String(hit.headers['x-api-radar-signature']);
    const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(sig);
    assert.ok(m !== null, sig);
    assert.equal(Number(m[1]), Math.floor(NOW / 1000));
    assert.equal(m[2], createHmac('sha256', 's3cret-key').update(`${m[1]}.${hit.body}`).digest('hex'), 'signature over the exact raw body');
    assert.notEqual(m[2], createHmac('sha256', 'other').update(`${m[1]}.${hit.body}`).digest('hex'));
    assert.equal(hit.headers['x-api-key'], 'k1');
    assert.equal(hit.headers['content-type'], 'application/json');
    const body = JSON.parse(hit.body) as { event: string; alert: Record<string, unknown> };
    assert.equal(body.event, 'alert');
    assert.equal(body.alert.count, 12);
    assert.equal(body.alert.evidence, ALERT.evidence);
    assert.equal(body.alert.url, 'https://radar.example.com:8443/findings?type=sqli');
    assert.equal(body.alert.firstSeen, new Date(NOW - 60_000).toISOString());
  } finally {
    await rx.close();
  }
});

test('webhook: 5xx is retried with exponential backoff until it succeeds; 4xx is not retried', async () => {
  const rx = await startWebhook([503, 500, 200]);
  try {
    const delays: number[] = [];
    const r = await webhook.create(webhookSettings(rx.url), ctx(delays)).send(ALERT);
    assert.equal(r.attempts, 3);
    assert.deepEqual(delays, [200, 400]);
    assert.equal(rx.hits.length, 3);
    assert.equal(new Set(rx.hits.map((h) => h.body)).size, 1, 'the same body each time');
  } finally {
    await rx.close();
  }
  const bad = await startWebhook([401]);
  try {
    const delays: number[] = [];
    await assert.rejects(webhook.create(webhookSettings(bad.url), ctx(delays)).send(ALERT), (e: unknown) => {
      assert.ok(e instanceof NotifierError);
      assert.equal(e.attempts, 1);
      assert.equal(e.transient, false);
      assert.match(e.message, /answered 401; it refused the request: check the secret/);
      return true;
    });
    assert.equal(bad.hits.length, 1, '4xx: one try only');
    assert.deepEqual(delays, []);
  } finally {
    await bad.close();
  }
  const moved = await startWebhook([301]);
  try {
    await assert.rejects(webhook.create(webhookSettings(moved.url), ctx()).send(ALERT), /answered 301 \(a redirect, not followed\)/);
    assert.equal(moved.hits.length, 1);
  } finally {
    await moved.close();
  }
  const down = await startWebhook([500]);
  try {
    const delays: number[] = [];
    await assert.rejects(webhook.create(webhookSettings(down.url, { retries: 2 }), ctx(delays)).send(ALERT), /answered 500 .*Gave up after 3 tries/);
    assert.equal(down.hits.length, 3);
    assert.deepEqual(delays, [200, 400]);
  } finally {
    await down.close();
  }
});

test('webhook: a receiver that never answers times out; a closed port is explained; both are retried', async () => {
  const rx = await startWebhook(['hang']);
  try {
    const t0 = Date.now();
    await assert.rejects(webhook.create(webhookSettings(rx.url, { retries: 1, timeoutMs: 200 }), ctx()).send(ALERT), /did not answer in time\. .*Gave up after 2 tries/);
    assert.ok(Date.now() - t0 < 2000);
    assert.equal(rx.hits.length, 2);
  } finally {
    await rx.close();
  }
  const closed = await startWebhook([200]);
  const url = closed.url;
  await closed.close();
  await assert.rejects(webhook.create(webhookSettings(url, { retries: 1 }), ctx()).send(ALERT), /Nothing accepted a connection at 127\.0\.0\.1:\d+.*Gave up after 2 tries/);
});

function syslogSettings(port: number, over: Partial<SyslogSettings> = {}): SyslogSettings {
  return syslog.settings.parse({ host: '127.0.0.1', port, hostname: 'radar01', facility: 'local4', retries: 1, backoffMs: 10, ...over });
}

test('syslog over UDP: RFC 5424 header, structured data escaped, message text', async () => {
  const rx = await startUdp();
  try {
    await syslog.create(syslogSettings(rx.port), ctx()).send(ALERT);
    await until(() => rx.messages.length === 1);
    const p = parse5424(rx.messages[0]);
    assert.equal(p.pri, 20 * 8 + 3, 'local4.err for high');
    assert.equal(p.version, 1);
    assert.equal(p.timestamp, new Date(NOW).toISOString());
    assert.equal(p.hostname, 'radar01');
    assert.equal(p.appName, 'api-radar');
    assert.equal(p.msgId, 'sqli');
    const sd = p.sd!.get('apiradar@32473')!;
    assert.equal(sd.get('endpoint'), 'GET /v1/orders/{id}');
    assert.equal(sd.get('client'), '203.0.113.7');
    assert.equal(sd.get('count'), '12');
    assert.match(p.msg, /^High: sqli on GET \/v1\/orders\/\{id\} \(api\.example\.com\) from 203\.0\.113\.7 ×12: q=1' OR/);
    assert.ok(p.msg.endsWith('https://radar.example.com:8443/findings?type=sqli'));
  } finally {
    await rx.close();
  }
});

test('syslog over TCP with octet counting: CEF record with header and extension escaping', async () => {
  const rx = await startStream();
  try {
    const n = syslog.create(syslogSettings(rx.port, { transport: 'tcp', format: 'cef' }), ctx());
    await n.send(ALERT);
    await n.send({ ...ALERT, type: 'bola|probe', severity: 'critical', evidence: 'a=b' });
    await until(() => rx.messages.length === 2);
    const p = parse5424(rx.messages[0]);
    assert.equal(p.sd, null);
    const cef = parseCef(p.msg);
    assert.equal(cef.version, 'CEF:0');
    assert.equal(cef.vendor, 'API Radar');
    assert.equal(cef.product, 'API Radar');
    assert.equal(cef.deviceVersion, '0.1.0');
    assert.equal(cef.signatureId, 'sqli');
    assert.equal(cef.severity, '8');
    assert.equal(cef.ext.get('msg'), ALERT.evidence, 'evidence with =, \\, | and a line break survives escaping');
    assert.equal(cef.ext.get('src'), '203.0.113.7');
    assert.equal(cef.ext.get('requestMethod'), 'GET');
    assert.equal(cef.ext.get('request'), '/v1/orders/{id}');
    assert.equal(cef.ext.get('cnt'), '12');
    assert.equal(cef.ext.get('rt'), String(NOW - 1000));
    assert.equal(cef.ext.get('cs1'), 'https://radar.example.com:8443/findings?type=sqli');
    const second = parseCef(parse5424(rx.messages[1]).msg);
    assert.equal(second.signatureId, 'bola|probe', 'a | in the header is escaped');
    assert.equal(second.severity, '10');
    assert.equal(second.ext.get('msg'), 'a=b');
    assert.equal(parse5424(rx.messages[1]).pri, 20 * 8 + 2);
  } finally {
    await rx.close();
  }
});

test('syslog over TLS: trusts the given CA; an unknown certificate is refused in words', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'radar-syslog-tls-'));
  const tls = ensureCertificate(dir, 'localhost');
  const rx = await startStream(tls);
  try {
    const r = await syslog.create(syslogSettings(rx.port, { host: 'localhost', transport: 'tls', caPem: tls.cert.toString() }), ctx()).test();
    assert.equal(r.attempts, 1);
    await until(() => rx.messages.length === 1);
    const p = parse5424(rx.messages[0]);
    assert.equal(p.msgId, 'notifier_test');
    assert.equal(p.pri, 20 * 8 + 6);
    await assert.rejects(syslog.create(syslogSettings(rx.port, { host: 'localhost', transport: 'tls', retries: 0 }), ctx()).send(ALERT), /The TLS connection to localhost:\d+ \(TLS\) failed/);
    assert.equal(rx.messages.length, 1);
  } finally {
    await rx.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('email: text and HTML (values escaped) through a real SMTP server; subject in English or Chinese', async () => {
  const smtp = await startSmtp();
  try {
    const base = { smtp: { host: '127.0.0.1', port: smtp.port, security: 'none', from: 'API Radar <radar@example.com>', timeoutSeconds: 5 }, to: ['soc@example.com'] };
    const en = email.create(email.settings.parse({ ...base, language: 'en' }), ctx());
    const zh = email.create(email.settings.parse({ ...base, language: 'zh-CN' }), ctx());
    await en.send(ALERT);
    await zh.send(ALERT);
    await zh.test();
    en.close();
    zh.close();
    await until(() => smtp.mails.length === 3);
    const [a, b, t] = smtp.mails;
    assert.equal(a.subject, '[API Radar] High: sqli on GET /v1/orders/{id} (api.example.com) from 203.0.113.7 ×12');
    assert.equal(b.subject, '【API Radar】高危：sqli 于 GET /v1/orders/{id} (api.example.com) 来自 203.0.113.7 ×12');
    assert.equal(t.subject, '【API Radar】测试消息');
    assert.match(a.text ?? '', /Evidence: q=1' OR "1"="1" \| x=y \\ \] <script>alert\(1\)<\/script>/);
    assert.match(b.text ?? '', /次数：12/);
    const html = String(a.html);
    assert.ok(!html.includes('<script>'), 'evidence is escaped in HTML');
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(html.includes('<a href="https://radar.example.com:8443/findings?type=sqli">'));
    assert.equal(a.headers.get('x-api-radar-alert'), 'sqli');
    assert.match(t.text ?? '', /API Radar 测试消息/);
  } finally {
    await smtp.close();
  }
  const dead = email.create(email.settings.parse({ smtp: { host: '127.0.0.1', port: 1, security: 'none', from: 'r@example.com', timeoutSeconds: 2 }, to: ['a@example.com'] }), ctx());
  await assert.rejects(dead.send(ALERT), (e: unknown) => e instanceof NotifierError && /127\.0\.0\.1:1 failed or was closed/.test(e.message) && e.transient);
  dead.close();
});

test('the registry discovers one plug-in per folder', async () => {
  const reg = new NotifierRegistry(await discoverNotifierPlugins());
  assert.deepEqual(reg.kinds(), ['email', 'syslog', 'webhook']);
  assert.deepEqual(reg.get('email')!.secretFields, ['smtp.password']);
  assert.throws(() => new NotifierRegistry([webhook, webhook]), /two notifier plug-ins/);
});
