// The one place where activity failures get their Temporal shape. A failure of the action
// itself (bad input, script error, AWS refusing the request) is non-retryable: the step's
// maxAttempts decides about another attempt, not Temporal. Anything else thrown (network
// trouble, a crash) stays retryable and Temporal retries it within the attempt.
import { ApplicationFailure } from '@temporalio/activity';
import { FAILURE_TYPES } from '../workflows/definitions';

export function actionFailed(message: string, details?: Record<string, unknown>): ApplicationFailure {
  return ApplicationFailure.create({
    type: FAILURE_TYPES.actionFailed,
    message,
    nonRetryable: true,
    details: details ? [details] : undefined,
  });
}
