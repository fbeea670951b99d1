/**
 * Matches observed endpoints (a host, a method and a raw path or a discovered template) to declared operations. A
 * declared segment is a literal (`orders`), a whole parameter (`{orderId}`) or a pattern (`{comicId}.json`,
 * `v{version}`). The most specific match wins: the one with the most literal segments, then the fewest patterns.
 * A discovered parameter segment (`{id}`) only matches a declared parameter, never a declared literal.
 */
import type { DeclaredOperation, DeclaredSpec } from './spec.loader.ts';

/** A declared spec as attached to the appliance: its id, name and the hosts it describes. */
export interface AttachedSpec {
  id: number;
  name: string;
  /** Hosts the user attached it to; [] means the hosts the spec itself names, or every host when it names none. */
  hosts: string[];
  spec: DeclaredSpec;
}

/** A match: the declared operation and the spec it came from. */
export interface SpecMatch {
  specId: number;
  specName: string;
  operation: DeclaredOperation;
}

type Segment = { kind: 'literal'; text: string } | { kind: 'param' } | { kind: 'pattern'; re: RegExp };

interface Compiled {
  specId: number;
  specName: string;
  op: DeclaredOperation;
  segments: Segment[];
  literals: number;
  patterns: number;
  /** Hosts it applies to; null for every host. */
  hosts: Set<string> | null;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compileSegment(seg: string): Segment {
  if (!seg.includes('{')) return { kind: 'literal', text: seg };
  if (/^\{[^{}]+\}$/.test(seg)) return { kind: 'param' };
  const re = seg.split(/\{[^{}]+\}/).map(escapeRe).join('[^/]+');
  return { kind: 'pattern', re: new RegExp(`^${re}$`) };
}

function splitPath(path: string): string[] {
  const q = path.indexOf('?');
  const p = q >= 0 ? path.slice(0, q) : path;
  return p.split('/').filter((s) => s !== '');
}

function bareHost(host: string): string {
  return host.toLowerCase().replace(/:(80|443)$/, '');
}

/** Matches endpoints against a set of attached specs. */
export class SpecMatcher {
  private readonly byKey = new Map<string, Compiled[]>();
  /** Every declared operation with the hosts it applies to (for orphan detection). */
  readonly operations: Array<{ specId: number; specName: string; op: DeclaredOperation; hosts: string[] | null }> = [];

  constructor(specs: readonly AttachedSpec[]) {
    for (const s of specs) {
      for (const op of s.spec.operations) {
        const hostList = s.hosts.length > 0 ? s.hosts : op.hosts.length > 0 ? op.hosts : s.spec.hosts;
        const hosts = hostList.length > 0 ? new Set(hostList.map(bareHost)) : null;
        const segments = splitPath(op.template).map(compileSegment);
        const c: Compiled = {
          specId: s.id,
          specName: s.name,
          op,
          segments,
          literals: segments.filter((x) => x.kind === 'literal').length,
          patterns: segments.filter((x) => x.kind === 'pattern').length,
          hosts,
        };
        const key = `${op.method} ${segments.length}`;
        let list = this.byKey.get(key);
        if (list === undefined) this.byKey.set(key, (list = []));
        list.push(c);
        this.operations.push({ specId: s.id, specName: s.name, op, hosts: hosts === null ? null : [...hosts] });
      }
    }
    for (const list of this.byKey.values()) list.sort((a, b) => b.literals - a.literals || a.patterns - b.patterns);
  }

  /** Whether any spec is attached. */
  get empty(): boolean {
    return this.operations.length === 0;
  }

  /** The most specific declared operation for `host method path` (a raw path or a `{param}` template), or null. */
  match(host: string, method: string, path: string): SpecMatch | null {
    const segs = splitPath(path);
    const list = this.byKey.get(`${method.toUpperCase()} ${segs.length}`);
    if (list === undefined) return null;
    const h = bareHost(host);
    for (const c of list) {
      if (c.hosts !== null && !c.hosts.has(h)) continue;
      if (segmentsMatch(c.segments, segs)) return { specId: c.specId, specName: c.specName, operation: c.op };
    }
    return null;
  }
}

function segmentsMatch(declared: readonly Segment[], observed: readonly string[]): boolean {
  for (let i = 0; i < declared.length; i++) {
    const d = declared[i];
    const o = observed[i];
    const observedParam = o.startsWith('{') && o.endsWith('}');
    if (d.kind === 'param') continue;
    if (observedParam) return false;
    let text = o;
    try {
      text = decodeURIComponent(o);
    } catch {
      text = o;
    }
    if (d.kind === 'literal') {
      if (d.text !== o && d.text !== text) return false;
    } else if (!d.re.test(o) && !d.re.test(text)) return false;
  }
  return true;
}
