/**
 * Endpoint templating: learns, per host and method, a tree of path segments from the calls seen and turns raw paths
 * into templates such as `/v2/accounts/{accountId}/transactions`.
 *
 * Two kinds of evidence make a parameter:
 * - the segment itself looks like a value (integer, UUID, ObjectId, hex hash, date, email, phone, ID card, opaque
 *   token; see segment.classifier.ts), or
 * - cardinality: more than `maxLiteralChildren` distinct literal segments at the same position under the same parent
 *   (slugs, user names, SKUs). When that happens the literals merge into one parameter, except static siblings: a
 *   literal called far more often than the typical merged value (`/products/search` next to `/products/{slug}`)
 *   stays literal, and so does a literal seen before any value at that position had siblings (`/users/me`).
 *
 * Versions (`v1`, `v2.1`) and a leading date used as an API version (`/2010-04-01/Accounts/...`) stay literal.
 * Every template records why each parameter exists, example values, and a confidence. The tree is bounded: once
 * `maxNodes` is reached, new literals under an already wide parent are treated as parameters.
 */
import { classifySegment, KIND_SCHEMA, paramName, type SegmentKind } from './segment.classifier.ts';

/** Why a path position is a parameter. */
export type ParamReason = 'typed' | 'cardinality';

/** One parameter of a template. */
export interface TemplateParam {
  name: string;
  /** 0-based segment position. */
  position: number;
  kind: SegmentKind | 'mixed';
  type: string;
  format?: string;
  reason: ParamReason;
  /** A few example values (raw; mask before storing them). */
  examples: string[];
}

/** The template of one raw path. */
export interface PathTemplate {
  /** `/users/{userId}/orders`. */
  template: string;
  params: TemplateParam[];
  /** 0..1: 1 for literal and typed positions, lower when cardinality alone made a parameter from few samples. */
  confidence: number;
}

/** Tuning of the templater. */
export interface TemplaterSettings {
  /** Distinct literals under one parent beyond which they merge into a parameter. */
  maxLiteralChildren: number;
  /** A literal stays static when called at least this many times more than the median merged sibling... */
  staticCallRatio: number;
  /** ...and at least this many times. */
  staticMinCalls: number;
  /** Node budget per templater (memory bound). */
  maxNodes: number;
  /** Example values kept per parameter. */
  maxExamples: number;
  /**
   * Sibling literals that read like resource names (lower-case words joined by `_` or `-`, no digits, not sharing a
   * common prefix) merge only past `maxLiteralChildren × resourceNameFactor`: APIs such as Box have dozens of
   * top-level resources that are not values.
   */
  resourceNameFactor: number;
}

/** Defaults (Akto merges at 10 similar strings; we wait for more evidence and keep frequent static siblings). */
export const DEFAULT_TEMPLATER_SETTINGS: TemplaterSettings = {
  maxLiteralChildren: 20,
  staticCallRatio: 8,
  staticMinCalls: 10,
  maxNodes: 200_000,
  maxExamples: 5,
  resourceNameFactor: 5,
};

const RESOURCE_NAME = /^[a-z][a-z]*(?:[_-][a-z]+)*$/;

/**
 * Whether most of `names` read like resource names rather than values: lower-case words without digits, and not
 * mostly sharing one 3-character prefix (`name-a`, `name-b` … are values).
 */
export function looksLikeResourceNames(names: Iterable<string>): boolean {
  let total = 0;
  let words = 0;
  const prefixes = new Map<string, number>();
  for (const n of names) {
    total++;
    if (n.length >= 3 && RESOURCE_NAME.test(n)) words++;
    const p = n.slice(0, 3);
    prefixes.set(p, (prefixes.get(p) ?? 0) + 1);
  }
  if (total === 0 || words < total * 0.8) return false;
  let top = 0;
  for (const c of prefixes.values()) if (c > top) top = c;
  return top <= total * 0.5;
}

class Node {
  calls = 0;
  /** Data the owner attaches to calls that end at this node (the endpoint's statistics). */
  data: unknown = null;
  /** Cached template of this node (cleared when an ancestor's parameter changes: see `invalidate`). */
  tpl: PathTemplate | null = null;
  constructor(
    public parent: Node | null,
    /** The literal segment, or the first value seen for a parameter node. */
    readonly seg: string,
    readonly isParam: boolean,
  ) {}
  /** Literal children by segment. */
  readonly literals = new Map<string, Node>();
  /** The parameter child (typed values and merged literals). */
  param: Node | null = null;
  paramKind: SegmentKind | 'mixed' | null = null;
  paramReason: ParamReason = 'typed';
  /** Literals merged by cardinality go to `param` from now on, except these static ones. */
  merged = false;
  readonly examples: string[] = [];
  /** Distinct literals merged into the parameter (for confidence). */
  mergedCount = 0;
}

