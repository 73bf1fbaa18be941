// Drover runs aws:executeScript with Python only. PowerShell runtimes are valid SSM but
// cannot run here; python3.6-3.8 still run (with the worker's Python 3) though AWS retired them.
import { error, warning, joinPointer, type Finding } from '../finding';
import { asString } from '../outline';
import { stepLabel, type RuleContext } from './context';

const PYTHON = /^python3(\.\d+)?$/;
const RETIRED_BY_AWS = /^python3\.[678]$/;

export function checkScriptRuntime({ outline }: RuleContext): Finding[] {
  const findings: Finding[] = [];
  for (const step of outline.steps) {
    if (step.action !== 'aws:executeScript') continue;
    const runtime = asString(step.inputs.Runtime);
    if (runtime === undefined || runtime.includes('{{')) continue;
    const pointer = joinPointer(step.pointer, 'inputs', 'Runtime');
    if (!PYTHON.test(runtime)) {
      findings.push(
        error(
          'unsupported-runtime',
          pointer,
          `Runtime "${runtime}" of ${stepLabel(step)} cannot run: Drover runs only Python runtimes (python3.x).`,
          'Write the script in Python and set Runtime: python3.11.',
        ),
      );
    } else if (RETIRED_BY_AWS.test(runtime)) {
      findings.push(
        warning(
          'retired-runtime',
          pointer,
          `AWS no longer runs ${runtime}; Drover runs the script of ${stepLabel(step)} with the worker's Python 3.`,
          'Set Runtime: python3.11 so that the runbook also runs in AWS.',
        ),
      );
    }
  }
  return findings;
}
