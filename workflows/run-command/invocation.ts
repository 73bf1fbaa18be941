// One command invocation: the command on one target, as a child workflow of the command
// (id `<commandId>/<target>`), so the command's own history stays small and each
// invocation's result (output included) lives in a history of its own.
//
// An agent node runs it as the `drover:agent.runInvocation` activity on the task queue its
// agent polls, attempted once (a command is never run twice): not picked up within the
// delivery timeout -> TimedOut (DeliveryTimedOut); the agent stops heartbeating -> Failed,
// saying so; running past the execution timeout -> TimedOut (ExecutionTimedOut).
import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  scheduleActivity,
  TimeoutFailure,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { AGENT_ACTIVITIES, type InvocationRequest, type InvocationResult, type InvocationStatus } from '../../agent/protocol';
import { SA_COMMAND_ID, SA_STATUS } from '../definitions';
import { invocationDoneSignal, type InvocationInput, type InvocationRecord } from './contract';
import { notifyInvocation } from './notifications';
import { runThroughSsm } from './ssm-route';
import { failClearly } from '../fail-clearly';

/** How long an agent may go without a heartbeat while it runs a command before it counts as gone. */
export const AGENT_HEARTBEAT_TIMEOUT_S = 30;
/** The agent enforces the execution timeout itself and reports it; Temporal's limit is the backstop. */
const EXECUTION_TIMEOUT_MARGIN_S = 60;
/** aws:runCommand's Output is short; the whole output stays in the invocation. */
const REPORTED_OUTPUT_CHARS = 2500;

function ended(input: InvocationInput, status: InvocationStatus, statusDetails: string, message: string): InvocationResult {
  return {
    commandId: input.commandId,
    nodeId: input.target,
    status,
    statusDetails,
    responseCode: -1,
    standardOutputContent: '',
    standardErrorContent: message,
    plugins: [],
  };
}

/** What a failed or timed-out agent activity means in SSM's words. */
function fromAgentFailure(input: InvocationInput, err: unknown): InvocationResult {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof TimeoutFailure) {
    switch (cause.timeoutType) {
      case 'SCHEDULE_TO_START':
        return ended(
          input,
          'TimedOut',
          'DeliveryTimedOut',
          `the command was not delivered within ${input.deliveryTimeoutSeconds} s: no agent of node ${input.target} took it (is it online?)`,
        );
      case 'HEARTBEAT':
        return ended(
          input,
          'Failed',
          'Failed',
          `the agent of node ${input.target} stopped responding while it ran the command (no heartbeat for ${AGENT_HEARTBEAT_TIMEOUT_S} s): it crashed, restarted or lost its connection; the command was not run again`,
        );
      default:
        return ended(input, 'TimedOut', 'ExecutionTimedOut', `the command did not finish within its execution timeout (${input.executionTimeoutSeconds} s)`);
    }
  }
  if (cause instanceof ApplicationFailure) return ended(input, 'Failed', 'Failed', cause.message);
  return ended(input, 'Failed', 'Failed', cause instanceof Error ? cause.message : String(cause));
}

async function runOnAgent(input: InvocationInput, taskQueue: string): Promise<InvocationResult> {
  if (!input.document) return ended(input, 'Failed', 'Failed', `document ${input.documentName} is not known to this Drover, so its agent cannot run it`);
  const request: InvocationRequest = {
    commandId: input.commandId,
    nodeId: input.target,
    document: input.document,
    parameters: input.parameters,
    executionTimeoutSeconds: input.executionTimeoutSeconds,
  };
  if (input.comment) request.comment = input.comment;
  if (input.outputS3BucketName) request.outputS3BucketName = input.outputS3BucketName;
  if (input.outputS3KeyPrefix) request.outputS3KeyPrefix = input.outputS3KeyPrefix;
  if (input.cloudWatchOutputConfig) request.cloudWatchOutputConfig = input.cloudWatchOutputConfig;
  try {
    return await scheduleActivity<InvocationResult>(AGENT_ACTIVITIES.runInvocation, [request], {
      taskQueue,
      scheduleToStartTimeout: input.deliveryTimeoutSeconds * 1000,
      startToCloseTimeout: (input.executionTimeoutSeconds + EXECUTION_TIMEOUT_MARGIN_S) * 1000,
      heartbeatTimeout: AGENT_HEARTBEAT_TIMEOUT_S * 1000,
      retry: { maximumAttempts: 1 },
      // Cancelling waits for the agent to kill the process group and say so.
      cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
      summary: `${input.documentName} on ${input.target}`,
    });
  } catch (err) {
    if (isCancellation(err)) throw err;
    return fromAgentFailure(input, err);
  }
}

function setStatus(status: InvocationStatus): void {
  if (workflowInfo().typedSearchAttributes.get(SA_COMMAND_ID) !== undefined) upsertSearchAttributes([{ key: SA_STATUS, value: status }]);
}

export function commandInvocationWorkflow(input: InvocationInput): Promise<InvocationRecord> {
  return failClearly('the invocation', () => invoke(input));
}

async function invoke(input: InvocationInput): Promise<InvocationRecord> {
  setStatus('InProgress');
  let result: InvocationResult;
  try {
    await notifyInvocation(input, 'InProgress', 'InProgress');
    switch (input.route.kind) {
      case 'agent':
        result = await runOnAgent(input, input.route.taskQueue);
        break;
      case 'ssm':
        result = await runThroughSsm(input);
        break;
      default:
        result = ended(input, 'Undeliverable', 'Undeliverable', input.route.reason);
    }
  } catch (err) {
    if (isCancellation(err)) result = ended(input, 'Cancelled', 'Cancelled', 'the command was cancelled');
    else {
      // Still reported below: a command that continued as new hears of its invocations only by signal.
      log.error('the invocation failed unexpectedly', { target: input.target, error: String(err) });
      result = ended(input, 'Failed', 'Failed', `Drover failed to run the invocation: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const record: InvocationRecord = {
    ...result,
    commandId: input.commandId,
    nodeId: input.target,
    documentName: input.documentName,
    requestedDateTime: input.requestedDateTime,
    route: input.route?.kind ?? 'undeliverable',
  };
  if (input.comment) record.comment = input.comment;
  // Reporting the end must happen even when this invocation was cancelled.
  await CancellationScope.nonCancellable(async () => {
    setStatus(record.status);
    // Listings read these from visibility without opening each history.
    upsertMemo({ statusDetails: record.statusDetails, responseCode: record.responseCode });
    await notifyInvocation(input, record.status, record.statusDetails);
    try {
      await getExternalWorkflowHandle(input.parentId).signal(invocationDoneSignal, {
        target: input.target,
        status: record.status,
        statusDetails: record.statusDetails,
        responseCode: record.responseCode,
        ...(input.reportOutput ? { output: record.standardOutputContent.slice(0, REPORTED_OUTPUT_CHARS) } : {}),
      });
    } catch (err) {
      // The command is gone (terminated): nothing waits for this report.
      log.warn('could not report the invocation to its command', { parent: input.parentId, error: String(err) });
    }
  });
  return record;
}
