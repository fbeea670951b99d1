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
import { classifySegment, KIND_SCHEMA, ownString, paramName, type SegmentKind } from './segment.classifier.ts';

export { ownString };

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
  /** Walks remembered by host, method and path skeleton, in all (0: none, every call walks the tree). */
  walkCacheSize: number;
}

/** Defaults (Akto merges at 10 similar strings; we wait for more evidence and keep frequent static siblings). */
export const DEFAULT_TEMPLATER_SETTINGS: TemplaterSettings = {
  maxLiteralChildren: 20,
  staticCallRatio: 8,
  staticMinCalls: 10,
  maxNodes: 200_000,
  maxExamples: 5,
  resourceNameFactor: 5,
  walkCacheSize: 65_536,
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

/**
 * A user's decision about a template, honoured by the templater from then on:
 * - `pin`: the template's literal segments never merge into a parameter (the template is never re-templated);
 * - `split`: at parameter `position` (0-based segment), the given `values` stay literal;
 * - `dissolve`: the parameter at `position` is undone: every value there stays a literal of its own.
 */
export interface TemplateDecision {
  host: string;
  method: string;
  /** The template as shown, e.g. `/products/{product}`. */
  template: string;
  kind: 'pin' | 'split' | 'dissolve';
  position?: number;
  values?: string[];
}

/** Decisions arranged as a tree of template segments (prefix + `{}` + suffix for a parameter). */
class DecisionNode {
  readonly children = new Map<string, DecisionNode>();
  /** This literal never merges into a parameter. */
  pinned = false;
  /** Values kept literal at the child position. */
  literals: Set<string> | null = null;
  /** The child position never becomes a parameter. */
  dissolve = false;
}

/** The literal children of a node without any; never written to (see {@link ownLiterals}). */
const NO_LITERALS: ReadonlyMap<string, Node> = new Map();
const NO_EXAMPLES: readonly string[] = [];

/** The literal children of `node`, made its own before the first is added. */
function ownLiterals(node: Node): Map<string, Node> {
  if (node.literals === NO_LITERALS) node.literals = new Map();
  return node.literals as Map<string, Node>;
}

/** Adds `value` to the examples of `node` unless known or `max` are kept. */
function addExample(node: Node, value: string, max: number): void {
  if (node.examples.length >= max || node.examples.includes(value)) return;
  node.examples = [...node.examples, ownString(value)];
}


class Node {
  /** Calls that ended at this node (a subtree's calls: {@link subtreeCalls}). */
  calls = 0;
  /** Data the owner attaches to calls that end at this node (the endpoint's statistics). */
  data: unknown = null;
  /** Cached template text of this node (cleared when an ancestor's parameter changes: see `invalidate`). */
  text: string | null = null;
  /** Literal children by segment (the shared empty map until the first one: most nodes are leaves). */
  literals: ReadonlyMap<string, Node> = NO_LITERALS;
  /** The parameter child for values without a suffix (typed values and merged literals). */
  param: Node | null = null;
  /**
   * Parameter children for values followed by a literal suffix (`{messageSid}.json`, `{userId}:activate`) or after
   * a literal prefix (`thumbnail.{extension}`), by {@link affixKey}.
   */
  suffixed: Map<string, Node> | null = null;
  /** Parameter nodes: what their values look like, and why they are a parameter. */
  kind: SegmentKind | 'mixed' = 'literal';
  reason: ParamReason = 'typed';
  /** Literals merged by cardinality go to a parameter from now on, except these static ones. */
  merged = false;
  /** Example values (parameter nodes), the first `maxExamples` distinct ones. */
  examples: readonly string[] = NO_EXAMPLES;
  /** Distinct literals merged into a parameter (for confidence). */
  mergedCount = 0;
  /** The user decisions that apply at this node, if any. */
  dec: DecisionNode | null = null;
  /**
   * Literal nodes whose segment reads as a word or version wherever it appears: a call's segment found among the
   * literals is taken without classifying it. False for values kept literal (split off, dissolved, positional dates).
   */
  plain = false;
  constructor(
    public parent: Node | null,
    /** The literal segment, or the first value seen for a parameter node. */
    readonly seg: string,
    readonly isParam: boolean,
    /** Parameter nodes: the literal suffix after the value (`.json`), or ''. */
    readonly suffix = '',
    /** Parameter nodes: the literal prefix before the value (`thumbnail.`), or ''. */
    readonly prefix = '',
  ) {}

  /** The parameter child for values with the affix `key` ({@link affixKey}; '' for none). */
  paramFor(key: string): Node | null {
    return key === '' ? this.param : (this.suffixed?.get(key) ?? null);
  }

  /** Pushes every child on `stack`: literals, then parameters (no generator: walks of whole subtrees are hot). */
  pushChildren(stack: Node[]): void {
    if (this.literals.size > 0) for (const c of this.literals.values()) stack.push(c);
    if (this.param !== null) stack.push(this.param);
    if (this.suffixed !== null) for (const c of this.suffixed.values()) stack.push(c);
  }
}

/** The tree of one host and method. */
interface RootEntry {
  host: string;
  method: string;
  root: Node;
}

/** Elements per slot of a {@link WalkTable}. */
const SLOT = 6;
/** Offsets in a slot: the walk key ({@link walkKey}), the end node, the example hits, the owner data and its generation. */
const W_KEY = 1;
const W_NODE = 2;
const W_HITS = 3;
const W_DATA = 4;
const W_GEN = 5;

/**
 * Cached walks by the hash of host, method and path skeleton (the raw path with integer and UUID segments replaced by
 * a marker, see {@link skeletonKey}), as an open-addressing table in one array: a slot is six adjacent elements
 * (hash, walk key, end node, the hits counted while the parameters of its marked segments may miss examples (-1 once
 * they cannot), and the owner's data for the walk with the template generation it is valid for), so a repeated call
 * finds its end node without looking up its root or allocating. The walk key holds method, host and skeleton in one
 * flat string, compared to tell collisions without reading another object. Grown by doubling up to twice the walk
 * budget.
 */
class WalkTable {
  slots: unknown[];
  mask: number;
  count = 0;

  constructor(capacity = 256) {
    this.mask = capacity - 1;
    this.slots = new Array<unknown>(capacity * SLOT).fill(0);
  }

  /** The slot offset holding the walk of `method rawPath` on `host`, or -1. */
  find(hash: number, host: string, method: string, rawPath: string): number {
    const slots = this.slots;
    for (let i = hash & this.mask; ; i = (i + 1) & this.mask) {
      const o = i * SLOT;
      const k = slots[o];
      if (k === 0) return -1;
      if (k === hash && matchesWalkKey(slots[o + W_KEY] as string, host, method, rawPath)) return o;
    }
  }

  /** Remembers a walk (not present: callers look it up first) and returns its slot offset. */
  add(hash: number, key: string, node: Node, hits: number, data: unknown = null, gen = -1): number {
    if ((this.count + 1) * 2 > this.mask + 1) this.grow();
    const slots = this.slots;
    let i = hash & this.mask;
    while (slots[i * SLOT] !== 0) i = (i + 1) & this.mask;
    const o = i * SLOT;
    slots[o] = hash;
    slots[o + W_KEY] = key;
    slots[o + W_NODE] = node;
    slots[o + W_HITS] = hits;
    slots[o + W_DATA] = data;
    slots[o + W_GEN] = gen;
    this.count++;
    return o;
  }

  private grow(): void {
    const old = this.slots;
    this.mask = this.mask * 2 + 1;
    this.slots = new Array<unknown>((this.mask + 1) * SLOT).fill(0);
    this.count = 0;
    for (let o = 0; o < old.length; o += SLOT) {
      if (old[o] !== 0) this.add(old[o] as number, old[o + W_KEY] as string, old[o + W_NODE] as Node, old[o + W_HITS] as number, old[o + W_DATA], old[o + W_GEN] as number);
    }
  }
}

/** Cache hits between two looks for missing examples of a walk's parameters. */
const EXAMPLE_EVERY = 8;

/** Marks an integer segment in a skeleton (no raw path holding it is cached). */
const INT_MARK = '\u0001';
/** Marks a UUID segment in a skeleton. */
const UUID_MARK = '\u0002';

/** An endpoint node as handed to the owner: where a call ended in the tree. */
export type EndpointNode = Node;

/** Merges the owner's data of two nodes when cardinality merges them. */
export type DataMerger = (into: unknown, from: unknown) => unknown;

/** The calls that ended at a node, as its owner counts them (in its data). */
export type CallCounter = (node: EndpointNode) => number;

/** Scratch result of {@link shapeOf} (one per process: the templater is synchronous). */
const shape = { kind: 'literal' as SegmentKind, stem: '', suffix: '', plain: false };

/** Learns and applies endpoint templates. Not thread-safe; one per pipeline. */
export class PathTemplater {
  private readonly roots = new Map<string, RootEntry>();
  /** The same entries by host, then method: found per call without building a key string. */
  private readonly rootsByHost = new Map<string, Map<string, RootEntry>>();
  private nodes = 0;
  private readonly cache = new Map<string, PathTemplate>();
  /** User decisions by `host method`, as trees of template segments. */
  private decisions = new Map<string, DecisionNode>();
  /**
   * Bumped whenever existing templates change (a cardinality merge, a parameter's kind or reason changing), so
   * cached templates are recomputed; adding new paths does not change existing templates.
   */
  generation = 0;
  /** Bumped whenever nodes move or decisions change (a cardinality merge, new decisions): cached walks are dropped. */
  private structure = 0;
  /** Cached walks, valid while `structure` equals `walksStructure`. */
  private walks = new WalkTable();
  private walksStructure = 0;
  /** The slot offset of the walk the last `observe` took, or -1 when it is not cached. */
  private lastWalk = -1;
  /** Calls per node: the owner's counter when given (the nodes' own `calls` are then not counted), else `node.calls`. */
  private readonly callsOf: CallCounter;
  /** Whether the templater counts calls on its nodes (no owner counter). */
  private readonly countCalls: boolean;

  constructor(
    private readonly settings: TemplaterSettings = DEFAULT_TEMPLATER_SETTINGS,
    /** Combines the owner's per-node data when nodes merge (default: keep the first). */
    private readonly mergeData: DataMerger = (into, from) => into ?? from,
    /**
     * The owner counts every call of a node in the node's data (after each `observe`, before the next): the templater
     * then reads the counts from it instead of keeping its own.
     */
    ownerCalls?: CallCounter,
  ) {
    this.callsOf = ownerCalls ?? ((n) => n.calls);
    this.countCalls = ownerCalls === undefined;
  }

  /**
   * The owner data remembered with the walk the last `observe` took ({@link rememberWalk}), or null when there is
   * none or any template changed since: a repeated call then finds its endpoint without reading its node.
   */
  walkData(): unknown {
    const at = this.lastWalk;
    if (at < 0) return null;
    const slots = this.walks.slots;
    return slots[at + W_GEN] === this.generation ? slots[at + W_DATA] : null;
  }

  /** Remembers the owner's data for the walk the last `observe` took (when cached), valid until a template changes. */
  rememberWalk(data: unknown): void {
    const at = this.lastWalk;
    if (at < 0) return;
    const slots = this.walks.slots;
    slots[at + W_DATA] = data;
    slots[at + W_GEN] = this.generation;
  }

  /**
   * Replaces the user decisions. They apply to the calls from now on; a dissolved parameter that already exists is
   * dropped with its statistics (its values are learnt again as literals), and values split off a parameter are
   * literals for the next calls.
   */
  setDecisions(list: readonly TemplateDecision[]): void {
    this.decisions = buildDecisions(list);
    this.generation++;
    this.structure++;
    this.cache.clear();
    for (const [key, e] of this.roots) this.assignDecisions(e.root, this.decisions.get(key) ?? null);
  }

  private assignDecisions(node: Node, dec: DecisionNode | null): void {
    node.dec = dec;
    node.text = null;
    if (dec !== null && (dec.dissolve || dec.literals !== null)) {
      node.merged = false;
      if (dec.dissolve) {
        node.param = null;
        node.suffixed = null;
        node.mergedCount = 0;
      }
    }
    for (const [seg, c] of node.literals) this.assignDecisions(c, dec?.children.get(seg) ?? null);
    if (node.param !== null) this.assignDecisions(node.param, dec?.children.get('{}') ?? null);
    if (node.suffixed !== null) for (const c of node.suffixed.values()) this.assignDecisions(c, dec?.children.get(decisionKey(c.prefix, c.suffix)) ?? null);
  }

  /**
   * Records one call of `method rawPath` on `host` (raw path without query, as sent) and returns the node it ends
   * at: its template is {@link templateOf}, and the owner may keep per-endpoint data in `node.data`.
   */
  observe(host: string, method: string, rawPath: string): EndpointNode {
    // A path whose skeleton was walked before takes the same nodes: without user decisions on its tree, an integer
    // or UUID segment always goes to the parameter child, which changes nothing but its examples once that
    // parameter is of the same kind (or mixed).
    const hash = this.settings.walkCacheSize > 0 && host.length <= MAX_KEY_PART && method.length <= MAX_KEY_PART ? walkHash(host, method, rawPath) : -1;
    this.lastWalk = -1;
    if (hash >= 0) {
      if (this.walksStructure !== this.structure || this.walks.count >= this.settings.walkCacheSize) {
        this.walks = new WalkTable();
        this.walksStructure = this.structure;
      }
      const at = this.walks.find(hash, host, method, rawPath);
      if (at >= 0) {
        const slots = this.walks.slots;
        const hit = slots[at + W_NODE] as Node;
        if (this.countCalls) hit.calls++;
        const hits = slots[at + W_HITS] as number;
        if (hits >= 0) slots[at + W_HITS] = (hits + 1) % EXAMPLE_EVERY === 0 && this.addMarkedExamples(rawPath, hit) ? -1 : hits + 1;
        this.lastWalk = at;
        return hit;
      }
    }
    let byMethod = this.rootsByHost.get(host);
    if (byMethod === undefined) {
      byMethod = new Map();
      this.rootsByHost.set(ownString(host), byMethod);
    }
    let entry = byMethod.get(method);
    if (entry === undefined) {
      const key = [host, method].join(' ');
      entry = { host: ownString(host), method: ownString(method), root: new Node(null, '', false) };
      entry.root.dec = this.decisions.get(key) ?? null;
      this.roots.set(key, entry);
      byMethod.set(method, entry);
    }
    // Walks the raw path in place: no segment array, and a segment found among a node's plain literals is taken
    // without classifying it.
    let node = entry.root;
    let marked = false;
    let cacheable = hash >= 0 && entry.root.dec === null;
    const structure = this.structure;
    const len = rawPath.length;
    let tail = len;
    while (tail > 0 && rawPath.charCodeAt(tail - 1) === 47) tail--;
    let first = '';
    let i = 0;
    for (let start = rawPath.charCodeAt(0) === 47 ? 1 : 0; start < tail; ) {
      let end = rawPath.indexOf('/', start);
      if (end < 0) end = len;
      if (end > start) {
        const seg = decodeSegment(rawPath.slice(start, end));
        if (i === 0) first = seg;
        node = this.step(node, seg, i, end >= tail, first);
        if (cacheable) {
          const mark = segmentMark(rawPath, start, end);
          if (mark !== '') {
            marked = true;
            if (node.kind !== 'mixed' && node.kind !== (mark === INT_MARK ? 'integer' : 'uuid')) cacheable = false;
          }
        }
        i++;
      }
      start = end + 1;
    }
    if (this.countCalls) node.calls++;
    if (cacheable && structure === this.structure) this.lastWalk = this.walks.add(hash, walkKey(host, method, skeletonKey(rawPath)!), node, marked ? 0 : -1);
    return node;
  }

  /**
   * Adds the values of a cached walk's marked segments to their parameters' examples (a sample of the calls: every
   * {@link EXAMPLE_EVERY}th hit); true once all are full (the walk stops looking).
   */
  private addMarkedExamples(rawPath: string, end: Node): boolean {
    const max = this.settings.maxExamples;
    let full = true;
    // The raw path's non-empty segments from the last, each beside its node (walking up from the end node); a
    // segment is cut out (and decoded when escaped) only for a parameter that still misses examples.
    let n: Node | null = end;
    const first = rawPath.charCodeAt(0) === 47 ? 1 : 0;
    for (let stop = rawPath.length; stop > first && n !== null; ) {
      const slash = rawPath.lastIndexOf('/', stop - 1);
      const start = slash < first ? first : slash + 1;
      if (start < stop) {
        if (n.isParam && n.examples.length < max) {
          const escaped = rawPath.indexOf('%', start);
          const seg = escaped >= 0 && escaped < stop ? decodeSegment(rawPath.slice(start, stop)) : null;
          if (seg === null ? segmentMark(rawPath, start, stop) !== '' : segmentMark(seg, 0, seg.length) !== '') {
            addExample(n, seg ?? rawPath.slice(start, stop), max);
            if (n.examples.length < max) full = false;
          }
        }
        n = n.parent;
      }
      stop = start - 1;
    }
    return full;
  }

  /**
   * The current template text of an endpoint node, as {@link templateOf} gives it (cached on the node until the tree
   * changes shape; the text alone is kept, so an endpoint costs one string between reports).
   */
  templateText(node: EndpointNode): string {
    return node.text ?? (node.text = this.build(node, false).template);
  }

  /** The current template of an endpoint node, with its parameters (built on each call: see {@link templateText}). */
  templateOf(node: EndpointNode): PathTemplate {
    return this.build(node, true);
  }

  /** The template of an endpoint node; without `params`, its text alone (parameters and confidence left empty). */
  private build(node: Node, params: boolean): PathTemplate {
    const chain: Node[] = [];
    for (let n: Node | null = node; n !== null && n.parent !== null; n = n.parent) chain.push(n);
    const b = new TemplateBuilder(params);
    for (let i = chain.length - 1, pos = 0; i >= 0; i--, pos++) {
      const n = chain[i];
      if (!n.isParam) {
        b.literal(n.seg);
        continue;
      }
      if (params && n.reason === 'cardinality') b.lowerConfidence(n.parent!.mergedCount, this.settings.maxLiteralChildren);
      b.param(pos, n.kind, n.reason, n.kind, n.suffix, n.examples, n.prefix);
    }
    return b.build('');
  }

  /** Every node with owner data, with its host and method. */
  *endpoints(): Generator<{ host: string; method: string; node: EndpointNode }> {
    for (const e of this.roots.values()) {
      const stack: Node[] = [e.root];
      while (stack.length > 0) {
        const n = stack.pop()!;
        if (n.data !== null) yield { host: e.host, method: e.method, node: n };
        n.pushChildren(stack);
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
    const first = segs[0] ?? '';
    let node: Node | undefined = this.rootsByHost.get(host)?.get(method)?.root;
    let dec: DecisionNode | null = node === undefined ? (this.decisions.get(`${host} ${method}`) ?? null) : node.dec;
    const b = new TemplateBuilder();
    for (let i = 0; i < segs.length; i++) {
      const seg = segs[i];
      if (dec !== null && forcedLiteral(dec, seg)) {
        b.literal(seg);
        node = node?.literals.get(seg);
        dec = node?.dec ?? dec.children.get(seg) ?? null;
        continue;
      }
      shapeOf(seg, i, i === segs.length - 1, first);
      const kind = shape.kind;
      const isValue = kind !== 'literal' && kind !== 'version';
      let asParam = isValue;
      let value = isValue ? shape.stem : seg;
      let suffix = isValue ? shape.suffix : '';
      let prefix = '';
      let next: Node | undefined;
      let reason: ParamReason = 'typed';
      if (node !== undefined) {
        if (isValue) next = node.paramFor(suffix) ?? undefined;
        else if (node.literals.has(seg)) next = node.literals.get(seg);
        else {
          const ls = literalSuffixStart(seg);
          const bySuffix = ls > 0 ? node.suffixed?.get(seg.slice(ls)) : undefined;
          const byPrefix = prefixedParam(node, seg);
          if (byPrefix !== null) {
            asParam = true;
            next = byPrefix;
            prefix = byPrefix.prefix;
            value = seg.slice(prefix.length);
          } else if (bySuffix !== undefined && bySuffix.reason === 'cardinality') {
            asParam = true;
            next = bySuffix;
            value = seg.slice(0, ls);
            suffix = bySuffix.suffix;
          } else if (node.merged || node.param?.reason === 'cardinality') {
            asParam = true;
            next = node.param ?? undefined;
          }
        }
        if (asParam && (next?.reason === 'cardinality' || (!isValue && next === undefined))) {
          reason = 'cardinality';
          if (next !== undefined) b.lowerConfidence(node.mergedCount, this.settings.maxLiteralChildren);
        }
      }
      if (asParam) {
        const pk: SegmentKind | 'mixed' = reason === 'cardinality' ? (next?.kind ?? 'literal') : kind;
        b.param(i, pk, reason, isValue ? kind : 'literal', suffix, next?.examples ?? [value], prefix);
      } else {
        b.literal(seg);
      }
      node = next;
      dec = node?.dec ?? dec?.children.get(asParam ? decisionKey(prefix, suffix) : seg) ?? null;
    }
    return b.build(rawPath.length > 1 && rawPath.endsWith('/') && segs.length > 0 ? '/' : '');
  }

  /** The child of `node` segment `seg` (number `i`, `last` or not, after the path's `first` segment) goes to. */
  private step(node: Node, seg: string, i: number, last: boolean, first: string): Node {
    const existing = node.literals.get(seg);
    if (existing !== undefined && existing.plain) return existing;
    const dec = node.dec;
    if (dec !== null && forcedLiteral(dec, seg)) {
      if (existing !== undefined) return existing;
      if (this.nodes < this.settings.maxNodes) {
        shapeOf(seg, i, last, first);
        return this.addLiteral(node, seg, shape.plain);
      }
    }
    shapeOf(seg, i, last, first);
    const kind = shape.kind;
    if (kind !== 'literal' && kind !== 'version') return this.paramChild(node, kind, 'typed', shape.stem, shape.suffix);
    if (existing !== undefined) return existing;
    if (node.merged) return this.mergedParam(node, seg);
    if (this.nodes >= this.settings.maxNodes && node.literals.size >= 2) {
      node.merged = true;
      return this.mergedParam(node, seg);
    }
    this.addLiteral(node, seg, shape.plain);
    if (kind === 'literal' && node.literals.size > this.settings.maxLiteralChildren) {
      const resources = node.literals.size <= this.settings.maxLiteralChildren * this.settings.resourceNameFactor && looksLikeResourceNames(node.literals.keys());
      if (!resources) this.collapse(node);
    }
    return node.literals.get(seg) ?? this.mergedParam(node, seg);
  }

  private addLiteral(node: Node, seg: string, plain: boolean): Node {
    const child = new Node(node, ownString(seg), false);
    child.plain = plain;
    child.dec = node.dec?.children.get(seg) ?? null;
    this.nodes++;
    ownLiterals(node).set(child.seg, child);
    return child;
  }

  /** The cardinality parameter a new literal under a merged node goes to (by its prefix or suffix when one was kept). */
  private mergedParam(node: Node, seg: string): Node {
    const byPrefix = prefixedParam(node, seg);
    if (byPrefix !== null) return this.paramChild(node, 'literal', 'cardinality', seg.slice(byPrefix.prefix.length), '', byPrefix.prefix);
    const ls = node.suffixed === null ? -1 : literalSuffixStart(seg);
    if (ls > 0 && node.suffixed?.get(seg.slice(ls))?.reason === 'cardinality') return this.paramChild(node, 'literal', 'cardinality', seg.slice(0, ls), seg.slice(ls));
    return this.paramChild(node, 'literal', 'cardinality', seg, '');
  }

  private paramChild(node: Node, kind: SegmentKind, reason: ParamReason, example: string, suffix: string, prefix = ''): Node {
    const key = affixKey(prefix, suffix);
    let p = node.paramFor(key);
    if (p === null) {
      p = new Node(node, ownString(example), true, ownString(suffix), ownString(prefix));
      p.kind = kind;
      p.reason = reason;
      p.dec = node.dec?.children.get(decisionKey(prefix, suffix)) ?? null;
      this.nodes++;
      if (key === '') node.param = p;
      else (node.suffixed ??= new Map()).set(ownString(key), p);
    } else if (p.kind !== kind && p.kind !== 'mixed') {
      p.kind = 'mixed';
      this.invalidate(p);
    }
    if (reason === 'cardinality' && p.reason !== 'cardinality') {
      p.reason = 'cardinality';
      this.invalidate(p);
    }
    addExample(p, example, this.settings.maxExamples);
    return p;
  }

  /**
   * Merges the literal children of `node` into a parameter child, keeping frequently called static siblings and
   * pinned or split-off literals. When every merged literal ends with the same suffix (`.pdf`), the suffix stays
   * literal after the parameter; else when every one starts with the same word and a dot (`thumbnail.`), that prefix
   * stays literal before it.
   */
  private collapse(node: Node): void {
    this.structure++;
    const calls = new Map<Node, number>();
    for (const c of node.literals.values()) calls.set(c, subtreeCalls(c, this.callsOf));
    const counts = [...calls.values()].sort((a, b) => a - b);
    const median = counts[Math.floor(counts.length / 2)] ?? 0;
    const threshold = Math.max(this.settings.staticMinCalls, this.settings.staticCallRatio * Math.max(1, median));
    // When most siblings are not words (ids with digits, slugs), the few plain words among them are resource names
    // (`thumbnail`, `comments` next to `thumbnail.png`…): they stay static even before they have many calls.
    let wordCount = 0;
    for (const seg of node.literals.keys()) if (seg.length >= 3 && RESOURCE_NAME.test(seg)) wordCount++;
    const keepWords = wordCount > 0 && wordCount < node.literals.size * 0.5;
    const merging: Array<[string, Node]> = [];
    for (const [seg, child] of node.literals) {
      if (calls.get(child)! >= threshold || child.dec?.pinned === true || node.dec?.literals?.has(seg) === true) continue;
      if (keepWords && seg.length >= 3 && RESOURCE_NAME.test(seg)) continue;
      merging.push([seg, child]);
    }
    let suffix: string | null = null;
    for (const [seg] of merging) {
      const ls = literalSuffixStart(seg);
      const s = ls > 0 ? seg.slice(ls) : '';
      if (suffix === null) suffix = s;
      else if (suffix !== s) suffix = '';
      if (suffix === '') break;
    }
    suffix ??= '';
    let prefix: string | null = suffix === '' ? null : '';
    for (const [seg] of merging) {
      const pe = literalPrefixEnd(seg);
      const s = pe > 0 ? seg.slice(0, pe) : '';
      if (prefix === null) prefix = s;
      else if (prefix !== s) prefix = '';
      if (prefix === '') break;
    }
    prefix ??= '';
    for (const [seg, child] of merging) {
      ownLiterals(node).delete(seg);
      const p = this.paramChild(node, 'literal', 'cardinality', seg.slice(prefix.length, seg.length - suffix.length), suffix, prefix);
      node.mergedCount++;
      this.mergeInto(p, child);
    }
    node.merged = true;
    const p = node.paramFor(affixKey(prefix, suffix));
    if (p !== null) {
      this.invalidate(p);
      if (this.decisions.size > 0) this.assignDecisions(p, node.dec?.children.get(decisionKey(prefix, suffix)) ?? null);
    }
  }

  /** Drops the cached templates of `node` and everything below it (their parameter names or kinds changed). */
  private invalidate(node: Node): void {
    this.generation++;
    const stack: Node[] = [node];
    while (stack.length > 0) {
      const n = stack.pop()!;
      n.text = null;
      n.pushChildren(stack);
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
        ownLiterals(dst).set(seg, child);
      } else {
        this.mergeInto(d, child);
      }
    }
    const params: Node[] = [];
    if (src.param !== null) params.push(src.param);
    if (src.suffixed !== null) params.push(...src.suffixed.values());
    for (const sp of params) {
      const key = affixKey(sp.prefix, sp.suffix);
      const dp = dst.paramFor(key);
      if (dp === null) {
        sp.parent = dst;
        if (key === '') dst.param = sp;
        else (dst.suffixed ??= new Map()).set(key, sp);
      } else {
        this.mergeInto(dp, sp);
        if (dp.kind !== sp.kind) dp.kind = 'mixed';
        if (sp.reason === 'cardinality') dp.reason = 'cardinality';
      }
    }
    for (const e of src.examples) addExample(dst, e, this.settings.maxExamples);
  }
}

/** Calls that ended at `node` or below it, by `callsOf` each node. */
function subtreeCalls(node: Node, callsOf: CallCounter): number {
  let n = 0;
  const stack: Node[] = [node];
  while (stack.length > 0) {
    const x = stack.pop()!;
    n += callsOf(x);
    x.pushChildren(stack);
  }
  return n;
}

/**
 * Builds a template segment by segment: parameter names unique within it, confidence the lowest seen; without
 * `withParams`, the text alone (no parameter objects).
 */
class TemplateBuilder {
  /** Template segments after a leading '' (joined by '/' into one flat string). */
  private readonly parts: string[] = [''];
  private readonly params: TemplateParam[] = [];
  /** Parameter names used so far (a template has few). */
  private readonly used: string[] = [];
  private confidence = 1;
  private previous: string | null = null;

  constructor(private readonly withParams = true) {}

  literal(seg: string): void {
    this.parts.push(escapeLiteral(seg));
    this.previous = seg;
  }

  /** Confidence of a parameter cardinality made from `mergedCount` literals. */
  lowerConfidence(mergedCount: number, maxLiteralChildren: number): void {
    this.confidence = Math.min(this.confidence, Math.min(1, 0.5 + mergedCount / (4 * maxLiteralChildren)));
  }

  /**
   * A parameter of kind `pk` between a literal `prefix` and `suffix`; `nameKind` picks its name (`userId`, `date`,
   * `email`…; after a `word.` prefix, `extension`).
   */
  param(position: number, pk: SegmentKind | 'mixed', reason: ParamReason, nameKind: SegmentKind | 'mixed', suffix: string, examples: readonly string[], prefix = ''): void {
    let name = paramName(this.previous, nameKind === 'mixed' ? 'literal' : nameKind);
    if (reason === 'cardinality' && (pk === 'literal' || pk === 'mixed') && (nameKind === 'literal' || nameKind === 'mixed')) name = name.replace(/Id$/, '') || 'name';
    if (prefix !== '') name = 'extension';
    let unique = name;
    for (let k = 2; this.used.includes(unique); k++) unique = `${name}${k}`;
    this.used.push(unique);
    if (this.withParams) {
      const schema = pk === 'literal' || pk === 'mixed' || pk === 'version' ? { type: 'string' } : KIND_SCHEMA[pk];
      const p: TemplateParam = { name: unique, position, kind: pk, type: schema.type, reason, examples: examples.slice() };
      if ('format' in schema && schema.format !== undefined) p.format = schema.format;
      this.params.push(p);
    }
    this.parts.push(`${prefix === '' ? '' : escapeLiteral(prefix)}{${unique}}${suffix === '' ? '' : escapeLiteral(suffix)}`);
    this.previous = `{${unique}}`;
  }

  build(trailing: string): PathTemplate {
    return { template: this.parts.length === 1 ? '/' : this.parts.join('/') + trailing, params: this.params, confidence: Math.round(this.confidence * 100) / 100 };
  }
}

/** Whether the decisions at a node keep `seg` literal under it (pinned, split off, or the position dissolved). */
function forcedLiteral(dec: DecisionNode, seg: string): boolean {
  return dec.dissolve || dec.literals?.has(seg) === true || dec.children.get(seg)?.pinned === true;
}

/** Decision trees by `host method` from a list of decisions. */
function buildDecisions(list: readonly TemplateDecision[]): Map<string, DecisionNode> {
  const out = new Map<string, DecisionNode>();
  for (const d of list) {
    const key = `${d.host} ${d.method}`;
    let root = out.get(key);
    if (root === undefined) {
      root = new DecisionNode();
      out.set(key, root);
    }
    const segs = templateKeys(d.template);
    const upTo = d.kind === 'pin' ? segs.length : Math.min(d.position ?? segs.length - 1, segs.length);
    let n = root;
    for (let i = 0; i < upTo; i++) {
      let c = n.children.get(segs[i]);
      if (c === undefined) {
        c = new DecisionNode();
        n.children.set(segs[i], c);
      }
      if (d.kind === 'pin' && !segs[i].startsWith('{}')) c.pinned = true;
      n = c;
    }
    if (d.kind === 'split') for (const v of d.values ?? []) (n.literals ??= new Set()).add(v);
    if (d.kind === 'dissolve') n.dissolve = true;
  }
  return out;
}

/** The decision-tree keys of a template's segments: the decoded literal, or prefix + `{}` + suffix for a parameter. */
function templateKeys(template: string): string[] {
  return splitPath(template.replace(/\{[^}/]*\}/g, '\u0000')).map((s) => s.replace('\u0000', '{}'));
}

/**
 * Sets `shape` for segment `seg`, number `i` of its path (`last` or not; `first` is the path's first segment): its
 * kind (position rule for leading dates), for a value with a suffix its stem and suffix, and whether it reads as a
 * word or version wherever it appears (`plain`).
 */
function shapeOf(seg: string, i: number, last: boolean, first: string): void {
  let k = classifySegment(seg);
  shape.plain = k === 'literal' || k === 'version';
  if (k === 'date' && i <= 1 && !last && (i === 0 || /^(api|rest)$/i.test(first))) k = 'version';
  shape.stem = seg;
  shape.suffix = '';
  if (k === 'literal' || k === 'token') {
    const at = literalSuffixStart(seg);
    if (at > 0) {
      const stem = seg.slice(0, at);
      const sk = classifySegment(stem);
      if (sk !== 'literal' && sk !== 'version') {
        k = sk;
        shape.plain = false;
        shape.stem = stem;
        shape.suffix = seg.slice(at);
      }
    }
  }
  shape.kind = k;
}

/** The key of a parameter child with a literal `prefix` and `suffix` among a node's `suffixed` children. */
function affixKey(prefix: string, suffix: string): string {
  return prefix === '' ? suffix : `${prefix}\u0000${suffix}`;
}

/** The key of a parameter with a literal `prefix` and `suffix` in a decision tree. */
function decisionKey(prefix: string, suffix: string): string {
  return `${prefix}{}${suffix}`;
}

/** The cardinality parameter under `node` with a literal prefix that `seg` starts with (a value after it), or null. */
function prefixedParam(node: Node, seg: string): Node | null {
  if (node.suffixed === null) return null;
  const pe = literalPrefixEnd(seg);
  if (pe <= 0) return null;
  const p = node.suffixed.get(`${seg.slice(0, pe)}\u0000`);
  return p !== undefined && p.reason === 'cardinality' ? p : null;
}

/**
 * Where the value after a literal prefix starts (`thumbnail.png` → 10: a word of letters, digits, `_` or `-`
 * starting with a letter, then a dot, then at least one character), or -1.
 */
export function literalPrefixEnd(seg: string): number {
  const dot = seg.indexOf('.');
  if (dot <= 0 || dot === seg.length - 1) return -1;
  const f = seg.charCodeAt(0) | 0x20;
  if (f < 97 || f > 122) return -1;
  for (let i = 1; i < dot; i++) {
    const c = seg.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 122) || c === 45 || c === 95)) return -1;
  }
  return dot + 1;
}

