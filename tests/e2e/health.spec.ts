// Issue 7's last overview and health items in a real browser: the health page's figures against the API (a job run
// from the API shows as its last run), the overview's shadow and zombie counts against the specs comparison (a spec
// declared in the spec, one observed endpoint deprecated in it) with the link landing on the comparison, the specs
// section of Settings, the overview's card links, and chart
// legends that follow a language switch without a reload (read from the chart itself through `data-legend`).
import { test, expect, type Page } from '@playwright/test';
import { en } from '../../ui/src/lib/i18n/en.ts';
import { zhCN } from '../../ui/src/lib/i18n/zh-CN.ts';
import { SHOTS, csrf, signIn } from './e2e.helpers.ts';

interface Job { name: string; lastRun: { status: string; message: string; summary: { code: string; params: Record<string, string | number> } | null } | null }

async function api<T>(page: Page, path: string): Promise<T> {
  const r = await page.request.get(`/api/v1${path}`);
  expect(r.ok(), path).toBe(true);
  return (await r.json()) as T;
}

test('health page: capture, call log, service and jobs as the API reports them, in both languages and themes', async ({ page }) => {
  await signIn(page);
  await page.getByTestId('health-link').click();
  await expect(page).toHaveURL(/\/health$/);
  await expect(page.getByTestId('nav-health')).toHaveAttribute('aria-current', 'page');

  const health = (await api<{ health: { capture: { state: string; restarts: number }; uploadsRunning: number; problems: unknown[]; service: { cores: number }; quality: { hosts: unknown[]; tlsConnections: number; nonHttpConnections: number } | null } }>(page, '/system/health')).health;
  const info = await api<{ version: string }>(page, '/system/info');
  await expect(page.getByTestId('hp-version')).toHaveText(info.version);
  await expect(page.getByTestId('hp-capture-state')).toContainText(en[`capture.state.${health.capture.state}` as keyof typeof en]);
  await expect(page.getByTestId('hp-restarts')).toHaveText(String(health.capture.restarts));
  await expect(page.getByTestId('hp-uploads')).toHaveText(String(health.uploadsRunning));
  await expect(page.getByTestId('hp-load')).toHaveText(/^\d+\.\d\d · \d+\.\d\d · \d+\.\d\d$/);
  await expect(page.getByTestId('hp-service')).toContainText(`${health.service.cores} cores`);
  if (health.quality === null) await expect(page.getByTestId('hp-quality-none')).toBeVisible();
  else {
    await expect(page.getByTestId('hp-tls')).toHaveText(health.quality.tlsConnections.toLocaleString('en'));
    await expect(page.getByTestId('hp-quality-host')).toHaveCount(Math.min(50, health.quality.hosts.length));
  }
  if (health.problems.length === 0) await expect(page.getByTestId('hp-problem-list')).toHaveText(en['health.noProblems']);
  else await expect(page.getByTestId('hp-problem-list').getByTestId('health-problem')).toHaveCount(health.problems.length);

  // every scheduled job is listed; one run from the API shows as its last run after a reload
  const jobs = (await api<{ jobs: Job[] }>(page, '/jobs')).jobs;
  await expect(page.getByTestId('hp-job-name')).toHaveText(jobs.map((j) => j.name));
  const run = await page.request.post('/api/v1/jobs/rollups/run', { headers: { 'X-CSRF-Token': await csrf(page) } });
  expect(run.ok()).toBe(true);
  const after = (await api<{ jobs: Job[] }>(page, '/jobs')).jobs.find((j) => j.name === 'rollups');
  expect(after?.lastRun).not.toBeNull();
  await page.reload();
  const rollups = page.getByTestId('hp-job').filter({ has: page.getByTestId('hp-job-name').getByText('rollups', { exact: true }) });
  await expect(rollups.getByTestId('hp-job-status')).toHaveText(en[`hp.run.${after!.lastRun!.status}` as keyof typeof en]);
  await expect(rollups).toContainText(en['hp.job.rollups']);
  // the run's message: the service's words in English, the catalogue's with the run's figures in Chinese
  const summary = after!.lastRun!.summary;
  expect(summary?.code).toBe('rollups');
  await expect(rollups.getByTestId('hp-job-message')).toHaveText(after!.lastRun!.message);
  await page.screenshot({ path: `${SHOTS}/health-page.png`, fullPage: true });

  await page.getByTestId('language-header').selectOption('zh-CN');
  await page.getByTestId('theme').click();
  await expect(page.locator('h1')).toHaveText(zhCN['hp.title']);
  await expect(rollups).toContainText(zhCN['hp.job.rollups']);
  await expect(rollups.getByTestId('hp-job-status')).toHaveText(zhCN[`hp.run.${after!.lastRun!.status}` as keyof typeof zhCN]);
  await expect(rollups.getByTestId('hp-job-message')).toHaveText(zhCN['job.msg.rollups'].replace(/\{(\w+)\}/g, (_, k: string) => String(summary!.params[k])));
  expect(await page.evaluate<number>('document.documentElement.scrollWidth'), 'nothing wider than the window').toBeLessThanOrEqual(1280);
  await page.screenshot({ path: `${SHOTS}/health-page-zh-dark.png`, fullPage: true });
  await page.getByTestId('theme').click();
  await page.getByTestId('language-header').selectOption('en');
});

