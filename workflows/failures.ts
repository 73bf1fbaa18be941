// How a step attempt ended badly, read off whatever was thrown. Temporal failures arrive
// wrapped (ActivityFailure -> ApplicationFailure | TimeoutFailure, ChildWorkflowFailure -> …);
// the interpreter only needs AWS's vocabulary: Failed or TimedOut, with a message.
import {
  ActivityFailure,
  ApplicationFailure,
  ChildWorkflowFailure,
  TemporalFailure,
  TimeoutFailure,
} from '@temporalio/workflow';

export interface StepFailure {
  status: 'Failed' | 'TimedOut';
  type: string;
  message: string;
}

/** Thrown by workflow-only actions when their step's time is up. */
export class StepTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StepTimeoutError';
  }
}

/** Thrown by workflow-only actions for a failure of the step itself (bad input, rejection). */
export class StepError extends Error {
  constructor(
    message: string,
    readonly type = 'StepFailed',
  ) {
    super(message);
    this.name = 'StepError';
  }
}

function innermost(err: unknown): unknown {
  let e = err;
  while (e instanceof ActivityFailure || e instanceof ChildWorkflowFailure) {
    if (!e.cause) break;
    e = e.cause;
  }
  return e;
}

export function classifyStepFailure(err: unknown): StepFailure {
  if (err instanceof StepTimeoutError) return { status: 'TimedOut', type: 'TimedOut', message: err.message };
  if (err instanceof StepError) return { status: 'Failed', type: err.type, message: err.message };
  const cause = innermost(err);
  // Temporal stops retrying a transient error (throttling, HTTP 5xx) when the next try would
  // start after the step's timeout: the step ran out of time, whatever the last try said.
  if (err instanceof ActivityFailure && err.retryState === 'TIMEOUT' && cause instanceof ApplicationFailure) {
    return { status: 'TimedOut', type: 'TimedOut', message: `the step timed out retrying: ${cause.message}` };
  }
  if (cause instanceof TimeoutFailure) {
    return { status: 'TimedOut', type: 'TimedOut', message: `the step timed out (${cause.timeoutType ?? 'timeout'})` };
  }
  if (cause instanceof ApplicationFailure) {
    return { status: 'Failed', type: cause.type ?? 'Error', message: cause.message };
  }
  if (cause instanceof TemporalFailure) return { status: 'Failed', type: cause.name, message: cause.message };
  if (cause instanceof Error) return { status: 'Failed', type: cause.name, message: cause.message };
  return { status: 'Failed', type: 'Error', message: String(cause) };
}
