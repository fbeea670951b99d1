/**
 * Turns {@link ReportData} into the report: the subject, a plain-text part, and one HTML page in two forms — with
 * the charts as inline SVG (preview in the UI and the PDF) and with the charts as `cid:` images (the email, since
 * common mail clients drop inline SVG). Tables with inline styles, no scripts, no remote resources. Every string
 * from traffic passes through report.text.ts.
 */
import type { Severity } from '../analyzers/call.context.ts';
import { detectorById } from '../analyzers/sensitive/detector.registry.ts';
import { formatZoned } from '../jobs/zoned.time.ts';
import type { ReportLanguage } from '../store/sqlite/report-schedules.repository.ts';
import { barChartSvg, chartSize, type BarChart } from './report.charts.ts';
import { reportTranslator, type ReportTextKey } from './report.catalogue.ts';
import { escapeHtml, evidenceHtml, html, cleanText } from './report.text.ts';
import { SEVERITY_ORDER, type ReportData, type ReportFindingLine, type ReportSensitiveField } from './report.types.ts';

/** How the report is presented. */
export interface RenderOptions {
  language: ReportLanguage;
  timeZone: string;
  frequency: 'daily' | 'weekly' | 'monthly' | 'manual';
  version: string;
  generatedAt: number;
}

/** The rendered report. */
export interface RenderedReport {
  subject: string;
  text: string;
  /** Self-contained page with inline SVG charts (preview, PDF). */
  html: string;
  /** The same page with charts as `<img src="cid:…">` (email). */
  emailHtml: string;
  charts: BarChart[];
}

/** Content id of a chart's image in the email. */
export function chartCid(chart: BarChart): string {
  return `${chart.id}@api-radar`;
}

const SEVERITY_COLOR: Record<Severity, string> = { critical: '#7f1d1d', high: '#dc2626', medium: '#f59e0b', low: '#3b82f6', info: '#9ca3af' };
const TD = 'style="padding:4px 8px;border-bottom:1px solid #e5e7eb;vertical-align:top;font-size:13px"';
const TH = 'style="padding:4px 8px;border-bottom:2px solid #d1d5db;text-align:left;font-size:12px;color:#4b5563;white-space:nowrap"';
const H2 = 'style="font-size:17px;color:#111827;margin:22px 0 8px;border-left:4px solid #2563eb;padding-left:8px"';
const H3 = 'style="font-size:14px;color:#1f2937;margin:14px 0 6px"';

