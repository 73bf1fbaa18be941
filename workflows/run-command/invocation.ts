// One command invocation as a child workflow of the command (id `<commandId>/<target>`),
// with its result (output included) in a history of its own: every invocation through SSM,
// and an undeliverable one. Agent nodes get theirs as activities of the command itself
// (dispatcher.ts); commands started before that ran them here too (agent-route.ts).
import {
  CancellationScope,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { InvocationResult, InvocationStatus } from '../../agent/protocol';
import { SA_COMMAND_ID, SA_STATUS } from '../definitions';
import { invocationDoneSignal, type InvocationInput, type InvocationRecord } from './contract';
import { notifyInvocation } from './notifications';
import { runThroughSsm } from './ssm-route';
import { ended, REPORTED_OUTPUT_CHARS, runOnAgent } from './agent-route';
import { failClearly } from '../fail-clearly';

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