/**
 * Where a literal suffix after a value starts (`.json`, `.pdf` — a letter and up to 7 letters or digits; `:activate`,
 * `:batch-get` — a custom method), or -1.
 */
export function literalSuffixStart(seg: string): number {
  let sep = false;
  for (let i = seg.length - 1; i > 0; i--) {
    const c = seg.charCodeAt(i);
    if (c === 46 || c === 58) {
      const len = seg.length - i - 1;
      const f = seg.charCodeAt(i + 1) | 0x20;
      if (len === 0 || f < 97 || f > 122) return -1;
      if (c === 46 && (len > 8 || sep)) return -1;
      return i;
    }
    if (c === 45 || c === 95) sep = true;
    else if (!((c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 122))) return -1;
  }
  return -1;
}

/**
 * The marker a raw segment stands for in a skeleton: `INT_MARK` for digits only (not 8 or 11 long: those may be
 * dates or phone numbers), `UUID_MARK` for a dashed UUID, else ''.
 */
function segmentMark(raw: string, start: number, end: number): string {
  const n = end - start;
  let digits = true;
  for (let k = start; k < end; k++) {
    const c = raw.charCodeAt(k);
    if (c < 48 || c > 57) {
      digits = false;
      break;
    }
  }
  if (digits) return n === 8 || n === 11 ? '' : INT_MARK;
  if (n !== 36) return '';
  for (let k = 0; k < 36; k++) {
    const c = raw.charCodeAt(start + k);
    if (k === 8 || k === 13 || k === 18 || k === 23) {
      if (c !== 45) return '';
    } else if (!((c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 102))) return '';
  }
  return UUID_MARK;
}

