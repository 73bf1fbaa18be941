// A command's counters and its status, as SSM's "Understanding command statuses" describes
// them. Pure: the dispatcher feeds it finished invocations and asks for the status.
//
// What counts against MaxErrors: Failed and Execution Timed Out (SSM's ErrorCount).
// Delivery timeouts and Undeliverable do not, but a command none of whose invocations
// succeeded is Failed (or TimedOut when they all timed out).
import type { CommandStatus, InvocationStatus } from '../../agent/protocol';
import type { CommandCounts, InvocationDone } from './contract';

export function emptyCounts(targetCount: number): CommandCounts {
  return { targetCount, completedCount: 0, errorCount: 0, deliveryTimedOutCount: 0, byStatus: {} };
}

export function isDeliveryTimeout(d: Pick<InvocationDone, 'status' | 'statusDetails'>): boolean {
  return d.status === 'TimedOut' && /deliver/i.test(d.statusDetails);
}

/** Whether an invocation's end counts against MaxErrors. */
export function countsAsError(d: Pick<InvocationDone, 'status' | 'statusDetails'>): boolean {
  return d.status === 'Failed' || (d.status === 'TimedOut' && !isDeliveryTimeout(d));
}

export function recordDone(counts: CommandCounts, d: Pick<InvocationDone, 'status' | 'statusDetails'>): void {
  counts.completedCount += 1;
  counts.byStatus[d.status] = (counts.byStatus[d.status] ?? 0) + 1;
  if (countsAsError(d)) counts.errorCount += 1;
  if (isDeliveryTimeout(d)) counts.deliveryTimedOutCount += 1;
}

/** Targets that never got an invocation are final too (Terminated or Cancelled). */
export function recordNotStarted(counts: CommandCounts, status: Extract<InvocationStatus, 'Terminated' | 'Cancelled'>, n: number): void {
  if (n <= 0) return;
  counts.completedCount += n;
  counts.byStatus[status] = (counts.byStatus[status] ?? 0) + n;
}

export interface CommandPhase {
  /** Nothing dispatched yet. */
  pending: boolean;
  cancelling: boolean;
  cancelled: boolean;
  /** Every invocation is final (or will never start). */
  finished: boolean;
  /** errorCount exceeded MaxErrors. */
  exceeded: boolean;
}

/** SSM's command Status and StatusDetails. */
export function commandStatus(counts: CommandCounts, phase: CommandPhase): { status: CommandStatus; statusDetails: string } {
  if (phase.cancelled) return { status: 'Cancelled', statusDetails: 'Cancelled' };
  if (phase.cancelling) return { status: 'Cancelling', statusDetails: 'Cancelling' };
  if (!phase.finished) return phase.pending ? { status: 'Pending', statusDetails: 'Pending' } : { status: 'InProgress', statusDetails: 'In Progress' };
  const by = counts.byStatus;
  const success = by.Success ?? 0;
  const executionTimedOut = (by.TimedOut ?? 0) - counts.deliveryTimedOutCount;
  if (counts.targetCount === 0) return { status: 'Success', statusDetails: 'No Instances In Tag' };
  if (phase.exceeded) {
    return executionTimedOut > (by.Failed ?? 0)
      ? { status: 'TimedOut', statusDetails: 'Execution Timed Out' }
      : { status: 'Failed', statusDetails: 'Failed' };
  }
  if (success === 0) {
    if (counts.deliveryTimedOutCount > 0 && counts.deliveryTimedOutCount >= (by.Failed ?? 0) + executionTimedOut) {
      return { status: 'TimedOut', statusDetails: 'Delivery Timed Out' };
    }
    if (executionTimedOut > 0 && executionTimedOut >= (by.Failed ?? 0)) return { status: 'TimedOut', statusDetails: 'Execution Timed Out' };
    return { status: 'Failed', statusDetails: 'Failed' };
  }
  // "The maximum number of errors allowed without the command failing": within MaxErrors
  // the command succeeds, and says Incomplete when some invocation erred.
  if (counts.errorCount > 0) return { status: 'Success', statusDetails: 'Incomplete' };
  return { status: 'Success', statusDetails: 'Success' };
}
