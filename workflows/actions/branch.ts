import type { PlanStep } from '../../lang/plan';
import { chooseNextStep, ConditionError } from '../../lang/conditions';
import type { Interpreter } from '../interpreter';
import { StepError } from '../failures';
import type { StepOutcome } from './outcome';

/** Picks the next step: the first true choice, else Default, else the following step. */
export function runBranch(ip: Interpreter, step: PlanStep): Promise<StepOutcome> {
  const inputs = ip.inputsOf(step) as { Choices: unknown[]; Default?: string };
  try {
    const chosen = chooseNextStep(inputs);
    // AWS's branch step outputs the step it chose as NextStep (AWS's runbooks read it).
    return Promise.resolve(chosen === undefined ? { kind: 'success', outputs: {} } : { kind: 'success', outputs: { NextStep: chosen }, next: chosen });
  } catch (err) {
    if (err instanceof ConditionError) throw new StepError(err.message, 'InvalidCondition');
    throw err;
  }
}
