// EventBridge event patterns: the checks EventBridge makes when a rule is put (every problem
// at once, each with the JSON pointer of the offending part of the pattern) and the compiled
// form the matcher runs. Written from EventBridge's documentation and its recorded
// behaviour (test/fixtures/event-patterns), not from another implementation. Pure.
//
// A pattern is an object whose keys are field names (nested objects, or dotted names: both
// mean the same path) and whose leaves are non-empty arrays of alternatives: a string, a
// number, true/false/null, or one operator object (`prefix`, `suffix`, `anything-but`,
// `numeric`, `exists`, `cidr`, `equals-ignore-case`, `wildcard`, `exact`). `$or` takes a list
// of at least two sub-patterns.
import { parseCidr, type CidrBlock } from './cidr';
import { MAX_WILDCARD_COMPLEXITY, parseWildcard, wildcardComplexity, type Wildcard } from './wildcard';

export type ValueMatcher =
  | { kind: 'exact'; value: string | number | boolean | null }
  | { kind: 'prefix'; value: string; ignoreCase: boolean }
  | { kind: 'suffix'; value: string; ignoreCase: boolean }
  | { kind: 'equals-ignore-case'; value: string }
  | { kind: 'wildcard'; wildcard: Wildcard }
  | { kind: 'numeric'; lower?: Bound; upper?: Bound }
  | { kind: 'cidr'; block: CidrBlock }
  | { kind: 'exists'; exists: boolean }
  /** Matches a present value that none of `not` matches. */
  | { kind: 'anything-but'; not: ValueMatcher[] };

export interface Bound {
  value: number;
  inclusive: boolean;
}

/** One field of the pattern: its dotted path from the event's root and its alternatives. */
export interface PatternLeaf {
  path: string;
  matchers: ValueMatcher[];
}

/** Every leaf must match, and for each `$or` one of its alternatives. */
export interface PatternNode {
  leaves: PatternLeaf[];
  ors: PatternNode[][];
}

export interface CompiledPattern {
  root: PatternNode;
}

export interface PatternProblem {
  /** JSON pointer into the pattern. */
  pointer: string;
  message: string;
  /** Point at the key (an unknown operator, a misplaced `$or`) rather than its value. */
  at?: 'key';
}

/** EventBridge's limit on the text of a pattern (PutRule's EventPattern). */
export const MAX_PATTERN_LENGTH = 4096;

export const OPERATORS = ['prefix', 'suffix', 'anything-but', 'numeric', 'exists', 'cidr', 'equals-ignore-case', 'wildcard', 'exact'] as const;
const ANYTHING_BUT_OPERATORS = ['prefix', 'suffix', 'equals-ignore-case', 'wildcard'];
const RESERVED_IN_OR = new Set<string>([...OPERATORS, '=', '<', '<=', '>', '>=']);

export function compilePattern(pattern: unknown): { pattern?: CompiledPattern; problems: PatternProblem[] } {
  const problems: PatternProblem[] = [];
  if (!isObject(pattern)) {
    problems.push({ pointer: '', message: 'An event pattern must be a JSON object.' });
    return { problems };
  }
  const root = compileObject(pattern, '', '', false, problems);
  return problems.length ? { problems } : { pattern: { root }, problems };
}

