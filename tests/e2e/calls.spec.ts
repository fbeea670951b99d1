// The call log in a real browser, after the wizard spec's xss-payloads upload: more captures are uploaded, the
// overview's totals are checked against the API, then the table is paged with "load more" (rows equal to the API's), searched by text, filtered by status with the filters
// in the URL (a reload keeps them) and downloaded as CSV, and every hostile string from the traffic stays text: no script runs, no element
// is injected.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { SHOTS, generatedCapture, signIn, uploadCapture } from './e2e.helpers.ts';

interface CallsPage {
  calls: Array<{ id: number; uri: string; status: number | null; time: string }>;
  next: string | null;
}

test('the call log pages, searches and filters calls and shows hostile strings as text', async ({ page }) => {
  test.setTimeout(120_000);
  let dialogs = 0;
  page.on('dialog', (d) => {
    dialogs++;
    void d.dismiss();
  });
  await signIn(page);
  await uploadCapture(page, generatedCapture({ scenario: 'keepalive' }));
  await uploadCapture(page, generatedCapture({ bench: 120 }));

  // the overview's totals are the API's
  await page.getByTestId('traffic-range').selectOption('all');
  const totals = (await (await page.request.get('/api/v1/calls/totals', { params: { from: '2000-01-01T00:00:00.000Z' } })).json()) as { calls: number };
  expect(totals.calls).toBeGreaterThan(100);
  await expect(page.getByTestId('total-calls')).toHaveText(totals.calls.toLocaleString('en'));
  await page.screenshot({ path: `${SHOTS}/overview-all.png`, fullPage: false });

  await page.getByTestId('nav-calls').click();
  await expect(page).toHaveURL(/\/calls$/);
  const rows = page.getByTestId('call-row');
  await expect(rows).toHaveCount(50);
  const all = (await (await page.request.get('/api/v1/calls', { params: { limit: 500 } })).json()) as CallsPage;
  expect(all.calls.length).toBeGreaterThan(100);
  await expect(rows.first().locator('td').nth(5)).toHaveText(all.calls[0].uri);
  await page.screenshot({ path: `${SHOTS}/calls.png`, fullPage: false });
  await page.getByTestId('load-more').click();
  await expect(rows).toHaveCount(100);
  await expect(rows.nth(99).locator('td').nth(5)).toHaveText(all.calls[99].uri);

  // text search: the stored (masked) URIs holding the payload, shown literally
  await page.getByTestId('filter-q').fill('onload');
  await page.getByTestId('filter-apply').click();
  await expect(page).toHaveURL(/\/calls\?q=onload$/);
  const found = (await (await page.request.get('/api/v1/calls', { params: { q: 'onload' } })).json()) as CallsPage;
  expect(found.calls.length).toBeGreaterThan(0);
  await expect(rows).toHaveCount(found.calls.length);
  await expect(rows.first()).toContainText(found.calls[0].uri);
  await expect(page.getByTestId('calls')).toContainText('<svg');
  await expect(page.getByTestId('load-more')).toHaveCount(0);

  await page.getByTestId('filter-q').fill('iframe');
  await page.getByTestId('filter-apply').click();
  await expect(page.getByTestId('calls')).toContainText('<iframe/src=javascript:window.__xss=5>');
  await page.screenshot({ path: `${SHOTS}/calls-xss.png`, fullPage: true });

  // status filter, kept in the URL across a reload and back
  await page.getByTestId('filter-clear').click();
  await expect(page).toHaveURL(/\/calls$/);
  await page.getByTestId('filter-status').selectOption('4xx');
  await page.getByTestId('filter-apply').click();
  await expect(page).toHaveURL(/\/calls\?status=4xx$/);
  const errors = (await (await page.request.get('/api/v1/calls', { params: { status: '4xx' } })).json()) as CallsPage;
  expect(errors.calls.length).toBeGreaterThan(0);
  await expect(rows).toHaveCount(errors.calls.length);
  for (const s of await page.getByTestId('call-status').allTextContents()) expect(s).toMatch(/^4\d\d$/);
  // the filtered calls as CSV: as many rows as the API has 4xx calls, the newest first
  const download = page.waitForEvent('download');
  await page.getByTestId('calls-csv').click();
  const csv = readFileSync(await (await download).path(), 'utf8').trim().split('\r\n');
  const all4xx = (await (await page.request.get('/api/v1/calls', { params: { status: '4xx', limit: '500' } })).json()) as CallsPage;
  expect(csv[0]).toMatch(/^time,client_ip,client_port,/);
  expect(csv.length - 1).toBe(all4xx.calls.length);
  expect(csv[1].startsWith(`${all4xx.calls[0].time},`)).toBe(true);
  await page.reload();
  await expect(page.getByTestId('filter-status')).toHaveValue('4xx');
  await expect(rows).toHaveCount(errors.calls.length);
  await page.goBack();
  await expect(page).toHaveURL(/\/calls$/);
  await expect(rows).toHaveCount(50);
  await page.goto('/calls?status=5xx&method=DELETE');
  await expect(page.getByTestId('calls-empty')).toBeVisible();

  expect(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).toBeUndefined();
  expect(await page.locator('#app svg, #app iframe, #app img[src="x"], #app script').count()).toBe(0);
  expect(dialogs).toBe(0);
});
