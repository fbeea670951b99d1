// Risk reasons in the UI: codes render through the catalogue in both languages (in English exactly as the service's
// text), and unknown codes or factors stored without codes fall back to the service's English text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { format, type Locale } from '../../../ui/src/lib/i18n/i18n.ts';
import { factorReasons, riskReasonText } from '../../../ui/src/lib/format/risk-reason.format.ts';
import { scoreEndpoint } from '../../../appliance/src/analyzers/risk/risk.model.ts';
import type { ReportFinding } from '../../../appliance/src/analysis/analysis-report.types.ts';
import type { MessageKey } from '../../../ui/src/lib/i18n/en.ts';

const tr = (locale: Locale) => (key: MessageKey, params?: Record<string, string | number>) => format(locale, key, params);
const finding = (o: Partial<ReportFinding>): ReportFinding => ({ type: 'x', category: 'attack', severity: 'high', host: 'h', method: 'GET', path: '/p', client: '1.2.3.4', count: 1, firstSeen: '', lastSeen: '', evidence: '', ...o });

const scored = scoreEndpoint({
  calls: 10,
  anonymousCalls: 7,
  schemes: ['digest'],
  carriers: ['query:token'],
  responseSensitive: ['bank_card'],
  requestSensitive: ['cn_mobile'],
  findings: [finding({ type: 'xss', count: 12 }), finding({ type: 'sqli', count: 2, outcome: 'likely_success' }), finding({ type: 'cors_misconfig', category: 'exposure', severity: 'low', client: '' }), finding({ type: 'scraping', category: 'abuse', severity: 'critical' })],
});

test('in English every coded reason reads exactly as the service’s text', () => {
  const n = scored.factors.reduce((k, f) => k + f.reasons.length, 0);
  assert.ok(n >= 8, `${n} reasons`);
  for (const f of scored.factors) assert.deepEqual(factorReasons(f, tr('en')), f.reasons, f.factor);
});

test('in Chinese every coded reason is translated, keeping the values from traffic', () => {
  const zh = scored.factors.flatMap((f) => factorReasons(f, tr('zh-CN')));
  const en = scored.factors.flatMap((f) => f.reasons);
  for (let i = 0; i < zh.length; i++) assert.notEqual(zh[i], en[i], en[i]);
  assert.ok(zh.includes('70% 的调用未认证，且接口涉及敏感数据'), zh.join(' | '));
  assert.ok(zh.includes('bank_card（高价值，出现在响应中）'), zh.join(' | '));
  assert.ok(zh.includes('scraping（严重，客户端 1.2.3.4，1 次）'), zh.join(' | '));
  assert.ok(zh.includes('cors_misconfig（低，1 次）'), zh.join(' | '));
  assert.ok(zh.some((r) => r.startsWith('14 次攻击尝试（') && r.includes('xss 12') && r.includes('sqli 2')), zh.join(' | '));
});

test('factors without codes, unknown codes and odd parameters fall back to the English text', () => {
  assert.deepEqual(factorReasons({ reasons: ['weak scheme: basic'] }, tr('zh-CN')), ['weak scheme: basic']);
  assert.deepEqual(factorReasons({ reasons: ['new thing'], details: [{ code: 'from_the_future', params: {} }] }, tr('zh-CN')), ['new thing']);
  assert.equal(riskReasonText({ code: 'finding', params: { type: 'x', severity: '<b>', client: '', count: 1 } }, tr('zh-CN')), null);
  assert.equal(riskReasonText({ code: 'sensitive_type', params: { type: 'x', high: 0, where: 'headers' } }, tr('en')), null);
});