/** The tree of one host and method. */
interface RootEntry {
  host: string;
  method: string;
  root: Node;
}

/** An endpoint node as handed to the owner: where a call ended in the tree. */
export type EndpointNode = Node;

/** Merges the owner's data of two nodes when cardinality merges them. */
export type DataMerger = (into: unknown, from: unknown) => unknown;

/** Learns and applies endpoint templates. Not thread-safe; one per pipeline. */
export class PathTemplater {
  private readonly roots = new Map<string, RootEntry>();
  /** The same entries by host, then method: found per call without building a key string. */
  private readonly rootsByHost = new Map<string, Map<string, RootEntry>>();
  private nodes = 0;
  private readonly cache = new Map<string, PathTemplate>();
  /**
   * Bumped whenever existing templates change (a cardinality merge, a parameter's kind or reason changing), so
   * cached templates are recomputed; adding new paths does not change existing templates.
   */
  generation = 0;

  constructor(
    private readonly settings: TemplaterSettings = DEFAULT_TEMPLATER_SETTINGS,
    /** Combines the owner's per-node data when nodes merge (default: keep the first). */
    private readonly mergeData: DataMerger = (into, from) => into ?? from,
  ) {}

  /**
   * Records one call of `method rawPath` on `host` (raw path without query, as sent) and returns the node it ends
   * at: its template is {@link templateOf}, and the owner may keep per-endpoint data in `node.data`.
   */
  observe(host: string, method: string, rawPath: string): EndpointNode {
    const segs = splitPath(rawPath);
    let byMethod = this.rootsByHost.get(host);
    if (byMethod === undefined) {
      byMethod = new Map();
      this.rootsByHost.set(host, byMethod);
    }
    let entry = byMethod.get(method);
    if (entry === undefined) {
      entry = { host, method, root: new Node(null, '', false) };
      this.roots.set(`${host} ${method}`, entry);
      byMethod.set(method, entry);
    }
    let node = entry.root;
    node.calls++;
    for (let i = 0; i < segs.length; i++) {
      node = this.step(node, segs, i);
      node.calls++;
    }
    return node;
  }

  /** The current template of an endpoint node (cached until the tree changes shape). */
  templateOf(node: EndpointNode): PathTemplate {
    if (node.tpl !== null) return node.tpl;
    const chain: Node[] = [];
    for (let n: Node | null = node; n !== null && n.parent !== null; n = n.parent) chain.push(n);
    chain.reverse();
    const parts: string[] = [];
    const params: TemplateParam[] = [];
    const used = new Set<string>();
    let confidence = 1;
    let previous: string | null = null;
    for (let i = 0; i < chain.length; i++) {
      const n = chain[i];
      const parent = n.parent!;
      if (!n.isParam) {
        parts.push(escapeLiteral(n.seg));
        previous = n.seg;
        continue;
      }
      const reason = parent.paramReason;
      const pk: SegmentKind | 'mixed' = parent.paramKind ?? 'literal';
      let name = paramName(previous, pk === 'mixed' ? 'literal' : pk);
      if (reason === 'cardinality' && (pk === 'literal' || pk === 'mixed')) name = name.replace(/Id$/, '') || 'name';
      if (reason === 'cardinality') confidence = Math.min(confidence, Math.min(1, 0.5 + parent.mergedCount / (4 * this.settings.maxLiteralChildren)));
      let unique = name;
      for (let k = 2; used.has(unique); k++) unique = `${name}${k}`;
      used.add(unique);
      const schema = pk === 'literal' || pk === 'mixed' || pk === 'version' ? { type: 'string' } : KIND_SCHEMA[pk];
      const p: TemplateParam = { name: unique, position: i, kind: pk, type: schema.type, reason, examples: n.examples.slice() };
      if ('format' in schema && schema.format !== undefined) p.format = schema.format;
      params.push(p);
      parts.push(`{${unique}}`);
      previous = `{${unique}}`;
    }
    const t: PathTemplate = { template: `/${parts.join('/')}`, params, confidence: Math.round(confidence * 100) / 100 };
    node.tpl = t;
    return t;
  }

