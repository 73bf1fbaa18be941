// The runbook's `outputs` list names `step.Output` pairs that must exist, like references.
import { didYouMean, listWords } from '../../lang/suggest';
import { error, joinPointer, type Finding } from '../finding';
import { outputsOf } from '../step-outputs';
import type { RuleContext } from './context';

export function checkRunbookOutputs({ outline, catalog }: RuleContext): Finding[] {
  const findings: Finding[] = [];
  const list = Array.isArray(outline.doc.outputs) ? outline.doc.outputs : [];
  list.forEach((entry, i) => {
    if (typeof entry !== 'string') return;
    const dot = entry.indexOf('.');
    if (dot <= 0) return; // the schema reports the form
    const [stepName, output] = [entry.slice(0, dot), entry.slice(dot + 1)];
    const pointer = joinPointer('/outputs', i);
    const step = outline.byName.get(stepName);
    if (!step) {
      findings.push(
        error('undefined-reference', pointer, `Runbook output "${entry}" names step "${stepName}", which does not exist.${didYouMean(stepName, outline.byName.keys())}`),
      );
      return;
    }
    const outputs = outputsOf(step, catalog);
    if (outputs && !outputs.has(output)) {
      const known = [...outputs].sort();
      findings.push(
        error(
          'unknown-output',
          pointer,
          `Runbook output "${entry}": step "${stepName}" has no output "${output}".${didYouMean(output, known)}`,
          known.length ? `Its outputs are ${listWords(known, 'and')}.` : 'Declare the output on the step with a Name and a Selector.',
        ),
      );
    }
  });
  return findings;
}