function compileObject(obj: Record<string, unknown>, path: string, pointer: string, insideOr: boolean, problems: PatternProblem[]): PatternNode {
  const node: PatternNode = { leaves: [], ors: [] };
  const keys = Object.keys(obj);
  if (keys.length === 0) problems.push({ pointer, message: 'Empty objects are not allowed in an event pattern.' });
  for (const key of keys) {
    const value = obj[key];
    const at = join(pointer, key);
    if (key === '$or') {
      const alternatives = compileOr(value, path, at, problems);
      if (alternatives) node.ors.push(alternatives);
      continue;
    }
    if (insideOr && RESERVED_IN_OR.has(key)) {
      problems.push({ pointer: at, message: `"${key}" is an operator name and cannot be a field name inside $or.`, at: 'key' });
      continue;
    }
    const childPath = path ? `${path}.${key}` : key;
    if (Array.isArray(value)) {
      const matchers = compileLeaf(value, at, problems);
      // A repeated path (`"a": {"b": …}` and `"a.b": …`): the later one wins, as when a JSON key repeats.
      node.leaves = node.leaves.filter((l) => l.path !== childPath);
      node.leaves.push({ path: childPath, matchers });
    } else if (isObject(value)) {
      const child = compileObject(value, childPath, at, insideOr, problems);
      for (const leaf of child.leaves) {
        node.leaves = node.leaves.filter((l) => l.path !== leaf.path);
        node.leaves.push(leaf);
      }
      node.ors.push(...child.ors);
    } else {
      problems.push({ pointer: at, message: `"${key}" must be an object or an array, not ${describe(value)}.` });
    }
  }
  return node;
}

function compileOr(value: unknown, path: string, pointer: string, problems: PatternProblem[]): PatternNode[] | undefined {
  if (!Array.isArray(value)) {
    problems.push({ pointer, message: '$or must be followed by an array of at least two objects.', at: 'key' });
    return undefined;
  }
  if (value.length < 2) problems.push({ pointer, message: `$or needs at least two alternatives; it has ${value.length}.`, at: 'key' });
  const out: PatternNode[] = [];
  value.forEach((item, i) => {
    if (!isObject(item)) {
      problems.push({ pointer: join(pointer, i), message: `Each alternative of $or must be an object, not ${describe(item)}.` });
      return;
    }
    out.push(compileObject(item, path, join(pointer, i), true, problems));
  });
  return out;
}

function compileLeaf(values: unknown[], pointer: string, problems: PatternProblem[]): ValueMatcher[] {
  if (values.length === 0) {
    problems.push({ pointer, message: 'Empty arrays are not allowed: list at least one value to match.' });
    return [];
  }
  const matchers: ValueMatcher[] = [];
  values.forEach((v, i) => {
    const at = join(pointer, i);
    if (typeof v === 'string' || typeof v === 'boolean' || v === null) matchers.push({ kind: 'exact', value: v });
    else if (typeof v === 'number') {
      if (Number.isFinite(v)) matchers.push({ kind: 'exact', value: v });
      else problems.push({ pointer: at, message: `${v} is not a number EventBridge can compare.` });
    } else if (isObject(v)) {
      const m = compileOperator(v, at, problems);
      if (m) matchers.push(m);
    } else {
      problems.push({ pointer: at, message: 'A match value must be a string, a number, true, false, null or an operator object, not a nested array.' });
    }
  });
  const complexity = matchers.reduce((sum, m) => sum + wildcardScore(m), 0);
  if (complexity > MAX_WILDCARD_COMPLEXITY) {
    problems.push({
      pointer,
      message: `These wildcards are too complex (up to ${complexity} partial matches at once, at most ${MAX_WILDCARD_COMPLEXITY}): use fewer * characters, or fewer repeated characters after a *.`,
    });
  }
  return matchers;
}

function wildcardScore(m: ValueMatcher): number {
  if (m.kind === 'wildcard') return wildcardComplexity(m.wildcard);
  if (m.kind === 'anything-but') return m.not.reduce((s, n) => s + wildcardScore(n), 0);
  return 0;
}

