// A node with a Drover agent: its invocation is the `drover:agent.runInvocation` activity on
// the task queue its agent polls, attempted once (a command is never run twice). Not picked
// up within the delivery timeout -> TimedOut (DeliveryTimedOut); the agent stops
// heartbeating -> Failed, saying so; running past the execution timeout -> TimedOut
// (ExecutionTimedOut). Shared by the command's workflow, which schedules the activity itself,
// and the invocation child workflow of commands started before it did.
import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  isCancellation,
  scheduleActivity,
  TimeoutFailure,
  type ActivityOptions,
} from '@temporalio/workflow';
import { AGENT_ACTIVITIES, type InvocationRequest, type InvocationResult, type InvocationStatus } from '../../agent/protocol';
import type { InvocationInput } from './contract';

/** How long an agent may go without a heartbeat while it runs a command before it counts as gone. */
export const AGENT_HEARTBEAT_TIMEOUT_S = 30;
/** The agent enforces the execution timeout itself and reports it; Temporal's limit is the backstop. */
const EXECUTION_TIMEOUT_MARGIN_S = 60;

/** What the command reports from the first invocation (aws:runCommand's Output is short; the whole output stays in the invocation). */
export const REPORTED_OUTPUT_CHARS = 2500;

/** An invocation that ended without a result from the node, in SSM's words. */
export function ended(input: Pick<InvocationInput, 'commandId' | 'target'>, status: InvocationStatus, statusDetails: string, message: string): InvocationResult {
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
export function fromAgentFailure(input: Pick<InvocationInput, 'commandId' | 'target' | 'deliveryTimeoutSeconds' | 'executionTimeoutSeconds'>, err: unknown): InvocationResult {
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

/** The node is told the document itself: it runs what the command was sent with, whatever its own copy says. */
export function agentRequest(input: InvocationInput & { document: NonNullable<InvocationInput['document']> }): InvocationRequest {
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
  return request;
}

/** The activity's options, as agent/protocol.ts asks of every dispatcher. */
export function agentActivityOptions(input: InvocationInput, taskQueue: string): ActivityOptions {
  return {
    taskQueue,
    scheduleToStartTimeout: input.deliveryTimeoutSeconds * 1000,
    startToCloseTimeout: (input.executionTimeoutSeconds + EXECUTION_TIMEOUT_MARGIN_S) * 1000,
    heartbeatTimeout: AGENT_HEARTBEAT_TIMEOUT_S * 1000,
    retry: { maximumAttempts: 1 },
    // Cancelling waits for the agent to kill the process group and say so.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    summary: `${input.documentName} on ${input.target}`,
  };
}

export function missingDocument(input: InvocationInput): InvocationResult {
  return ended(input, 'Failed', 'Failed', `document ${input.documentName} is not known to this Drover, so its agent cannot run it`);
}

/** The invocation on an agent node, awaited: the child workflow's way. */
export async function runOnAgent(input: InvocationInput, taskQueue: string): Promise<InvocationResult> {
  if (!input.document) return missingDocument(input);
  try {
    return await scheduleActivity<InvocationResult>(AGENT_ACTIVITIES.runInvocation, [agentRequest({ ...input, document: input.document })], agentActivityOptions(input, taskQueue));
  } catch (err) {
    if (isCancellation(err)) throw err;
    return fromAgentFailure(input, err);
  }
}
