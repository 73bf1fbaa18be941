import { sleep } from '@temporalio/workflow';
import type { PlanStep } from '../../lang/plan';
import { sleepMillis, DurationError } from '../../lang/duration';
import type { Interpreter } from '../interpreter';
import { StepError } from '../failures';
import { success, type StepOutcome } from './outcome';
import { withStepTimeout } from './timeout';

export async function runSleep(ip: Interpreter, step: PlanStep): Promise<StepOutcome> {
  const inputs = ip.inputsOf(step) as { Duration?: string; Timestamp?: string };
  let ms: number;
  try {
    ms = sleepMillis(inputs, Date.now());
  } catch (err) {
    if (err instanceof DurationError) throw new StepError(err.message, 'InvalidInput');
    throw err;
  }
  if (ms > 0) {
    await withStepTimeout(ip, step, () => sleep(ms, { summary: `${step.name}: ${inputs.Duration ?? `until ${inputs.Timestamp}`}` }));
  }
  return success();
}
