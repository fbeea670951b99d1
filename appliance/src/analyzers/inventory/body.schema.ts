/**
 * Merged JSON schemas of request and response bodies: each sampled JSON body is reduced to its shape (types,
 * properties, array items) and merged into the endpoint's schema — a property present in every sampled object is
 * `required`, types seen at one place are a union (`integer` widens to `number`). Bounded (depth, properties per
 * object, array items read) because bodies are attacker-controlled; property names keep printable characters only.
 * No value is kept. Exported as JSON Schema (draft 2020-12, as OpenAPI 3.1 uses).
 */

/** The learnt shape of the JSON values seen at one place. */
export interface BodyShape {
  /** JSON types seen: object, array, string, integer, number, boolean, null. */
  types: Set<string>;
  /** Object properties by name. */
  properties: Map<string, BodyShape> | null;
  /** The shape of array items. */
  items: BodyShape | null;
  /** Objects seen here. */
  objects: number;
  /** Objects of the parent this property appeared in (required when it equals the parent's `objects`). */
  present: number;
}

const MAX_DEPTH = 8;
const MAX_PROPERTIES = 200;
/** Array items read per array: enough for the shape of uniform lists, cheap on long ones. */
const MAX_ITEMS = 3;

/** Reads the shape of one parsed JSON value. */
export function shapeOfValue(v: unknown, depth = 0): BodyShape {
  const s: BodyShape = { types: new Set(), properties: null, items: null, objects: 0, present: 0 };
  addValue(s, v, depth);
  return s;
}

function addValue(s: BodyShape, v: unknown, depth: number): void {
  if (v === null) s.types.add('null');
  else if (Array.isArray(v)) {
    s.types.add('array');
    if (depth >= MAX_DEPTH) return;
    for (let i = 0; i < v.length && i < MAX_ITEMS; i++) {
      if (s.items === null) s.items = shapeOfValue(v[i], depth + 1);
      else addValue(s.items, v[i], depth + 1);
    }
  } else if (typeof v === 'object') {
    s.types.add('object');
    if (depth >= MAX_DEPTH) return;
    s.properties ??= new Map();
    const o = v as Record<string, unknown>;
    for (const rawName in o) {
      if (!Object.hasOwn(o, rawName)) continue;
      const name = fieldName(rawName);
      let p = s.properties.get(name);
      if (p === undefined) {
        if (s.properties.size >= MAX_PROPERTIES) continue;
        p = shapeOfValue(o[rawName], depth + 1);
        s.properties.set(name, p);
      } else {
        addValue(p, o[rawName], depth + 1);
      }
      p.present++;
    }
    s.objects++;
  } else if (typeof v === 'number') s.types.add(Number.isInteger(v) ? 'integer' : 'number');
  else s.types.add(typeof v === 'boolean' ? 'boolean' : 'string');
  if (s.types.has('integer') && s.types.has('number')) s.types.delete('integer');
}

/** Merges shape `b` into `a` (both describe values seen at the same place); returns `a`. */
export function mergeShapes(a: BodyShape, b: BodyShape): BodyShape {
  for (const t of b.types) a.types.add(t);
  if (a.types.has('integer') && a.types.has('number')) a.types.delete('integer');
  if (b.properties !== null) {
    a.properties ??= new Map();
    for (const [name, p] of b.properties) {
      const q = a.properties.get(name);
      if (q !== undefined) {
        mergeShapes(q, p);
        q.present += p.present;
      } else if (a.properties.size < MAX_PROPERTIES) a.properties.set(name, p);
    }
  }
  a.objects += b.objects;
  if (b.items !== null) a.items = a.items === null ? b.items : mergeShapes(a.items, b.items);
  return a;
}

/** The shape as a JSON Schema object. */
export function toJsonSchema(s: BodyShape): Record<string, unknown> {
  const types = [...s.types].sort();
  const out: Record<string, unknown> = { type: types.length === 1 ? types[0] : types };
  if (s.properties !== null && s.properties.size > 0) {
    const props: Record<string, unknown> = {};
    for (const [name, p] of [...s.properties].sort((x, y) => x[0].localeCompare(y[0]))) Object.defineProperty(props, name, { value: toJsonSchema(p), enumerable: true, writable: true, configurable: true });
    out.properties = props;
    const req = [...s.properties].filter(([, p]) => p.present === s.objects).map(([n]) => n).sort();
    if (req.length > 0) out.required = req;
  }
  if (s.items !== null) out.items = toJsonSchema(s.items);
  return out;
}

/** Parses a JSON body and returns its shape, or null when the body is not JSON (or too large to be worth it). */
export function shapeOfBody(data: Buffer, maxBytes: number): BodyShape | null {
  if (data.length === 0 || data.length > maxBytes) return null;
  const c = data[0];
  if (c !== 0x7b && c !== 0x5b) return null;
  try {
    return shapeOfValue(JSON.parse(data.toString('utf8')));
  } catch {
    return null;
  }
}

/** A property name with control characters removed and its length capped (names come from traffic). */
function fieldName(raw: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = raw.replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
  return clean.length > 100 ? clean.slice(0, 100) : clean;
}