function compileOperator(obj: Record<string, unknown>, pointer: string, problems: PatternProblem[]): ValueMatcher | undefined {
  const keys = Object.keys(obj);
  if (keys.length === 0) {
    problems.push({ pointer, message: 'An operator object needs an operator, e.g. {"prefix": "abc"}.' });
    return undefined;
  }
  if (keys.length > 1) {
    problems.push({ pointer: join(pointer, keys[1]!), message: `An operator object holds one operator; this one also has "${keys[1]}".`, at: 'key' });
    return undefined;
  }
  const op = keys[0]!;
  const value = obj[op];
  const at = join(pointer, op);
  const fail = (message: string, key = false): undefined => {
    problems.push({ pointer: at, message, ...(key ? { at: 'key' as const } : {}) });
    return undefined;
  };
  switch (op) {
    case 'exact':
      return typeof value === 'string' ? { kind: 'exact', value } : fail('exact takes a string.');
    case 'prefix':
    case 'suffix': {
      if (isObject(value)) {
        const inner = Object.keys(value);
        if (inner.length !== 1 || inner[0] !== 'equals-ignore-case') return fail(`${op} takes a string, or {"equals-ignore-case": "…"}.`);
        const text = value['equals-ignore-case'];
        if (typeof text !== 'string') return fail('equals-ignore-case takes a string.');
        return { kind: op, value: text, ignoreCase: true };
      }
      return typeof value === 'string' ? { kind: op, value, ignoreCase: false } : fail(`${op} takes a string.`);
    }
    case 'equals-ignore-case':
      return typeof value === 'string' ? { kind: 'equals-ignore-case', value } : fail('equals-ignore-case takes a string.');
    case 'wildcard': {
      if (typeof value !== 'string') return fail('wildcard takes a string.');
      const w = parseWildcard(value);
      return 'error' in w ? fail(`Invalid wildcard: ${w.error}.`) : { kind: 'wildcard', wildcard: w };
    }
    case 'exists':
      return typeof value === 'boolean' ? { kind: 'exists', exists: value } : fail('exists takes true or false.');
    case 'cidr': {
      if (typeof value !== 'string') return fail('cidr takes a string such as "10.0.0.0/24".');
      const block = parseCidr(value);
      return 'error' in block ? fail(`Invalid CIDR block: ${block.error}.`) : { kind: 'cidr', block };
    }
    case 'numeric':
      return compileNumeric(value, at, problems);
    case 'anything-but':
      return compileAnythingBut(value, at, problems);
    default: {
      const lower = op.toLowerCase();
      const known = (OPERATORS as readonly string[]).includes(lower) ? ` (operators are lower-case: ${lower})` : '';
      return fail(`Unknown operator "${op}"${known}; the operators are ${OPERATORS.join(', ')}.`, true);
    }
  }
}

function compileNumeric(value: unknown, pointer: string, problems: PatternProblem[]): ValueMatcher | undefined {
  const fail = (message: string, index?: number): undefined => {
    problems.push({ pointer: index === undefined ? pointer : join(pointer, index), message });
    return undefined;
  };
  if (!Array.isArray(value)) return fail('numeric takes an array such as [">", 0, "<=", 5].');
  const [op1, n1, op2, n2, ...rest] = value as unknown[];
  const num = (n: unknown, op: string, index: number): number | undefined => {
    if (typeof n === 'number' && Number.isFinite(n)) return n;
    fail(n === undefined ? `"${op}" needs a number after it.` : `The value of "${op}" must be a number, not ${describe(n)}.`, index);
    return undefined;
  };
  if (typeof op1 !== 'string') return fail(`A numeric expression starts with an operator (=, <, <=, >, >=), not ${describe(op1)}.`, 0);
  if (op1 === '=' || op1 === '<' || op1 === '<=') {
    const n = num(n1, op1, 1);
    if (n === undefined) return undefined;
    if (value.length > 2) return fail(`"${op1}" takes one number; use [">", a, "<", b] for a range.`, 2);
    if (op1 === '=') return { kind: 'numeric', lower: { value: n, inclusive: true }, upper: { value: n, inclusive: true } };
    return { kind: 'numeric', upper: { value: n, inclusive: op1 === '<=' } };
  }
  if (op1 !== '>' && op1 !== '>=') return fail(`"${op1}" is not a numeric operator; use =, <, <=, > or >=.`, 0);
  const low = num(n1, op1, 1);
  if (low === undefined) return undefined;
  const lower = { value: low, inclusive: op1 === '>=' };
  if (value.length === 2) return { kind: 'numeric', lower };
  if (op2 !== '<' && op2 !== '<=') return fail(`A range continues with "<" or "<=", not ${describe(op2)}.`, 2);
  const high = num(n2, op2, 3);
  if (high === undefined) return undefined;
  if (rest.length) return fail('A numeric range has at most four terms.', 4);
  if (!(low < high)) return fail(`The lower bound (${low}) must be below the upper bound (${high}).`, 3);
  return { kind: 'numeric', lower, upper: { value: high, inclusive: op2 === '<=' } };
}

