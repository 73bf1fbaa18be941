// A timeoutSeconds above the action's maximum (aws:executeScript 600 s, aws:sleep just
// under 7 days, …) does not lengthen the step: the action stops at its maximum anyway.
import { warning, joinPointer, type Finding } from '../finding';
import { stepLabel, type RuleContext } from './context';

export function checkTimeouts({ outline, catalog }: RuleContext): Finding[] {
  const findings: Finding[] = [];
  for (const step of outline.steps) {
    const max = step.action === undefined ? undefined : catalog[step.action]?.maxTimeoutSeconds;
    const raw = step.raw.timeoutSeconds;
    const seconds = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
    if (max === undefined || typeof seconds !== 'number' || seconds <= max) continue;
    findings.push(
      warning(
        'timeout-above-maximum',
        joinPointer(step.pointer, 'timeoutSeconds'),
        `timeoutSeconds ${seconds} of ${stepLabel(step)} is above the ${step.action} maximum of ${max} seconds, which applies instead.`,
        `Use at most ${max}.`,
      ),
    );
  }
  return findings;
}
