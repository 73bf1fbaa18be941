import { CancellationScope, isCancellation } from '@temporalio/workflow';
import type { PlanStep } from '../../lang/plan';
import type { Interpreter } from '../interpreter';
import { StepTimeoutError } from '../failures';

/** The step's own limit in ms: its timeoutSeconds, else the action's default; undefined = none. */
export function stepTimeoutMs(ip: Interpreter, step: PlanStep): number | undefined {
  const s = step.timeoutSeconds ?? ip.catalog[step.action]?.defaultTimeoutSeconds;
  return s && s > 0 ? s * 1000 : undefined;
}

/**
 * Runs workflow-side work of a step under its timeout. The timeout cancels a scope of its
 * own, so it reads as TimedOut; a cancellation of the whole execution passes through.
 */
export async function withStepTimeout<T>(ip: Interpreter, step: PlanStep, fn: () => Promise<T>): Promise<T> {
  const ms = stepTimeoutMs(ip, step);
  if (ms === undefined) return fn();
  try {
    return await CancellationScope.withTimeout(ms, fn);
  } catch (err) {
    if (isCancellation(err) && !ip.cancelRequested) {
      throw new StepTimeoutError(`the step did not finish within ${ms / 1000} s (timeoutSeconds)`);
    }
    throw err;
  }
}
