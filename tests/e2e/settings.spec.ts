// Users and roles and the HTTPS certificate in Settings, in a real browser: the accounts listed are the API's; a user
// is added with a role once the password meets the rules, the service stores it, and the new analyst can sign in and
// does not see Settings (admins only); a certificate with a key that is not its own is refused, a matching pair
// replaces the one in use (the service answers with it at once). Roles are changed and users removed after a
// confirmation (sessions end at once, the last admin stays); the email form is the wizard's (the password never reaches
// the browser; a real SMTP server receives the test); restart says why it is off; every section in both themes.
import { test, expect, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { SHOTS, csrf, signIn, smtpReceiver } from './e2e.helpers.ts';

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
  await signIn(p2, { username: 'analyst1', password: 'Analyst-Pass-2026' });
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

/** A user made through the API for one test (sign-in of the admin's page session). */
async function makeUser(page: Page, username: string, password: string, role: string): Promise<number> {
  const r = await page.request.post('/api/v1/users', { data: { username, password, role }, headers: { 'x-csrf-token': await csrf(page) } });
  expect(r.status()).toBe(201);
  return ((await r.json()) as { id: number }).id;
}

const apiUsers = async (page: Page) => ((await (await page.request.get('/api/v1/users')).json()) as { users: Array<{ username: string; role: string }> }).users;

test('an admin changes a role and removes a user after confirming; the user is signed out at once; the last admin stays', async ({ page, browser }) => {
  await signIn(page);
  await makeUser(page, 'temp-viewer', 'Rotate-Role-2026', 'viewer');
  const other = await browser.newContext({ baseURL: test.info().project.use.baseURL, ignoreHTTPSErrors: true });
  const p2 = await other.newPage();
  await signIn(p2, { username: 'temp-viewer', password: 'Rotate-Role-2026' });
  await expect(p2.getByTestId('signed-in-as')).toContainText('temp-viewer (viewer)');

  await page.goto('/settings');
  const row = page.locator('[data-testid="user-row"][data-user="temp-viewer"]');
  const dialog = page.getByTestId('user-dialog');
  // a role change asks first; Escape cancels and nothing changes
  await row.getByTestId('user-role-select').selectOption('analyst');
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('Change the role of temp-viewer from viewer to analyst?');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(row.getByTestId('user-role-select')).toHaveValue('viewer');
  expect((await apiUsers(page)).find((u) => u.username === 'temp-viewer')?.role).toBe('viewer');
  // confirmed: the API has the new role and the user's open session has ended
  await row.getByTestId('user-role-select').selectOption('analyst');
  await page.screenshot({ path: `${SHOTS}/settings-users-confirm.png` });
  await dialog.getByTestId('user-dialog-ok').click();
  await expect(page.getByTestId('user-changed')).toHaveText('temp-viewer is now analyst.');
  await expect(row.getByTestId('user-role-select')).toHaveValue('analyst');
  expect((await apiUsers(page)).find((u) => u.username === 'temp-viewer')?.role).toBe('analyst');
  expect((await p2.request.get('/api/v1/auth/me')).status()).toBe(401);
  await p2.reload();
  await expect(p2).toHaveURL(/\/login$/);
  await other.close();

  // in Chinese: removal asks in Chinese, then the row and the account are gone
  await page.getByTestId('language-header').selectOption('zh-CN');
  await row.getByTestId('user-remove').click();
  await expect(dialog).toContainText('删除用户 temp-viewer？');
  await expect(dialog.getByTestId('user-dialog-ok')).toHaveText('删除用户');
  await page.screenshot({ path: `${SHOTS}/settings-users-remove-zh.png` });
  await dialog.getByTestId('user-dialog-ok').click();
  await expect(page.getByTestId('user-changed')).toHaveText('已删除 temp-viewer。');
  await expect(row).toHaveCount(0);
  expect((await apiUsers(page)).some((u) => u.username === 'temp-viewer')).toBe(false);

  // the last administrator cannot be demoted: the service's refusal is shown in words and the role stays
  const admins = (await apiUsers(page)).filter((u) => u.role === 'admin');
  expect(admins.map((u) => u.username)).toEqual(['secadmin']);
  const me = page.locator('[data-testid="user-row"][data-user="secadmin"]');
  await me.getByTestId('user-role-select').selectOption('viewer');
  await dialog.getByTestId('user-dialog-ok').click();
  await expect(page.locator('section[aria-labelledby="s-users"]').getByRole('alert')).toHaveText('不能删除最后一位管理员或取消其管理员角色。请先将另一位用户设为管理员。');
  await expect(me.getByTestId('user-role-select')).toHaveValue('admin');
  expect((await apiUsers(page)).find((u) => u.username === 'secadmin')?.role).toBe('admin');
  await page.getByTestId('language-header').selectOption('en');
});

test('email settings on the Settings page are the wizard’s form: the password never reaches the browser, a test email arrives', async ({ page }) => {
  await signIn(page);
  const smtp = await smtpReceiver();
  try {
    // stored through the API with the receiver's credentials (other specs change the email settings too)
    const put = await page.request.put('/api/v1/settings/email', {
      headers: { 'x-csrf-token': await csrf(page) },
      data: { host: '127.0.0.1', port: smtp.port, security: 'none', username: 'radar', password: 'Mail-Pass-1', from: 'radar@example.com' },
    });
    expect(put.status()).toBe(200);
    const loaded = page.waitForResponse((r) => r.url().endsWith('/api/v1/settings/email') && r.request().method() === 'GET');
    await page.goto('/settings');
    expect(await (await loaded).text()).not.toContain('Mail-Pass-1');
    const form = page.locator('section[aria-labelledby="s-email"]');
    await expect(form.getByTestId('smtp-host')).toHaveValue('127.0.0.1');
    await expect(form.getByTestId('smtp-port')).toHaveValue(String(smtp.port));
    await expect(form.getByTestId('smtp-password')).toHaveValue('********');
    await expect(form.getByTestId('smtp-password-kept')).toBeVisible();

    await form.getByTestId('smtp-from').fill('API Radar <soc-radar@example.com>');
    await form.getByTestId('email-recipients').fill('soc@example.com');
    await form.getByTestId('email-test').click();
    // the test used the stored password (the browser only had ********) and reached the server
    await expect(form.getByTestId('email-test-result')).toContainText('soc@example.com', { timeout: 20_000 });
    await expect.poll(() => smtp.mails.length).toBe(1);
    expect(smtp.mails[0].subject).toBe('API Radar test email');
    if (await form.getByTestId('schedule-create').isChecked()) await form.getByTestId('schedule-create').uncheck();
    await form.getByTestId('save-email').click();
    await expect(form.getByTestId('email-saved')).toBeVisible();
    await form.screenshot({ path: `${SHOTS}/settings-email.png` });
  } finally {
    smtp.close();
  }
  const stored = (await (await page.request.get('/api/v1/settings/email')).json()) as { email: { from: string; password: string; passwordSet: boolean } };
  expect(stored.email).toMatchObject({ from: 'API Radar <soc-radar@example.com>', password: '********', passwordSet: true });
});

test('restart: started without a supervisor, the button is off and says why; the API refuses', async ({ page }) => {
  await signIn(page);
  await page.goto('/settings');
  const card = page.getByTestId('restart');
  await expect(card.getByTestId('restart-unsupervised')).toContainText('not started by a supervisor');
  await expect(card.getByTestId('restart-button')).toBeDisabled();
  const r = await page.request.post('/api/v1/system/restart', { headers: { 'x-csrf-token': await csrf(page) } });
  expect(r.status()).toBe(409);
  expect(((await r.json()) as { error: { code: string } }).error.code).toBe('restart_unsupervised');
});

test('every settings section in both themes and both languages at 1280×800', async ({ page }) => {
  await signIn(page);
  await page.goto('/settings');
  await expect(page.getByTestId('user-row').first()).toBeVisible();
  for (const theme of ['light', 'dark'] as const) {
    await page.evaluate(`localStorage.setItem('api-radar.theme', '${theme}')`);
    for (const lang of ['en', 'zh-CN'] as const) {
      await page.evaluate(`localStorage.setItem('api-radar.locale', '${lang}')`);
      await page.reload();
      await expect(page.getByTestId('user-row').first()).toBeVisible();
      await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
      // nothing sticks out sideways at 1280 px
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1280);
      await page.screenshot({ path: `${SHOTS}/settings-${theme}-${lang}.png`, fullPage: true });
      for (const id of ['s-capture', 's-system', 's-email', 's-storage', 's-users', 's-tls']) {
        await page.locator(`section[aria-labelledby="${id}"]`).screenshot({ path: `${SHOTS}/settings-${theme}-${lang}-${id.slice(2)}.png` });
      }
    }
  }
  await page.evaluate(`localStorage.setItem('api-radar.theme', 'light'); localStorage.setItem('api-radar.locale', 'en')`);
});
