// The one place AWS errors are classified. Throttling, 5xx and network trouble are
// retried by Temporal with backoff (the SDK's own retries are off, so the two do not
// multiply); everything else AWS says (access denied, validation, not found) fails the
// step at once with AWS's error code and message.
import { ApplicationFailure } from '@temporalio/activity';
import { actionFailed } from '../errors';

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'TransactionInProgressException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'LimitExceededException',
  'RequestThrottled',
  'SlowDown',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
]);

const TRANSIENT = new Set(['RequestTimeout', 'RequestTimeoutException', 'InternalError', 'InternalFailure', 'ServiceUnavailable', 'Unavailable']);

const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'TimeoutError', 'AbortError']);

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number; requestId?: string };
  $retryable?: { throttling?: boolean };
}

export type AwsErrorKind = 'throttling' | 'transient' | 'final';

export function classifyAwsError(err: unknown): { kind: AwsErrorKind; code: string; message: string; status?: number } {
  const e = (err ?? {}) as SdkError;
  let code = e.name && e.name !== 'Error' ? e.name : (e.code ?? 'Error');
  let message = e.message ?? String(err);
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500 && (code === 'SyntaxError' || code === 'Error' || code === 'UnknownError')) {
    // An answer that is not AWS's error format (an emulator's HTML error page, a proxy).
    code = `HTTP${status}`;
    message = `the service answered HTTP ${status} without an AWS error`;
  }
  if (THROTTLING.has(code) || e.$retryable?.throttling || status === 429) return { kind: 'throttling', code, message, status };
  if (TRANSIENT.has(code) || (status !== undefined && status >= 500) || NETWORK.has(code) || (e.code && NETWORK.has(e.code))) {
    return { kind: 'transient', code, message, status };
  }
  if (status === undefined && !e.$fault) {
    // No HTTP answer at all: the request never reached AWS (a socket error, a DNS failure).
    return { kind: 'transient', code, message, status };
  }
  return { kind: 'final', code, message, status };
}

/** What an activity throws for an AWS error: retryable for Temporal, or a final step failure. */
export function awsFailure(err: unknown, doing: string): Error {
  if (err instanceof ApplicationFailure) return err;
  const c = classifyAwsError(err);
  const text = `${doing}: ${c.code}: ${c.message}`;
  if (c.kind === 'final') return actionFailed(text, { awsErrorCode: c.code, httpStatusCode: c.status });
  return ApplicationFailure.create({ type: c.kind === 'throttling' ? 'AwsThrottling' : 'AwsTransient', message: text, nonRetryable: false });
}

/** Runs one AWS call, classifying whatever it throws. */
export async function callAws<T>(doing: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw awsFailure(err, doing);
  }
}
