// A parameter's default must fit its type, and a variable's default too: the plan carries
// defaults converted to their type, so a default of the wrong type is an error.
// A default that breaks the parameter's own allowedValues/allowedPattern/limits is a
// warning: AWS accepts such documents (some of its own use placeholder defaults like
// "arn:aws:iam::{AccountId}:role/…" to force a value) and fails an execution at start only
// when it relies on the default; resolveParameters does the same.
// `{{ ssm:/path }}` defaults are resolved at run time and pass. An allowedPattern Drover
// cannot translate from Java syntax is a warning (values are then not checked against it).
import { compileJavaRegex } from '../../lang/java-regex';
import { checkParameter, coerceParameter } from '../../lang/parameters';
import type { ParameterSpec } from '../../lang/plan';
import { error, warning, joinPointer, type Finding } from '../finding';
import { asString, type Json } from '../outline';
import type { RuleContext } from './context';
import { parameterSpecOf } from '../parameter-spec';

export function checkParameterDefaults({ outline }: RuleContext): Finding[] {
  const findings: Finding[] = [];
  for (const [name, raw] of Object.entries(outline.parameters)) {
    const pointer = joinPointer('/parameters', name);
    const pattern = asString(raw.allowedPattern);
    if (pattern !== undefined) {
      const compiled = compileJavaRegex(pattern);
      if ('error' in compiled) {
        findings.push(
          warning(
            'unsupported-pattern',
            joinPointer(pointer, 'allowedPattern'),
            `Drover cannot translate the allowedPattern of parameter "${name}" to a JavaScript regular expression (${compiled.error}), so values are not checked against it.`,
            'Simplify the pattern to constructs common to Java and JavaScript.',
          ),
        );
      }
    }
    const spec = parameterSpecOf(raw);
    if (!spec || !('default' in raw)) continue;
    findings.push(...defaultProblems(`parameter "${name}"`, name, spec, raw, pointer, true));
  }
  for (const [name, raw] of Object.entries(outline.variables)) {
    const spec = parameterSpecOf(raw);
    if (!spec || !('default' in raw)) continue;
    findings.push(...defaultProblems(`variable "${name}"`, name, spec, raw, joinPointer('/variables', name), false));
  }
  return findings;
}

function defaultProblems(label: string, name: string, spec: ParameterSpec, raw: Json, pointer: string, constrained: boolean): Finding[] {
  const at = joinPointer(pointer, 'default');
  // `default: null` (AWS-CreateWorkspace) is no default to AWS: the parameter must be given.
  if (raw.default === null) {
    return [warning('null-default', at, `The default of ${label} is null, which means no default: the parameter must be given.`, 'Remove the default, or give a value.')];
  }
  const coerced = coerceParameter(spec, raw.default);
  if ('error' in coerced) {
    return [error('invalid-default', at, `The default of ${label} does not fit its type ${spec.type}: ${coerced.error}.`)];
  }
  if (!constrained) return [];
  return checkParameter(name, spec, coerced.value).map((problem) =>
    warning(
      'default-breaks-constraints',
      at,
      `The default of ${label} breaks its own constraints, so an execution that relies on it fails at start: ${problem.replace(/^parameter [^:]+: /, '')}`,
      'Change the default, or the allowedValues/allowedPattern/limits it must satisfy.',
    ),
  );
}
