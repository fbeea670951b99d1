/** The stored API inventory: endpoints with their lifecycle state, per-source contributions and the change log. */
import { prepared, type StateDatabase } from './state.database.ts';
import type { ReportParam } from '../../analysis/analysis-report.types.ts';

/** Lifecycle state of an endpoint. */
export type EndpointState = 'new' | 'active' | 'dormant' | 'revived' | 'retired';

/** A stored endpoint. */
export interface StoredEndpoint {
  id: number;
  host: string;
  method: string;
  template: string;
  state: EndpointState;
  stateSince: number;
  inSpec: boolean;
  deprecated: boolean;
  calls: number;
  firstSeen: number;
  lastSeen: number;
  statuses: Record<string, number>;
  auth: string[];
  sensitive: string[];
  params: ReportParam[];
  risk: number;
  /** Sources that saw it. */
  sources: number;
  /** A user pinned the template: it is never merged or re-templated. */
  pinned: boolean;
  /** Deprecation announced by the API's responses, or null. */
  deprecation: EndpointDeprecation | null;
  /** Merged JSON schemas of request bodies and successful response bodies (absent when none was JSON). */
  requestSchema?: Record<string, unknown>;
  responseSchema?: Record<string, unknown>;
}

/** Deprecation announced by `Deprecation` / `Sunset` response headers (ISO dates or null). */
export interface EndpointDeprecation {
  since: string | null;
  sunset: string | null;
  source: 'header';
}

/** A stored user decision about a template (see `TemplateDecision` in path.templater.ts). */
export interface StoredDecision {
  id: number;
  host: string;
  method: string;
  template: string;
  kind: 'pin' | 'split' | 'dissolve';
  position: number | null;
  values: string[];
  createdAt: number;
  createdBy: string;
}

/** Facts of one endpoint from one source's report. */
export interface EndpointObservation {
  host: string;
  method: string;
  template: string;
  calls: number;
  firstSeen: number;
  lastSeen: number;
  statuses: Record<string, number>;
  auth: string[];
  sensitive: string[];
  params: ReportParam[];
  inSpec: boolean;
  deprecated: boolean;
  risk: number;
  deprecation?: EndpointDeprecation;
  requestSchema?: Record<string, unknown>;
  responseSchema?: Record<string, unknown>;
}

/** One entry of the change log. */
export interface InventoryChange {
  id: number;
  at: number;
  host: string;
  method: string;
  template: string;
  kind: string;
  detail: Record<string, unknown>;
}

/** Filters of {@link InventoryRepository.list}. */
export interface EndpointFilter {
  host?: string;
  state?: EndpointState;
  /** Substring of the template. */
  q?: string;
  sensitive?: boolean;
  /** Only endpoints where this auth scheme was seen (`none` for unauthenticated calls). */
  auth?: string;
  /** Only endpoints whose risk score is at least this. */
  minRisk?: number;
  limit?: number;
  offset?: number;
}

interface Row {
  id: number;
  host: string;
  method: string;
  template: string;
  state: EndpointState;
  state_since: number;
  in_spec: number;
  deprecated: number;
  first_seen: number;
  last_seen: number;
  statuses: string;
  auth: string;
  sensitive: string;
  params: string;
  risk: number;
  calls: number;
  sources: number;
  pinned: number;
  deprecation: string | null;
  body_schemas: string | null;
}

function toEndpoint(r: Row): StoredEndpoint {
  return {
    id: r.id,
    host: r.host,
    method: r.method,
    template: r.template,
    state: r.state,
    stateSince: r.state_since,
    inSpec: r.in_spec === 1,
    deprecated: r.deprecated === 1,
    calls: r.calls,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    statuses: JSON.parse(r.statuses) as Record<string, number>,
    auth: JSON.parse(r.auth) as string[],
    sensitive: JSON.parse(r.sensitive) as string[],
    params: JSON.parse(r.params) as ReportParam[],
    risk: r.risk,
    sources: r.sources,
    pinned: r.pinned === 1,
    deprecation: r.deprecation === null ? null : (JSON.parse(r.deprecation) as EndpointDeprecation),
    ...(r.body_schemas === null ? {} : bodySchemasOf(r.body_schemas)),
  };
}

function bodySchemasOf(json: string): { requestSchema?: Record<string, unknown>; responseSchema?: Record<string, unknown> } {
  const b = JSON.parse(json) as { request?: Record<string, unknown>; response?: Record<string, unknown> };
  return { ...(b.request === undefined ? {} : { requestSchema: b.request }), ...(b.response === undefined ? {} : { responseSchema: b.response }) };
}

function bodySchemasJson(o: EndpointObservation): string | null {
  return o.requestSchema === undefined && o.responseSchema === undefined ? null : JSON.stringify({ request: o.requestSchema, response: o.responseSchema });
}

