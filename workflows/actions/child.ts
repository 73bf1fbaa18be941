import { executeChild, workflowInfo, ApplicationFailure, ChildWorkflowFailure } from '@temporalio/workflow';
import type { PlanStep } from '../../lang/plan';
import { resolveParameters } from '../../lang/parameters';
import type { Interpreter } from '../interpreter';
import {
  SA_PLAN_HASH,
  SA_RUNBOOK,
  SA_TRIGGER,
  type ExecutionInput,
  type ExecutionResult,
} from '../definitions';
import { StepError } from '../failures';
import type { StepOutcome } from './outcome';
import { withStepTimeout } from './timeout';
import { assertFits, loadRunbook } from './activity';

function childOutputs(result: ExecutionResult | undefined): string[] {
  return Object.values(result?.outputs ?? {}).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
}

/**
 * aws:executeAutomation: the named runbook (from the worker's runbook folder) runs as a
 * child execution with its own plan, so the UI shows it under its own name, linked.
 */
export async function runChildAutomation(ip: Interpreter, step: PlanStep, attempt: number, run: number): Promise<StepOutcome> {
  const inputs = ip.inputsOf(step) as { DocumentName?: unknown; RuntimeParameters?: unknown };
  if (typeof inputs.DocumentName !== 'string' || !inputs.DocumentName) throw new StepError('DocumentName is required', 'InvalidInput');
  const plan = await loadRunbook(inputs.DocumentName);
  const given = (inputs.RuntimeParameters ?? {}) as Record<string, unknown>;
  const resolved = resolveParameters(plan.parameters, given);
  if (resolved.errors.length > 0) {
    throw new StepError(`runbook ${plan.name}: ${resolved.errors.map((e) => e.message).join('; ')}`, 'InvalidParameters');
  }
  const parentKey = ip.executionId.slice(ip.executionId.indexOf('/') + 1);
  const workflowId = `${plan.name}/${parentKey}.${step.name}.${run}.${attempt}`;
  const args: ExecutionInput = { plan, parameters: resolved.values, trigger: `parent:${ip.executionId}` };
  assertFits(args, 'runbook and RuntimeParameters');
  let result: ExecutionResult | undefined;
  try {
    result = await withStepTimeout(ip, step, () =>
      executeChild<(i: ExecutionInput) => Promise<ExecutionResult>>(plan.name, {
        workflowId,
        taskQueue: workflowInfo().taskQueue,
        args: [args],
        memo: { parameters: resolved.values },
        staticSummary: `${plan.name}, started by ${ip.executionId} step ${step.name}`,
        // Children are indexed like their parent is.
        typedSearchAttributes:
          workflowInfo().typedSearchAttributes.get(SA_RUNBOOK) === undefined
            ? []
            : [
                { key: SA_RUNBOOK, value: plan.name },
                { key: SA_PLAN_HASH, value: plan.hash },
                { key: SA_TRIGGER, value: `parent:${ip.executionId}` },
              ],
      }),
    );
  } catch (err) {
    if (err instanceof ChildWorkflowFailure && err.cause instanceof ApplicationFailure) {
      const details = err.cause.details?.[0] as ExecutionResult | undefined;
      ip.stepOutputs[step.name] = { ExecutionId: workflowId, Status: details?.status ?? 'Failed', Output: childOutputs(details) };
      throw new StepError(`child runbook ${plan.name} (${workflowId}) ended ${details?.status ?? 'Failed'}: ${err.cause.message}`, 'ChildAutomationFailed');
    }
    throw err;
  }
  return { kind: 'success', outputs: { ExecutionId: workflowId, Status: result.status, Output: childOutputs(result) } };
}