/** Renders `data` for the given language, time zone and frequency. */
export function renderReport(data: ReportData, opts: RenderOptions): RenderedReport {
  const t = reportTranslator(opts.language);
  const fmt = (ms: number) => formatZoned(ms, opts.timeZone);
  const from = fmt(data.period.start);
  const to = fmt(data.period.end);
  const sev = (s: Severity) => t(`severity.${s}` as ReportTextKey);
  const outcome = (o: string | null) => t((o === null ? 'outcome.none' : `outcome.${o}`) as ReportTextKey);
  const status = (s: string) => (['open', 'acknowledged', 'resolved', 'false_positive'].includes(s) ? t(`status.${s}` as ReportTextKey) : cleanText(s, 40));
  const typeName = (id: string) => {
    const d = detectorById(id);
    return d === undefined ? id : opts.language === 'zh-CN' ? d.label.zh : d.label.en;
  };
  const subject = cleanText(t('subject', { frequency: t(`frequency.${opts.frequency}` as ReportTextKey), from: formatZoned(data.period.start, opts.timeZone, false), to: formatZoned(data.period.end, opts.timeZone, false), open: data.posture.openFindings, new: data.changes.newFindingCount }), 200);
  const scope = data.scope.hosts.length === 0 ? t('scopeAll') : t('scopeHosts', { hosts: data.scope.hosts.map((h) => cleanText(h, 80)).join(', ') });

  const charts: BarChart[] = [
    { id: 'chart-severity', title: t('chart.severity'), emptyText: t('chart.empty'), bars: SEVERITY_ORDER.map((s) => ({ label: sev(s), value: data.posture.openBySeverity[s], color: SEVERITY_COLOR[s] })) },
    { id: 'chart-sensitive', title: t('chart.sensitive'), emptyText: t('chart.empty'), bars: data.sensitive.byType.slice(0, 8).map((x) => ({ label: typeName(x.typeId), value: x.endpoints, color: '#7c3aed' })) },
    { id: 'chart-attackers', title: t('chart.attackers'), emptyText: t('chart.empty'), bars: data.topAttackers.slice(0, 8).map((a) => ({ label: a.client, value: a.events, color: SEVERITY_COLOR[a.worstSeverity] })) },
  ];

  const table = (head: string[], rows: string[][]): string =>
    rows.length === 0
      ? `<p style="color:#6b7280;font-size:13px">${escapeHtml(t('none'))}</p>`
      : `<table role="presentation" cellspacing="0" cellpadding="0" style="border-collapse:collapse;width:100%"><tr>${head.map((h) => `<th ${TH}>${escapeHtml(h)}</th>`).join('')}</tr>${rows.map((r) => `<tr>${r.map((c) => `<td ${TD}>${c}</td>`).join('')}</tr>`).join('')}</table>`;
  const more = (shown: number, total: number) => (total > shown ? `<p style="color:#6b7280;font-size:12px">${escapeHtml(t('more', { count: total - shown }))}</p>` : '');
  const endpoint = (e: { method: string; host: string; path: string }) => `<code style="word-break:break-all">${html(e.method, 10)} ${html(e.host, 80)}${html(e.path, 160)}</code>`;
  const riskDelta = (d: number) => `<span style="color:${d > 0 ? '#b91c1c' : '#15803d'};font-weight:bold">${d > 0 ? '+' : '−'}${Math.abs(d)}</span>`;
  const sevCell = (s: Severity) => `<span style="color:${SEVERITY_COLOR[s]};font-weight:bold">${escapeHtml(sev(s))}</span>`;
  const findingRows = (list: ReportFindingLine[]) => list.map((f) => [sevCell(f.severity), html(f.type, 60), endpoint(f), html(f.client || '—', 60), String(f.count), escapeHtml(outcome(f.outcome)), escapeHtml(status(f.status)), evidenceHtml(f.evidence)]);
  const findingHead = [t('col.severity'), t('col.type'), t('col.endpoint'), t('col.client'), t('col.count'), t('col.outcome'), t('col.status'), t('col.evidence')];
  const fieldText = (f: ReportSensitiveField) => (f.field === '' ? t('fieldEndpointOnly') : t('field', { direction: cleanText(f.direction, 10), location: cleanText(f.location, 12), field: cleanText(f.field, 80) }));
  const tile = (label: string, value: number, color = '#111827') =>
    `<td style="padding:10px 12px;border:1px solid #e5e7eb;background:#f9fafb;width:25%"><div style="font-size:22px;font-weight:bold;color:${color}">${value}</div><div style="font-size:12px;color:#4b5563">${escapeHtml(label)}</div></td>`;

  const p = data.posture;
  const c = data.changes;
  const body = (chartHtml: (chart: BarChart) => string): string => `<!DOCTYPE html>
<html lang="${opts.language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:0;background:#ffffff;color:#111827;font-family:'Noto Sans CJK SC','Noto Sans SC','Microsoft YaHei','PingFang SC',Arial,sans-serif">
<div style="max-width:880px;margin:0 auto;padding:20px">
<h1 style="font-size:22px;margin:0 0 6px">${escapeHtml(t('title'))}</h1>
<p style="margin:0;color:#374151;font-size:13px">${escapeHtml(t('period', { from, to, tz: opts.timeZone }))}</p>
<p style="margin:0;color:#374151;font-size:13px">${escapeHtml(scope)}</p>
<h2 ${H2}>${escapeHtml(t('section.posture'))}</h2>
<table role="presentation" cellspacing="6" cellpadding="0" style="width:100%;border-collapse:separate"><tr>${tile(t('posture.hosts'), p.hosts)}${tile(t('posture.endpoints'), p.endpoints)}${tile(t('posture.sensitiveEndpoints'), p.sensitiveEndpoints, '#7c3aed')}${tile(t('posture.openFindings'), p.openFindings, '#dc2626')}</tr>
<tr>${tile(t('posture.likelySuccess'), p.likelySuccess, '#7f1d1d')}${tile(t('posture.newEndpoints'), c.newEndpointCount)}${tile(t('posture.newSensitive'), c.newSensitiveFieldCount, '#7c3aed')}${tile(t('posture.newFindings'), c.newFindingCount, '#dc2626')}</tr>
<tr>${tile(t('posture.shadow'), c.shadowApis, '#b45309')}${tile(t('posture.zombie'), c.zombieApis, '#b45309')}</tr></table>
<h2 ${H2}>${escapeHtml(t('section.charts'))}</h2>
${charts.map((ch) => `<div style="margin:6px 0">${chartHtml(ch)}</div>`).join('\n')}
<h2 ${H2}>${escapeHtml(t('section.changes'))}</h2>
<h3 ${H3}>${escapeHtml(t('section.newEndpoints', { count: c.newEndpointCount }))}</h3>
${table([t('col.endpoint'), t('col.calls'), t('col.risk'), t('col.sensitive')], c.newEndpoints.map((e) => [endpoint(e), String(e.calls), String(e.risk), escapeHtml(e.sensitive.map(typeName).join(', ') || '—')]))}${more(c.newEndpoints.length, c.newEndpointCount)}
<h3 ${H3}>${escapeHtml(t('section.newSensitive', { count: c.newSensitiveFieldCount }))}</h3>
${table([t('col.type'), t('col.endpoint'), t('col.field')], c.newSensitiveFields.map((f) => [escapeHtml(typeName(f.typeId)), endpoint(f), escapeHtml(fieldText(f))]))}${more(c.newSensitiveFields.length, c.newSensitiveFieldCount)}
<h3 ${H3}>${escapeHtml(t('section.newFindings', { count: c.newFindingCount }))}</h3>
${table(findingHead, findingRows(c.newFindings))}${more(c.newFindings.length, c.newFindingCount)}
<h3 ${H3}>${escapeHtml(t('section.lifecycle', { count: c.lifecycleCount }))}</h3>
${table([t('col.change'), t('col.endpoint'), t('col.when')], c.lifecycle.map((l) => [escapeHtml(t(`lifecycle.${l.kind}` as ReportTextKey)), endpoint(l), escapeHtml(fmt(l.at))]))}${more(c.lifecycle.length, c.lifecycleCount)}
<h3 ${H3}>${escapeHtml(t('section.riskMovers', { count: c.riskMoverCount }))}</h3>
${table([t('col.endpoint'), t('col.riskBefore'), t('col.riskAfter'), t('col.riskChange')], c.riskMovers.map((m) => [endpoint(m), m.before === null ? escapeHtml(t('risk.new')) : String(m.before), String(m.after), riskDelta(m.after - (m.before ?? 0))]))}${more(c.riskMovers.length, c.riskMoverCount)}
<h2 ${H2}>${escapeHtml(t('section.topFindings'))}</h2>
${table(findingHead, findingRows(data.topFindings))}
<h2 ${H2}>${escapeHtml(t('section.attackers'))}</h2>
${table([t('col.client'), t('col.worst'), t('col.findings'), t('col.events'), t('col.calls'), t('col.outcome')], data.topAttackers.map((a) => [`<code>${html(a.client, 60)}</code>`, sevCell(a.worstSeverity), String(a.findings), String(a.events), String(a.calls), escapeHtml(outcome(a.likelySuccess ? 'likely_success' : 'attempt'))]))}
<h2 ${H2}>${escapeHtml(t('section.sensitive'))}</h2>
${table([t('col.type'), t('col.endpoints'), t('col.fields'), t('col.hits')], data.sensitive.byType.map((x) => [escapeHtml(typeName(x.typeId)), String(x.endpoints), String(x.fields), String(x.hits)]))}
<h2 ${H2}>${escapeHtml(t('section.capture'))}</h2>
<p style="font-size:13px;color:#374151">${escapeHtml(data.capture.lastCaptureAt === null ? t('capture.never') : t('capture.last', { at: fmt(data.capture.lastCaptureAt) }))}</p>
${table([t('section.capture'), ''], (['runs', 'failedRuns', 'transactions', 'packets', 'bytes', 'parseErrors', 'tcpGaps'] as const).map((k) => [escapeHtml(t(`capture.${k}`)), String(data.capture[k])]))}
${data.capture.weird.length === 0 ? '' : table([t('col.reason'), t('col.count')], data.capture.weird.map((w) => [html(w.reason, 60), String(w.count)]))}
<p style="margin-top:24px;color:#6b7280;font-size:11px">${escapeHtml(t('footer'))}<br>${escapeHtml(t('generated', { version: opts.version, at: fmt(opts.generatedAt) }))}</p>
</div></body></html>`;

  const svgPage = body((ch) => barChartSvg(ch));
  const emailPage = body((ch) => {
    const { width, height } = chartSize(ch);
    return `<img src="cid:${chartCid(ch)}" width="${width}" height="${height}" alt="${escapeHtml(cleanText(ch.title, 120))}" style="display:block;max-width:100%;height:auto">`;
  });

  const line = (f: ReportFindingLine) => `  - [${sev(f.severity)}] ${cleanText(f.type, 60)} ${cleanText(f.method, 10)} ${cleanText(f.host, 80)}${cleanText(f.path, 160)} ${cleanText(f.client, 60)} ×${f.count} ${outcome(f.outcome)}`;
  const text = [
    t('title'),
    t('period', { from, to, tz: opts.timeZone }),
    scope,
    '',
    `${t('section.posture')}:`,
    `  ${t('posture.hosts')}: ${p.hosts}`,
    `  ${t('posture.endpoints')}: ${p.endpoints}`,
    `  ${t('posture.sensitiveEndpoints')}: ${p.sensitiveEndpoints}`,
    `  ${t('posture.openFindings')}: ${p.openFindings}`,
    `  ${t('posture.likelySuccess')}: ${p.likelySuccess}`,
    `  ${t('posture.newEndpoints')}: ${c.newEndpointCount}`,
    `  ${t('posture.newSensitive')}: ${c.newSensitiveFieldCount}`,
    `  ${t('posture.newFindings')}: ${c.newFindingCount}`,
    `  ${t('posture.shadow')}: ${c.shadowApis}`,
    `  ${t('posture.zombie')}: ${c.zombieApis}`,
    `  ${t('section.lifecycle', { count: c.lifecycleCount })}`,
    `  ${t('section.riskMovers', { count: c.riskMoverCount })}`,
    ...c.riskMovers.map((m) => `    ${cleanText(m.method, 10)} ${cleanText(m.host, 80)}${cleanText(m.path, 160)} ${m.before ?? t('risk.new')} → ${m.after}`),
    '',
    `${t('section.topFindings')}:`,
    ...(data.topFindings.length === 0 ? [`  ${t('none')}`] : data.topFindings.map(line)),
    '',
    t('footer'),
  ].join('\n');

  return { subject, text, html: svgPage, emailHtml: emailPage, charts };
}
