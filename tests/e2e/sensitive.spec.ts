// The sensitive-data page, the endpoint page's charts and masked samples, and the call log filtered by endpoint, in a
// real browser, over a capture made here: a hostile path on a hostile-looking host returns a resident ID number, a
// mobile number and an email to two clients, with the ID number also in the query. The figures shown are the API's;
// the ID number never appears unmasked; every hostile string stays text (no script runs, nothing is injected).
import { test, expect } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { ScenarioBuilder } from '../../scripts/traffic/scenario.builder.ts';
import { writeScenarioCapture } from '../../scripts/traffic/scenario.catalog.ts';
import { SHOTS, countDialogs, signIn, uploadCapture } from './e2e.helpers.ts';

const HOST = 'pii.example';
const PATH = '/api/<img src=x onerror=window.__xss=11>/customers';
const ID_CARD = '11010519491231002X';

/** Writes the capture: 8 calls from 10.9.0.5 and 3 from 10.9.0.6, each answered with one person's data. */
function piiCapture(): string {
  const b = new ScenarioBuilder(7);
  const calls: Array<[string, number]> = [['10.9.0.5', 8], ['10.9.0.6', 3]];
  for (const [clientIp, n] of calls) {
    const c = b.conn({ clientIp });
    c.conv.handshake();
    for (let i = 0; i < n; i++) {
      c.exchange(
        { method: 'GET', uri: `${PATH}/${1000 + i}?idCard=${ID_CARD}`, host: HOST, headers: [['User-Agent', '<script>window.__xss=12</script>']] },
        { status: i === 2 ? 404 : 200, headers: [['Content-Type', 'application/json']], body: JSON.stringify({ name: 'Li <b>Lei</b>', idCard: ID_CARD, mobile: '13812345678', email: `user${i}@example.com` }) },
      );
    }
    c.conv.close();
  }
  mkdirSync('tmp/e2e-captures', { recursive: true });
  const path = 'tmp/e2e-captures/pii.pcap';
  writeScenarioCapture(path, b.build({ name: 'pii', description: 'pii', formats: ['pcap'], lossy: false, notes: '' }, 7), { format: 'pcap' });
  return path;
}

interface Summary { types: Array<{ type: string; calls: number; level: number | null }>; endpoints: Array<{ type: string; host: string; template: string; calls: number }>; clients: Array<{ type: string; clientIp: string; calls: number }> }