function compileAnythingBut(value: unknown, pointer: string, problems: PatternProblem[]): ValueMatcher | undefined {
  const fail = (message: string, at = pointer): undefined => {
    problems.push({ pointer: at, message });
    return undefined;
  };
  if (isObject(value)) {
    const keys = Object.keys(value);
    if (keys.length !== 1) return fail(`anything-but takes one of ${ANYTHING_BUT_OPERATORS.join(', ')} inside an object.`);
    const op = keys[0]!;
    const at = join(pointer, op);
    if (!ANYTHING_BUT_OPERATORS.includes(op)) {
      problems.push({ pointer: at, message: `anything-but cannot hold "${op}"; it takes a value, a list, or one of ${ANYTHING_BUT_OPERATORS.join(', ')}.`, at: 'key' });
      return undefined;
    }
    const inner = value[op];
    const items = Array.isArray(inner) ? inner : [inner];
    if (items.length === 0) return fail('Empty arrays are not allowed.', at);
    const not: ValueMatcher[] = [];
    for (const [i, item] of items.entries()) {
      const itemAt = Array.isArray(inner) ? join(at, i) : at;
      if (typeof item !== 'string') return fail(`anything-but ${op} takes strings, not ${describe(item)}.`, itemAt);
      if ((op === 'prefix' || op === 'suffix') && item === '') return fail(`An empty ${op} is not allowed in anything-but.`, itemAt);
      if (op === 'prefix' || op === 'suffix') not.push({ kind: op, value: item, ignoreCase: false });
      else if (op === 'equals-ignore-case') not.push({ kind: 'equals-ignore-case', value: item });
      else {
        const w = parseWildcard(item);
        if ('error' in w) return fail(`Invalid wildcard: ${w.error}.`, itemAt);
        not.push({ kind: 'wildcard', wildcard: w });
      }
    }
    return { kind: 'anything-but', not };
  }
  if (typeof value === 'string' || typeof value === 'number') return { kind: 'anything-but', not: [{ kind: 'exact', value }] };
  if (Array.isArray(value)) {
    if (value.length === 0) return fail('Empty arrays are not allowed.');
    const bad = value.findIndex((v) => typeof v !== 'string' && typeof v !== 'number');
    if (bad >= 0) return fail(`anything-but lists hold strings or numbers, not ${describe(value[bad])}.`, join(pointer, bad));
    if (value.some((v) => typeof v === 'string') && value.some((v) => typeof v === 'number')) {
      return fail('anything-but lists hold only strings or only numbers, not both.');
    }
    return { kind: 'anything-but', not: value.map((v) => ({ kind: 'exact', value: v as string | number })) };
  }
  return fail(`anything-but takes a string, a number, a list of them, or {prefix|suffix|equals-ignore-case|wildcard: …}; not ${describe(value)}.`);
}

/** Every leaf of a node, those inside its $or alternatives included. */
export function patternLeaves(node: PatternNode): PatternLeaf[] {
  return [...node.leaves, ...node.ors.flat().flatMap(patternLeaves)];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function join(pointer: string, segment: string | number): string {
  return `${pointer}/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v)}`;
  return `${typeof v} ${String(v)}`;
}