  /** Every node with owner data, with its host and method. */
  *endpoints(): Generator<{ host: string; method: string; node: EndpointNode }> {
    for (const e of this.roots.values()) {
      const stack: Node[] = [e.root];
      while (stack.length > 0) {
        const n = stack.pop()!;
        if (n.data !== null) yield { host: e.host, method: e.method, node: n };
        for (const c of n.literals.values()) stack.push(c);
        if (n.param !== null) stack.push(n.param);
      }
    }
  }

  /** The template of `method rawPath` on `host` under what has been learnt so far. */
  template(host: string, method: string, rawPath: string): PathTemplate {
    const ck = `${this.generation} ${host} ${method} ${rawPath}`;
    const hit = this.cache.get(ck);
    if (hit !== undefined) return hit;
    const t = this.compute(host, method, rawPath);
    if (this.cache.size >= 50_000) this.cache.clear();
    this.cache.set(ck, t);
    return t;
  }

  private compute(host: string, method: string, rawPath: string): PathTemplate {
    const segs = splitPath(rawPath);
    let node: Node | undefined = this.rootsByHost.get(host)?.get(method)?.root;
    const parts: string[] = [];
    const params: TemplateParam[] = [];
    const used = new Set<string>();
    let confidence = 1;
    let previous: string | null = null;
    for (let i = 0; i < segs.length; i++) {
      const seg = segs[i];
      const kind = positionKind(segs, i);
      const isValue = kind !== 'literal' && kind !== 'version';
      let asParam = isValue;
      let reason: ParamReason = 'typed';
      let next: Node | undefined;
      if (node !== undefined) {
        if (isValue) next = node.param ?? undefined;
        else if (node.literals.has(seg)) next = node.literals.get(seg);
        else if (node.merged || node.param !== null) {
          asParam = node.merged || node.paramReason === 'cardinality';
          if (asParam) {
            reason = 'cardinality';
            next = node.param ?? undefined;
          }
        }
        if (asParam && node.param !== null && node.paramReason === 'cardinality') {
          reason = 'cardinality';
          confidence = Math.min(confidence, Math.min(1, 0.5 + node.mergedCount / (4 * this.settings.maxLiteralChildren)));
        }
      }
      if (asParam) {
        const pk: SegmentKind | 'mixed' = reason === 'cardinality' ? (node?.paramKind ?? 'literal') : kind;
        let name = paramName(previous, isValue ? kind : 'literal');
        if (reason === 'cardinality' && !isValue && pk === 'literal') name = name.replace(/Id$/, '') || 'name';
        let unique = name;
        for (let k = 2; used.has(unique); k++) unique = `${name}${k}`;
        used.add(unique);
        const schema = pk === 'literal' || pk === 'mixed' || pk === 'version' ? { type: 'string' } : KIND_SCHEMA[pk];
        const p: TemplateParam = { name: unique, position: i, kind: pk, type: schema.type, reason, examples: next?.examples.slice() ?? [seg] };
        if ('format' in schema && schema.format !== undefined) p.format = schema.format;
        params.push(p);
        parts.push(`{${unique}}`);
        previous = `{${unique}}`;
      } else {
        parts.push(escapeLiteral(seg));
        previous = seg;
      }
      node = next;
    }
    const template = `/${parts.join('/')}${rawPath.length > 1 && rawPath.endsWith('/') && segs.length > 0 ? '/' : ''}`;
    return { template, params, confidence: Math.round(confidence * 100) / 100 };
  }

  private step(node: Node, segs: string[], i: number): Node {
    const seg = segs[i];
    const kind = positionKind(segs, i);
    if (kind !== 'literal' && kind !== 'version') return this.paramChild(node, kind, 'typed', seg);
    const existing = node.literals.get(seg);
    if (existing !== undefined) return existing;
    if (node.merged) return this.paramChild(node, 'literal', 'cardinality', seg);
    if (this.nodes >= this.settings.maxNodes && node.literals.size >= 2) {
      node.merged = true;
      return this.paramChild(node, 'literal', 'cardinality', seg);
    }
    const child = new Node(node, seg, false);
    this.nodes++;
    node.literals.set(seg, child);
    if (kind === 'literal' && node.literals.size > this.settings.maxLiteralChildren) {
      const resources = node.literals.size <= this.settings.maxLiteralChildren * this.settings.resourceNameFactor && looksLikeResourceNames(node.literals.keys());
      if (!resources) this.collapse(node);
    }
    return node.literals.get(seg) ?? this.paramChild(node, 'literal', 'cardinality', seg);
  }

