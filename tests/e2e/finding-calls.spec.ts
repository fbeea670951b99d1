// Finding → calls → call detail → endpoint clients in a real browser, on the wizard spec's xss-payloads upload: the
// finding drawer links to the call log filtered by the finding (rows equal the API's calls behind it), a call opens
// its detail drawer with every stored column equal to the API's and the finding named back (the table is not
// reloaded, back closes it), the endpoint page lists its clients as the API does and links them to the attacker
// view; the hostile host, path and user agent of the capture stay text (no script ran, no dialog, nothing injected).
// English/light and 简体中文/dark screenshots.
import { test, expect } from '@playwright/test';
import { SHOTS, countDialogs, signIn } from './e2e.helpers.ts';
import { formatBytes } from '../../ui/src/lib/format/value.format.ts';
import { findingTypeName } from '../../ui/src/components/threats/finding.view.ts';
import { en } from '../../ui/src/lib/i18n/en.ts';
import { zhCN } from '../../ui/src/lib/i18n/zh-CN.ts';

interface Finding {
  id: number;
  type: string;
  host: string;
  method: string;
  path: string;
  client: string;
  count: number;
}

interface Call {
  id: number;
  time: string;
  clientIp: string;
  clientPort: number;
  identity: string;
  host: string;
  method: string;
  uri: string;
  template: string;
  status: number | null;
  userAgent: string;
  detections: string[];
}