/**
 * The skeleton of a raw path: integer and UUID segments replaced by their marker (the path itself when it has
 * none), or null when a segment starts with a marker character (markers only ever stand at a segment's start).
 */
export function skeletonKey(rawPath: string): string | null {
  const parts = rawPath.split('/');
  for (let k = 0; k < parts.length; k++) {
    const p = parts[k];
    if (p === '') continue;
    const c = p.charCodeAt(0);
    if (c <= 2) return null;
    if (c <= 57 || p.length === 36) {
      const mark = segmentMark(p, 0, p.length);
      if (mark !== '') parts[k] = mark;
    }
  }
  // Joined, the skeleton is a string of its own (not a slice keeping the request's head alive).
  return parts.length === 1 ? ownString(rawPath) : parts.join('/');
}

/**
 * A hash (1 to 2³⁰) of `host`, `method` and {@link skeletonKey}`(rawPath)` computed without building the skeleton, or
 * -1 when that is null.
 */
function walkHash(host: string, method: string, rawPath: string): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < host.length; k++) h = Math.imul(h ^ host.charCodeAt(k), 0x01000193);
  h = Math.imul(h ^ 32, 0x01000193);
  for (let k = 0; k < method.length; k++) h = Math.imul(h ^ method.charCodeAt(k), 0x01000193);
  h = Math.imul(h ^ 32, 0x01000193);
  const len = rawPath.length;
  for (let start = 0; start <= len; ) {
    let end = rawPath.indexOf('/', start);
    if (end < 0) end = len;
    if (end > start) {
      const c = rawPath.charCodeAt(start);
      if (c <= 2) return -1;
      const mark = c <= 57 || end - start === 36 ? segmentMark(rawPath, start, end) : '';
      if (mark !== '') h = Math.imul(h ^ mark.charCodeAt(0), 0x01000193);
      else for (let k = start; k < end; k++) h = Math.imul(h ^ rawPath.charCodeAt(k), 0x01000193);
    }
    if (end < len) h = Math.imul(h ^ 47, 0x01000193);
    start = end + 1;
  }
  return (h >>> 2) + 1;
}

