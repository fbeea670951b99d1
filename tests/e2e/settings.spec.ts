// Users and roles in Settings, in a real browser: the accounts listed are the API's; a user is added with a role
// once the password meets the rules, the service stores it, and the new analyst can sign in and does not see
// Settings (admins only).
import { test, expect } from '@playwright/test';
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