test('calls behind a finding, call detail, clients of an endpoint; hostile strings stay text', async ({ page }) => {
  test.setTimeout(90_000);
  const dialogs = countDialogs(page);
  await signIn(page);
  const findings = ((await (await page.request.get('/api/v1/threats/findings', { params: { status: 'open,acknowledged,resolved,false_positive', limit: 10000 } })).json()) as { findings: Finding[] }).findings;
  // a finding of a client on the xss upload's host, whose calls carry hostile paths and user agents
  const target = findings.find((f) => f.client !== '' && f.host === 'evil.example') ?? findings.find((f) => f.client !== '');
  expect(target).toBeDefined();
  const f = target!;
  const behind = ((await (await page.request.get('/api/v1/calls', { params: { finding: String(f.id), limit: 500 } })).json()) as { calls: Call[] }).calls;
  expect(behind.length).toBeGreaterThan(0);
  for (const c of behind) expect(c.detections).toContain(f.type);

  // the drawer's link → the call log filtered by the finding
  await page.goto(`/threats?finding=${f.id}&status=all`);
  await expect(page.getByTestId('finding-drawer')).toBeVisible();
  await page.getByTestId('drawer-calls').click();
  await expect(page).toHaveURL(new RegExp(`/calls\\?finding=${f.id}$`));
  const typeName = findingTypeName(f.type, (k) => en[k]);
  expect(typeName).not.toBe(f.type);
  await expect(page.getByTestId('calls-finding')).toContainText(typeName);
  await expect(page.getByTestId('calls-finding')).toContainText(`${f.method} ${f.host}${f.path}`);
  await expect(page.getByTestId('filter-finding')).toHaveValue(String(f.id));
  const rows = page.getByTestId('call-row');
  await expect(rows).toHaveCount(Math.min(50, behind.length));
  await expect(rows.first().locator('td').nth(5)).toHaveText(behind[0].uri);

  // a call's detail: every column the API stores, the finding named back; a call with hostile text when the page has one
  const shown = behind.slice(0, 50);
  const hostile = shown.findIndex((x) => /[<>"']/.test(x.uri + x.userAgent + x.host));
  const c = shown[Math.max(0, hostile)];
  const detail = (await (await page.request.get(`/api/v1/calls/${c.id}`)).json()) as { call: Call & { requestBytes: number; responseBytes: number; source: string }; findings: Finding[] };
  await rows.nth(Math.max(0, hostile)).getByTestId('call-open').click();
  await expect(page).toHaveURL(new RegExp(`/calls\\?finding=${f.id}&call=${c.id}$`));
  const drawer = page.getByTestId('call-detail');
  await expect(drawer).toBeVisible();
  await expect(drawer.getByTestId('cd-uri')).toHaveText(detail.call.uri);
  await expect(drawer.getByTestId('cd-host')).toHaveText(detail.call.host);
  await expect(drawer.getByTestId('cd-ua')).toHaveText(detail.call.userAgent === '' ? '—' : detail.call.userAgent);
  await expect(drawer.getByTestId('cd-client')).toHaveText(`${detail.call.clientIp}:${detail.call.clientPort}`);
  await expect(drawer.getByTestId('cd-status')).toHaveText(detail.call.status === null ? 'no response' : String(detail.call.status));
  await expect(drawer.getByTestId('cd-sizes')).toHaveText(`request ${formatBytes(detail.call.requestBytes, 'en')}, response ${formatBytes(detail.call.responseBytes, 'en')}`);
  await expect(drawer.getByTestId('cd-detections')).toContainText(typeName);
  await expect(drawer).toContainText(detail.call.source);
  expect(detail.findings.map((x) => x.id)).toContain(f.id);
  await expect(drawer.getByTestId('cd-finding')).toHaveCount(detail.findings.length);
  await expect(drawer.getByTestId('cd-finding-link').filter({ hasText: typeName }).first()).toBeVisible();
  if (target!.host === 'evil.example') expect(hostile, 'the xss upload has hostile calls behind its findings').toBeGreaterThanOrEqual(0);
  await page.screenshot({ path: `${SHOTS}/call-detail.png`, fullPage: false });
  // Escape closes it without reloading the table; back opens it again (here in 简体中文 and dark); the finding link leads to the finding
  await page.keyboard.press('Escape');
  await expect(drawer).toHaveCount(0);
  await expect(page).toHaveURL(new RegExp(`/calls\\?finding=${f.id}$`));
  await expect(rows).toHaveCount(Math.min(50, behind.length));
  await page.getByTestId('language-header').selectOption('zh-CN');
  await page.getByTestId('theme').click();
  await page.goBack();
  await expect(drawer).toBeVisible();
  await expect(drawer.getByTestId('cd-uri')).toHaveText(detail.call.uri);
  await expect(drawer.getByTestId('cd-flags')).not.toHaveText('');
  await page.screenshot({ path: `${SHOTS}/call-detail-zh-dark.png`, fullPage: false });
  await drawer.getByTestId('cd-finding-link').filter({ hasText: findingTypeName(f.type, (k) => zhCN[k]) }).first().click();
  await expect(page).toHaveURL(/\/threats\?finding=\d+$/);
  await expect(page.getByTestId('finding-drawer')).toBeVisible();

  // the endpoint's clients, as the API counts them, linked to the attacker view
  const eps = ((await (await page.request.get('/api/v1/inventory/apis', { params: { host: c.host, limit: 200 } })).json()) as { endpoints: Array<{ id: number; method: string; template: string }> }).endpoints;
  const ep = eps.find((e) => e.method === c.method && e.template === c.template) ?? eps[0];
  expect(ep).toBeDefined();
  const clients = (await (await page.request.get('/api/v1/calls/endpoint-clients', { params: { host: c.host, method: ep.method, template: ep.template, from: '2000-01-01T00:00:00Z' } })).json()) as { total: number; clients: Array<{ clientIp: string; identity: string; calls: number }> };
  expect(clients.total).toBeGreaterThan(0);
  await page.goto(`/inventory/apis/${ep.id}`);
  await page.getByTestId('endpoint-range').selectOption('all');
  await page.getByTestId('endpoint-clients').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/endpoint-clients-zh-dark.png`, fullPage: false });
  await page.getByTestId('theme').click();
  await page.getByTestId('language-header').selectOption('en');
  const clientRows = page.getByTestId('endpoint-client');
  await expect(clientRows).toHaveCount(clients.clients.length);
  await expect(clientRows.first().getByTestId('ec-ip')).toHaveText(clients.clients[0].clientIp);
  await expect(clientRows.first().getByTestId('ec-calls')).toHaveText(clients.clients[0].calls.toLocaleString('en'));
  await page.getByTestId('endpoint-clients').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/endpoint-clients.png`, fullPage: false });
  // a sample call opens its detail in the call log
  await page.getByTestId('endpoint-call-open').first().click();
  await expect(page).toHaveURL(/\/calls\?.*call=\d+$/);
  await expect(page.getByTestId('call-detail')).toBeVisible();
  await page.goBack();
  await clientRows.first().getByTestId('ec-trace').click();
  await expect(page).toHaveURL(/\/threats\/trace\?ip=/);
  await expect(page.getByTestId('trace-seed')).toHaveText(clients.clients[0].clientIp);

  expect(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).toBeUndefined();
  expect(await page.locator('#app svg, #app iframe, #app img[src="x"], #app script').count()).toBe(0);
  expect(dialogs()).toBe(0);
});
