// `aws:branch` Choices and `aws:loop` LoopCondition, evaluated over values that the
// caller has ALREADY interpolated (lang/interpolate.ts). Pure (workflow code).
//
// Grammar: a condition is `Variable` plus one operator, or one combinator: `And: [..]`,
// `Or: [..]` (non-empty lists) or `Not: {..}` (one condition); they nest. A choice is a
// condition plus `NextStep`.
//
// Coercions (AWS documents none of them; these make every published runbook behave):
// - String operators compare string forms (`toStringForm`), so a Boolean parameter
//   matches `StringEquals: "true"` (AWS-MigrateIncidentManagerCloudWatchAlarms) and a list
//   compares as its comma-joined text. `Contains` on a list means membership of an item's
//   string form; on anything else, substring. `EqualsIgnoreCase` ignores case only.
// - Numeric operators accept numbers and numeric text ("3", " 2.5 ", "1e3") on both sides.
// - BooleanEquals accepts booleans and the text true/false in any case on both sides.
// - A Variable still holding an unresolved `{{ ref }}` is compared verbatim by the string
//   operators, because AWS runbooks test "was this output set?" that way
//   (AWSEC2-CloneInstanceAndUpgradeWindows: `Variable: "{{ s.KeyName }}",
//   Contains: "s.KeyName"`). Numeric and Boolean operators cannot compare it and throw.
//
// The whole structure is checked before anything is evaluated, so a malformed later choice
// fails even when an earlier one matches; values are checked only where evaluation reaches
// them (And/Or short-circuit), like the conditions themselves.
import { referencesIn } from './template';
import { describeValue, parseBoolean, toStringForm } from './types';

export class ConditionError extends Error {
  override name = 'ConditionError';
}

export const STRING_OPERATORS = ['StringEquals', 'EqualsIgnoreCase', 'StartsWith', 'EndsWith', 'Contains'] as const;
export const NUMERIC_OPERATORS = [
  'NumericEquals',
  'NumericGreater',
  'NumericLesser',
  'NumericGreaterOrEquals',
  'NumericLesserOrEquals',
] as const;
export const BOOLEAN_OPERATORS = ['BooleanEquals'] as const;
export const COMBINATORS = ['And', 'Or', 'Not'] as const;

type StringOperator = (typeof STRING_OPERATORS)[number];
type NumericOperator = (typeof NUMERIC_OPERATORS)[number];
type Operator = StringOperator | NumericOperator | 'BooleanEquals';

const OPERATORS: readonly string[] = [...STRING_OPERATORS, ...NUMERIC_OPERATORS, ...BOOLEAN_OPERATORS];
const KEYWORDS: readonly string[] = [...OPERATORS, ...COMBINATORS, 'Variable'];

type Condition =
  | { kind: 'test'; op: Operator; variable: unknown; operand: unknown; path: string }
  | { kind: 'And' | 'Or'; items: Condition[] }
  | { kind: 'Not'; item: Condition };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function didYouMean(key: string): string {
  const match = KEYWORDS.find((k) => k.toLowerCase() === key.toLowerCase());
  return match ? ` (did you mean ${match}?)` : ` (operators: ${OPERATORS.join(', ')}; combinators: And, Or, Not)`;
}

/** Checks the shape of one condition, collecting every problem; undefined if any. */
function parse(raw: unknown, path: string, problems: string[], allowed: readonly string[] = []): Condition | undefined {
  if (!isPlainObject(raw)) {
    problems.push(`${path}: a condition must be a map, got ${describeValue(raw)}`);
    return undefined;
  }
  const keys = Object.keys(raw).filter((k) => !allowed.includes(k));
  for (const k of keys) if (!KEYWORDS.includes(k)) problems.push(`${path}: unknown key ${k}${didYouMean(k)}`);
  const ops = keys.filter((k) => OPERATORS.includes(k)) as Operator[];
  const combinators = keys.filter((k): k is (typeof COMBINATORS)[number] => (COMBINATORS as readonly string[]).includes(k));
  const hasVariable = Object.hasOwn(raw, 'Variable');
  const found = [...ops, ...combinators];

  if (found.length === 0) {
    problems.push(`${path}: no operator; give Variable and one of ${OPERATORS.join(', ')}, or And, Or, Not`);
    return undefined;
  }
  if (found.length > 1) {
    problems.push(`${path}: one operator or combinator per condition, found ${found.join(', ')}; combine them with And`);
    return undefined;
  }

  const combinator = combinators[0];
  if (combinator) {
    if (hasVariable) problems.push(`${path}: Variable does not go with ${combinator}; put it inside the nested conditions`);
    const body = raw[combinator];
    if (combinator === 'Not') {
      const item = parse(body, `${path}.Not`, problems);
      return item && !hasVariable ? { kind: 'Not', item } : undefined;
    }
    if (!Array.isArray(body) || body.length === 0) {
      problems.push(`${path}.${combinator}: must be a non-empty list of conditions, got ${describeValue(body)}`);
      return undefined;
    }
    const items = body.map((c, i) => parse(c, `${path}.${combinator}[${i}]`, problems));
    return items.every((c): c is Condition => c !== undefined) && !hasVariable ? { kind: combinator, items } : undefined;
  }

  const op = ops[0]!;
  const operand = raw[op];
  let ok = true;
  if (!hasVariable) {
    problems.push(`${path}: ${op} needs a Variable to compare`);
    ok = false;
  }
  if (operand === null || operand === undefined) {
    problems.push(`${path}: ${op} needs a value to compare with`);
    ok = false;
  }
  return ok ? { kind: 'test', op, variable: raw.Variable, operand, path } : undefined;
}

