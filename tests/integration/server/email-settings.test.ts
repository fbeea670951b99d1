// Integration test of the email settings through the running service and a real SMTP server (smtp-server) with
// authentication: the password is stored but never returned, `********` keeps it, a test email arrives (in the
// chosen language), and a wrong password or an unreachable server is explained in words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { adminClient, withService } from './service.harness.ts';

test('SMTP settings: stored without echoing the password, test email delivered, failures explained', async () => {
  const received: Buffer[] = [];
  const smtp = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    onAuth(auth, _s, cb) {
      if (auth.username === 'radar' && auth.password === 'S3cret-pass') cb(null, { user: 'radar' });
      else cb(new Error('Invalid username or password'));
    },
    onData(stream, _s, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push(Buffer.concat(chunks));
        cb();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  const port = (smtp.server.address() as AddressInfo).port;
  try {
    await withService(async (svc, _dir, _clock, client) => {
      const admin = await adminClient(svc, client);
      assert.deepEqual((await admin.call('GET', '/api/v1/settings/email')).json, { email: null });
      const settings = { host: '127.0.0.1', port, security: 'none', username: 'radar', password: 'S3cret-pass', from: 'API Radar <radar@bank.example>', timeoutSeconds: 5 };
      const put = await admin.call('PUT', '/api/v1/settings/email', settings);
      assert.equal(put.status, 200, JSON.stringify(put.json));
      assert.equal((put.json as { email: { password: string; passwordSet: boolean } }).email.password, '********');
      const got = JSON.stringify((await admin.call('GET', '/api/v1/settings/email')).json);
      assert.ok(!got.includes('S3cret-pass'), 'the password is never returned');
      // Saving the form again with the mask keeps the stored password.
      await admin.call('PUT', '/api/v1/settings/email', { ...settings, password: '********' });

      const sent = await admin.call('POST', '/api/v1/settings/email/test', { to: ['soc@bank.example'], language: 'zh-CN' });
      assert.equal(sent.status, 200, JSON.stringify(sent.json));
      assert.equal(received.length, 1);
      const mail = await simpleParser(received[0]);
      assert.equal(mail.subject, 'API Radar 测试邮件');
      assert.match(mail.text ?? '', /测试邮件/);

      const wrong = await admin.call('POST', '/api/v1/settings/email/test', { to: ['soc@bank.example'], smtp: { ...settings, password: 'nope' } });
      assert.equal(wrong.status, 422);
      const e = (wrong.json as { error: { code: string; message: string; details: { reason: string } } }).error;
      assert.equal(e.code, 'mail_failed');
      assert.equal(e.details.reason, 'smtp_auth');
      const down = await admin.call('POST', '/api/v1/settings/email/test', { to: ['soc@bank.example'], smtp: { ...settings, port: 1, password: '********' } });
      assert.equal((down.json as { error: { details: { reason: string } } }).error.details.reason, 'smtp_connect');
      assert.equal((await admin.call('POST', '/api/v1/settings/email/test', { to: ['not-an-address'] })).status, 400);
      assert.ok(svc.services.audit.list(20).some((x) => x.action === 'settings.email' && !JSON.stringify(x.detail).includes('S3cret')));
    });
  } finally {
    await new Promise<void>((r) => smtp.close(() => r()));
  }
});
