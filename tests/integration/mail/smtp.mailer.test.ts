// Tests of the SMTP mailer against a real SMTP server (smtp-server) on 127.0.0.1: delivery with attachments, auth
// failures and unreachable servers explained.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { createMailer, MailError } from '../../../appliance/src/mail/smtp.mailer.ts';

interface Received {
  raw: Buffer;
  user: string | undefined;
}

async function startSmtp(opts: { requireAuth?: boolean } = {}): Promise<{ port: number; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    secure: false,
    disabledCommands: opts.requireAuth === true ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: opts.requireAuth !== true,
    allowInsecureAuth: true,
    onAuth(auth, _session, cb) {
      if (auth.username === 'radar' && auth.password === 'right') cb(null, { user: auth.username });
      else cb(new Error('Invalid username or password'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({ raw: Buffer.concat(chunks), user: session.user === undefined ? undefined : String(session.user) });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

test('delivers text, HTML and attachments (inline image by cid and a PDF) to a real SMTP server', async () => {
  const smtp = await startSmtp();
  try {
    const mailer = createMailer({ host: '127.0.0.1', port: smtp.port, security: 'none', allowSelfSigned: false, username: '', password: '', from: 'API Radar <radar@example.com>', timeoutSeconds: 5 });
    const receipt = await mailer.send({
      to: ['soc@example.com', 'ciso@example.com'],
      subject: 'API Radar 周报',
      text: '纯文本',
      html: '<p>报告</p><img src="cid:chart1">',
      attachments: [
        { filename: 'chart.png', content: Buffer.from([0x89, 0x50, 0x4e, 0x47]), contentType: 'image/png', cid: 'chart1' },
        { filename: 'report.pdf', content: Buffer.from('%PDF-1.4\n'), contentType: 'application/pdf' },
      ],
      headers: { 'X-API-Radar-Report': 'weekly' },
    });
    mailer.close();
    assert.deepEqual(receipt.accepted.sort(), ['ciso@example.com', 'soc@example.com']);
    assert.equal(smtp.received.length, 1);
    const parsed = await simpleParser(smtp.received[0].raw);
    assert.equal(parsed.subject, 'API Radar 周报');
    assert.equal(parsed.text?.trim(), '纯文本');
    assert.match(smtp.received[0].raw.toString('latin1'), /src=3D"cid:chart1"|src="cid:chart1"/, 'the HTML refers to the inline image by cid');
    assert.match(String(parsed.html), /<p>报告<\/p>/);
    assert.equal(parsed.headers.get('x-api-radar-report'), 'weekly');
    const names = parsed.attachments.map((a) => a.filename).sort();
    assert.deepEqual(names, ['chart.png', 'report.pdf']);
    assert.equal(parsed.attachments.find((a) => a.filename === 'chart.png')?.cid, 'chart1');
  } finally {
    await smtp.close();
  }
});

test('wrong credentials become smtp_auth, not retried; right ones deliver', async () => {
  const smtp = await startSmtp({ requireAuth: true });
  try {
    const base = { host: '127.0.0.1', port: smtp.port, security: 'none' as const, allowSelfSigned: false, from: 'radar@example.com', timeoutSeconds: 5 };
    const bad = createMailer({ ...base, username: 'radar', password: 'wrong' });
    await assert.rejects(bad.send({ to: ['a@example.com'], subject: 's', text: 't' }), (err: unknown) => {
      assert.ok(err instanceof MailError);
      assert.equal(err.code, 'smtp_auth');
      assert.equal(err.transient, false);
      assert.match(err.message, /user name or password/);
      return true;
    });
    bad.close();
    const good = createMailer({ ...base, username: 'radar', password: 'right' });
    await good.verify();
    await good.send({ to: ['a@example.com'], subject: 's', text: 't' });
    good.close();
    assert.equal(smtp.received.length, 1);
    assert.equal(smtp.received[0].user, 'radar');
  } finally {
    await smtp.close();
  }
});

test('a closed port becomes smtp_connect and is transient', async () => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const mailer = createMailer({ host: '127.0.0.1', port, security: 'none', allowSelfSigned: false, username: '', password: '', from: 'radar@example.com', timeoutSeconds: 5 });
  await assert.rejects(mailer.verify(), (err: unknown) => {
    assert.ok(err instanceof MailError);
    assert.equal(err.code, 'smtp_connect');
    assert.equal(err.transient, true);
    assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
    return true;
  });
  mailer.close();
});
