// Keyboard only, in a real browser: sign in, skip to the content, reach Settings from the navigation, walk the
// whole Settings page with Tab (every stop shows a focus ring, the order follows the page from top to bottom), and
// use a confirmation dialog: focus moves into it, stays inside, Escape closes it and gives focus back, Enter confirms;
// the findings drawer takes the focus when it opens and gives it back to the finding on Escape.
import { test, expect, type Page } from '@playwright/test';
import { ADMIN, SHOTS, csrf, signIn } from './e2e.helpers.ts';

interface Stop {
  testid: string;
  tag: string;
  top: number;
  ring: boolean;
  inMain: boolean;
  inDialog: boolean;
  /** The user of the Settings row it sits in, '' elsewhere. */
  user: string;
}

/** Runs in the page (a string: the tests are type-checked without the DOM library): the focused element's facts. */
const FOCUSED = `(() => {
  const el = document.activeElement;
  if (el === null || el === document.body) return { testid: '', tag: 'body', top: 0, ring: false, inMain: false, inDialog: false, user: '' };
  const s = getComputedStyle(el);
  return {
    testid: el.dataset.testid ?? '',
    tag: el.tagName.toLowerCase(),
    top: el.getBoundingClientRect().top + window.scrollY,
    ring: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1,
    inMain: el.closest('main') !== null,
    inDialog: el.closest('dialog[open]') !== null,
    user: el.closest('[data-user]')?.getAttribute('data-user') ?? '',
  };
})()`;

/** What has the focus now: its test id, place on the page, whether a focus ring is drawn, where it sits. */
function focused(page: Page): Promise<Stop> {
  return page.evaluate<Stop>(FOCUSED);
}

/** Presses Tab until the focused element has `testid` (at most `limit` presses); returns the stops passed. */
async function tabTo(page: Page, testid: string, limit = 80): Promise<Stop[]> {
  const stops: Stop[] = [];
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    stops.push(f);
    if (f.testid === testid) return stops;
  }
  throw new Error(`${testid} not reached by Tab: ${stops.map((s) => s.testid || s.tag).join(' → ')}`);
}

test('sign-in, navigation, the Settings page and a confirmation dialog work with the keyboard alone', async ({ page }) => {
  // sign in: Tab to the fields, type, Enter
  await page.goto('/login');
  await tabTo(page, 'login-username');
  await page.keyboard.type(ADMIN.username);
  await page.keyboard.press('Tab');
  expect((await focused(page)).testid).toBe('login-password');
  await page.keyboard.type(ADMIN.password);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('signed-in-as')).toBeVisible();
  const r = await page.request.post('/api/v1/users', { data: { username: 'kb-user', password: 'Keyboard-User-2026', role: 'viewer' }, headers: { 'x-csrf-token': await csrf(page) } });
  expect(r.status()).toBe(201);

  // the first Tab stop is "skip to content", shown when focused
  await page.goto('/settings');
  await expect(page.getByTestId('user-row').first()).toBeVisible();
  await page.keyboard.press('Tab');
  expect((await focused(page)).testid).toBe('skip-link');
  const box = await page.getByTestId('skip-link').boundingBox();
  expect(box !== null && box.y >= 0).toBe(true);
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  expect((await focused(page)).inMain).toBe(true);

  // from the navigation to Settings, then every stop of the page, top to bottom, each with a focus ring
  await page.goto('/');
  await expect(page.getByTestId('signed-in-as')).toBeVisible();
  const toNav = await tabTo(page, 'nav-settings');
  expect(toNav.every((s) => s.ring)).toBe(true);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/settings$/);
  await expect(page.getByTestId('user-row').first()).toBeVisible();
  const walk = await tabTo(page, 'tls-key', 150);
  const inMain = walk.filter((s) => s.inMain);
  expect(inMain.length).toBeGreaterThan(20);
  const noRing = inMain.filter((s) => !s.ring);
  expect(noRing.map((s) => s.testid || s.tag)).toEqual([]);
  for (let i = 1; i < inMain.length; i++) expect(inMain[i].top, `${inMain[i - 1].testid} → ${inMain[i].testid}`).toBeGreaterThanOrEqual(inMain[i - 1].top - 1);
  const order = inMain.map((s) => s.testid).filter((t) => ['smtp-host', 'save-email', 'retention-days', 'user-role-select', 'user-remove', 'tls-key'].includes(t));
  expect([...new Set(order)]).toEqual(['smtp-host', 'save-email', 'retention-days', 'user-role-select', 'user-remove', 'tls-key'].filter((t) => order.includes(t)));
  expect(order).toContain('user-remove');

  // the dialog: open with Enter on "Remove" of kb-user, focus on Cancel, Tab stays inside, Escape gives focus back
  await page.goto('/settings');
  const row = page.locator('[data-testid="user-row"][data-user="kb-user"]');
  await expect(row).toBeVisible();
  await row.getByTestId('user-remove').focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByTestId('user-dialog');
  await expect(dialog).toBeVisible();
  expect((await focused(page)).testid).toBe('user-dialog-cancel');
  await page.screenshot({ path: `${SHOTS}/keyboard-dialog.png` });
  await page.keyboard.press('Tab');
  expect((await focused(page)).testid).toBe('user-dialog-ok');
  for (let i = 0; i < 3; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    expect(f.inDialog || f.tag === 'body', `Tab left the dialog for ${f.testid || f.tag}`).toBe(true);
  }
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  const back = await focused(page);
  expect(`${back.user}:${back.testid}`).toBe('kb-user:user-remove');
  // Enter opens it again, Tab to the confirm button, Enter removes the user
  await page.keyboard.press('Enter');
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('user-changed')).toHaveText('kb-user was removed.');
  const users = (await (await page.request.get('/api/v1/users')).json()) as { users: Array<{ username: string }> };
  expect(users.users.some((u) => u.username === 'kb-user')).toBe(false);
});

test('the finding drawer takes the focus when opened from the keyboard and gives it back on Escape', async ({ page }) => {
  await signIn(page);
  const list = (await (await page.request.get('/api/v1/threats/findings')).json()) as { findings: unknown[] };
  expect(list.findings.length, 'the wizard spec uploaded a capture with attacks').toBeGreaterThan(0);
  await page.goto('/threats');
  await expect(page.getByTestId('finding-open').first()).toBeVisible();
  await tabTo(page, 'finding-open');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('finding-drawer')).toBeVisible();
  expect((await focused(page)).testid).toBe('drawer-close');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('finding-drawer')).toHaveCount(0);
  expect((await focused(page)).testid).toBe('finding-open');
});
