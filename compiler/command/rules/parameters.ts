// A parameter's default must fit its type (the plan carries it converted); a default that
// breaks the parameter's own allowedValues/allowedPattern/limits is a warning, since SSM
// accepts such documents and fails only a command that relies on the default. A pattern
// Drover cannot translate from Java syntax is a warning: values are then not checked.
import { compileJavaRegex } from '../../../lang/java-regex';
import { checkParameter, coerceParameter } from '../../../lang/parameters';
import { error, joinPointer, warning, type Finding } from '../../finding';
import { asString } from '../../outline';
import { parameterSpecOf } from '../../parameter-spec';
import type { CommandRuleContext } from './context';

export function checkParameters({ outline }: CommandRuleContext): Finding[] {
  const findings: Finding[] = [];
  for (const [name, raw] of Object.entries(outline.parameters)) {
    const pointer = joinPointer('/parameters', name);
    const pattern = asString(raw.allowedPattern);
    if (pattern !== undefined && 'error' in compileJavaRegex(pattern)) {
      findings.push(
        warning(
          'unsupported-pattern',
          joinPointer(pointer, 'allowedPattern'),
          `Drover cannot translate the allowedPattern of parameter "${name}" to a JavaScript regular expression, so values are not checked against it.`,
          'Simplify the pattern to constructs common to Java and JavaScript.',
        ),
      );
    }
    const spec = parameterSpecOf(raw);
    if (!spec || !('default' in raw)) continue;
    const at = joinPointer(pointer, 'default');
    const coerced = coerceParameter(spec, raw.default);
    if ('error' in coerced) {
      findings.push(error('invalid-default', at, `The default of parameter "${name}" does not fit its type ${spec.type}: ${coerced.error}.`));
      continue;
    }
    for (const problem of checkParameter(name, spec, coerced.value)) {
      findings.push(
        warning(
          'default-breaks-constraints',
          at,
          `The default of parameter "${name}" breaks its own constraints, so a command that relies on it is refused: ${problem.replace(/^parameter [^:]+: /, '')}`,
          'Change the default, or the allowedValues/allowedPattern/limits it must satisfy.',
        ),
      );
    }
  }
  return findings;
}
