// A step's declared outputs: names unique within the step, and only on actions whose result
// is JSON a Selector can select from (on others they would never get a value).
import { ACTION_SPECS } from '../../schemas/runbook-actions';
import { sentence } from '../describe-pointer';
import { error, warning, joinPointer, type Finding } from '../finding';
import { declaredOutputs } from '../step-outputs';
import { stepLabel, type RuleContext } from './context';

export function checkStepOutputs({ outline, catalog }: RuleContext): Finding[] {
  const findings: Finding[] = [];
  for (const step of outline.steps) {
    const outputs = declaredOutputs(step);
    if (!outputs.length || step.action === undefined) continue;
    const seen = new Set<string>();
    for (const output of outputs) {
      if (output.name === undefined) continue;
      if (seen.has(output.name)) {
        findings.push(
          error('duplicate-output', joinPointer(step.pointer, 'outputs', output.index, 'Name'), `${sentence(stepLabel(step))} declares output "${output.name}" twice.`, 'Give each output its own Name.'),
        );
      }
      seen.add(output.name);
    }
    const selectable = catalog[step.action]?.selectableOutputs ?? ACTION_SPECS[step.action]?.selectableOutputs;
    if (selectable === false || (selectable === undefined && ACTION_SPECS[step.action])) {
      findings.push(
        warning(
          'unselectable-outputs',
          joinPointer(step.pointer, 'outputs'),
          `${step.action} has no JSON result to select from, so the outputs declared on ${stepLabel(step)} get no value.`,
          'Read the action\'s own outputs instead, or compute the value with aws:executeScript.',
        ),
      );
    }
  }
  return findings;
}
