// An EC2 instance without a Drover agent: its invocation goes through SSM SendCommand,
// by the same activity that runs a runbook's aws:runCommand on EC2 (activities/aws/
// run-command.ts): one SSM command for this instance, sent once however often Temporal
// retries (its marker is this command id and target), followed to its end.
import { ActivityFailure, ApplicationFailure, isCancellation, scheduleActivity, TimeoutFailure } from '@temporalio/workflow';
import type { InvocationResult, InvocationStatus } from '../../agent/protocol';
import { FAILURE_TYPES, type ActionRequest, type ActionResult } from '../definitions';
import type { InvocationInput } from './contract';

const SSM_ACTIVITY = 'aws:runCommand';
/** SSM itself waits for delivery and execution; this is the backstop. */
const MARGIN_S = 300;

const SSM_STATUSES: readonly InvocationStatus[] = ['Pending', 'InProgress', 'Delayed', 'Success', 'Cancelled', 'TimedOut', 'Failed', 'Cancelling', 'Undeliverable', 'Terminated'];

function ssmStatus(s: string | undefined): InvocationStatus {
  return SSM_STATUSES.includes(s as InvocationStatus) ? (s as InvocationStatus) : 'Failed';
}

export async function runThroughSsm(input: InvocationInput): Promise<InvocationResult> {
  const timeoutS = input.deliveryTimeoutSeconds + input.executionTimeoutSeconds + MARGIN_S;
  const inputs: Record<string, unknown> = {
    DocumentName: input.documentName,
    InstanceIds: [input.target],
    Parameters: input.parameters,
    // SSM's own minimum delivery timeout is 30 s.
    TimeoutSeconds: Math.max(30, input.deliveryTimeoutSeconds),
  };
  if (input.comment) inputs.Comment = input.comment;
  if (input.outputS3BucketName) inputs.OutputS3BucketName = input.outputS3BucketName;
  if (input.outputS3KeyPrefix) inputs.OutputS3KeyPrefix = input.outputS3KeyPrefix;
  if (input.cloudWatchOutputConfig) inputs.CloudWatchOutputConfig = input.cloudWatchOutputConfig;
  const request: ActionRequest = {
    executionId: input.commandId,
    runbook: 'drover:runCommand',
    step: input.target,
    action: SSM_ACTIVITY,
    attempt: 1,
    run: 1,
    inputs,
    outputs: [],
    timeoutSeconds: timeoutS,
  };
  const base = { commandId: input.commandId, nodeId: input.target, standardOutputContent: '', standardErrorContent: '', plugins: [] };
  try {
    const { outputs } = await scheduleActivity<ActionResult>(SSM_ACTIVITY, [request], {
      scheduleToCloseTimeout: timeoutS * 1000,
      heartbeatTimeout: 60_000,
      retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 10, nonRetryableErrorTypes: [FAILURE_TYPES.actionFailed] },
      summary: `${input.documentName} on ${input.target} through SSM`,
    });
    return { ...base, status: 'Success', statusDetails: 'Success', responseCode: Number(outputs.ResponseCode ?? 0), standardOutputContent: String(outputs.Output ?? '') };
  } catch (err) {
    const cause = err instanceof ActivityFailure ? err.cause : err;
    if (cause instanceof ApplicationFailure) {
      const details = cause.details?.[0] as { invocations?: { instanceId: string; status: string; statusDetails: string; responseCode: number }[] } | undefined;
      const mine = details?.invocations?.find((i) => i.instanceId === input.target);
      if (mine) return { ...base, status: ssmStatus(mine.status), statusDetails: mine.statusDetails || mine.status, responseCode: mine.responseCode, standardErrorContent: cause.message };
      // SSM refused the command (the instance is not managed, access denied): it never reached the node.
      return { ...base, status: 'Undeliverable', statusDetails: 'Undeliverable', responseCode: -1, standardErrorContent: cause.message };
    }
    if (cause instanceof TimeoutFailure) {
      return { ...base, status: 'TimedOut', statusDetails: 'DeliveryTimedOut', responseCode: -1, standardErrorContent: `SSM did not report the end within ${timeoutS} s` };
    }
    if (isCancellation(err)) throw err;
    return { ...base, status: 'Failed', statusDetails: 'Failed', responseCode: -1, standardErrorContent: cause instanceof Error ? cause.message : String(cause) };
  }
}
