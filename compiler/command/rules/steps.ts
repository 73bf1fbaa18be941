// Step-level checks of 2.x documents: unique names (results and output paths are named by
// them), finallyStep only on the last step, and timeouts SSM accepts.
import { MAX_EXECUTION_TIMEOUT_SECONDS } from '../../../lang/command-plugins';
import { soleReference } from '../../../lang/template';
import { error, joinPointer, type Finding } from '../../finding';
import type { CommandRuleContext } from './context';

export function checkStepNames({ outline }: CommandRuleContext): Finding[] {
  if (outline.schemaVersion === '1.2') return [];
  const seen = new Set<string>();
  const findings: Finding[] = [];
  for (const plugin of outline.plugins) {
    if (plugin.name === undefined) continue;
    if (seen.has(plugin.name)) {
      findings.push(
        error('duplicate-step', joinPointer(plugin.pointer, 'name'), `Another step is already named "${plugin.name}".`, 'Step names must be unique: results and output paths are named by them.'),
      );
    }
    seen.add(plugin.name);
  }
  return findings;
}

export function checkFinallyStep({ outline }: CommandRuleContext): Finding[] {
  const last = outline.plugins.length - 1;
  return outline.plugins.flatMap((plugin, index) =>
    plugin.inputs.finallyStep === true && index !== last
      ? [error('misplaced-finally-step', joinPointer(plugin.inputsPointer, 'finallyStep'), 'Only the last step may be a finallyStep.', 'Move this step to the end of mainSteps.')]
      : [],
  );
}

export function checkTimeouts({ outline }: CommandRuleContext): Finding[] {
  const findings: Finding[] = [];
  for (const plugin of outline.plugins) {
    const raw = plugin.inputs.timeoutSeconds;
    if (typeof raw === 'string' && soleReference(raw)) continue; // checked when the value is known
    const value = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : undefined;
    if (value === undefined || (value >= 1 && value <= MAX_EXECUTION_TIMEOUT_SECONDS && Number.isInteger(value))) continue;
    findings.push(
      error('invalid-timeout', joinPointer(plugin.inputsPointer, 'timeoutSeconds'), `timeoutSeconds must be from 1 to ${MAX_EXECUTION_TIMEOUT_SECONDS} (48 hours), not ${raw}.`),
    );
  }
  return findings;
}
