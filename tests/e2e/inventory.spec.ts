// The inventory and threats pages in a real browser, after the wizard spec's xss-payloads upload: the overview's
// security cards against the API, hosts → endpoints → endpoint page → its calls and the call log, a declared spec
// uploaded with a hostile title and its comparison (shadow and orphan rows), a finding acknowledged with a note,
// and the attacker view of its client. Every hostile string stays text: no script runs, no element is injected.
import { test, expect } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { SHOTS, signIn } from './e2e.helpers.ts';
import { findingTypeName } from '../../ui/src/components/threats/finding.view.ts';
import { en } from '../../ui/src/lib/i18n/en.ts';

interface Finding { id: number; host: string; client: string; status: string; type: string }

test('inventory, specs comparison, finding status and attacker view, hostile strings as text', async ({ page }) => {
  test.setTimeout(120_000);
  let dialogs = 0;
  page.on('dialog', (d) => {
    dialogs++;
    void d.dismiss();
  });
  await signIn(page);

  // overview cards: APIs by state and open findings by severity are the API's figures
  const hostsApi = (await (await page.request.get('/api/v1/inventory/hosts')).json()) as { hosts: Array<{ host: string }>; states: Record<string, number> };
  await expect(page.getByTestId('api-state-new')).toHaveText(hostsApi.states.new.toLocaleString('en'));
  const open = (await (await page.request.get('/api/v1/threats/findings', { params: { status: 'open', limit: 10000 } })).json()) as { findings: Array<Finding & { severity: string }> };
  const high = open.findings.filter((f) => f.severity === 'high').length;
  await expect(page.getByTestId('severity-high')).toHaveText(high.toLocaleString('en'));
  const sensitiveApi = (await (await page.request.get('/api/v1/sensitive/endpoints', { params: { limit: '5000' } })).json()) as { endpoints: Array<{ level: number }> };
  for (const level of [4, 3, 2, 1]) await expect(page.getByTestId(`sensitive-level-${level}`)).toHaveText(String(sensitiveApi.endpoints.filter((e) => e.level === level).length));
  await page.getByTestId('card-attackers').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/overview-security-cards.png`, fullPage: false });

  // hosts → endpoints of the hostile host → endpoint page → calls → call log
  await page.getByTestId('nav-inventory').click();
  await expect(page).toHaveURL(/\/inventory$/);
  await expect(page.getByTestId('host-row')).toHaveCount(hostsApi.hosts.length);
  await page.getByTestId('host-row').filter({ hasText: 'evil.example' }).getByTestId('host-pick').click();
  await expect(page).toHaveURL(/\/inventory\?host=evil.example$/);
  const apis = (await (await page.request.get('/api/v1/inventory/apis', { params: { host: 'evil.example' } })).json()) as { endpoints: Array<{ id: number; template: string }> };
  await expect(page.getByTestId('api-row')).toHaveCount(apis.endpoints.length);
  await expect(page.getByTestId('apis')).toContainText('/api/%3Csvg/onload%3Dwindow.__xss%3D3%3E/items');
  await page.screenshot({ path: `${SHOTS}/inventory-hostile.png`, fullPage: true });
  // filters by auth scheme and minimum risk go to the URL and the API
  await page.getByTestId('api-filter-auth').selectOption('none');
  await page.getByTestId('api-filter-risk').selectOption('25');
  await page.getByTestId('api-filter-apply').click();
  await expect(page).toHaveURL(/\/inventory\?host=evil\.example&auth=none&minRisk=25$/);
  const risky = (await (await page.request.get('/api/v1/inventory/apis', { params: { host: 'evil.example', auth: 'none', minRisk: 25 } })).json()) as { endpoints: unknown[] };
  await expect(page.getByTestId('api-row')).toHaveCount(risky.endpoints.length);
  await page.goBack();
  await expect(page).toHaveURL(/\/inventory\?host=evil.example$/);
  await page.getByTestId('api-link').filter({ hasText: 'svg' }).click();
  await expect(page).toHaveURL(/\/inventory\/apis\/\d+$/);
  await expect(page.getByTestId('endpoint-title')).toContainText('evil.example');
  await expect(page.getByTestId('endpoint-call').first()).toBeVisible();
  await expect(page.getByTestId('endpoint-calls')).toContainText('__xss');
  await page.screenshot({ path: `${SHOTS}/endpoint-hostile.png`, fullPage: true });
  await page.getByTestId('open-call-log').click();
  await expect(page).toHaveURL(/\/calls\?host=evil.example&template=[^&]+&method=GET$/);
  await expect(page.getByTestId('filter-template')).not.toHaveValue('');
  await expect(page.getByTestId('call-row').first()).toContainText('evil.example');

  // a declared spec for the host of the newest analysed traffic: its endpoints become shadow, the declared-only one orphan
  const current = (await (await page.request.get('/api/v1/inventory/endpoints')).json()) as { endpoints: Array<{ host: string }> };
  const host = current.endpoints[0].host;
  mkdirSync('tmp/e2e-specs', { recursive: true });
  const specPath = 'tmp/e2e-specs/declared.json';
  writeFileSync(specPath, JSON.stringify({
    openapi: '3.0.3',
    info: { title: '<img src=x onerror="window.__xss=9">', version: '1.0' },
    paths: { '/declared-only/{id}': { get: { operationId: 'neverCalled', parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }], responses: { 200: { description: 'ok' } } } } },
  }));
  await page.getByTestId('nav-inventory').click();
  await page.getByTestId('spec-file').setInputFiles(specPath);
  await expect(page.getByTestId('spec-name')).toHaveValue('declared');
  await page.getByTestId('spec-hosts').fill(host);
  await page.getByTestId('spec-upload').click();
  await expect(page.getByTestId('spec-uploaded')).toContainText('declared uploaded: 1 operations');
  await expect(page.getByTestId('spec-row')).toContainText('<img src=x onerror="window.__xss=9">');
  await expect(page.getByTestId('diff-orphan').getByTestId('diff-row')).toContainText(`GET ${host}/declared-only/{id}`);
  const diff = (await (await page.request.get('/api/v1/inventory/diff')).json()) as { shadow: unknown[] };
  expect(diff.shadow.length).toBeGreaterThan(0);
  await expect(page.getByTestId('diff-shadow').getByTestId('diff-row')).toHaveCount(Math.min(200, diff.shadow.length));
  await page.getByTestId('specs-section').screenshot({ path: `${SHOTS}/inventory-specs-diff.png` });

  // a finding acknowledged with a hostile note; then the attacker view of its client
  const withClient = open.findings.filter((f) => f.client !== '');
  const target = withClient.find((f) => f.host === 'evil.example') ?? withClient[0];
  expect(target).toBeDefined();
  await page.getByTestId('nav-threats').click();
  await page.getByTestId('finding-filter-client').fill(target.client);
  await page.getByTestId('finding-filter-host').fill(target.host);
  await page.getByTestId('finding-filter-apply').click();
  await expect(page).toHaveURL(/\/threats\?host=.*&client=/);
  const row = page.getByTestId('finding-row').filter({ hasText: target.type }).first();
  await row.getByTestId('finding-open').click();
  await expect(page.getByTestId('finding-drawer')).toBeVisible();
  await expect(page.getByTestId('drawer-status')).toHaveText('open');
  const note = '<script>window.__xss=10</script> checked';
  await page.getByTestId('status-note').fill(note);
  await page.getByTestId('language-header').selectOption('zh-CN');
  await page.screenshot({ path: `${SHOTS}/threats-drawer-zh.png`, fullPage: false });
  await page.getByTestId('language-header').selectOption('en');
  await page.getByTestId('set-acknowledged').click();
  await expect(page.getByTestId('drawer-status')).toContainText('acknowledged');
  await expect(page.getByTestId('drawer-note')).toHaveText(note);
  const stored = (await (await page.request.get(`/api/v1/threats/findings/${target.id}`)).json()) as { finding: { status: string; statusNote: string } };
  expect(stored.finding).toMatchObject({ status: 'acknowledged', statusNote: note });
  await expect(page.getByTestId('set-open')).toBeVisible();

  await page.getByTestId('drawer-trace').click();
  await expect(page).toHaveURL(/\/threats\/trace\?ip=/);
  await expect(page.getByTestId('trace-seed')).toHaveText(target.client);
  await expect(page.getByTestId('trace-ips')).toContainText(target.client);
  await expect(page.getByTestId('trace-timeline')).toContainText(findingTypeName(target.type, (k) => en[k]));
  await page.getByTestId('theme').click();
  await page.screenshot({ path: `${SHOTS}/trace-dark.png`, fullPage: true });
  await page.getByTestId('theme').click();

  expect(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).toBeUndefined();
  expect(await page.locator('#app svg, #app iframe, #app img[src="x"], #app script').count()).toBe(0);
  expect(dialogs).toBe(0);
});
