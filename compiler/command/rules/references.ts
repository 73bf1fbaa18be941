// `{{ name }}` in a step's inputs or precondition must name a declared parameter: SSM
// substitutes only parameters and leaves any other text verbatim, so an undeclared name is
// almost always a typo that would reach the shell as literal braces. Dotted names
// (`{{ a.b }}`) are left alone (they are text to SSM). `{{ ssm:/path }}` is resolved by the
// SSM service, which Drover does not do for Command documents.
import { didYouMean } from '../../../lang/suggest';
import { referencesIn, stringsIn } from '../../../lang/template';
import { error, joinPointer, warning, type Finding } from '../../finding';
import type { CommandRuleContext } from './context';

export function checkReferences({ outline }: CommandRuleContext): Finding[] {
  const names = Object.keys(outline.parameters);
  const findings: Finding[] = [];
  for (const plugin of outline.plugins) {
    const sites = [
      ...[...stringsIn(plugin.inputs)].filter((s) => s.pointer !== '/id').map((s) => ({ ...s, pointer: plugin.inputsPointer + s.pointer })),
      ...(plugin.precondition ? [...stringsIn(plugin.precondition)].map((s) => ({ ...s, pointer: joinPointer(plugin.pointer, 'precondition') + s.pointer })) : []),
    ];
    for (const site of sites) {
      for (const ref of referencesIn(site.text)) {
        if (ref.kind === 'parameter' && !names.includes(ref.name)) {
          findings.push(
            error(
              'undefined-parameter',
              site.pointer,
              `{{ ${ref.name} }} names no parameter of this document.${didYouMean(ref.name, names)}`,
              names.length ? `Its parameters are ${names.join(', ')}.` : 'Declare it under parameters.',
              { needle: ref.raw },
            ),
          );
        } else if (ref.kind === 'ssm') {
          findings.push(
            warning('unsupported-reference', site.pointer, `Drover does not resolve ${ref.raw} in Command documents; the text stays as written.`, 'Pass the value as a parameter instead.', {
              needle: ref.raw,
            }),
          );
        }
      }
    }
  }
  return findings;
}