  private paramChild(node: Node, kind: SegmentKind, reason: ParamReason, example: string): Node {
    let p = node.param;
    if (p === null) {
      p = new Node(node, example, true);
      this.nodes++;
      node.param = p;
      node.paramKind = kind;
      node.paramReason = reason;
    } else if (node.paramKind !== kind && node.paramKind !== 'mixed') {
      node.paramKind = 'mixed';
      this.invalidate(p);
    }
    if (reason === 'cardinality' && node.paramReason !== 'cardinality') {
      node.paramReason = 'cardinality';
      this.invalidate(p);
    }
    if (p.examples.length < this.settings.maxExamples && !p.examples.includes(example)) p.examples.push(example);
    return p;
  }

  /** Merges the literal children of `node` into its parameter child, keeping frequently called static siblings. */
  private collapse(node: Node): void {
    const counts = [...node.literals.values()].map((c) => c.calls).sort((a, b) => a - b);
    const median = counts[Math.floor(counts.length / 2)] ?? 0;
    const threshold = Math.max(this.settings.staticMinCalls, this.settings.staticCallRatio * Math.max(1, median));
    // When most siblings are not words (ids with digits, slugs), the few plain words among them are resource names
    // (`thumbnail`, `comments` next to `thumbnail.png`…): they stay static even before they have many calls.
    let wordCount = 0;
    for (const seg of node.literals.keys()) if (seg.length >= 3 && RESOURCE_NAME.test(seg)) wordCount++;
    const keepWords = wordCount > 0 && wordCount < node.literals.size * 0.5;
    for (const [seg, child] of [...node.literals]) {
      if (child.calls >= threshold) continue;
      if (keepWords && seg.length >= 3 && RESOURCE_NAME.test(seg)) continue;
      node.literals.delete(seg);
      const p = this.paramChild(node, 'literal', 'cardinality', seg);
      node.mergedCount++;
      this.mergeInto(p, child);
    }
    node.merged = true;
    if (node.param !== null) this.invalidate(node.param);
  }

  /** Drops the cached templates of `node` and everything below it (their parameter names or kinds changed). */
  private invalidate(node: Node): void {
    this.generation++;
    const stack: Node[] = [node];
    while (stack.length > 0) {
      const n = stack.pop()!;
      n.tpl = null;
      for (const c of n.literals.values()) stack.push(c);
      if (n.param !== null) stack.push(n.param);
    }
  }

  /** Number of tree nodes (memory accounting). */
  get size(): number {
    return this.nodes;
  }


/** Adds `src`'s counts, data and subtree into `dst`. */
  private mergeInto(dst: Node, src: Node): void {
    dst.calls += src.calls;
    if (src.data !== null) dst.data = dst.data === null ? src.data : this.mergeData(dst.data, src.data);
    for (const [seg, child] of src.literals) {
      const d = dst.literals.get(seg);
      if (d === undefined) {
        child.parent = dst;
        dst.literals.set(seg, child);
      } else {
        this.mergeInto(d, child);
      }
    }
    if (src.param !== null) {
      if (dst.param === null) {
        src.param.parent = dst;
        dst.param = src.param;
        dst.paramKind = src.paramKind;
        dst.paramReason = src.paramReason;
      } else {
        this.mergeInto(dst.param, src.param);
        if (dst.paramKind !== src.paramKind) dst.paramKind = 'mixed';
      }
    }
    for (const e of src.examples) if (dst.examples.length < this.settings.maxExamples && !dst.examples.includes(e)) dst.examples.push(e);
  }
}

/** Kind of segment `i`, with the position rule: a leading date followed by more segments is an API version. */
function positionKind(segs: string[], i: number): SegmentKind {
  const k = classifySegment(segs[i]);
  if (k === 'date' && i <= 1 && i < segs.length - 1 && (i === 0 || /^(api|rest)$/i.test(segs[0]))) return 'version';
  return k;
}

/** Splits a raw path into percent-decoded segments (empty segments dropped; bad escapes kept as sent). */
export function splitPath(rawPath: string): string[] {
  const out: string[] = [];
  let start = rawPath.charCodeAt(0) === 47 ? 1 : 0;
  for (let i = start; i <= rawPath.length; i++) {
    if (i === rawPath.length || rawPath.charCodeAt(i) === 47) {
      if (i > start) out.push(decodeSegment(rawPath.slice(start, i)));
      start = i + 1;
    }
  }
  return out;
}

function decodeSegment(s: string): string {
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Literal segments are written back percent-encoded where needed, and braces escaped, so templates stay unambiguous. */
function escapeLiteral(seg: string): string {
  return /^[A-Za-z0-9._~!$&'()*+,;=:@-]*$/.test(seg) ? seg : encodeURIComponent(seg);
}