test('overview: shadow and zombie APIs equal the specs comparison and link to it', async ({ page }) => {
  await signIn(page);
  const specs = (await api<{ specs: Array<{ id: number }> }>(page, '/specs')).specs;
  if (specs.length === 0) await expect(page.getByTestId('api-declared-none')).toBeVisible();

  // a spec for a host with traffic that declares one of its observed endpoints deprecated: that one is a zombie, the others shadow
  const observed = (await api<{ endpoints: Array<{ host: string; method: string; template: string }> }>(page, '/inventory/apis?limit=50')).endpoints;
  expect(observed.length).toBeGreaterThan(0);
  const e = observed.find((x) => x.template.startsWith('/') && !/[<>"]/.test(x.template)) ?? observed[0];
  const params = [...e.template.matchAll(/\{([^}]+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
  const doc = { openapi: '3.0.3', info: { title: 'health-spec', version: '1' }, paths: { [e.template]: { [e.method.toLowerCase()]: { deprecated: true, parameters: params, responses: { 200: { description: 'ok' } } } } } };
  const up = await page.request.post(`/api/v1/specs?name=health-spec&hosts=${encodeURIComponent(e.host)}`, { headers: { 'X-CSRF-Token': await csrf(page), 'Content-Type': 'application/octet-stream' }, data: Buffer.from(JSON.stringify(doc)) });
  expect(up.ok(), await up.text()).toBe(true);
  const specId = ((await up.json()) as { spec: { id: number } }).spec.id;
  try {
    const diff = await api<{ shadow: unknown[]; zombie: unknown[]; drift: Array<{ host: string; kind: string; name: string }> }>(page, '/inventory/diff');
    expect(diff.zombie.length).toBeGreaterThan(0);
    await page.reload();
    await expect(page.getByTestId('api-state-shadow')).toHaveText(diff.shadow.length.toLocaleString('en'));
    await expect(page.getByTestId('api-state-zombie')).toHaveText(diff.zombie.length.toLocaleString('en'));
    await page.getByTestId('card-api-states').screenshot({ path: `${SHOTS}/overview-api-states.png` });
    await page.getByTestId('api-shadow-link').click();
    await expect(page).toHaveURL(/\/inventory#spec-diff$/);
    await expect(page.locator('#spec-diff')).toBeInViewport();
    await expect(page.getByTestId('diff-zombie').getByTestId('diff-row')).toHaveCount(Math.min(200, diff.zombie.length));
    // the comparison of one host: the inventory's host filter narrows it
    const ofHost = (rows: unknown[]): number => (rows as Array<{ host: string }>).filter((r) => r.host === e.host).length;
    await page.goto(`/inventory?host=${encodeURIComponent(e.host)}`);
    await expect(page.getByTestId('diff-host')).toContainText(e.host);
    await expect(page.getByTestId('diff-zombie').getByTestId('diff-row')).toHaveCount(Math.min(200, ofHost(diff.zombie)));
    await expect(page.getByTestId('diff-shadow').getByTestId('diff-row')).toHaveCount(Math.min(200, ofHost(diff.shadow)));
    // drift in words, in both languages
    const drift = diff.drift.find((d) => d.host === e.host && !d.kind.endsWith('type_mismatch'));
    if (drift !== undefined) {
      const key = `apis.drift.${drift.kind}` as keyof typeof en;
      await expect(page.getByTestId('diff-drift')).toContainText(en[key].replace('{name}', drift.name));
      await page.getByTestId('language-header').selectOption('zh-CN');
      await expect(page.getByTestId('diff-drift')).toContainText(zhCN[key].replace('{name}', drift.name));
      await page.getByTestId('specs-section').screenshot({ path: `${SHOTS}/inventory-diff-host-zh.png` });
      await page.getByTestId('language-header').selectOption('en');
    }
    // the declared specs are also a Settings section (the same component as the wizard step and the inventory page)
    await page.getByTestId('nav-settings').click();
    await expect(page.getByTestId('settings-specs').getByTestId('spec-row').filter({ hasText: 'health-spec' })).toHaveCount(1);
    // the overview's other cards link to their pages
    await page.getByTestId('nav-overview').click();
    await page.getByTestId('overview-findings-link').click();
    await expect(page).toHaveURL(/\/threats$/);
    await page.getByTestId('nav-overview').click();
    await page.getByTestId('overview-inventory-link').click();
    await expect(page).toHaveURL(/\/inventory$/);
  } finally {
    await page.request.delete(`/api/v1/specs/${specId}`, { headers: { 'X-CSRF-Token': await csrf(page) } });
  }
});

test('chart legends follow a language switch without a reload', async ({ page }) => {
  await signIn(page);
  const chart = page.getByTestId('traffic-chart');
  const names = (c: Record<string, string>): string => ['traffic.series.calls', 'traffic.series.errors', 'traffic.series.sensitive', 'traffic.series.detections'].map((k) => c[k]).join('|');
  await expect(chart).toHaveAttribute('data-legend', names(en));
  await page.waitForLoadState('networkidle');
  await page.getByTestId('language-header').selectOption('zh-CN');
  await expect(chart).toHaveAttribute('data-legend', names(zhCN));
  await chart.screenshot({ path: `${SHOTS}/overview-chart-zh.png` });

  // the endpoint page's two charts: the status bars' "no response" and both latency lines
  const endpoint = (await api<{ endpoints: Array<{ id: number }> }>(page, '/inventory/apis?limit=1')).endpoints[0];
  await page.goto(`/inventory/apis/${endpoint.id}`);
  const status = page.getByTestId('endpoint-status-chart');
  const latency = page.getByTestId('endpoint-latency-chart');
  await expect(status).toHaveAttribute('data-legend', `2xx|3xx|4xx|5xx|${zhCN['ep.series.none']}`);
  await expect(latency).toHaveAttribute('data-legend', `${zhCN['ep.series.avg']}|${zhCN['ep.series.p95']}`);
  await status.screenshot({ path: `${SHOTS}/endpoint-chart-zh.png` });
  await page.getByTestId('language-header').selectOption('en');
  await expect(status).toHaveAttribute('data-legend', `2xx|3xx|4xx|5xx|${en['ep.series.none']}`);
  await expect(latency).toHaveAttribute('data-legend', `${en['ep.series.avg']}|${en['ep.series.p95']}`);
});

test('severities and attack outcomes are words in both languages (overview card, finding drawer)', async ({ page }) => {
  await signIn(page);
  const findings = (await api<{ findings: Array<{ id: number; severity: string; outcome: string | null }> }>(page, '/threats/findings?limit=500')).findings;
  const f = findings.find((x) => x.outcome !== null) ?? findings[0];
  expect(f, 'the setup spec uploaded a capture with findings').toBeDefined();
  const sev = `ops.sev.${f.severity}` as keyof typeof en;
  await expect(page.getByTestId('card-severity')).toContainText(en[sev]);
  await page.goto(`/threats?finding=${f.id}`);
  const drawer = page.getByTestId('finding-drawer');
  await expect(drawer.locator('h2 .sev')).toHaveText(en[sev]);
  if (f.outcome !== null) await expect(page.getByTestId('drawer-outcome')).toHaveText(en[`threats.outcome.${f.outcome}` as keyof typeof en]);
  await page.getByTestId('language-header').selectOption('zh-CN');
  await expect(drawer.locator('h2 .sev')).toHaveText(zhCN[sev]);
  if (f.outcome !== null) await expect(page.getByTestId('drawer-outcome')).toHaveText(zhCN[`threats.outcome.${f.outcome}` as keyof typeof zhCN]);
  await page.getByTestId('language-header').selectOption('en');
});
