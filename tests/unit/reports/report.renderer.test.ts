// Unit tests of the report renderer: traffic text is escaped and stripped of control characters, leftover sensitive
// values in evidence are masked, the email form carries cid images while the preview carries inline SVG, and the
// subject and text part carry the figures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderReport } from '../../../appliance/src/reports/report.renderer.ts';
import { cleanText, maskLeftovers, evidenceHtml } from '../../../appliance/src/reports/report.text.ts';
import { barChartSvg } from '../../../appliance/src/reports/report.charts.ts';
import type { ReportData } from '../../../appliance/src/reports/report.types.ts';

function data(): ReportData {
  const hostile = '<img src=x onerror=alert(1)>\u0007\u202e';
  return {
    period: { start: Date.UTC(2026, 2, 1, 0, 0), end: Date.UTC(2026, 2, 8, 0, 0) },
    scope: { hosts: [] },
    posture: { hosts: 2, endpoints: 7, sensitiveEndpoints: 3, openFindings: 4, openBySeverity: { critical: 1, high: 2, medium: 1, low: 0, info: 0 }, likelySuccess: 1 },
    changes: {
      newEndpoints: [{ host: 'api.example.com', method: 'GET', path: `/v1/${hostile}`, calls: 5, sensitive: ['cn_mobile'], risk: 50 }],
      newEndpointCount: 12,
      newSensitiveFields: [{ host: 'api.example.com', method: 'GET', path: '/v1/u', direction: 'response', location: 'json', field: `name"${hostile}`, typeId: 'cn_id_card' }],
      newSensitiveFieldCount: 1,
      newFindings: [{ type: 'attack.xss', category: 'attack', severity: 'critical', host: 'api.example.com', method: 'GET', path: '/v1/search', client: '198.51.100.9', count: 3, outcome: 'likely_success', status: 'open', evidence: `q=${hostile} id 110101199003077777 phone 13812345678` }],
      newFindingCount: 1,
      lifecycle: [{ kind: 'dormant', host: 'api.example.com', method: 'GET', path: `/v0/${hostile}`, at: Date.UTC(2026, 2, 3) }, { kind: 'revived', host: 'api.example.com', method: 'POST', path: '/v1/orders', at: Date.UTC(2026, 2, 4) }],
      lifecycleCount: 2,
      shadowApis: 3,
      zombieApis: 1,
      riskMovers: [
        { host: 'api.example.com', method: 'GET', path: `/v1/risky/${hostile}`, before: 20, after: 65 },
        { host: 'api.example.com', method: 'POST', path: '/v1/login', before: 40, after: 28 },
        { host: 'api.example.com', method: 'GET', path: '/v2/new', before: null, after: 30 },
      ],
      riskMoverCount: 14,
    },
    topFindings: [],
    topAttackers: [{ client: '198.51.100.9', findings: 1, events: 3, worstSeverity: 'critical', likelySuccess: true, calls: 10 }],
    sensitive: { byType: [{ typeId: 'cn_id_card', endpoints: 1, fields: 1, hits: 4 }] },
    capture: { runs: 1, failedRuns: 0, transactions: 100, packets: 1000, bytes: 1, parseErrors: 0, tcpGaps: 0, weird: [], lastCaptureAt: null },
  };
}

const opts = { timeZone: 'UTC', frequency: 'weekly' as const, version: '1.0', generatedAt: Date.UTC(2026, 2, 8, 0, 5) };

test('traffic text is escaped, control and bidi characters removed, evidence masked', () => {
  const r = renderReport(data(), { ...opts, language: 'en' });
  for (const page of [r.html, r.emailHtml]) {
    assert.doesNotMatch(page, /<img src=x/);
    assert.match(page, /&lt;img src=x onerror=alert\(1\)&gt;/);
    assert.ok(!page.includes("\u0007") && !page.includes("\u202e"), "control and bidi characters removed");
    assert.doesNotMatch(page, /110101199003077777|13812345678/);
    assert.match(page, /110\*\*\*\*7777/);
    assert.doesNotMatch(page, /<script/i);
    assert.match(page, /name&quot;/, 'quotes escaped');
  }
});

