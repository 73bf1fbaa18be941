// nextStep, onFailure/onCancel `step:X`, and branch NextStep/Default must name a step that
// exists, and may not jump into the middle of a loop from outside it (a loop pass starts at
// the loop step). Jumping out of a loop, to an enclosing list, is allowed: AWS's own
// runbooks do it to break out of a loop.
import { didYouMean } from '../../lang/suggest';
import { error, type Finding } from '../finding';
import { stepReferences, type StepOutline } from '../outline';
import { stepLabel, type RuleContext } from './context';

export function checkStepTargets({ outline }: RuleContext): Finding[] {
  const findings: Finding[] = [];
  const names = [...outline.byName.keys()];
  for (const step of outline.steps) {
    for (const { target, pointer, via } of stepReferences(step)) {
      const destination = outline.byName.get(target);
      if (!destination) {
        findings.push(
          error(
            'unknown-step',
            pointer,
            `${via} of ${stepLabel(step)} names step "${target}", which does not exist.${didYouMean(target, names)}`,
            'Step names are case-sensitive; the target must be the name of a step in this runbook.',
          ),
        );
      } else if (destination.parent && !isInside(step, destination.parent)) {
        findings.push(
          error(
            'invalid-target',
            pointer,
            `${via} of ${stepLabel(step)} jumps into loop "${destination.parent.name}" at step "${target}".`,
            `A step outside a loop can only go to the loop step itself ("${destination.parent.name}").`,
          ),
        );
      }
    }
  }
  return findings;
}

/** True when `step` is in the body of `loop`, at any depth. */
function isInside(step: StepOutline, loop: StepOutline): boolean {
  for (let p = step.parent; p; p = p.parent) if (p === loop) return true;
  return false;
}
