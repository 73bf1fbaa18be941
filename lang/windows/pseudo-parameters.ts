// SSM's pseudo parameters of maintenance window tasks: `{{WINDOW_ID}}`, `{{TARGET_ID}}` …
// written in a task's parameters and replaced when the task runs. Pure (workflow code
// substitutes them). Other `{{ }}` references (`{{ssm:/name}}`, a document's own
// parameters) pass through untouched.

export const PSEUDO_PARAMETERS = [
  'WINDOW_ID',
  'WINDOW_TASK_ID',
  'WINDOW_TARGET_ID',
  'WINDOW_EXECUTION_ID',
  'TASK_EXECUTION_ID',
  'INVOCATION_ID',
  'TARGET_ID',
  'TARGET_TYPE',
  'RESOURCE_ID',
] as const;
export type PseudoParameter = (typeof PSEUDO_PARAMETERS)[number];

/** Different for each target of a task. */
export const PER_TARGET_PSEUDO: readonly PseudoParameter[] = ['INVOCATION_ID', 'TARGET_ID', 'RESOURCE_ID', 'TARGET_TYPE', 'WINDOW_TARGET_ID'];

/** Meaningless without a target. */
export const TARGET_PSEUDO: readonly PseudoParameter[] = ['TARGET_ID', 'RESOURCE_ID', 'TARGET_TYPE', 'WINDOW_TARGET_ID'];

/** SSM: "{{TARGET_ID}} and {{RESOURCE_ID}} … can't be used with Run Command tasks" (Run Command reaches its targets itself). */
export const NOT_IN_RUN_COMMAND: readonly PseudoParameter[] = ['TARGET_ID', 'RESOURCE_ID'];

/** The one target type Drover registers: managed nodes and EC2 instances. */
export const TARGET_TYPE_INSTANCE = 'INSTANCE';

const REFERENCE = /\{\{\s*([A-Z][A-Z0-9_]*)\s*\}\}/g;

export function isPseudoParameter(name: string): name is PseudoParameter {
  return (PSEUDO_PARAMETERS as readonly string[]).includes(name);
}

/** Every upper-case `{{NAME}}` written in the value (strings, lists, maps), with the text of each. */
export function upperCaseReferences(value: unknown): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  const visit = (v: unknown) => {
    if (typeof v === 'string') for (const m of v.matchAll(REFERENCE)) out.push({ name: m[1]!, text: m[0] });
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') Object.values(v).forEach(visit);
  };
  visit(value);
  return out;
}

/** The pseudo parameters the value refers to. */
export function pseudoReferences(value: unknown): Set<PseudoParameter> {
  return new Set(upperCaseReferences(value).map((r) => r.name).filter(isPseudoParameter));
}

/** Replaces the pseudo parameters that have a value; anything else stays as written. */
export function substitutePseudo<T>(value: T, values: Partial<Record<PseudoParameter, string>>): T {
  const visit = (v: unknown): unknown => {
    if (typeof v === 'string') return v.replace(REFERENCE, (text, name: string) => (isPseudoParameter(name) && values[name] !== undefined ? values[name]! : text));
    if (Array.isArray(v)) return v.map(visit);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, visit(x)]));
    return v;
  };
  return visit(value) as T;
}