/** Longest host or method a walk is cached for (its length is one character of the walk key). */
const MAX_KEY_PART = 255;

/**
 * The walk key of a skeleton on `host` and `method`: each of method and host after a character holding its length,
 * then the skeleton (a prefix code: no two host, method and skeleton triples share a key).
 */
function walkKey(host: string, method: string, skeleton: string): string {
  return [String.fromCharCode(method.length), method, String.fromCharCode(host.length), host, skeleton].join('');
}

/** Whether `key` is the {@link walkKey} of `host`, `method` and the skeleton of `rawPath`, compared without building it. */
function matchesWalkKey(key: string, host: string, method: string, rawPath: string): boolean {
  const m = method.length;
  if (key.charCodeAt(0) !== m) return false;
  for (let k = 0; k < m; k++) if (key.charCodeAt(1 + k) !== method.charCodeAt(k)) return false;
  const at = m + 1;
  const h = host.length;
  if (key.charCodeAt(at) !== h) return false;
  for (let k = 0; k < h; k++) if (key.charCodeAt(at + 1 + k) !== host.charCodeAt(k)) return false;
  return matchesSkeleton(rawPath, key, at + 1 + h);
}

/**
 * Whether `rawPath` has the skeleton held in `skeleton` from offset `from` on (see {@link skeletonKey}), compared
 * without building its own.
 */
function matchesSkeleton(rawPath: string, skeleton: string, from: number): boolean {
  const n = rawPath.length;
  const m = skeleton.length;
  let i = 0;
  let j = from;
  for (;;) {
    const c = skeleton.charCodeAt(j);
    if (j < m && (c === 1 || c === 2)) {
      let end = rawPath.indexOf('/', i);
      if (end < 0) end = n;
      if (end === i || segmentMark(rawPath, i, end) !== (c === 1 ? INT_MARK : UUID_MARK)) return false;
      i = end;
      j++;
    } else {
      while (i < n && j < m && rawPath.charCodeAt(i) !== 47) {
        if (rawPath.charCodeAt(i) !== skeleton.charCodeAt(j)) return false;
        i++;
        j++;
      }
    }
    if (i === n || j === m) return i === n && j === m;
    if (rawPath.charCodeAt(i) !== 47 || skeleton.charCodeAt(j) !== 47) return false;
    i++;
    j++;
  }
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
