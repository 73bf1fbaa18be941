// `{{ ssm-secure:name }}`: a reference to a SecureString in Parameter Store. Pure (the
// compiler, the activities and the agent share it). The reference text is all a workflow
// ever holds; the value is read where it leaves Drover (README "Secrets"):
// - which inputs of an action may hold one (the catalog's `secureInputs`), for the compiler;
// - which SecureStrings a value refers to, and the value with them replaced, for the
//   activity or agent that resolves them.
import type { ActionInfo } from './catalog';
import { listWords } from './suggest';
import { parseTemplate, referencesIn, stringsIn } from './template';

/** True when `input` of an action with this catalog entry may hold a SecureString reference. */
export function acceptsSecureReference(info: ActionInfo | undefined, input: string): boolean {
  const rule = info?.secureInputs;
  if (!rule) return false;
  return 'only' in rule ? rule.only.includes(input) : !rule.except.includes(input);
}

/** Where an action takes SecureString references, for messages: `InputPayload`, `the request (every input but Service and Api)`. */
export function describeSecureInputs(info: ActionInfo | undefined, brief = false): string | undefined {
  const rule = info?.secureInputs;
  if (!rule) return undefined;
  if ('only' in rule) return listWords([...rule.only], 'and');
  return brief ? 'the request' : `the request (every input but ${listWords([...rule.except], 'and')})`;
}

/** The SecureString names a JSON-like value refers to (as written: `/db/pw`, `/db/pw:3`), each once, in order. */
export function secureNamesIn(value: unknown): string[] {
  const names = new Set<string>();
  for (const { text } of stringsIn(value)) {
    for (const ref of referencesIn(text)) if (ref.kind === 'ssm-secure') names.add(ref.name);
  }
  return [...names];
}

/**
 * `value` with every SecureString reference replaced by its value from `values` (by name);
 * a reference whose name is missing there stays as written. Map keys are never touched.
 */
export function substituteSecureReferences(value: unknown, values: ReadonlyMap<string, string>): unknown {
  if (typeof value === 'string') {
    if (!value.includes('ssm-secure:')) return value;
    return parseTemplate(value)
      .map((p) => (typeof p === 'string' ? p : p.kind === 'ssm-secure' && values.has(p.name) ? values.get(p.name)! : p.raw))
      .join('');
  }
  if (Array.isArray(value)) return value.map((v) => substituteSecureReferences(v, values));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteSecureReferences(v, values)]));
  }
  return value;
}
