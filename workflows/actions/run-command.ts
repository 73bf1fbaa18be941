// aws:runCommand routes each target: a node registered with a Drover agent runs the
// command there, any other EC2 instance through SSM. Targets are resolved first; when none
// is an agent node, the step is exactly the SSM action (one SSM command, sent once, its
// outputs as AWS gives them). Otherwise the Run Command workflow runs as a child, with
// rate control, and the step's outputs are its command id, status, and the first
// invocation's response code and output. As in Automation, the step fails unless the
// command and every invocation succeeded.
import { ApplicationFailure, ChildWorkflowFailure, executeChild, scheduleActivity, uuid4, workflowInfo } from '@temporalio/workflow';
import type { PlanStep } from '../../lang/plan';
import type { Interpreter } from '../interpreter';
import { FAILURE_TYPES, SA_COMMAND_ID, SA_RUNBOOK, SA_STATUS, SA_TRIGGER } from '../definitions';
import { StepError } from '../failures';
import {
  commandMemo,
  RUN_COMMAND_ACTIVITIES,
  RUN_COMMAND_WORKFLOW,
  type ResolvedTargets,
  type RunCommandInput,
  type RunCommandResult,
} from '../run-command/contract';
import { readRunCommandInputs } from '../run-command/step-inputs';
import type { StepOutcome } from './outcome';
import { assertFits, runActivityAction } from './activity';
import { withStepTimeout } from './timeout';

/** Automation's Output of aws:runCommand is the first invocation's output, truncated. */
const OUTPUT_CHARS = 2500;

export async function runRunCommand(ip: Interpreter, step: PlanStep, attempt: number, run: number): Promise<StepOutcome> {
  const read = readRunCommandInputs(ip.inputsOf(step));
  if (!read.ok) throw new StepError(`aws:runCommand: ${read.problems.join('; ')}`, 'InvalidInput');
  const i = read.value;
  const resolved = await scheduleActivity<ResolvedTargets>(RUN_COMMAND_ACTIVITIES.resolveTargets, [{ selection: i.selection }], {
    startToCloseTimeout: '2 minutes',
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 10, nonRetryableErrorTypes: [FAILURE_TYPES.actionFailed] },
    summary: `${step.name}: resolve targets`,
  });
  if (!resolved.routes.some((r) => r.kind === 'agent')) return runActivityAction(ip, step, attempt, run);

  const commandId = uuid4();
  const input: RunCommandInput = {
    commandId,
    documentName: i.documentName,
    parameters: i.parameters,
    selection: i.selection,
    resolved,
    trigger: `parent:${ip.executionId}`,
    requestedDateTime: new Date().toISOString(),
  };
  for (const k of ['maxConcurrency', 'maxErrors', 'timeoutSeconds', 'comment', 'outputS3BucketName', 'outputS3KeyPrefix', 'cloudWatchOutputConfig', 'notificationConfig', 'serviceRoleArn'] as const) {
    if (i[k] !== undefined) (input as unknown as Record<string, unknown>)[k] = i[k];
  }
  assertFits(input, 'inputs');
  const indexed = workflowInfo().typedSearchAttributes.get(SA_RUNBOOK) !== undefined;
  let result: RunCommandResult;
  try {
    result = await withStepTimeout(ip, step, () =>
      executeChild<(x: RunCommandInput) => Promise<RunCommandResult>>(RUN_COMMAND_WORKFLOW, {
        workflowId: commandId,
        taskQueue: workflowInfo().taskQueue,
        args: [input],
        memo: commandMemo(input),
        typedSearchAttributes: indexed
          ? [
              { key: SA_COMMAND_ID, value: commandId },
              { key: SA_STATUS, value: 'Pending' },
              { key: SA_TRIGGER, value: input.trigger },
            ]
          : [],
        staticSummary: `${i.documentName}, sent by ${ip.executionId} step ${step.name}${attempt > 1 ? ` attempt ${attempt}` : ''}`,
      }),
    );
  } catch (err) {
    const details = err instanceof ChildWorkflowFailure && err.cause instanceof ApplicationFailure ? (err.cause.details?.[0] as RunCommandResult | undefined) : undefined;
    if (!details) throw err;
    result = details;
  }
  const outputs: Record<string, unknown> = {
    CommandId: commandId,
    Status: result.status,
    Output: (result.first?.output ?? '').slice(0, OUTPUT_CHARS),
  };
  if (result.first) outputs.ResponseCode = result.first.responseCode;
  const c = result.counts;
  const succeeded = c.byStatus.Success ?? 0;
  if (result.status !== 'Success' || succeeded !== c.targetCount) {
    ip.stepOutputs[step.name] = outputs;
    const not = Object.entries(c.byStatus)
      .filter(([s]) => s !== 'Success')
      .map(([s, n]) => `${n} ${s}`)
      .join(', ');
    const why = result.failureMessage ? `: ${result.failureMessage}` : not ? ` (${not})` : '';
    throw new StepError(`command ${commandId} (${i.documentName}) ended ${result.status}, ${result.statusDetails}: ${succeeded} of ${c.targetCount} invocations succeeded${why}; see drover command-invocations ${commandId}`, 'RunCommandFailed');
  }
  return { kind: 'success', outputs };
}
