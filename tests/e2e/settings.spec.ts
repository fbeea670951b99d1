// Users and roles and the HTTPS certificate in Settings, in a real browser: the accounts listed are the API's; a user
// is added with a role once the password meets the rules, the service stores it, and the new analyst can sign in and
// does not see Settings (admins only); a certificate with a key that is not its own is refused, a matching pair
// replaces the one in use (the service answers with it at once).
import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { SHOTS, signIn } from './e2e.helpers.ts';

test('an admin adds an analyst from Settings; the analyst signs in without the admin pages', async ({ page, browser }) => {
  await signIn(page);
  await page.goto('/settings');
  const before = (await (await page.request.get('/api/v1/users')).json()) as { users: Array<{ username: string; role: string }> };
  await expect(page.getByTestId('user-row')).toHaveCount(before.users.length);
  await expect(page.getByTestId('users')).toContainText('secadmin');

  await page.getByTestId('user-username').fill('analyst1');
  await page.getByTestId('user-role').selectOption('analyst');
  await page.getByTestId('user-password').fill('short');
  await page.getByTestId('user-confirm').fill('short');
  await expect(page.getByTestId('user-submit')).toBeDisabled();
  await page.getByTestId('user-password').fill('Analyst-Pass-2026');
  await page.getByTestId('user-confirm').fill('Analyst-Pass-2026');
  await page.getByTestId('user-submit').click();
  await expect(page.getByTestId('user-created')).toHaveText('analyst1 can now sign in as analyst.');
  await expect(page.getByTestId('user-row')).toHaveCount(before.users.length + 1);
  const after = (await (await page.request.get('/api/v1/users')).json()) as { users: Array<{ username: string; role: string }> };
  expect(after.users.find((u) => u.username === 'analyst1')?.role).toBe('analyst');
  await page.getByTestId('users').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/settings-users.png`, fullPage: true });

  // the same name again is refused, with the service's reason shown
  await page.getByTestId('user-username').fill('analyst1');
  await page.getByTestId('user-password').fill('Analyst-Pass-2027');
  await page.getByTestId('user-confirm').fill('Analyst-Pass-2027');
  await page.getByTestId('user-submit').click();
  await expect(page.getByTestId('user-created')).toHaveCount(0);
  await expect(page.getByTestId('user-add').getByRole('alert')).toBeVisible();

  const other = await browser.newContext({ baseURL: test.info().project.use.baseURL, ignoreHTTPSErrors: true });
  const p2 = await other.newPage();
  await p2.goto('/login');
  await p2.getByTestId('login-username').fill('analyst1');
  await p2.getByTestId('login-password').fill('Analyst-Pass-2026');
  await p2.getByTestId('login-submit').click();
  await expect(p2.getByTestId('signed-in-as')).toContainText('analyst1 (analyst)');
  await expect(p2.getByTestId('nav-inventory')).toBeVisible();
  await expect(p2.getByTestId('nav-settings')).toHaveCount(0);
  await other.close();
});

/** Writes a self-signed certificate and key for `cn` with openssl (as the appliance makes its own). */
function certificate(cn: string): { cert: string; key: string } {
  mkdirSync('tmp/e2e-tls', { recursive: true });
  const cert = `tmp/e2e-tls/${cn}.cert.pem`;
  const key = `tmp/e2e-tls/${cn}.key.pem`;
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '30', '-subj', `/CN=${cn}`, '-addext', `subjectAltName=DNS:${cn}`, '-keyout', key, '-out', cert], { stdio: 'pipe' });
  return { cert, key };
}

test('an admin replaces the HTTPS certificate from Settings; a key of another certificate is refused', async ({ page }) => {
  await signIn(page);
  await page.goto('/settings');
  const before = (await (await page.request.get('/api/v1/settings/tls')).json()) as { certificate: { fingerprint256: string } };
  await expect(page.getByTestId('tls-fingerprint')).toHaveText(before.certificate.fingerprint256);
  const a = certificate('radar-a.example.test');
  const b = certificate('radar-b.example.test');

  await page.getByTestId('tls-cert').setInputFiles(a.cert);
  await page.getByTestId('tls-key').setInputFiles(b.key);
  await page.getByTestId('tls-replace').click();
  await page.getByTestId('tls-yes').click();
  await expect(page.getByTestId('tls-confirm')).toHaveCount(0);
  await expect(page.locator('section[aria-labelledby="s-tls"]').getByRole('alert')).toBeVisible();
  expect(((await (await page.request.get('/api/v1/settings/tls')).json()) as typeof before).certificate.fingerprint256).toBe(before.certificate.fingerprint256);

  await page.getByTestId('tls-key').setInputFiles(a.key);
  await page.getByTestId('tls-replace').click();
  await page.getByTestId('tls-yes').click();
  await expect(page.getByTestId('tls-done')).toBeVisible();
  const expected = new X509Certificate(readFileSync(a.cert)).fingerprint256;
  await expect(page.getByTestId('tls-fingerprint')).toHaveText(expected);
  await expect(page.getByTestId('tls-subject')).toContainText('radar-a.example.test');
  expect(((await (await page.request.get('/api/v1/settings/tls')).json()) as typeof before).certificate.fingerprint256).toBe(expected);
  await page.locator('section[aria-labelledby="s-tls"]').screenshot({ path: `${SHOTS}/settings-tls.png` });
});
