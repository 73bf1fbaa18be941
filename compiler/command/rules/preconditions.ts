// `precondition: { StringEquals: [platformType, Linux] }` (either order), or, with newer
// agents, a {{ parameter }} compared with a value. Only schemaVersion 2.2 has preconditions:
// SSM Agent fails a step of an older document that carries one.
import { PLATFORM_TYPES } from '../../../lang/command-plugins';
import { didYouMean, listWords } from '../../../lang/suggest';
import { soleReference } from '../../../lang/template';
import { error, joinPointer, warning, type Finding } from '../../finding';
import type { Json } from '../../outline';
import type { CommandRuleContext } from './context';

/** The platform a precondition compares platformType with, if it does. */
export function preconditionPlatform(precondition: Json | undefined): string | undefined {
  const operands = precondition?.StringEquals;
  if (!Array.isArray(operands) || operands.length !== 2) return undefined;
  const [a, b] = operands;
  if (a === 'platformType' && typeof b === 'string' && b !== 'platformType') return b;
  if (b === 'platformType' && typeof a === 'string' && a !== 'platformType') return a;
  return undefined;
}

export function checkPreconditions({ outline }: CommandRuleContext): Finding[] {
  const findings: Finding[] = [];
  for (const plugin of outline.plugins) {
    if (!plugin.precondition) continue;
    const pointer = joinPointer(plugin.pointer, 'precondition');
    if (outline.schemaVersion !== '2.2') {
      findings.push(
        error('precondition-needs-2.2', pointer, `Preconditions need schemaVersion '2.2'; SSM Agent fails a step of a ${outline.schemaVersion ?? 'older'} document that has one.`, undefined, {
          at: 'key',
        }),
      );
      continue;
    }
    const operands = plugin.precondition.StringEquals;
    if (!Array.isArray(operands) || operands.length !== 2 || !operands.every((o) => typeof o === 'string')) continue; // the schema reports it
    const platform = preconditionPlatform(plugin.precondition);
    if (platform !== undefined) {
      if (!PLATFORM_TYPES.some((p) => p.toLowerCase() === platform.toLowerCase())) {
        const index = operands[0] === 'platformType' ? 1 : 0;
        findings.push(
          warning(
            'unknown-platform',
            joinPointer(pointer, 'StringEquals', index),
            `platformType is ${listWords([...PLATFORM_TYPES])}; no node is "${platform}", so every node skips this step.${didYouMean(platform, [...PLATFORM_TYPES])}`,
          ),
        );
      }
      continue;
    }
    if (!operands.some((o) => soleReference(o as string)?.kind === 'parameter')) {
      findings.push(
        error(
          'invalid-precondition',
          joinPointer(pointer, 'StringEquals'),
          'A precondition compares platformType, or a {{ parameter }}, with a value; this one compares neither.',
          'Write StringEquals: [platformType, Linux], or StringEquals: ["{{ Operation }}", Install].',
        ),
      );
    }
  }
  return findings;
}
