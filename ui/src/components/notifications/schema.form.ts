// Turns a notifier kind's settings schema (JSON Schema from `GET /notifiers/kinds`) into form fields, a channel's
// settings into form values and back. Nested objects become dotted fields (`smtp.host`), string lists and header maps
// one entry per line; secret fields (`secretFields`, `*` for every key of a map) come back from the service as
// `********`, which is sent back unchanged to keep the stored value. Pure (tested in tests/unit/ui/).
import { parseLines } from '../../lib/format/value.format.ts';

/** What the service shows instead of a stored secret. */
export const SECRET_MASK = '********';

/** A notifier kind as `GET /notifiers/kinds` lists it. */
export interface NotifierKind {
  kind: string;
  label: Record<string, string>;
  secretFields: string[];
  settings: JsonSchema;
}

/** The part of JSON Schema the forms read. */
export interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  enum?: Array<string | number>;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  format?: string;
}

/** How a field is edited. */
export type FieldType = 'string' | 'text' | 'integer' | 'boolean' | 'enum' | 'lines' | 'map';

/** One form field of a settings schema. */
export interface SchemaField {
  /** Dotted path in the settings object. */
  path: string;
  type: FieldType;
  required: boolean;
  secret: boolean;
  options: string[];
  min?: number;
  max?: number;
}

/** Form values by field path (text for everything but checkboxes). */
export type FieldValues = Record<string, string | boolean>;

/** Long strings (PEM certificates) get a text area. */
const TEXTAREA_FROM = 2000;

function isSecret(path: string, secretFields: readonly string[], map: boolean): boolean {
  return secretFields.includes(path) || (map && secretFields.includes(`${path}.*`));
}

/** The fields of `schema` in its property order. */
export function schemaFields(schema: JsonSchema, secretFields: readonly string[] = [], prefix = ''): SchemaField[] {
  const out: SchemaField[] = [];
  for (const [name, s] of Object.entries(schema.properties ?? {})) {
    const path = prefix === '' ? name : `${prefix}.${name}`;
    const required = (schema.required ?? []).includes(name);
    let type: FieldType;
    if (s.type === 'object' && s.properties !== undefined) {
      out.push(...schemaFields(s, secretFields, path));
      continue;
    } else if (s.type === 'object') type = 'map';
    else if (s.type === 'array') type = 'lines';
    else if (s.enum !== undefined) type = 'enum';
    else if (s.type === 'integer' || s.type === 'number') type = 'integer';
    else if (s.type === 'boolean') type = 'boolean';
    else type = (s.maxLength ?? 0) > TEXTAREA_FROM ? 'text' : 'string';
    out.push({ path, type, required, secret: isSecret(path, secretFields, type === 'map'), options: (s.enum ?? []).map(String), min: s.minimum, max: s.maximum });
  }
  return out;
}

function defaultsOf(schema: JsonSchema, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [name, s] of Object.entries(schema.properties ?? {})) {
    const path = prefix === '' ? name : `${prefix}.${name}`;
    if (s.type === 'object' && s.properties !== undefined) defaultsOf(s, path, out);
    else if (s.default !== undefined) out[path] = s.default;
  }
  return out;
}

function get(obj: unknown, path: string): unknown {
  let v: unknown = obj;
  for (const p of path.split('.')) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
  return v;
}

function set(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let o = obj;
  for (const p of parts.slice(0, -1)) o = (o[p] ??= {}) as Record<string, unknown>;
  o[parts[parts.length - 1]] = value;
}

/** Form values for `settings` (a stored channel), or the schema's defaults for a new channel. */
export function valuesFromSettings(schema: JsonSchema, fields: SchemaField[], settings: Record<string, unknown> | null): FieldValues {
  const defaults = defaultsOf(schema);
  const out: FieldValues = {};
  for (const f of fields) {
    const v = settings === null ? defaults[f.path] : get(settings, f.path) ?? defaults[f.path];
    if (f.type === 'boolean') out[f.path] = v === true;
    else if (f.type === 'lines') out[f.path] = Array.isArray(v) ? v.map(String).join('\n') : '';
    else if (f.type === 'map') out[f.path] = v !== null && typeof v === 'object' ? Object.entries(v).map(([k, x]) => `${k}: ${String(x)}`).join('\n') : '';
    else if (f.type === 'enum' && v === undefined) out[f.path] = f.options[0] ?? '';
    else out[f.path] = v === undefined || v === null ? '' : String(v);
  }
  return out;
}

/** The settings object for the form `values`: empty optional fields are left out so the service's defaults apply. */
export function settingsFromValues(fields: SchemaField[], values: FieldValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = values[f.path];
    if (f.type === 'boolean') {
      set(out, f.path, v === true);
      continue;
    }
    const text = typeof v === 'string' ? v : '';
    if (f.type === 'lines') set(out, f.path, parseLines(text));
    else if (f.type === 'map') {
      const m: Record<string, string> = {};
      for (const line of parseLines(text)) {
        const i = line.indexOf(':');
        if (i > 0) m[line.slice(0, i).trim()] = line.slice(i + 1).trim();
      }
      set(out, f.path, m);
    } else if (text.trim() === '') {
      if (f.required) set(out, f.path, f.type === 'integer' ? null : '');
    } else set(out, f.path, f.type === 'integer' && /^-?\d+$/.test(text.trim()) ? Number(text.trim()) : f.type === 'text' ? text : text.trim());
  }
  return out;
}
