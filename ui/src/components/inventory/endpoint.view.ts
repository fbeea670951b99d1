// The endpoint page's views of its merged body schemas, its template's parameters (for split and dissolve), its risk
// breakdown (`GET /risk/endpoints/:id`) and its change history. Pure functions (tested in tests/unit/ui/).
import type { MessageKey } from '../../lib/i18n/en.ts';
import type { ChartSeries } from '../charts/chart.series.ts';
import type { InventoryChange } from './inventory.types.ts';
import type { RiskReason } from '../../lib/format/risk-reason.format.ts';

/** One field of a merged JSON body schema, in document order. */
export interface SchemaRow {
  /** Dotted path; `[]` marks array items (`items[].price`); '' for the body itself. */
  path: string;
  depth: number;
  /** JSON types seen (`string`, `integer | null` …). */
  type: string;
  /** Present in every object sampled; null for the body itself and array items. */
  required: boolean | null;
}

/** Rows deeper than this are not listed (the schema of a hostile body can nest without end). */
const MAX_DEPTH = 12;
/** At most this many rows per schema. */
export const MAX_SCHEMA_ROWS = 500;

/** The rows of a merged JSON schema (`type`, `properties`, `required`, `items`), the body first. */
export function schemaRows(schema: Record<string, unknown> | undefined): SchemaRow[] {
  const rows: SchemaRow[] = [];
  if (schema === undefined) return rows;
  const walk = (node: Record<string, unknown>, path: string, depth: number, required: boolean | null): void => {
    if (rows.length >= MAX_SCHEMA_ROWS || depth > MAX_DEPTH) return;
    const t = node.type;
    rows.push({ path, depth, type: Array.isArray(t) ? t.map(String).join(' | ') : typeof t === 'string' ? t : '', required });
    const props = node.properties;
    if (props !== null && typeof props === 'object' && !Array.isArray(props)) {
      const req = new Set(Array.isArray(node.required) ? node.required.map(String) : []);
      for (const name of Object.keys(props)) {
        const child = (props as Record<string, unknown>)[name];
        if (child !== null && typeof child === 'object') walk(child as Record<string, unknown>, path === '' ? name : `${path}.${name}`, depth + 1, req.has(name));
      }
    }
    const items = node.items;
    if (items !== null && typeof items === 'object' && !Array.isArray(items)) walk(items as Record<string, unknown>, `${path}[]`, depth + 1, null);
  };
  walk(schema, '', 0, null);
  return rows;
}

/** A parameter of a template: its 0-based segment position (as the split route counts) and its segment. */
export interface TemplateParam {
  position: number;
  segment: string;
}

/** The parameters of a template (`/v1/users/{id}/orders/{orderId}` → positions 2 and 4). */
export function templateParams(template: string): TemplateParam[] {
  return template
    .split('/')
    .slice(1)
    .flatMap((segment, position) => (segment.includes('{') ? [{ position, segment }] : []));
}

/** Split values typed one per line (or separated by commas): trimmed, without empties, duplicates or slashes. */
export function splitValues(text: string): { values: string[]; invalid: string[] } {
  const all = [...new Set(text.split(/[\n,]/).map((v) => v.trim()).filter((v) => v !== ''))];
  return { values: all.filter((v) => !v.includes('/') && v.length <= 200), invalid: all.filter((v) => v.includes('/') || v.length > 200) };
}

/** A risk factor as `GET /risk/endpoints/:id` returns it. */
export interface RiskFactor {
  factor: 'sensitivity' | 'auth' | 'exposure' | 'attacks' | 'abuse';
  points: number;
  max: number;
  reasons: string[];
  /** The reasons as codes with parameters, one per entry of `reasons` (absent on older scores). */
  details?: RiskReason[];
}

/** The `risk` of `GET /risk/endpoints/:id`. */
export interface RiskBreakdown {
  score: number;
  factors: RiskFactor[];
  scoredAt: number;
  /** Newest first. */
  history: Array<{ at: number; score: number }>;
}

/** The catalogue key naming a risk factor. */
export function riskFactorKey(factor: string): MessageKey {
  return (['sensitivity', 'auth', 'exposure', 'attacks', 'abuse'].includes(factor) ? `risk.factor.${factor}` : 'risk.factor.other') as MessageKey;
}

/** A factor's share of its cap in percent (0–100), for the bar drawn next to it. */
export function factorShare(f: Pick<RiskFactor, 'points' | 'max'>): number {
  return f.max <= 0 ? 0 : Math.round(Math.min(1, Math.max(0, f.points / f.max)) * 100);
}

/** The score history as a line, oldest first. */
export function riskHistorySeries(history: RiskBreakdown['history'], name: string): ChartSeries[] {
  return [{ name, color: '--accent', kind: 'line', data: [...history].sort((a, b) => a.at - b.at).map((h) => [h.at, h.score]) }];
}

/** The changes of one endpoint among the change log's entries, newest first. */
export function endpointChanges(changes: readonly InventoryChange[], e: { host: string; method: string; template: string }): InventoryChange[] {
  return changes.filter((c) => c.host === e.host && c.method === e.method && c.template === e.template).sort((a, b) => b.at - a.at || b.id - a.id);
}

/** Change kinds with a catalogue entry (`apis.change.<kind>`). */
const CHANGE_KINDS = ['new', 'revived', 'merged', 'dormant', 'retired', 'pinned', 'unpinned', 'split', 'dissolved'];

/** A change log entry in words: the kind in the UI language and what it names (target template, user, source). */
export function changeText(c: InventoryChange, t: (key: MessageKey) => string): string {
  const kind = CHANGE_KINDS.includes(c.kind) ? t(`apis.change.${c.kind}` as MessageKey) : c.kind;
  const d = c.detail;
  const values = Array.isArray(d.values) && d.values.length > 0 ? ` [${d.values.map(String).join(', ')}]` : '';
  const extra = typeof d.into === 'string' ? ` → ${d.into}` : typeof d.by === 'string' ? ` (${d.by})` : typeof d.source === 'string' ? ` (${d.source})` : '';
  return `${kind}${values}${extra}`;
}