function parseOrThrow(raw: unknown, path: string, allowed: readonly string[] = []): Condition {
  const problems: string[] = [];
  const cond = parse(raw, path, problems, allowed);
  if (!cond || problems.length) throw new ConditionError(problems.join('; '));
  return cond;
}

/** Structural problems of a condition or choice (empty when well formed); never throws. For the compiler. */
export function conditionProblems(cond: unknown, path = 'condition'): string[] {
  const problems: string[] = [];
  parse(cond, path, problems, ['NextStep']);
  return problems;
}

// A Variable that still holds `{{ ref }}` text was not substituted: say so, it is the
// likely cause of any comparison failing on it.
function unresolvedHint(value: unknown): string {
  if (typeof value !== 'string') return '';
  const refs = referencesIn(value);
  return refs.length ? ` (the reference ${refs[0]!.raw} did not resolve: unknown name, skipped step, or an output that was not set)` : '';
}

const NUMBER = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

function toNumber(value: unknown, what: string, t: Extract<Condition, { kind: 'test' }>): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && NUMBER.test(value)) return Number(value);
  throw new ConditionError(`${t.path}: ${t.op} needs a number as ${what}, got ${describeValue(value)}${unresolvedHint(value)}`);
}

function toBool(value: unknown, what: string, t: Extract<Condition, { kind: 'test' }>): boolean {
  const b = parseBoolean(value);
  if (b === undefined) {
    throw new ConditionError(`${t.path}: ${t.op} needs true or false as ${what}, got ${describeValue(value)}${unresolvedHint(value)}`);
  }
  return b;
}

function test(t: Extract<Condition, { kind: 'test' }>): boolean {
  switch (t.op) {
    case 'StringEquals':
    case 'EqualsIgnoreCase':
    case 'StartsWith':
    case 'EndsWith':
    case 'Contains': {
      const right = toStringForm(t.operand);
      if (t.op === 'Contains' && Array.isArray(t.variable)) return t.variable.some((item) => toStringForm(item) === right);
      const left = toStringForm(t.variable);
      if (t.op === 'StringEquals') return left === right;
      if (t.op === 'EqualsIgnoreCase') return left.toLowerCase() === right.toLowerCase();
      if (t.op === 'StartsWith') return left.startsWith(right);
      if (t.op === 'EndsWith') return left.endsWith(right);
      return left.includes(right);
    }
    case 'BooleanEquals':
      return toBool(t.variable, 'Variable', t) === toBool(t.operand, 'its value', t);
    default: {
      const a = toNumber(t.variable, 'Variable', t);
      const b = toNumber(t.operand, 'its value', t);
      switch (t.op) {
        case 'NumericEquals':
          return a === b;
        case 'NumericGreater':
          return a > b;
        case 'NumericLesser':
          return a < b;
        case 'NumericGreaterOrEquals':
          return a >= b;
        case 'NumericLesserOrEquals':
          return a <= b;
      }
    }
  }
}

function evaluate(c: Condition): boolean {
  switch (c.kind) {
    case 'test':
      return test(c);
    case 'And':
      return c.items.every(evaluate);
    case 'Or':
      return c.items.some(evaluate);
    case 'Not':
      return !evaluate(c.item);
  }
}

/**
 * Evaluates one interpolated condition (a LoopCondition, or a choice: its NextStep is
 * ignored). Throws ConditionError when it is malformed or a value cannot be compared.
 */
export function evaluateCondition(cond: unknown): boolean {
  return evaluate(parseOrThrow(cond, 'condition', ['NextStep']));
}

/**
 * The step an interpolated `aws:branch` goes to: the NextStep of the first choice that
 * holds, else Default, else undefined (the caller continues with the following step).
 */
export function chooseNextStep(inputs: { Choices: unknown[]; Default?: string }): string | undefined {
  const { Choices: choices, Default: fallback } = inputs as { Choices: unknown; Default?: unknown };
  if (!Array.isArray(choices)) throw new ConditionError(`Choices: must be a list of choices, got ${describeValue(choices)}`);
  if (fallback !== undefined && (typeof fallback !== 'string' || fallback === '')) {
    throw new ConditionError(`Default: must be a step name, got ${describeValue(fallback)}`);
  }
  const problems: string[] = [];
  const parsed = choices.map((choice, i) => {
    const path = `Choices[${i}]`;
    const next = isPlainObject(choice) ? choice.NextStep : undefined;
    if (isPlainObject(choice) && (typeof next !== 'string' || next === '')) {
      problems.push(`${path}: NextStep must be a step name, got ${describeValue(next)}`);
    }
    return { next: next as string, cond: parse(choice, path, problems, ['NextStep']) };
  });
  if (problems.length) throw new ConditionError(problems.join('; '));
  for (const { next, cond } of parsed) if (evaluate(cond!)) return next;
  return fallback;
}
