// Every page in Chinese, in a real browser: after switching the language in the header (no reload, so text computed
// once in English would stay behind) no sentence of the English catalogue is left in the page's text. Sentences are
// the catalogue's values of three words or more that differ in Chinese; placeholders in them match anything.
import { test, expect } from '@playwright/test';
import { en } from '../../ui/src/lib/i18n/en.ts';
import { zhCN } from '../../ui/src/lib/i18n/zh-CN.ts';
import { SHOTS, signIn } from './e2e.helpers.ts';

const PAGES = ['/', '/calls', '/policies', '/blocklist', '/notifications', '/reports', '/inventory', '/threats', '/sensitive', '/health', '/settings'];

/** English sentences as patterns (a placeholder matches any text), with their keys. */
const SENTENCES = Object.entries(en)
  .filter(([key, value]) => value !== zhCN[key as keyof typeof en] && value.replace(/\{[a-zA-Z0-9_]+\}/g, '').trim().split(/\s+/).length >= 3)
  .map(([key, value]) => ({ key, pattern: new RegExp(value.split(/\{[a-zA-Z0-9_]+\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.{0,200}?')) }));

test('no English sentence is left on any page after switching to Chinese', async ({ page }) => {
  test.setTimeout(120_000);
  expect(SENTENCES.length).toBeGreaterThan(200);
  await signIn(page);
  const left: string[] = [];
  let seenInEnglish = 0;
  for (const path of PAGES) {
    await page.goto(path);
    await page.waitForLoadState('networkidle');
    const english = await page.locator('body').innerText();
    seenInEnglish += SENTENCES.filter((s) => s.pattern.test(english)).length;
    await page.getByTestId('language-header').selectOption('zh-CN');
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    await page.waitForTimeout(300);
    const text = await page.locator('body').innerText();
    for (const s of SENTENCES) if (s.pattern.test(text)) left.push(`${path}: ${s.key}`);
    await page.screenshot({ path: `${SHOTS}/zh-switch${path === '/' ? '-overview' : path.replace(/\//g, '-')}.png`, fullPage: true });
    await page.getByTestId('language-header').selectOption('en');
  }
  expect(seenInEnglish, 'the sentences are found while the page is in English').toBeGreaterThan(PAGES.length);
  expect(left).toEqual([]);
});
