// The endpoint page's risk breakdown, body schemas, template actions and change history in a real browser, over a
// capture made here: a shop API whose JSON bodies carry nested objects, arrays and a hostile field name, with an
// injection attempt on one endpoint. The factors, schema fields, decisions and changes shown are the API's; pin,
// unpin, split and dissolve are stored and logged; every hostile string stays text (no script runs).
import { test, expect, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { ScenarioBuilder } from '../../scripts/traffic/scenario.builder.ts';
import { writeScenarioCapture } from '../../scripts/traffic/scenario.catalog.ts';
import { SHOTS, countDialogs, csrf, signIn, uploadCapture } from './e2e.helpers.ts';

const HOST = 'shop.example';
const HOSTILE_FIELD = '<img src=x onerror=window.__xss=21>';

/** Writes the capture: users with nested JSON answers, orders posted with JSON bodies, items (to dissolve). */
function shopCapture(): string {
  const b = new ScenarioBuilder(21);
  const c = b.conn({ clientIp: '10.21.0.5' });
  c.conv.handshake();
  const json = [['Content-Type', 'application/json']] as Array<[string, string]>;
  for (let i = 0; i < 24; i++) {
    const attack = i === 5 ? `?sort=${encodeURIComponent("name' OR '1'='1' -- ")}` : '';
    c.exchange(
      { method: 'GET', uri: `/api/users/${4100 + i}${attack}`, host: HOST },
      { status: 200, headers: json, body: JSON.stringify({ id: 4100 + i, name: `user ${i}`, address: { city: 'Hangzhou', zip: '310000' }, roles: ['buyer'], [HOSTILE_FIELD]: i }) },
    );
    c.exchange(
      { method: 'POST', uri: '/api/orders', host: HOST, headers: json, body: JSON.stringify({ userId: 4100 + i, lines: [{ sku: `S${i}`, qty: 1 + (i % 3) }], note: i % 2 === 0 ? 'gift' : null }) },
      { status: 201, headers: json, body: JSON.stringify({ orderId: 9000 + i }) },
    );
    c.exchange({ method: 'GET', uri: `/api/items/${700 + i}`, host: HOST }, { status: 200, headers: json, body: JSON.stringify({ sku: `S${i}`, price: 9.5 }) });
  }
  c.conv.close();
  mkdirSync('tmp/e2e-captures', { recursive: true });
  const path = 'tmp/e2e-captures/shop.pcap';
  writeScenarioCapture(path, b.build({ name: 'shop', description: 'shop', formats: ['pcap'], lossy: false, notes: '' }, 21), { format: 'pcap' });
  return path;
}

interface Endpoint { id: number; method: string; template: string; pinned: boolean; responseSchema?: { properties?: Record<string, unknown> } }
interface Risk { score: number; factors: Array<{ factor: string; points: number; max: number; reasons: string[] }>; history: Array<{ at: number; score: number }> }

async function api<T>(page: Page, path: string, params?: Record<string, string>): Promise<T> {
  const r = await page.request.get(`/api/v1${path}`, { params });
  expect(r.status(), path).toBe(200);
  return (await r.json()) as T;
}

test('endpoint page: risk breakdown, body schemas, pin / unpin / split / dissolve, change history; hostile strings as text', async ({ page }) => {
  test.setTimeout(90_000);
  const dialogs = countDialogs(page);
  await signIn(page);
  await uploadCapture(page, shopCapture());

  const { endpoints } = await api<{ endpoints: Endpoint[] }>(page, '/inventory/apis', { host: HOST });
  const users = endpoints.find((e) => e.method === 'GET' && e.template.startsWith('/api/users/{'))!;
  const items = endpoints.find((e) => e.method === 'GET' && e.template.startsWith('/api/items/{'))!;
  expect(users, JSON.stringify(endpoints.map((e) => `${e.method} ${e.template}`))).toBeDefined();
  expect(items).toBeDefined();
  const stored = (await api<{ endpoint: Endpoint }>(page, `/inventory/apis/${users.id}`)).endpoint;

  // risk breakdown: the stored score and every factor with its points and reasons
  await page.goto(`/inventory/apis/${users.id}`);
  const risk = (await api<{ risk: Risk }>(page, `/risk/endpoints/${users.id}`)).risk;
  await expect(page.getByTestId('risk-score')).toHaveText(String(risk.score));
  await expect(page.getByTestId('risk-factor')).toHaveCount(risk.factors.length);
  for (const f of risk.factors) {
    const row = page.locator(`[data-testid="risk-factor"][data-factor="${f.factor}"]`);
    await expect(row.getByTestId('risk-points')).toHaveText(`${f.points} / ${f.max}`);
    for (const reason of f.reasons) await expect(row).toContainText(reason);
  }

  // body schemas: the response's fields (nested, arrays, the hostile name as text) as the API stores them
  const fields = Object.keys(stored.responseSchema?.properties ?? {});
  expect(fields).toEqual(expect.arrayContaining(['address', 'id', 'name', 'roles', HOSTILE_FIELD]));
  const response = page.getByTestId('endpoint-schema-response');
  for (const f of fields) await expect(response.getByTestId('schema-row').filter({ hasText: f }).first()).toBeVisible();
  await expect(response).toContainText('address.city');
  await expect(response).toContainText('roles[]');
  await expect(page.getByTestId('endpoint-schema-request')).toContainText('No JSON body seen.');
  // parameters with the example values the inventory kept (ids here: nothing to mask)
  await expect(page.getByTestId('param-examples').first()).toHaveText(/^\d+(, \d+)*$/);
  await page.screenshot({ path: `${SHOTS}/endpoint-risk-schema.png`, fullPage: true });

  // pin and unpin: stored, shown, logged in the endpoint's change history
  await page.getByTestId('template-pin').click();
  await expect(page.getByTestId('template-pinned')).toBeVisible();
  await expect(page.getByTestId('endpoint-pinned')).toHaveText('pinned');
  expect((await api<{ endpoint: Endpoint }>(page, `/inventory/apis/${users.id}`)).endpoint.pinned).toBe(true);
  await expect(page.getByTestId('endpoint-change').first()).toContainText('template pinned (secadmin)');
  await page.getByTestId('template-unpin').click();
  await expect(page.getByTestId('template-pin')).toBeVisible();
  expect((await api<{ endpoint: Endpoint }>(page, `/inventory/apis/${users.id}`)).endpoint.pinned).toBe(false);
  await expect(page.getByTestId('endpoint-change').first()).toContainText('template unpinned (secadmin)');

  // split: a value with a slash is refused before asking; cancelling stores nothing; confirming stores the decision
  await page.getByTestId('split-values').fill('me\na/b');
  await expect(page.getByTestId('split-invalid')).toContainText('a/b');
  await expect(page.getByTestId('split-start')).toBeDisabled();
  await page.getByTestId('split-values').fill('me\nsettings');
  await page.getByTestId('split-start').click();
  await expect(page.getByTestId('split-confirm')).toContainText('keep me, settings');
  await page.getByTestId('split-confirm').getByRole('button', { name: 'Cancel' }).click();
  expect((await api<{ decisions: unknown[] }>(page, '/inventory/decisions')).decisions.filter((d) => JSON.stringify(d).includes(users.template))).toHaveLength(0);
  await page.getByTestId('split-start').click();
  await page.getByTestId('split-yes').click();
  await expect(page.getByTestId('template-done')).toContainText('2 values');
  const decisions = (await api<{ decisions: Array<{ template: string; kind: string; values?: string[] }> }>(page, '/inventory/decisions')).decisions;
  expect(decisions.find((d) => d.template === users.template)).toMatchObject({ kind: 'split', values: ['me', 'settings'] });
  await expect(page.getByTestId('endpoint-change').first()).toContainText('template split [me, settings] (secadmin)');

  // the risk follows a finding's status: resolving the injection finding re-scores the endpoint and adds history
  const findings = (await api<{ findings: Array<{ id: number; path: string; method: string; status: string }> }>(page, '/threats/findings', { host: HOST, limit: '500' })).findings;
  const onUsers = findings.filter((f) => f.path === users.template && f.method === 'GET' && f.status === 'open');
  for (const f of onUsers) {
    const r = await page.request.post(`/api/v1/threats/findings/${f.id}/status`, { data: { status: 'resolved', note: '' }, headers: { 'X-CSRF-Token': await csrf(page) } });
    expect(r.status()).toBe(200);
  }
  const after = (await api<{ risk: Risk }>(page, `/risk/endpoints/${users.id}`)).risk;
  await page.reload();
  await expect(page.getByTestId('risk-score')).toHaveText(String(after.score));
  if (after.history.length >= 2) await expect(page.getByTestId('risk-history-chart').locator('canvas')).toHaveCount(1);
  else await expect(page.getByTestId('risk-history-short')).toBeVisible();

  // in Chinese and the dark theme
  await page.getByTestId('language-header').selectOption('zh-CN');
  await page.getByTestId('theme').click();
  await expect(page.getByTestId('risk-breakdown').getByRole('heading', { level: 2 })).toHaveText('风险构成');
  // the reasons are rendered from their codes in Chinese: none of the service's English sentences is left
  for (const f of after.factors) for (const reason of f.reasons) await expect(page.locator(`[data-testid="risk-factor"][data-factor="${f.factor}"]`)).not.toContainText(reason);
  expect(after.factors.some((f) => f.reasons.length > 0)).toBe(true);
  await expect(page.getByTestId('endpoint-schema')).toContainText('成功响应体');
  await expect(page.getByTestId('template-actions')).toContainText('按参数拆分');
  await page.screenshot({ path: `${SHOTS}/endpoint-risk-schema-zh-dark.png`, fullPage: true });
  await page.getByTestId('theme').click();
  await page.getByTestId('language-header').selectOption('en');

  // dissolve another endpoint's parameter: the endpoint leaves the inventory
  await page.goto(`/inventory/apis/${items.id}`);
  await expect(page.getByTestId('split-values')).toHaveValue('');
  await page.getByTestId('split-start').click();
  await expect(page.getByTestId('split-confirm')).toContainText('every value becomes its own endpoint');
  await page.getByTestId('split-yes').click();
  await expect(page.getByTestId('endpoint-dissolved')).toBeVisible();
  expect((await page.request.get(`/api/v1/inventory/apis/${items.id}`)).status()).toBe(404);

  expect(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).toBeUndefined();
  expect(await page.locator('#app svg, #app iframe, #app img[src="x"], #app script').count()).toBe(0);
  expect(dialogs()).toBe(0);
});
