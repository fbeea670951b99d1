/**
 * Rendering of alerts shared by the notifiers: a one-line title and labelled fields in English or simplified
 * Chinese, the JSON shape webhooks receive, the full link into the UI, and the test alert "send test" uses.
 */
import type { Severity } from '../analyzers/call.context.ts';
import type { Alert } from './alert.types.ts';

/** Languages of notification text. */
export type AlertLanguage = 'en' | 'zh-CN';

/** Type of the summary alert the rate limiter sends for what it held back. */
export const SUMMARY_TYPE = 'alert_summary';

/** Type of the test alert. */
export const TEST_TYPE = 'notifier_test';

const SEVERITY_NAMES: Record<AlertLanguage, Record<Severity, string>> = {
  en: { info: 'Info', low: 'Low', medium: 'Medium', high: 'High', critical: 'Critical' },
  'zh-CN': { info: '提示', low: '低危', medium: '中危', high: '高危', critical: '严重' },
};

const LABELS: Record<AlertLanguage, Record<string, string>> = {
  en: { type: 'Finding', category: 'Category', severity: 'Severity', host: 'Host', endpoint: 'Endpoint', client: 'Client', identity: 'Identity', count: 'Occurrences', firstSeen: 'First seen', lastSeen: 'Last seen', evidence: 'Evidence', link: 'Details', on: 'on', from: 'from', test: 'Test message from API Radar: this channel works.' },
  'zh-CN': { type: '发现类型', category: '类别', severity: '严重程度', host: '主机', endpoint: '接口', client: '客户端', identity: '身份', count: '次数', firstSeen: '首次出现', lastSeen: '最近出现', evidence: '证据', link: '详情', on: '于', from: '来自', test: 'API Radar 测试消息：此通知渠道工作正常。' },
};

/** The localised name of a severity. */
export function severityName(s: Severity, lang: AlertLanguage): string {
  return SEVERITY_NAMES[lang][s];
}

/** The full URL of the alert's page, or '' when the base URL or the link is unknown. */
export function alertUrl(a: Alert, publicUrl: string): string {
  if (publicUrl === '' || a.linkPath === '') return '';
  return publicUrl.replace(/\/+$/, '') + a.linkPath;
}

/** One line: `High: sqli on GET /v1/orders (api.example.com) from 10.0.0.5 ×12`. */
export function alertTitle(a: Alert, lang: AlertLanguage): string {
  const l = LABELS[lang];
  const sep = lang === 'zh-CN' ? '：' : ': ';
  let t = `${severityName(a.severity, lang)}${sep}${a.type}`;
  if (a.endpoint !== '') t += ` ${l.on} ${a.endpoint}${a.host !== '' ? ` (${a.host})` : ''}`;
  else if (a.host !== '') t += ` ${l.on} ${a.host}`;
  if (a.client !== '') t += ` ${l.from} ${a.client}`;
  if (a.count > 1) t += ` ×${a.count}`;
  return t;
}

/** The alert's fields as label/value pairs in display order (empty ones left out). */
export function alertFields(a: Alert, lang: AlertLanguage, publicUrl: string): Array<[string, string]> {
  const l = LABELS[lang];
  const rows: Array<[string, string]> = [
    [l.type, a.type],
    [l.category, a.category],
    [l.severity, severityName(a.severity, lang)],
    [l.host, a.host],
    [l.endpoint, a.endpoint],
    [l.client, a.client],
    [l.identity, a.identity],
    [l.count, String(a.count)],
    [l.firstSeen, new Date(a.firstSeen).toISOString()],
    [l.lastSeen, new Date(a.lastSeen).toISOString()],
    [l.evidence, a.evidence],
    [l.link, alertUrl(a, publicUrl)],
  ];
  return rows.filter(([, v]) => v !== '');
}

/** The alert as plain text (title, blank line, `Label: value` lines). */
export function alertText(a: Alert, lang: AlertLanguage, publicUrl: string): string {
  const sep = lang === 'zh-CN' ? '：' : ': ';
  const head = a.type === TEST_TYPE ? `${LABELS[lang].test}\n\n` : '';
  return `${head}${alertTitle(a, lang)}\n\n${alertFields(a, lang, publicUrl).map(([k, v]) => `${k}${sep}${v}`).join('\n')}\n`;
}

/** The JSON body webhooks receive (`event` is `alert`, `summary` or `test`). */
export function alertPayload(a: Alert, publicUrl: string, version: string): Record<string, unknown> {
  const event = a.type === TEST_TYPE ? 'test' : a.type === SUMMARY_TYPE ? 'summary' : 'alert';
  return {
    event,
    source: 'api-radar',
    version,
    alert: {
      type: a.type,
      category: a.category,
      severity: a.severity,
      host: a.host,
      endpoint: a.endpoint,
      client: a.client,
      identity: a.identity,
      evidence: a.evidence,
      count: a.count,
      firstSeen: new Date(a.firstSeen).toISOString(),
      lastSeen: new Date(a.lastSeen).toISOString(),
      url: alertUrl(a, publicUrl),
    },
  };
}

/** The alert "send test" delivers. */
export function testAlert(now: number): Alert {
  return { type: TEST_TYPE, category: 'policy', severity: 'info', host: '', endpoint: '', client: '', identity: '', evidence: 'This is a test message sent from the notifier settings.', count: 1, firstSeen: now, lastSeen: now, linkPath: '/settings/notifiers' };
}
