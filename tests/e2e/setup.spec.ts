// Run-once walk of the first-run wizard in a real browser against a fresh service: the token from the console
// file, the admin account with its password rules, then sign-in and the overview. Both languages are exercised and
// every step is screenshotted (test-results/screenshots/).
import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const SHOTS = 'test-results/screenshots';
const PASSWORD = 'Browser-Test-2026!';

test('the wizard turns a fresh appliance into one an admin signs in to', async ({ page }) => {
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
  await page.getByTestId('admin-username').fill('secadmin');
  await page.getByTestId('admin-password').fill('short');
  await expect(page.getByTestId('next')).toBeDisabled();
  await expect(page.getByTestId('strength')).toContainText('too weak');
  await page.getByTestId('admin-password').fill(PASSWORD);
  await page.getByTestId('admin-confirm').fill(PASSWORD);
  await expect(page.getByTestId('strength')).toContainText('strong');
  await page.screenshot({ path: `${SHOTS}/wizard-2-admin.png`, fullPage: true });

  // back and forward keep the wizard coherent
  await page.goBack();
  await expect(page).toHaveURL(/\/setup\/welcome$/);
  await page.goForward();
  await expect(page).toHaveURL(/\/setup\/admin$/);
  await page.getByTestId('admin-password').fill(PASSWORD);
  await page.getByTestId('admin-confirm').fill(PASSWORD);
  await page.getByTestId('next').click();
  await expect(page).toHaveURL(/\/setup\/done$/);
  await page.screenshot({ path: `${SHOTS}/wizard-3-done.png`, fullPage: true });
  await page.getByTestId('finish').click();

  await expect(page).toHaveURL(/\/login$/);
  await page.getByTestId('login-username').fill('secadmin');
  await page.getByTestId('login-password').fill('wrong-password');
  await page.getByTestId('login-submit').click();
  await expect(page.getByRole('alert')).toContainText('Wrong user name or password');
  await page.getByTestId('login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId('signed-in-as')).toContainText('secadmin (admin)');
  const info = await page.request.get('/api/v1/system/info');
  expect(info.status()).toBe(200);
  await expect(page.getByTestId('version')).toHaveText(((await info.json()) as { version: string }).version);
  await page.screenshot({ path: `${SHOTS}/overview.png`, fullPage: true });

  // a capture full of script payloads is analysed and shown: as text, and nothing executes
  let dialogs = 0;
  page.on('dialog', (d) => {
    dialogs++;
    void d.dismiss();
  });
  mkdirSync('tmp/e2e-captures', { recursive: true });
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/traffic/generate.cli.ts', '--out', 'tmp/e2e-captures', '--scenario', 'xss-payloads', '--format', 'pcap'], { stdio: 'ignore' });
  await expect(page.getByTestId('inventory-empty')).toBeVisible();
  await page.getByTestId('capture-file').setInputFiles('tmp/e2e-captures/xss-payloads.pcap');
  await page.getByTestId('capture-upload').click();
  await expect(page.getByTestId('endpoints')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('endpoints')).toContainText('/api/%3Csvg/onload%3Dwindow.__xss%3D3%3E/items');
  await expect(page.getByTestId('endpoints')).toContainText('evil.example');
  await page.screenshot({ path: `${SHOTS}/overview-xss-capture.png`, fullPage: true });
  expect(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).toBeUndefined();
  expect(await page.locator('#app svg, #app iframe, #app img[src="x"]').count()).toBe(0);
  expect(dialogs).toBe(0);

  // the setup wizard is closed for good
  const again = await page.request.post('/api/v1/setup/verify-token', { data: { token } });
  expect(again.status()).toBe(410);

  await page.getByTestId('sign-out').click();
  await expect(page).toHaveURL(/\/login$/);
});
