// Does an event match a compiled pattern? EventBridge's semantics:
//
// - The event is read as (dotted path, leaf value) pairs: nested keys and dotted keys name the
//   same path (`{"a": {"b": 1}}` and `{"a.b": 1}`), arrays are transparent (each element is a
//   value of the path), objects and empty arrays are not values themselves.
// - A field matches when one of its values matches one of its alternatives; `exists: false`
//   matches when the path has no value at all. `null` matches null, never a missing field.
// - Array consistency: the values chosen for the fields must be compatible with one element
//   of every array of objects they come from: `{"d": {"a": [1], "b": [2]}}` matches
//   `{"d": [{"a": 1, "b": 2}]}` but not `{"d": [{"a": 1}, {"b": 2}]}`.
//
// Matching is a search for one consistent choice, pruned: fields are tried fewest candidates
// first, and candidates that differ only in arrays no other field reads count once. It never
// throws, whatever the event. Pure.
import { inCidr } from './cidr';
import { patternLeaves, type CompiledPattern, type PatternLeaf, type PatternNode, type ValueMatcher } from './event-pattern';
import { matchWildcard } from './wildcard';

type Leaf = string | number | boolean | null;

interface Entry {
  value: Leaf;
  /** (array id, element index) of every array the value sits in, outermost first. */
  arrays: Array<[number, number]>;
}

export type FlatEvent = Map<string, Entry[]>;

/** The event as path → values (with their array memberships). */
export function flattenEvent(event: unknown): FlatEvent {
  const out: FlatEvent = new Map();
  let nextArray = 0;
  const visit = (v: unknown, path: string, arrays: Array<[number, number]>) => {
    if (Array.isArray(v)) {
      const id = nextArray++;
      v.forEach((item, i) => visit(item, path, [...arrays, [id, i]]));
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, child] of Object.entries(v)) visit(child, path ? `${path}.${k}` : k, arrays);
    } else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null) {
      if (!path) return;
      let list = out.get(path);
      if (!list) out.set(path, (list = []));
      list.push({ value: v, arrays });
    }
  };
  visit(event, '', []);
  return out;
}

export function matchesPattern(pattern: CompiledPattern, event: unknown): boolean {
  return matchesFlat(pattern, flattenEvent(event));
}

export function matchesFlat(pattern: CompiledPattern, flat: FlatEvent): boolean {
  // Arrays read by more than one field are the only ones whose element choice matters.
  const readers = new Map<number, Set<string>>();
  for (const leaf of patternLeaves(pattern.root)) {
    for (const e of flat.get(leaf.path) ?? []) {
      for (const [id] of e.arrays) {
        let s = readers.get(id);
        if (!s) readers.set(id, (s = new Set()));
        s.add(leaf.path);
      }
    }
  }
  const shared = new Set([...readers].filter(([, paths]) => paths.size > 1).map(([id]) => id));
  const search = new Search(flat, shared);
  // Parts of the root that read no array in common are independent: each is searched on its
  // own, so a failing part never makes the search retry the choices of another.
  return independentParts(pattern.root, search).every((part) => search.node(part, new Map(), () => true));
}

/** The root split into groups of leaves linked by shared arrays (the $or alternatives stay together, with whatever they touch). */
function independentParts(root: PatternNode, search: Search): PatternNode[] {
  const parent = new Map<PatternLeaf | 'ors', PatternLeaf | 'ors'>();
  const find = (x: PatternLeaf | 'ors'): PatternLeaf | 'ors' => {
    const p = parent.get(x) ?? x;
    if (p === x) return x;
    const r = find(p);
    parent.set(x, r);
    return r;
  };
  const union = (a: PatternLeaf | 'ors', b: PatternLeaf | 'ors') => parent.set(find(a), find(b));
  const owner = new Map<number, PatternLeaf | 'ors'>();
  const link = (unit: PatternLeaf | 'ors', leaf: PatternLeaf) => {
    for (const id of search.arraysOf(leaf)) {
      const other = owner.get(id);
      if (other) union(unit, other);
      else owner.set(id, unit);
    }
  };
  for (const leaf of root.leaves) link(leaf, leaf);
  for (const leaf of root.ors.flat().flatMap(patternLeaves)) link('ors', leaf);
  const groups = new Map<PatternLeaf | 'ors', PatternNode>();
  const groupOf = (unit: PatternLeaf | 'ors'): PatternNode => {
    const r = find(unit);
    let g = groups.get(r);
    if (!g) groups.set(r, (g = { leaves: [], ors: [] }));
    return g;
  };
  for (const leaf of root.leaves) groupOf(leaf).leaves.push(leaf);
  if (root.ors.length) groupOf('ors').ors.push(...root.ors);
  return groups.size ? [...groups.values()] : [root];
}

type Assignment = Map<number, number>;
type Continue = (a: Assignment) => boolean;

class Search {
  private readonly candidates = new Map<PatternLeaf, { absent: boolean; options: Array<Array<[number, number]>> }>();

  constructor(
    private readonly flat: FlatEvent,
    private readonly shared: Set<number>,
  ) {}