test('sensitive-data page, endpoint charts and samples, call log by endpoint; hostile strings as text', async ({ page }) => {
  test.setTimeout(90_000);
  const dialogs = countDialogs(page);
  await signIn(page);
  await uploadCapture(page, piiCapture());

  // the page falls back to everything stored (the capture is older than a day) and lists the types the API lists
  await page.getByTestId('nav-sensitive').click();
  await expect(page).toHaveURL(/\/sensitive\?range=all$/);
  const api = (await (await page.request.get('/api/v1/calls/sensitive', { params: { from: '2000-01-01T00:00:00.000Z', to: new Date().toISOString() } })).json()) as Summary;
  const seen = api.types.filter((x) => x.calls > 0);
  expect(seen.map((x) => x.type)).toEqual(expect.arrayContaining(['cn_id_card', 'cn_mobile']));
  await expect(page.getByTestId('sens-type')).toHaveCount(seen.length);
  const idRow = page.locator('[data-testid="sens-type"][data-type="cn_id_card"]');
  await expect(idRow.getByTestId('sens-calls')).toHaveText(String(seen.find((x) => x.type === 'cn_id_card')!.calls));
  await expect(idRow.getByTestId('sens-level')).toHaveText('L4 highly sensitive');
  await page.getByTestId('sens-show-unseen').check();
  await expect(page.getByTestId('sens-type')).toHaveCount(api.types.length);
  await page.getByTestId('sens-show-unseen').uncheck();

  // level editing (admin): cancelled at the confirmation, then set to L2 and back to the default, each stored and audited
  const mobileRow = page.locator('[data-testid="sens-type"][data-type="cn_mobile"]');
  const mobileLevel = async (): Promise<{ level: number; edited: boolean }> => {
    const r = (await (await page.request.get('/api/v1/sensitive/types')).json()) as { types: Array<{ typeId: string; level: number; edited: boolean }> };
    const x = r.types.find((y) => y.typeId === 'cn_mobile')!;
    return { level: x.level, edited: x.edited };
  };
  expect(await mobileLevel()).toEqual({ level: 3, edited: false });
  await mobileRow.getByTestId('sens-level-edit').click();
  await mobileRow.getByTestId('sens-level-select').selectOption('2');
  await mobileRow.getByTestId('sens-level-save').click();
  await expect(mobileRow.getByTestId('sens-level-confirm')).toContainText('L2 internal');
  await mobileRow.getByTestId('sens-level-no').click();
  await expect(mobileRow.getByTestId('sens-level-confirm')).toHaveCount(0);
  expect(await mobileLevel()).toEqual({ level: 3, edited: false });
  await mobileRow.getByTestId('sens-level-edit').click();
  await mobileRow.getByTestId('sens-level-select').selectOption('2');
  await mobileRow.getByTestId('sens-level-save').click();
  await mobileRow.getByTestId('sens-level-yes').click();
  await expect(mobileRow.getByTestId('sens-level')).toHaveText('L2 internal');
  await expect(mobileRow.getByTestId('sens-level-cell')).toContainText('changed from L3');
  expect(await mobileLevel()).toEqual({ level: 2, edited: true });
  await page.reload();
  await expect(mobileRow.getByTestId('sens-level')).toHaveText('L2 internal');
  await page.screenshot({ path: `${SHOTS}/sensitive-level-edited.png`, fullPage: true });
  await mobileRow.getByTestId('sens-level-reset').click();
  await expect(mobileRow.getByTestId('sens-level-confirm')).toContainText('L3 sensitive');
  await mobileRow.getByTestId('sens-level-yes').click();
  await expect(mobileRow.getByTestId('sens-level')).toHaveText('L3 sensitive');
  await expect(mobileRow.getByTestId('sens-level-reset')).toHaveCount(0);
  expect(await mobileLevel()).toEqual({ level: 3, edited: false });
  const audit = (await (await page.request.get('/api/v1/audit')).json()) as { entries: Array<{ action: string; target: string }> };
  const levelEntries = audit.entries.filter((e) => e.target === 'sensitive_type:cn_mobile').map((e) => e.action);
  expect(levelEntries).toEqual(expect.arrayContaining(['sensitive.level_set', 'sensitive.level_reset']));

  // one type: its endpoints (the hostile path as text) and its clients, as the API counts them
  await idRow.getByRole('link').first().click();
  await expect(page).toHaveURL(/\/sensitive\?range=all&type=cn_id_card$/);
  const idEndpoints = api.endpoints.filter((e) => e.type === 'cn_id_card');
  await expect(page.getByTestId('sens-endpoint')).toHaveCount(idEndpoints.length);
  const hostile = idEndpoints.find((e) => e.host === HOST)!;
  expect(hostile.calls).toBe(11);
  const hostileRow = page.getByTestId('sens-endpoint').filter({ hasText: HOST });
  await expect(hostileRow).toContainText(`GET ${HOST}${hostile.template}`);
  await expect(hostileRow).toContainText('onerror');
  await expect(page.getByTestId('sens-client').filter({ hasText: '10.9.0.5' })).toContainText('8');
  await expect(page.getByTestId('sens-client').filter({ hasText: '10.9.0.6' })).toContainText('3');

  // the fields carrying the ID number (query and JSON response on the hostile endpoint), as the API stores them
  const typeFields = (await (await page.request.get('/api/v1/sensitive/types/cn_id_card/endpoints')).json()) as { endpoints: Array<{ host: string; fields: Array<{ typeId: string; field: string; location: string }> }> };
  const idFields = typeFields.endpoints.flatMap((e) => e.fields.filter((f) => f.typeId === 'cn_id_card').map((f) => ({ ...f, host: e.host })));
  expect(idFields.filter((f) => f.host === HOST).map((f) => f.location)).toEqual(expect.arrayContaining(['query', 'json']));
  await expect(page.getByTestId('sens-field')).toHaveCount(Math.min(100, idFields.length));
  await expect(page.getByTestId('sens-fields').getByTestId('sens-field').filter({ hasText: 'request · query' }).first()).toContainText('idCard');
  await expect(page.getByTestId('sens-fields')).toContainText('onerror');

  // top clients by records received (the analysed capture's clients)
  const clients = (await (await page.request.get('/api/v1/clients')).json()) as { clients: Array<{ ip: string; sensitiveRecords: number }> };
  const top = clients.clients.filter((c) => c.sensitiveRecords > 0).sort((a, b) => b.sensitiveRecords - a.sensitiveRecords);
  await expect(page.getByTestId('sens-record')).toHaveCount(Math.min(10, top.length));
  await expect(page.getByTestId('sens-record-count').first()).toHaveText(top[0].sensitiveRecords.toLocaleString('en'));
  await page.screenshot({ path: `${SHOTS}/sensitive-page.png`, fullPage: true });

  // the endpoint's calls in the call log: filtered by host, method, template and type; the ID number is masked
  await hostileRow.getByTestId('sens-endpoint-calls').click();
  await expect(page).toHaveURL(/\/calls\?host=pii.example&template=[^&]+&method=GET&sensitive=cn_id_card$/);
  await expect(page.getByTestId('filter-template')).toHaveValue(hostile.template);
  await expect(page.getByTestId('call-row')).toHaveCount(11);
  await expect(page.getByTestId('calls')).toContainText('onerror');
  await expect(page.getByTestId('calls')).not.toContainText(ID_CARD);

  // the endpoint page: status and latency charts drawn from the endpoint's calls, masked samples, sensitive types
  const apis = (await (await page.request.get('/api/v1/inventory/apis', { params: { host: HOST } })).json()) as { endpoints: Array<{ id: number; template: string; method: string }> };
  const ep = apis.endpoints.find((e) => e.template === hostile.template && e.method === 'GET')!;
  const timeline = (await (await page.request.get('/api/v1/calls/endpoint-timeline', { params: { host: HOST, method: 'GET', template: ep.template, from: '2000-01-01T00:00:00.000Z' } })).json()) as { buckets: Array<{ calls: number; s4xx: number }> };
  expect(timeline.buckets.reduce((n, x) => n + x.calls, 0)).toBe(11);
  expect(timeline.buckets.reduce((n, x) => n + x.s4xx, 0)).toBe(2);
  await page.goto(`/inventory/apis/${ep.id}`);
  await expect(page.getByTestId('endpoint-status-chart').locator('canvas')).toHaveCount(1);
  await expect(page.getByTestId('endpoint-latency-chart').locator('canvas')).toHaveCount(1);
  await expect(page.getByTestId('endpoint-range')).toHaveValue('all');
  await expect(page.getByTestId('endpoint-call')).toHaveCount(11);
  await expect(page.getByTestId('endpoint-calls')).not.toContainText(ID_CARD);
  await expect(page.getByTestId('endpoint-calls')).toContainText('cn_id_card');
  await expect(page.getByTestId('endpoint-sensitive').getByRole('link', { name: 'cn_id_card' })).toBeVisible();
  await expect(page.getByTestId('endpoint-sensitive-fields').getByTestId('sens-field').filter({ hasText: 'cn_id_card' }).first()).toContainText('idCard');
  await page.screenshot({ path: `${SHOTS}/endpoint-charts.png`, fullPage: true });
  await page.getByTestId('open-call-log').click();
  await expect(page).toHaveURL(/\/calls\?host=pii.example&template=[^&]+&method=GET$/);
  await expect(page.getByTestId('call-row')).toHaveCount(11);

  // in Chinese and the dark theme
  await page.goto('/sensitive?range=all&type=cn_mobile');
  await page.getByTestId('language-header').selectOption('zh-CN');
  await page.getByTestId('theme').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('敏感数据');
  await expect(page.getByTestId('sens-endpoints-title')).toContainText('携带');
  await expect(page.locator('[data-testid="sens-type"][data-type="cn_id_card"]').getByTestId('sens-level')).toHaveText('L4 高度敏感');
  await page.screenshot({ path: `${SHOTS}/sensitive-page-zh-dark.png`, fullPage: true });
  await page.getByTestId('theme').click();
  await page.getByTestId('language-header').selectOption('en');

  expect(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).toBeUndefined();
  expect(await page.locator('#app svg, #app iframe, #app img[src="x"], #app script, #app b').count()).toBe(0);
  expect(dialogs()).toBe(0);
});
