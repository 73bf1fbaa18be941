// Dispatch of a step attempt to its action: workflow-only logic here, everything else to
// the activity named like the action.
import type { PlanStep } from '../../lang/plan';
import type { Interpreter } from '../interpreter';
import type { StepOutcome } from './outcome';
import { StepError } from '../failures';
import { runSleep } from './sleep';
import { runBranch } from './branch';
import { runLoop } from './loop';
import { runUpdateVariable } from './variables';
import { runChildAutomation } from './child';
import { runActivityAction } from './activity';
import { runRunCommand } from './run-command';

export type { StepOutcome } from './outcome';

export async function runAction(ip: Interpreter, step: PlanStep, attempt: number, run: number): Promise<StepOutcome> {
  const info = ip.catalog[step.action];
  if (!info) {
    throw new StepError(`this worker does not run the action ${step.action}; the runbook was compiled for another Drover`, 'UnsupportedAction');
  }
  if (info.runsIn === 'activity') return runActivityAction(ip, step, attempt, run);
  switch (step.action) {
    case 'aws:sleep':
      return runSleep(ip, step);
    case 'aws:pause':
      return ip.desk.pause(step);
    case 'aws:approve':
      return ip.desk.approve(step);
    case 'aws:branch':
      return runBranch(ip, step);
    case 'aws:loop':
      return runLoop(ip, step);
    case 'aws:updateVariable':
      return runUpdateVariable(ip, step);
    case 'aws:executeAutomation':
      return runChildAutomation(ip, step, attempt, run);
    case 'aws:runCommand':
      return runRunCommand(ip, step, attempt, run);
    default:
      throw new StepError(`no workflow implementation for ${step.action}`, 'UnsupportedAction');
  }
}
