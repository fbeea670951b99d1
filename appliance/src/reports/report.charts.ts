/**
 * Report charts as static SVG built on the server (no scripts, no external fonts or links): horizontal bar charts.
 * The same SVG is inlined in the HTML preview and the PDF, and turned into a PNG for the email (see
 * report.renderer.ts and report-browser.renderer.ts). Labels are escaped.
 */
import { escapeHtml, cleanText } from './report.text.ts';

/** One bar. */
export interface ChartBar {
  label: string;
  value: number;
  color?: string;
}

/** A chart to draw. */
export interface BarChart {
  /** Stable id (also the email's content id). */
  id: string;
  title: string;
  bars: ChartBar[];
  /** Text shown when there are no bars. */
  emptyText: string;
}

/** Width and height of a rendered chart in CSS pixels. */
export function chartSize(chart: BarChart): { width: number; height: number } {
  return { width: 560, height: 44 + Math.max(1, chart.bars.length) * 26 };
}

const FONT = "'Noto Sans CJK SC','Noto Sans SC','Microsoft YaHei','PingFang SC',Arial,sans-serif";

/** The chart as a standalone SVG document string. */
export function barChartSvg(chart: BarChart): string {
  const { width, height } = chartSize(chart);
  const labelW = 190;
  const barMax = width - labelW - 70;
  const max = Math.max(1, ...chart.bars.map((b) => b.value));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}" role="img" aria-label="${escapeHtml(cleanText(chart.title, 120))}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="8" y="22" font-size="14" font-weight="bold" fill="#1f2937">${escapeHtml(cleanText(chart.title, 120))}</text>`,
  ];
  if (chart.bars.length === 0) {
    parts.push(`<text x="8" y="54" font-size="12" fill="#6b7280">${escapeHtml(chart.emptyText)}</text>`);
  }
  chart.bars.forEach((b, i) => {
    const y = 36 + i * 26;
    const w = b.value <= 0 ? 0 : Math.max(2, Math.round((b.value / max) * barMax));
    parts.push(
      `<text x="${labelW - 8}" y="${y + 14}" font-size="12" text-anchor="end" fill="#374151">${escapeHtml(cleanText(b.label, 28))}</text>`,
      `<rect x="${labelW}" y="${y}" width="${w}" height="18" rx="2" fill="${b.color ?? '#2563eb'}"/>`,
      `<text x="${labelW + w + 6}" y="${y + 14}" font-size="12" fill="#111827">${b.value}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}
