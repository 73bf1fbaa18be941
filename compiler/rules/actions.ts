// Every action must be one this Drover runs: an action the worker has no activity for would
// retry forever in Temporal, so it is refused at compile time.
import { SCHEMA_ACTIONS } from '../../schemas/runbook-actions';
import { didYouMean, listWords } from '../../lang/suggest';
import { sentence } from '../describe-pointer';
import { error, joinPointer, type Finding } from '../finding';
import { stepLabel, type RuleContext } from './context';

export function checkActions({ outline, catalog }: RuleContext): Finding[] {
  const findings: Finding[] = [];
  const supported = Object.keys(catalog).sort();
  const known = [...new Set([...SCHEMA_ACTIONS, ...supported])].sort();
  for (const step of outline.steps) {
    const action = step.action;
    if (action === undefined || Object.hasOwn(catalog, action)) continue;
    const pointer = joinPointer(step.pointer, 'action');
    if (SCHEMA_ACTIONS.includes(action)) {
      findings.push(
        error(
          'unsupported-action',
          pointer,
          `Drover does not run ${action} yet, so ${stepLabel(step)} cannot run.`,
          `The runbook is valid SSM Automation; this build of Drover runs ${listWords(supported, 'and')}.`,
        ),
      );
    } else {
      const suggestion = didYouMean(action, known);
      findings.push(
        error(
          'unknown-action',
          pointer,
          `${sentence(stepLabel(step))} uses the unknown action "${action}".${suggestion} The known actions are ${listWords(known, 'and')}.`,
          suggestion || !action.startsWith('aws:')
            ? undefined
            : 'Some AWS-owned runbooks use undocumented AWS-internal actions; those run only inside AWS.',
        ),
      );
    }
  }
  return findings;
}
