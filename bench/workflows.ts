// The benchmark's workflow bundle: Drover's interpreter (default) beside a hand-written
// workflow that makes the same activity calls, so both run on one worker, one server.
import { scheduleActivity, workflowInfo } from '@temporalio/workflow';
import type { ActionRequest, ActionResult } from '../workflows/definitions';

export { default } from '../workflows/interpreter';

/** `steps` sequential drover:log calls with the same requests the interpreter sends. */
export async function handwritten(steps: number): Promise<Record<string, unknown>> {
  const id = workflowInfo().workflowId;
  let last: ActionResult | undefined;
  for (let i = 1; i <= steps; i++) {
    const req: ActionRequest = {
      executionId: id,
      runbook: 'bench',
      step: `step${i}`,
      action: 'drover:log',
      attempt: 1,
      run: 1,
      inputs: { Message: `step ${i} of ${id}` },
      outputs: [],
      timeoutSeconds: 60,
    };
    last = await scheduleActivity<ActionResult>('drover:log', [req], {
      scheduleToCloseTimeout: 60_000,
      retry: { maximumAttempts: 10, initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
    });
  }
  return last?.outputs ?? {};
}
