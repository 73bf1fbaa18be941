// Step names identify steps in nextStep, onFailure, branches and {{ step.Output }}, so they
// must be unique across the whole runbook, loop bodies included.
import { error, joinPointer, type Finding } from '../finding';
import type { RuleContext } from './context';

export function checkDuplicateStepNames({ outline }: RuleContext): Finding[] {
  const findings: Finding[] = [];
  for (const step of outline.steps) {
    if (step.name === undefined) continue;
    const first = outline.byName.get(step.name);
    if (first && first !== step) {
      findings.push(
        error(
          'duplicate-step',
          joinPointer(step.pointer, 'name'),
          `Step name "${step.name}" is already used by an earlier step (${first.pointer}).`,
          'Step names must be unique across the runbook, steps inside aws:loop included.',
        ),
      );
    }
  }
  return findings;
}