function deprecationJson(o: EndpointObservation): string | null {
  return o.deprecation === undefined ? null : JSON.stringify(o.deprecation);
}

const SELECT = `SELECT e.*, coalesce(sum(s.calls), 0) AS calls, count(s.source) AS sources,
    EXISTS (SELECT 1 FROM inventory_decisions d WHERE d.host = e.host AND d.method = e.method AND d.template = e.template AND d.kind = 'pin') AS pinned
  FROM inventory_endpoints e LEFT JOIN inventory_sources s ON s.endpoint_id = e.id`;

/** Stores the inventory. */
export class InventoryRepository {
  constructor(private readonly db: StateDatabase) {}

  /** Runs `fn` in one transaction. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** The endpoint `host method template`, or undefined. */
  find(host: string, method: string, template: string): StoredEndpoint | undefined {
    const r = prepared(this.db, `${SELECT} WHERE e.host = ? AND e.method = ? AND e.template = ? GROUP BY e.id`).get(host, method, template) as Row | undefined;
    return r === undefined ? undefined : toEndpoint(r);
  }

  get(id: number): StoredEndpoint | undefined {
    const r = prepared(this.db, `${SELECT} WHERE e.id = ? GROUP BY e.id`).get(id) as Row | undefined;
    return r === undefined ? undefined : toEndpoint(r);
  }

