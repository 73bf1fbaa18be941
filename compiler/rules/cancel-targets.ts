// AWS forbids some actions as the target of `onCancel: step:X` (approve, copyImage,
// createImage, createStack, createTags, pause, runInstances, sleep: a cancellation handler
// must be quick and not wait), and does not support onCancel on aws:loop (set it on the
// steps inside) or on aws:updateVariable.
import { ACTION_SPECS } from '../../schemas/runbook-actions';
import { error, joinPointer, warning, type Finding } from '../finding';
import { stepTarget } from '../outline';
import { stepLabel, type RuleContext } from './context';

const NO_ON_CANCEL: Record<string, string> = {
  'aws:loop': 'set onCancel on the steps inside the loop instead',
  'aws:updateVariable': 'remove it; a variable update cannot be interrupted',
};

export function checkCancelTargets({ outline, catalog }: RuleContext): Finding[] {
  const findings: Finding[] = [];
  for (const step of outline.steps) {
    if (!('onCancel' in step.raw)) continue;
    const pointer = joinPointer(step.pointer, 'onCancel');
    const unsupported = step.action === undefined ? undefined : NO_ON_CANCEL[step.action];
    if (unsupported) {
      // AWS's own runbooks set onCancel on aws:updateVariable and run: a warning there.
      const report = step.action === 'aws:updateVariable' ? warning : error;
      const why = step.action === 'aws:updateVariable' ? 'It has no effect' : 'AWS rejects it';
      findings.push(report('unsupported-property', pointer, `${step.action} steps do not support onCancel (${stepLabel(step)}).`, `${why}: ${unsupported}.`));
      continue;
    }
    const target = stepTarget(step.raw.onCancel);
    const destination = target === undefined ? undefined : outline.byName.get(target);
    const action = destination?.action;
    if (action === undefined) continue;
    const forbidden = catalog[action]?.forbiddenAsCancelTarget ?? ACTION_SPECS[action]?.forbiddenAsCancelTarget;
    if (forbidden) {
      findings.push(
        error(
          'forbidden-cancel-target',
          pointer,
          `onCancel of ${stepLabel(step)} goes to step "${target}", but a ${action} step cannot be the target of onCancel.`,
          'Point onCancel at a step that cleans up quickly, such as an aws:executeAwsApi or aws:executeScript step.',
        ),
      );
    }
  }
  return findings;
}
