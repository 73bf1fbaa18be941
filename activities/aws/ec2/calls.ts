// Small helpers around callAws for EC2 actions: calls where some AWS error codes mean
// "already done" (deleting what is gone), and the heartbeat details of an earlier try.
import { activityInfo } from '@temporalio/activity';
import { awsFailure, classifyAwsError } from '../errors';

/** Runs one AWS call; the listed error codes give `undefined` instead of failing. */
export async function callAwsUnless<T>(doing: string, codes: readonly string[], fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    if (codes.includes(classifyAwsError(err).code)) return undefined;
    throw awsFailure(err, doing);
  }
}

/** What the previous try of this activity heartbeated, if it got that far. */
export function resumedDetails<T extends object>(): Partial<T> {
  const d = activityInfo().heartbeatDetails as unknown;
  return typeof d === 'object' && d !== null ? (d as Partial<T>) : {};
}
