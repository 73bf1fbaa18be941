// Parameters on the node: checked against the document again (the dispatcher checked them
// too, but the node trusts nothing it did not check), then substituted as SSM Agent does:
// a string that is only `{{ name }}` becomes the value itself (a StringList stays a list,
// so `runCommand: "{{ commands }}"` is the list of lines); `{{ name }}` inside other text
// becomes the value as text (lists and maps as JSON). Unknown names stay as written.
import type { CommandDocumentPlan } from '../protocol';
import type { ParameterSpec } from '../../lang/plan';
import { resolveParameters } from '../../lang/parameters';
import { parseTemplate } from '../../lang/template';

export function checkInvocationParameters(
  document: CommandDocumentPlan,
  given: Record<string, string | string[]>,
): { values: Record<string, unknown>; problems: string[] } {
  const specs = document.parameters as Record<string, ParameterSpec>;
  const { values, errors } = resolveParameters(specs, given ?? {});
  return { values, problems: errors.map((e) => e.message.replace(/\b([Tt])he runbook\b/g, '$1he document')) };
}

/** SSM Agent's test for a value that is one parameter and nothing else. */
const SOLE_REFERENCE = /^\{\{\s*([A-Za-z0-9_-]+)\s*\}\}$/;

const asText = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value) ?? '');

export function substituteParameters(input: unknown, values: Record<string, unknown>): unknown {
  if (typeof input === 'string') {
    const sole = SOLE_REFERENCE.exec(input)?.[1];
    if (sole !== undefined && Object.hasOwn(values, sole)) return values[sole];
    return parseTemplate(input)
      .map((p) => (typeof p === 'string' ? p : p.kind === 'parameter' && Object.hasOwn(values, p.name) ? asText(values[p.name]) : p.raw))
      .join('');
  }
  if (Array.isArray(input)) return input.map((item) => substituteParameters(item, values));
  if (input && typeof input === 'object') {
    return Object.fromEntries(Object.entries(input).map(([k, v]) => [k, substituteParameters(v, values)]));
  }
  return input;
}

/** The script of a runCommand value: lines (nested lists, from substituted StringLists, flattened) joined by newlines. */
export function scriptOf(runCommand: unknown): string {
  if (runCommand === undefined || runCommand === null) return '';
  if (!Array.isArray(runCommand)) return asText(runCommand);
  return runCommand.flat(Infinity).map(asText).join('\n');
}

/** Environment variables of the parameters whose interpolationType is ENV_VAR: `SSM_<name>`. */
export function parameterEnvironment(document: CommandDocumentPlan, values: Record<string, unknown>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, spec] of Object.entries(document.parameters)) {
    if (spec.interpolationType === 'ENV_VAR' && values[name] !== undefined) {
      const value = values[name];
      env[`SSM_${name}`] = Array.isArray(value) ? value.map(asText).join('\n') : asText(value);
    }
  }
  return env;
}
