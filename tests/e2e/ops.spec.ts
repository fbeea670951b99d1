// The operations pages in a real browser, after the wizard spec: a webhook channel pointing at a local HTTP receiver
// (send test arrives, signed with the secret, which an edit keeps as ********), a policy (a field error shown under
// its field, then saved with the channel and a block action), the block list (add, rotated export token fetching the
// plain export, remove), and a report schedule sent now — first without email set up (the failure in words), then
// through a real SMTP server (smtp-server) with the HTML preview in a sandboxed frame. Every page is screenshotted in
// both languages (test-results/screenshots/ops-*).
import { test, expect } from '@playwright/test';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { SHOTS, csrf, signIn } from './e2e.helpers.ts';

interface Hook {
  headers: IncomingHttpHeaders;
  body: string;
}

const HOOK_SECRET = 'e2e-hook-secret';

test('channels, policies, the block list and report schedules work from the dashboard', async ({ page }) => {
  test.setTimeout(150_000);
  page.on('dialog', (d) => void d.accept());
  const hooks: Hook[] = [];
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hooks.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const hookPort = (receiver.address() as AddressInfo).port;
  const mails: string[][] = [];
  const smtp = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    onData(stream, session, cb) {
      stream.resume();
      stream.on('end', () => {
        mails.push(session.envelope.rcptTo.map((r) => r.address));
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const smtpPort = (smtp.server.address() as AddressInfo).port;

  try {
    await signIn(page);
    await page.getByTestId('language-header').selectOption('en');

    // notifications: a webhook channel from the kind's schema, "send test" arrives at the receiver
    await page.getByTestId('nav-notifications').click();
    await expect(page).toHaveURL(/\/notifications$/);
    await page.getByTestId('channel-new').click();
    await page.getByTestId('channel-kind').selectOption('webhook');
    await page.getByTestId('channel-name').fill('SOC webhook');
    await page.getByTestId('setting-url').fill(`http://127.0.0.1:${hookPort}/hook`);
    await page.getByTestId('setting-secret').fill(HOOK_SECRET);
    await page.getByTestId('setting-retries').fill('0');
    await page.screenshot({ path: `${SHOTS}/ops-channel-form.png`, fullPage: true });
    await page.getByTestId('channel-save').click();
    await expect(page.getByTestId('channel-row')).toHaveCount(1);
    await expect(page.getByTestId('channel-row')).toContainText(`http://127.0.0.1:${hookPort}/hook`);

    // editing keeps the secret shown as ********
    await page.getByTestId('channel-edit').click();
    await expect(page.getByTestId('setting-secret')).toHaveValue('********');
    await expect(page.getByTestId('secret-kept')).toBeVisible();
    await page.getByTestId('channel-severity').selectOption('high');
    await page.getByTestId('channel-save').click();
    await expect(page.getByTestId('channel-row')).toContainText('High');

    await page.getByTestId('channel-test').click();
    await expect(page.getByTestId('channel-test-result')).toContainText('delivered (1 try)');
    expect(hooks).toHaveLength(1);
    const sig = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(hooks[0].headers['x-api-radar-signature']));
    expect(sig).not.toBeNull();
    expect(sig![2]).toBe(createHmac('sha256', HOOK_SECRET).update(`${sig![1]}.${hooks[0].body}`).digest('hex'));
    expect((JSON.parse(hooks[0].body) as { event: string }).event).toBe('test');
    await expect(page.getByTestId('delivery-row').first()).toContainText('sent');
    await page.screenshot({ path: `${SHOTS}/ops-notifications.png`, fullPage: true });

    // policies: built-in ones listed; a bad client line is shown under its field; then saved
    await page.getByTestId('nav-policies').click();
    await expect(page.getByTestId('policy-builtin').first()).toBeVisible();
    const before = await page.getByTestId('policy-row').count();
    await page.getByTestId('policy-new').click();
    await page.getByTestId('policy-name').fill('Deletes from outside');
    await page.getByTestId('cond-methods').fill('delete');
    await page.getByTestId('cond-clients').fill('198.51.100.0/24\nnot-an-address');
    await page.getByTestId('act-raise-severity').selectOption('high');
    await page.getByTestId('act-notify').check();
    await page.getByTestId('act-block-on').check();
    await page.getByTestId('act-block-minutes').fill('45');
    await page.getByTestId('policy-save').click();
    const clientsField = page.getByTestId('cond-clients').locator('..');
    await expect(clientsField.getByTestId('field-problem')).toContainText('line 2');
    await page.screenshot({ path: `${SHOTS}/ops-policy-error.png`, fullPage: true });
    await page.getByTestId('cond-clients').fill('198.51.100.0/24');
    // "test this policy" replays the stored calls through the draft before it is saved
    await page.getByTestId('preview-hours').selectOption('168');
    await page.getByTestId('preview-run').click();
    await expect(page.getByTestId('preview-result')).toContainText('calls replayed; the policy would have fired on');
    await page.screenshot({ path: `${SHOTS}/ops-policy-preview.png`, fullPage: true });
    await page.getByTestId('policy-save').click();
    await expect(page.getByTestId('policy-row')).toHaveCount(before + 1);
    const policies = ((await (await page.request.get('/api/v1/policies')).json()) as { policies: Array<{ name: string; conditions: Record<string, unknown>; actions: Record<string, unknown> }> }).policies;
    const mine = policies.find((p) => p.name === 'Deletes from outside')!;
    expect(mine.conditions.methods).toEqual(['DELETE']);
    expect(mine.conditions.clients).toEqual(['198.51.100.0/24']);
    expect(mine.actions.block).toEqual({ minutes: 45 });
    expect((mine.actions.notify as number[]).length).toBe(1);
    await expect(page.getByTestId('policy-row').last()).toContainText('block 45 min');
    await page.screenshot({ path: `${SHOTS}/ops-policies.png`, fullPage: true });

    // block list: add, export with a rotated token, remove
    await page.getByTestId('nav-blocklist').click();
    await page.getByTestId('bl-value').fill('203.0.113.9');
    await page.getByTestId('bl-reason').fill('scanner <b>seen</b>');
    await page.getByTestId('bl-add').click();
    await expect(page.getByTestId('bl-row')).toHaveCount(1);
    await expect(page.getByTestId('bl-row')).toContainText('scanner <b>seen</b>');
    await page.getByTestId('bl-rotate').click();
    const token = (await page.getByTestId('bl-token').textContent())!.trim();
    expect(token).toMatch(/^rbl_/);
    await expect(page.getByTestId('bl-curl-plain')).toContainText(`Authorization: Bearer ${token}`);
    const plainUrl = (await page.getByTestId('bl-url-plain').textContent())!.trim();
    const exported = await page.request.get(plainUrl, { headers: { Authorization: `Bearer ${token}` } });
    expect(exported.status()).toBe(200);
    expect(await exported.text()).toContain('203.0.113.9');
    await page.screenshot({ path: `${SHOTS}/ops-blocklist.png`, fullPage: true });
    await page.getByTestId('bl-remove').click();
    await expect(page.getByTestId('bl-empty')).toBeVisible();
    expect(await (await page.request.get(plainUrl, { headers: { Authorization: `Bearer ${token}` } })).text()).not.toContain('203.0.113.9');

    // reports: a schedule; "send now" without email set up explains why, then through a real SMTP server
    // The wizard walk may already have stored email settings and a schedule: point email at a closed port first, so
    // the first "send now" fails in words whatever came before.
    const closed = await page.request.put('/api/v1/settings/email', {
      headers: { 'X-CSRF-Token': await csrf(page) },
      data: { host: '127.0.0.1', port: 1, security: 'none', from: 'radar@example.com', timeoutSeconds: 3 },
    });
    expect(closed.status()).toBe(200);
    await page.getByTestId('nav-reports').click();
    await expect(page.getByTestId('schedule-new')).toBeVisible();
    const schedulesBefore = await page.getByTestId('schedule-row').count();
    await page.getByTestId('schedule-new').click();
    await page.getByTestId('schedule-name').fill('Weekly posture');
    await page.getByTestId('schedule-recipients').fill('soc@example.com\nciso@example.com');
    await page.getByTestId('schedule-save').click();
    await expect(page.getByTestId('schedule-row')).toHaveCount(schedulesBefore + 1);
    const row = page.getByTestId('schedule-row').filter({ hasText: 'Weekly posture' });
    await row.getByTestId('schedule-send').click();
    await expect(page.getByTestId('schedule-send-result')).toContainText('127.0.0.1:1', { timeout: 60_000 });
    const put = await page.request.put('/api/v1/settings/email', {
      headers: { 'X-CSRF-Token': await csrf(page) },
      data: { host: '127.0.0.1', port: smtpPort, security: 'none', from: 'radar@example.com' },
    });
    expect(put.status()).toBe(200);
    await row.getByTestId('schedule-send').click();
    await expect(page.getByTestId('schedule-send-result')).toContainText('Sent', { timeout: 60_000 });
    expect(mails).toEqual([['soc@example.com', 'ciso@example.com']]);
    const runs = page.getByTestId('run-row');
    await expect(runs.first().getByTestId('run-status')).toHaveText('sent');
    await expect(runs.nth(1).getByTestId('run-outcome')).toContainText('127.0.0.1:1');
    await runs.first().getByTestId('run-preview').click();
    const frame = page.getByTestId('run-frame');
    await expect(frame).toHaveAttribute('sandbox', '');
    await expect(page.frameLocator('[data-testid="run-frame"]').locator('body')).toContainText('API Radar');
    const pdfHref = await runs.first().getByTestId('run-pdf').getAttribute('href');
    const pdf = await page.request.get(pdfHref!);
    expect(pdf.headers()['content-type']).toContain('application/pdf');
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
    await page.screenshot({ path: `${SHOTS}/ops-reports.png`, fullPage: true });

    // the same pages in 简体中文 and the dark theme
    await page.getByTestId('language-header').selectOption('zh-CN');
    await page.getByTestId('theme').click();
    for (const name of ['policies', 'blocklist', 'notifications', 'reports']) {
      await page.getByTestId(`nav-${name}`).click();
      await expect(page.locator('h1')).not.toBeEmpty();
      await page.waitForLoadState('networkidle');
      await page.screenshot({ path: `${SHOTS}/ops-${name}-zh-dark.png`, fullPage: true });
    }
    await expect(page.locator('h1')).toHaveText('报告');
    await page.getByTestId('theme').click();
  } finally {
    receiver.close();
    smtp.close();
  }
});