  /** Inserts a new endpoint in state `new`; returns its id. */
  insert(o: EndpointObservation, nowMs: number): number {
    return Number(
      prepared(this.db, `INSERT INTO inventory_endpoints (host, method, template, state, state_since, in_spec, deprecated, first_seen, last_seen, statuses, auth, sensitive, params, risk, deprecation, body_schemas)
          VALUES (?, ?, ?, 'new', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(o.host, o.method, o.template, nowMs, o.inSpec ? 1 : 0, o.deprecated ? 1 : 0, o.firstSeen, o.lastSeen, JSON.stringify(o.statuses), JSON.stringify(o.auth), JSON.stringify(o.sensitive), JSON.stringify(o.params), o.risk, deprecationJson(o), bodySchemasJson(o)).lastInsertRowid,
    );
  }

  /** Updates the facts of endpoint `id` from an observation (first/last seen widen, facts are replaced). */
  updateFacts(id: number, o: EndpointObservation): void {
    prepared(this.db, `UPDATE inventory_endpoints SET in_spec = ?, deprecated = ?, first_seen = min(first_seen, ?), last_seen = max(last_seen, ?),
        statuses = ?, auth = ?, sensitive = ?, params = ?, risk = ?, deprecation = coalesce(?, deprecation), body_schemas = coalesce(?, body_schemas) WHERE id = ?`)
      .run(o.inSpec ? 1 : 0, o.deprecated ? 1 : 0, o.firstSeen, o.lastSeen, JSON.stringify(o.statuses), JSON.stringify(o.auth), JSON.stringify(o.sensitive), JSON.stringify(o.params), o.risk, deprecationJson(o), bodySchemasJson(o), id);
  }

  /** Sets (replaces) what `source` contributed to endpoint `id`. */
  setContribution(id: number, source: string, calls: number, firstSeen: number, lastSeen: number): void {
    prepared(this.db, `INSERT INTO inventory_sources (endpoint_id, source, calls, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (endpoint_id, source) DO UPDATE SET calls = excluded.calls, first_seen = excluded.first_seen, last_seen = excluded.last_seen`)
      .run(id, source, calls, firstSeen, lastSeen);
  }

  /** Endpoint ids `source` contributed to. */
  contributedBy(source: string): number[] {
    return (prepared(this.db, 'SELECT endpoint_id FROM inventory_sources WHERE source = ?').all(source) as Array<{ endpoint_id: number }>).map((r) => r.endpoint_id);
  }

  /** Removes `source`'s contribution to endpoint `id`; returns how many sources the endpoint has left. */
  removeContribution(id: number, source: string): number {
    prepared(this.db, 'DELETE FROM inventory_sources WHERE endpoint_id = ? AND source = ?').run(id, source);
    return (prepared(this.db, 'SELECT count(*) AS n FROM inventory_sources WHERE endpoint_id = ?').get(id) as { n: number }).n;
  }

  /** Deletes endpoint `id` (its contributions go with it). */
  delete(id: number): void {
    prepared(this.db, 'DELETE FROM inventory_endpoints WHERE id = ?').run(id);
  }

  /** Moves endpoint `id` to `state`. */
  setState(id: number, state: EndpointState, nowMs: number): void {
    prepared(this.db, 'UPDATE inventory_endpoints SET state = ?, state_since = ? WHERE id = ?').run(state, nowMs, id);
  }

  /** Endpoints matching `f`, busiest first. */
  list(f: EndpointFilter = {}): { endpoints: StoredEndpoint[]; total: number } {
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (f.host !== undefined) {
      where.push('e.host = ?');
      args.push(f.host);
    }
    if (f.state !== undefined) {
      where.push('e.state = ?');
      args.push(f.state);
    }
    if (f.q !== undefined && f.q !== '') {
      where.push("instr(lower(e.template), lower(?)) > 0");
      args.push(f.q);
    }
    if (f.sensitive === true) where.push("e.sensitive <> '[]'");
    if (f.auth !== undefined) {
      where.push('EXISTS (SELECT 1 FROM json_each(e.auth) WHERE json_each.value = ?)');
      args.push(f.auth);
    }
    if (f.minRisk !== undefined) {
      where.push('e.risk >= ?');
      args.push(f.minRisk);
    }
    const w = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.db.prepare(`SELECT count(*) AS n FROM inventory_endpoints e ${w}`).get(...args) as { n: number }).n;
    const rows = this.db.prepare(`${SELECT} ${w} GROUP BY e.id ORDER BY calls DESC, e.host, e.template LIMIT ? OFFSET ?`).all(...args, Math.min(f.limit ?? 500, 5000), f.offset ?? 0) as Row[];
    return { endpoints: rows.map(toEndpoint), total };
  }

  /** Every endpoint (for lifecycle passes). */
  all(): StoredEndpoint[] {
    return (this.db.prepare(`${SELECT} GROUP BY e.id`).all() as Row[]).map(toEndpoint);
  }

  /** Per host: endpoints, calls and endpoints by state. */
  hosts(): Array<{ host: string; endpoints: number; calls: number; states: Record<string, number>; lastSeen: number }> {
    const rows = this.db
      .prepare(`SELECT e.host AS host, e.state AS state, count(DISTINCT e.id) AS n, max(e.last_seen) AS last_seen,
          (SELECT coalesce(sum(s.calls), 0) FROM inventory_sources s JOIN inventory_endpoints x ON x.id = s.endpoint_id WHERE x.host = e.host AND x.state = e.state) AS calls
        FROM inventory_endpoints e GROUP BY e.host, e.state ORDER BY e.host`)
      .all() as Array<{ host: string; state: string; n: number; last_seen: number; calls: number }>;
    const out = new Map<string, { host: string; endpoints: number; calls: number; states: Record<string, number>; lastSeen: number }>();
    for (const r of rows) {
      let h = out.get(r.host);
      if (h === undefined) out.set(r.host, (h = { host: r.host, endpoints: 0, calls: 0, states: {}, lastSeen: 0 }));
      h.endpoints += r.n;
      h.calls += r.calls;
      h.states[r.state] = r.n;
      h.lastSeen = Math.max(h.lastSeen, r.last_seen);
    }
    return [...out.values()];
  }

  /** Appends to the change log. */
  logChange(at: number, e: { host: string; method: string; template: string }, kind: string, detail: Record<string, unknown> = {}): void {
    prepared(this.db, 'INSERT INTO inventory_changes (at, host, method, template, kind, detail) VALUES (?, ?, ?, ?, ?, ?)').run(at, e.host, e.method, e.template, kind, JSON.stringify(detail));
  }

  /** Changes since `sinceMs`, newest first. */
  changes(sinceMs = 0, limit = 200): InventoryChange[] {
    const rows = this.db.prepare('SELECT * FROM inventory_changes WHERE at >= ? ORDER BY id DESC LIMIT ?').all(sinceMs, Math.min(limit, 5000)) as Array<Omit<InventoryChange, 'detail'> & { detail: string }>;
    return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }));
  }

  /** Stores a user decision; returns its id. */
  addDecision(d: Omit<StoredDecision, 'id'>): number {
    return Number(
      this.db
        .prepare('INSERT INTO inventory_decisions (host, method, template, kind, position, vals, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(d.host, d.method, d.template, d.kind, d.position, JSON.stringify(d.values), d.createdAt, d.createdBy).lastInsertRowid,
    );
  }

  /** Removes the decisions of `kind` taken on a template; returns how many were removed. */
  removeDecisions(e: { host: string; method: string; template: string }, kind: StoredDecision['kind']): number {
    return this.db.prepare('DELETE FROM inventory_decisions WHERE host = ? AND method = ? AND template = ? AND kind = ?').run(e.host, e.method, e.template, kind).changes;
  }

  /** Every decision, oldest first. */
  decisions(): StoredDecision[] {
    const rows = this.db.prepare('SELECT * FROM inventory_decisions ORDER BY id').all() as Array<{ id: number; host: string; method: string; template: string; kind: StoredDecision['kind']; position: number | null; vals: string; created_at: number; created_by: string }>;
    return rows.map((r) => ({ id: r.id, host: r.host, method: r.method, template: r.template, kind: r.kind, position: r.position, values: JSON.parse(r.vals) as string[], createdAt: r.created_at, createdBy: r.created_by }));
  }
}
