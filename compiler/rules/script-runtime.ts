// aws:executeScript runtimes: Python (python3.6-3.8 still run, with the worker's Python 3,
// though AWS retired them) and PowerShell (AWS's "PowerShell Core 6.0", "PowerShell 7.0",
// "PowerShell 7.4"; the worker runs them with `pwsh` where installed and fails the step
// clearly where not). Anything else AWS refuses, and so does Drover. An `Attachment` must
// be a file of the runbook's `files`, as AWS requires.
import { error, warning, joinPointer, type Finding } from '../finding';
import { asRecord, asString } from '../outline';
import { didYouMean } from '../../lang/suggest';
import { stepLabel, type RuleContext } from './context';

const PYTHON = /^python3(\.\d+)?$/;
export const POWERSHELL_RUNTIME = /^PowerShell( Core)? \d+(\.\d+)?$/i;
const RETIRED_BY_AWS = /^python3\.[678]$/;

export function checkScriptRuntime({ outline }: RuleContext): Finding[] {
  const findings: Finding[] = [];
  const files = Object.keys(asRecord(outline.doc.files) ?? {});
  for (const step of outline.steps) {
    if (step.action !== 'aws:executeScript') continue;
    const attachment = asString(step.inputs.Attachment);
    if (attachment !== undefined && !attachment.includes('{{') && !files.includes(attachment)) {
      findings.push(
        error(
          'unknown-attachment',
          joinPointer(step.pointer, 'inputs', 'Attachment'),
          `Attachment "${attachment}" of ${stepLabel(step)} is not one of the runbook's files.${didYouMean(attachment, files)}`,
          'Declare it under files (with its sha256), and put the file beside the runbook.',
        ),
      );
    }
    const runtime = asString(step.inputs.Runtime);
    if (runtime === undefined || runtime.includes('{{')) continue;
    const pointer = joinPointer(step.pointer, 'inputs', 'Runtime');
    if (POWERSHELL_RUNTIME.test(runtime)) continue;
    if (!PYTHON.test(runtime)) {
      findings.push(
        error(
          'unsupported-runtime',
          pointer,
          `Runtime "${runtime}" of ${stepLabel(step)} is not one AWS runs: write python3.11 (or python3.x), or PowerShell 7.4.`,
          'AWS runtimes: python3.6 to python3.11, PowerShell Core 6.0, PowerShell 7.0, PowerShell 7.4.',
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
