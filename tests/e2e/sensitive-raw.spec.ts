// The sensitive page's "show raw value" control in a real browser: with raw storage on, an uploaded capture's
// samples are listed masked; an admin confirms and sees the value as text, the reveal is audited; in Chinese the
// control is labelled in Chinese; with raw storage off again the samples are gone. Hostile values stay text.
import { test, expect, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { ScenarioBuilder } from '../../scripts/traffic/scenario.builder.ts';
import { writeScenarioCapture } from '../../scripts/traffic/scenario.catalog.ts';
import { countDialogs, csrf, signIn, uploadCapture } from './e2e.helpers.ts';

const MOBILE = '13912345678';

/** Writes a capture whose responses carry one mobile number and a hostile name. */
function rawCapture(): string {
  const b = new ScenarioBuilder(11);
  const c = b.conn({ clientIp: '10.9.1.5' });
  c.conv.handshake();
  for (let i = 0; i < 4; i++) {
    c.exchange(
      { method: 'GET', uri: `/api/raw/members/${i}`, host: 'raw.example', headers: [['Authorization', 'Bearer abcdefghijklmnop']] },
      { status: 200, headers: [['Content-Type', 'application/json']], body: JSON.stringify({ name: '<img src=x onerror=window.__xss=21>', mobile: MOBILE }) },
    );
  }
  c.conv.close();
  mkdirSync('tmp/e2e-captures', { recursive: true });
  const path = 'tmp/e2e-captures/raw.pcap';
  writeScenarioCapture(path, b.build({ name: 'raw', description: 'raw', formats: ['pcap'], lossy: false, notes: '' }, 11), { format: 'pcap' });
  return path;
}

async function setRaw(page: Page, on: boolean): Promise<void> {
  const r = await page.request.put('/api/v1/settings/retention', { data: { maxAgeDays: 30, maxGiB: 0, storeRawSensitive: on }, headers: { 'X-CSRF-Token': await csrf(page) } });
  expect(r.status()).toBe(200);
}

test('sensitive page: masked raw samples, admin reveal after confirmation (audited), both languages', async ({ page }) => {
  test.setTimeout(90_000);
  const dialogs = countDialogs(page);
  await signIn(page);
  await setRaw(page, true);
  await uploadCapture(page, rawCapture());

  await page.goto('/sensitive?range=all&type=cn_mobile');
  const row = page.getByTestId('sens-raw-sample').first();
  await expect(row.getByTestId('sens-raw-value')).toHaveText('139****5678');
  await row.getByTestId('sens-raw-show').click();
  await expect(row.getByTestId('sens-raw-value')).toHaveText('139****5678', { timeout: 1000 });
  await row.getByTestId('sens-raw-confirm').click();
  await expect(row.getByTestId('sens-raw-value')).toHaveText(MOBILE);
  const audit = (await (await page.request.get('/api/v1/audit')).json()) as { entries: Array<{ action: string }> };
  expect(audit.entries.some((e) => e.action === 'sensitive.raw_reveal')).toBe(true);

  await page.getByTestId('language-header').selectOption('zh-CN');
  await expect(page.getByTestId('sens-raw-title')).toHaveText('已保存的原始样本');
  await expect(row.getByTestId('sens-raw-hide')).toHaveText('隐藏');
  await row.getByTestId('sens-raw-hide').click();
  await expect(row.getByTestId('sens-raw-value')).toHaveText('139****5678');
  await expect(row.getByTestId('sens-raw-show')).toHaveText('显示原始值');

  await setRaw(page, false);
  await page.reload();
  await expect(page.getByTestId('sens-fields-title')).toBeVisible();
  await expect(page.getByTestId('sens-raw-samples')).toHaveCount(0);
  await page.getByTestId('language-header').selectOption('en');
  expect(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).toBeUndefined();
  expect(dialogs()).toBe(0);
});