test('lifecycle changes and shadow/zombie counts are shown in both languages', () => {
  const en = renderReport(data(), { ...opts, language: 'en' });
  assert.match(en.html, /Lifecycle changes \(2\)/);
  assert.match(en.html, /dormant/);
  assert.match(en.html, /Shadow APIs/);
  assert.doesNotMatch(en.html, /<img src=x/);
  const zh = renderReport(data(), { ...opts, language: 'zh-CN' });
  assert.match(zh.html, /生命周期变化（2）/);
  assert.match(zh.html, /重新活跃/);
  assert.match(zh.text, /僵尸 API: 1/);
});

test('risk movers are listed with before, after and a signed change, hostile paths escaped', () => {
  const en = renderReport(data(), { ...opts, language: 'en' });
  assert.match(en.html, /Risk movers \(14\)/);
  assert.match(en.html, />\+45</);
  assert.match(en.html, />−12</);
  assert.match(en.html, /<td[^>]*>new<\/td>/);
  assert.match(en.html, /and 11 more/);
  assert.doesNotMatch(en.html, /<img src=x/);
  assert.match(en.text, /POST api\.example\.com\/v1\/login 40 → 28/);
  assert.match(en.text, /GET api\.example\.com\/v2\/new new → 30/);
  const zh = renderReport(data(), { ...opts, language: 'zh-CN' });
  assert.match(zh.html, /风险变化最大的接口（14）/);
  assert.match(zh.html, /当前风险/);
});

test('the preview inlines SVG charts, the email refers to cid images of the same charts', () => {
  const r = renderReport(data(), { ...opts, language: 'zh-CN' });
  assert.equal((r.html.match(/<svg /g) ?? []).length, 3);
  assert.doesNotMatch(r.emailHtml, /<svg/);
  assert.deepEqual([...r.emailHtml.matchAll(/src="cid:([^"]+)"/g)].map((m) => m[1]), r.charts.map((c) => `${c.id}@api-radar`));
  assert.match(r.html, /<html lang="zh-CN">/);
  assert.match(r.html, /……另有 11 项/, '12 new endpoints, 1 listed');
});

test('subject and text part carry the figures in the chosen language', () => {
  const en = renderReport(data(), { ...opts, language: 'en' });
  assert.equal(en.subject, 'API Radar weekly report 2026-03-01 – 2026-03-08: 4 open findings, 1 new');
  assert.match(en.text, /Open findings: 4\n/);
  assert.match(en.text, /New endpoints: 12\n/);
  const zh = renderReport(data(), { ...opts, language: 'zh-CN' });
  assert.equal(zh.subject, 'API Radar 每周报告 2026-03-01 – 2026-03-08：未处理发现 4 个，新增 1 个');
  assert.match(zh.text, /涉敏接口: 3\n/);
});

test('text helpers: cleaning bounds length, masking keeps short numbers and words', () => {
  assert.equal(cleanText('a\u0000b\u200bc', 10), 'abc');
  assert.equal(cleanText('x'.repeat(20), 10), `${'x'.repeat(9)}…`);
  assert.equal(maskLeftovers('order 12345 of 6222 0212 3456 7890 123'), 'order 12345 of 622****0123');
  assert.equal(maskLeftovers('path /very/long/readable-path/name'), 'path /very/long/readable-path/name');
  assert.match(maskLeftovers('token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc'), /^token eyJhbG…$/);
  assert.equal(evidenceHtml('<b>'), '&lt;b&gt;');
});

test('chart SVG escapes labels and scales bars to the largest value', () => {
  const svg = barChartSvg({ id: 'c', title: 'T<', emptyText: '-', bars: [{ label: '<x>', value: 10 }, { label: 'b', value: 5 }] });
  assert.doesNotMatch(svg, /<x>/);
  assert.match(svg, /&lt;x&gt;/);
  const widths = [...svg.matchAll(/<rect x="190" y="\d+" width="(\d+)"/g)].map((m) => Number(m[1]));
  assert.equal(widths.length, 2);
  assert.equal(widths[0], widths[1] * 2);
});
