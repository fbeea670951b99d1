// Run-once walk of the first-run wizard in a real browser against a fresh service: the token from the console file,
// the admin account (signed in automatically), time zone and NTP with the management network, the capture
// interface on `lo` with its moving counters and the traffic check (no packets, then HTTP from a local server), the
// storage settings, the review and "Start capture", landing on the dashboard with the capture running. Then the
// overview with a hostile capture, the settings page (start/stop) and sign-out. Both languages and both themes are
// exercised and every step is screenshotted (test-results/screenshots/).
import { test, expect } from '@playwright/test';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN, SHOTS, generatedCapture, smtpReceiver, uploadCapture } from './e2e.helpers.ts';

test.use({ timezoneId: 'Asia/Shanghai' });

/** A plain HTTP server on loopback, and a loop of requests to it with a recognisable Host, for the traffic check. */
async function localApi(): Promise<{ port: number; server: Server; stop: () => void }> {
  const server = createServer((req, res) => {
    res.setHeader('Content-Type', 'application/json');
    res.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const timer = setInterval(() => {
    const r = httpRequest({ host: '127.0.0.1', port, path: '/api/v1/orders?page=1', headers: { Host: 'shop.example' } }, (res) => res.resume());
    r.on('error', () => undefined);
    r.end();
  }, 100);
  return { port, server, stop: () => { clearInterval(timer); server.close(); } };
}

test('the wizard turns a fresh appliance into a capturing sensor an admin lands on', async ({ page }) => {
  test.setTimeout(240_000);
  let dialogs = 0;
  page.on('dialog', (d) => {
    dialogs++;
    void d.dismiss();
  });
  const token = readFileSync(join('tmp/e2e-data', 'setup-token'), 'utf8').trim();
  await page.goto('/');
  await expect(page).toHaveURL(/\/setup\/welcome$/);
  await expect(page.getByTestId('progress')).toContainText('1');
  await page.getByTestId('language').selectOption('zh-CN');
  await expect(page.getByRole('heading', { name: '设置 API Radar' })).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/wizard-1-welcome-zh.png`, fullPage: true });
  await page.getByTestId('language').selectOption('en');
  await expect(page.getByRole('heading', { name: 'Set up API Radar' })).toBeVisible();

  await page.getByTestId('setup-token').fill('not-the-token');
  await page.getByTestId('next').click();
  await expect(page.getByRole('alert')).toContainText('not valid');

  await page.getByTestId('setup-token').fill(token);
  await page.getByTestId('next').click();
  await expect(page).toHaveURL(/\/setup\/admin$/);
  await page.getByTestId('admin-username').fill(ADMIN.username);
  await page.getByTestId('admin-password').fill('short');
  await expect(page.getByTestId('next')).toBeDisabled();
  await expect(page.getByTestId('strength')).toContainText('too weak');
  await page.getByTestId('admin-password').fill(ADMIN.password);
  await page.getByTestId('admin-confirm').fill(ADMIN.password);
  await expect(page.getByTestId('strength')).toContainText('strong');
  await page.screenshot({ path: `${SHOTS}/wizard-2-admin.png`, fullPage: true });

  // back and forward keep the wizard coherent
  await page.goBack();
  await expect(page).toHaveURL(/\/setup\/welcome$/);
  await page.goForward();
  await expect(page).toHaveURL(/\/setup\/admin$/);
  await page.getByTestId('admin-password').fill(ADMIN.password);
  await page.getByTestId('admin-confirm').fill(ADMIN.password);
  await page.getByTestId('next').click();

  // setup is closed and the admin is signed in: the wizard goes on with the session
  await expect(page).toHaveURL(/\/setup\/system$/);
  await expect(page.getByTestId('sign-out')).toBeVisible();
  expect((await page.request.post('/api/v1/setup/verify-token', { data: { token } })).status()).toBe(410);
  await expect(page.getByTestId('progress')).toHaveText('Step 3 of 8');
  await expect(page.getByTestId('timezone')).toHaveValue('Asia/Shanghai');
  await expect(page.getByTestId('origin')).toHaveText(new URL(page.url()).origin);
  await page.getByTestId('ntp').fill('ntp.example.com\nnot a server!');
  await page.getByTestId('next').click();
  await expect(page.getByTestId('field-issues')).toContainText('NTP servers, line 2');
  await page.getByTestId('ntp').fill('ntp.aliyun.com\ncn.pool.ntp.org');
  await page.screenshot({ path: `${SHOTS}/wizard-3-system.png`, fullPage: true });
  await page.getByTestId('next').click();

  // capture: lo's receive counter moves (the page's own polling crosses loopback), then the traffic check
  await expect(page).toHaveURL(/\/setup\/capture$/);
  const rx = page.getByTestId('iface-rx-lo');
  const first = await rx.textContent();
  await expect(rx).not.toHaveText(first ?? '', { timeout: 10_000 });
  await page.getByTestId('iface-lo').check();
  await page.getByTestId('bpf').fill('tcp port 9');
  await page.getByTestId('probe').click();
  await expect(page.getByTestId('probe-verdict')).toContainText('No packet arrived', { timeout: 40_000 });
  await expect(page.getByTestId('probe-verdict')).toContainText('mirror (SPAN) session');
  await page.screenshot({ path: `${SHOTS}/wizard-4-capture-no-traffic.png`, fullPage: true });

  const api = await localApi();
  try {
    await page.getByTestId('bpf').fill(`tcp port ${api.port}`);
    await page.getByTestId('probe').click();
    await expect(page.getByTestId('probe-verdict')).toContainText('HTTP traffic arrives', { timeout: 40_000 });
    await expect(page.getByTestId('probe-hosts')).toContainText('shop.example');
  } finally {
    api.stop();
  }
  await page.screenshot({ path: `${SHOTS}/wizard-4-capture-traffic.png`, fullPage: true });
  await page.getByTestId('bpf').fill('tcp');
  await page.getByTestId('watch').fill('not a host!');
  await page.getByTestId('next').click();
  await expect(page.getByTestId('field-issues')).toContainText('Hosts and networks to watch, line 1');
  await page.getByTestId('watch').fill('');
  await page.getByTestId('ignore').fill('health.example.com\n192.0.2.0/24');
  await page.getByTestId('next').click();

  // declared specs are optional: none uploaded, the step is skipped
  await expect(page).toHaveURL(/\/setup\/specs$/);
  await expect(page.getByTestId('specs-empty')).toBeVisible();
  await expect(page.getByTestId('next')).toHaveText('Skip');
  await page.screenshot({ path: `${SHOTS}/wizard-5-specs.png`, fullPage: true });
  await page.getByTestId('next').click();

  // email: a wrong password is refused with the reason in words, the right one delivers the test email to a real
  // SMTP server, and a weekly report schedule is created
  await expect(page).toHaveURL(/\/setup\/email$/);
  const smtp = await smtpReceiver();
  try {
    await page.getByTestId('smtp-host').fill('127.0.0.1');
    await page.getByTestId('smtp-security').selectOption('none');
    await page.getByTestId('smtp-port').fill(String(smtp.port));
    await page.getByTestId('smtp-from').fill('API Radar <radar@example.com>');
    await page.getByTestId('smtp-username').fill('radar');
    await page.getByTestId('smtp-password').fill('wrong-password');
    await page.getByTestId('email-recipients').fill('secops@example.com');
    await page.getByTestId('email-test').click();
    await expect(page.getByTestId('email-test-error')).toContainText('refused the user name or password', { timeout: 20_000 });
    await page.getByTestId('smtp-password').fill('Mail-Pass-1');
    await page.getByTestId('email-test').click();
    await expect(page.getByTestId('email-test-result')).toContainText('secops@example.com', { timeout: 20_000 });
    await expect.poll(() => smtp.mails.length).toBe(1);
    expect(smtp.mails[0].subject).toBe('API Radar test email');
    expect(smtp.mails[0].to && !Array.isArray(smtp.mails[0].to) ? smtp.mails[0].to.text : '').toContain('secops@example.com');
  } finally {
    smtp.close();
  }
  await page.getByTestId('schedule-frequency').selectOption('weekly');
  await page.getByTestId('schedule-weekday').selectOption('1');
  await page.getByTestId('schedule-time').fill('07:30');
  await page.getByTestId('schedule-language').selectOption('zh-CN');
  await page.getByTestId('language-header').selectOption('zh-CN');
  await page.screenshot({ path: `${SHOTS}/wizard-6-email-zh.png`, fullPage: true });
  await page.getByTestId('language-header').selectOption('en');
  await page.getByTestId('next').click();
  await expect(page).toHaveURL(/\/setup\/storage$/);
  const email = (await (await page.request.get('/api/v1/settings/email')).json()) as { email: { host: string; password: string; passwordSet: boolean } };
  expect(email.email).toMatchObject({ host: '127.0.0.1', password: '********', passwordSet: true });
  const schedules = (await (await page.request.get('/api/v1/reports/schedules')).json()) as { schedules: Array<{ frequency: string; timeOfDay: string; language: string; recipients: string[] }> };
  expect(schedules.schedules).toHaveLength(1);
  expect(schedules.schedules[0]).toMatchObject({ frequency: 'weekly', timeOfDay: '07:30', language: 'zh-CN', recipients: ['secops@example.com'] });
  // back to the email step: the stored password is kept as ******** and the schedule is listed, not created twice
  await page.goBack();
  await expect(page.getByTestId('schedules')).toContainText('07:30');
  await expect(page.getByTestId('smtp-password')).toHaveValue('********');
  await expect(page.getByTestId('schedule-create')).not.toBeChecked();
  await page.getByTestId('next').click();

  // storage: raw values stay off unless asked, with a warning when turned on
  await expect(page).toHaveURL(/\/setup\/storage$/);
  await page.getByTestId('retention-days').fill('14');
  await page.getByTestId('retention-gib').fill('2');
  await page.getByTestId('store-raw').check();
  await expect(page.getByTestId('raw-warning')).toContainText('Warning');
  await page.getByTestId('language-header').selectOption('zh-CN');
  await page.screenshot({ path: `${SHOTS}/wizard-7-storage-zh.png`, fullPage: true });
  await page.getByTestId('language-header').selectOption('en');
  await page.getByTestId('store-raw').uncheck();
  await page.getByTestId('next').click();

  // review shows what the service stored; back and forward work; start lands on the dashboard
  await expect(page).toHaveURL(/\/setup\/review$/);
  await expect(page.getByTestId('review-timezone')).toHaveText('Asia/Shanghai');
  await expect(page.getByTestId('review-iface')).toHaveText('lo');
  await expect(page.getByTestId('review-days')).toHaveText('14');
  await expect(page.getByTestId('review-raw')).toHaveText('no');
  await expect(page.getByTestId('review-specs')).toHaveText('none');
  await expect(page.getByTestId('review-smtp')).toContainText('127.0.0.1');
  await expect(page.getByTestId('review-schedules')).toContainText('Weekly report (07:30) → secops@example.com');
  await page.screenshot({ path: `${SHOTS}/wizard-8-review.png`, fullPage: true });
  await page.goBack();
  await expect(page).toHaveURL(/\/setup\/storage$/);
  await expect(page.getByTestId('retention-days')).toHaveValue('14');
  await page.goForward();
  await expect(page).toHaveURL(/\/setup\/review$/);
  const capture = (await (await page.request.get('/api/v1/settings/capture')).json()) as { capture: { enabled: boolean; ignore: string[] } };
  expect(capture.capture).toMatchObject({ enabled: false, ignore: ['health.example.com', '192.0.2.0/24'] });
  await page.getByTestId('start-capture').click();

  await expect(page).toHaveURL(/\/$/, { timeout: 20_000 }); // starting capture spawns the capture process
  await expect(page.getByTestId('signed-in-as')).toContainText(`${ADMIN.username} (admin)`);
  await expect(page.getByTestId('capture-state')).toContainText('Capturing · lo', { timeout: 15_000 });
  const info = await page.request.get('/api/v1/system/info');
  await expect(page.getByTestId('version')).toHaveText(((await info.json()) as { version: string }).version);
  await expect(page.getByTestId('traffic-chart')).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/overview.png`, fullPage: true });

  // a capture full of script payloads is analysed and shown: as text, and nothing executes
  await uploadCapture(page, generatedCapture({ scenario: 'xss-payloads' }));
  await expect(page.getByTestId('endpoints')).toContainText('/api/%3Csvg/onload%3Dwindow.__xss%3D3%3E/items');
  await expect(page.getByTestId('endpoints')).toContainText('evil.example');
  await page.getByTestId('theme').click();
  await page.screenshot({ path: `${SHOTS}/overview-xss-capture-dark.png`, fullPage: true });
  expect(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).toBeUndefined();
  expect(await page.locator('#app svg, #app iframe, #app img[src="x"]').count()).toBe(0);

  // the settings page reuses the wizard's forms and starts and stops the capture
  await page.getByTestId('nav-settings').click();
  await expect(page).toHaveURL(/\/settings$/);
  await expect(page.getByTestId('capture-status').getByTestId('capture-state')).toHaveText('Capturing');
  await expect(page.getByTestId('retention-days')).toHaveValue('14');
  await expect(page.getByTestId('timezone')).toHaveValue('Asia/Shanghai');
  await page.getByTestId('language-header').selectOption('zh-CN');
  await page.screenshot({ path: `${SHOTS}/settings-dark-zh.png`, fullPage: true });
  await page.getByTestId('language-header').selectOption('en');
  await page.getByTestId('theme').click();
  await page.getByTestId('capture-toggle').click();
  await expect(page.getByTestId('capture-status').getByTestId('capture-state')).toHaveText('Capture stopped', { timeout: 15_000 });
  await page.getByTestId('retention-days').fill('21');
  await page.getByTestId('save-storage').click();
  await expect(page.getByTestId('storage-form').getByRole('status')).toHaveText('Saved.');
  expect(((await (await page.request.get('/api/v1/settings/retention')).json()) as { retention: { maxAgeDays: number } }).retention.maxAgeDays).toBe(21);
  await page.screenshot({ path: `${SHOTS}/settings.png`, fullPage: true });
  expect(dialogs).toBe(0);

  await page.getByTestId('sign-out').click();
  await expect(page).toHaveURL(/\/login$/);
});