  /** Matches the node's leaves and ors under `a`, then calls `k` with the extended assignment. */
  node(node: PatternNode, a: Assignment, k: Continue): boolean {
    const leaves = this.order(node.leaves);
    // Cheap necessary condition first: every leaf can match on its own.
    for (const leaf of leaves) {
      const c = this.optionsOf(leaf);
      if (!c.absent && c.options.length === 0) return false;
    }
    return this.leaves(leaves, 0, a, (after) => this.ors(node.ors, 0, after, k));
  }

  private leaves(leaves: PatternLeaf[], i: number, a: Assignment, k: Continue): boolean {
    if (i === leaves.length) return k(a);
    const { absent, options } = this.optionsOf(leaves[i]!);
    if (absent && this.leaves(leaves, i + 1, a, k)) return true;
    for (const arrays of options) {
      const extended = extend(a, arrays);
      if (extended && this.leaves(leaves, i + 1, extended, k)) return true;
    }
    return false;
  }

  private ors(ors: PatternNode[][], i: number, a: Assignment, k: Continue): boolean {
    if (i === ors.length) return k(a);
    return ors[i]!.some((alternative) => this.node(alternative, a, (after) => this.ors(ors, i + 1, after, k)));
  }

  /** The shared arrays any value of the leaf sits in. */
  arraysOf(leaf: PatternLeaf): Set<number> {
    return new Set(this.optionsOf(leaf).options.flatMap((o) => o.map(([id]) => id)));
  }

  /**
   * Fewest candidates first, then always a leaf that shares an array with those already
   * placed (its choice is then constrained at once instead of after unrelated choices).
   */
  private order(leaves: PatternLeaf[]): PatternLeaf[] {
    const rest = [...leaves].sort((x, y) => this.optionsOf(x).options.length - this.optionsOf(y).options.length);
    const out: PatternLeaf[] = [];
    const placed = new Set<number>();
    while (rest.length) {
      let i = rest.findIndex((l) => [...this.arraysOf(l)].some((id) => placed.has(id)));
      if (i < 0) i = 0;
      const [leaf] = rest.splice(i, 1);
      out.push(leaf!);
      for (const id of this.arraysOf(leaf!)) placed.add(id);
    }
    return out;
  }

  /** The distinct array memberships (restricted to shared arrays) of the values that match the leaf. */
  private optionsOf(leaf: PatternLeaf): { absent: boolean; options: Array<Array<[number, number]>> } {
    const cached = this.candidates.get(leaf);
    if (cached) return cached;
    const entries = this.flat.get(leaf.path) ?? [];
    const absent = entries.length === 0 && leaf.matchers.some((m) => m.kind === 'exists' && !m.exists);
    const seen = new Set<string>();
    const options: Array<Array<[number, number]>> = [];
    for (const e of entries) {
      if (!leaf.matchers.some((m) => matchesValue(m, e.value))) continue;
      const arrays = e.arrays.filter(([id]) => this.shared.has(id));
      const key = arrays.map(([id, i]) => `${id}:${i}`).join(',');
      if (seen.has(key)) continue;
      seen.add(key);
      options.push(arrays);
    }
    const c = { absent, options };
    this.candidates.set(leaf, c);
    return c;
  }
}

function extend(a: Assignment, arrays: Array<[number, number]>): Assignment | undefined {
  let out = a;
  for (const [id, index] of arrays) {
    const chosen = out.get(id);
    if (chosen === undefined) {
      if (out === a) out = new Map(a);
      out.set(id, index);
    } else if (chosen !== index) return undefined;
  }
  return out;
}

/** Whether one leaf value of the event satisfies one alternative of a field. */
export function matchesValue(m: ValueMatcher, v: Leaf): boolean {
  switch (m.kind) {
    case 'exact':
      if (typeof m.value === 'number') return typeof v === 'number' && v === m.value;
      return v === m.value;
    case 'prefix':
      if (typeof v !== 'string') return false;
      return m.ignoreCase ? foldCase(v).startsWith(foldCase(m.value)) : v.startsWith(m.value);
    case 'suffix':
      if (typeof v !== 'string') return false;
      return m.ignoreCase ? foldCase(v).endsWith(foldCase(m.value)) : v.endsWith(m.value);
    case 'equals-ignore-case':
      return typeof v === 'string' && foldCase(v) === foldCase(m.value);
    case 'wildcard':
      return typeof v === 'string' && matchWildcard(m.wildcard, v);
    case 'numeric':
      if (typeof v !== 'number') return false;
      if (m.lower && (m.lower.inclusive ? v < m.lower.value : v <= m.lower.value)) return false;
      if (m.upper && (m.upper.inclusive ? v > m.upper.value : v >= m.upper.value)) return false;
      return true;
    case 'cidr':
      return typeof v === 'string' && inCidr(m.block, v);
    case 'exists':
      // A value is there; `exists: false` is decided by the path having none.
      return m.exists;
    case 'anything-but':
      return !m.not.some((n) => matchesValue(n, v));
  }
}

/** Case-insensitive comparison as EventBridge does it: by lower-casing both sides. */
function foldCase(s: string): string {
  return s.toLowerCase();
}
