// An error that is not a Temporal failure (a TypeError from a bug, a malformed input) fails
// the workflow *task*, not the execution, in the TypeScript SDK: the task is retried for
// good and the execution hangs. Workflows end such errors here, with a message, instead.
import { ApplicationFailure, ContinueAsNew, isCancellation, TemporalFailure, WorkflowError } from '@temporalio/workflow';

/** The failure type of an execution ended by an unexpected error. */
export const UNEXPECTED_ERROR_TYPE = 'DroverWorkflowError';

export async function failClearly<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    // Temporal's own (failures, cancellation, continue-as-new, a determinism violation, which
    // a fixed deployment must be able to replay) pass as they are.
    if (err instanceof TemporalFailure || err instanceof ContinueAsNew || err instanceof WorkflowError || isCancellation(err)) throw err;
    throw ApplicationFailure.nonRetryable(`${what} failed unexpectedly: ${err instanceof Error ? err.message : String(err)}`, UNEXPECTED_ERROR_TYPE);
  }
}
