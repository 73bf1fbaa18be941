// Statuses of a window execution, its tasks and their invocations, with SSM's names, decided
// from what happened (tables, not nested ifs). Pure.
//
// An invocation ends SUCCESS, FAILED, TIMED_OUT or CANCELLED. A task is TIMED_OUT when the
// cutoff (CANCEL_TASK) or the end of the window stopped or cut short any of its work, else
// FAILED when an invocation failed, else TIMED_OUT when one timed out by itself, else
// CANCELLED when one was cancelled, else SUCCESS (MaxErrors decides when no new invocation
// starts, not whether an error counts). The window is CANCELLED when it was cancelled, else
// TIMED_OUT, FAILED or SUCCESS by the same order over its tasks.
import type { CommandStatus, InvocationStatus } from '../../agent/protocol';
import type { CommandCounts } from '../run-command/contract';
import type { WindowStatus } from '../window-contract';

/** What a task's invocations came to. */
export interface TaskTally {
  succeeded: number;
  failed: number;
  timedOut: number;
  cancelled: number;
  /** Invocations the cutoff or the window's end kept from starting, or cancelled. */
  stoppedByTime: number;
}

export const emptyTally = (): TaskTally => ({ succeeded: 0, failed: 0, timedOut: 0, cancelled: 0, stoppedByTime: 0 });

export function taskStatus(t: TaskTally): WindowStatus {
  if (t.stoppedByTime > 0) return 'TIMED_OUT';
  if (t.failed > 0) return 'FAILED';
  if (t.timedOut > 0) return 'TIMED_OUT';
  if (t.cancelled > 0) return 'CANCELLED';
  return 'SUCCESS';
}

export function taskStatusDetails(t: TaskTally, total: number): string {
  const parts: string[] = [];
  if (t.succeeded) parts.push(`${t.succeeded} succeeded`);
  if (t.failed) parts.push(`${t.failed} failed`);
  if (t.timedOut) parts.push(`${t.timedOut} timed out`);
  if (t.cancelled) parts.push(`${t.cancelled} cancelled`);
  if (t.stoppedByTime) parts.push(`${t.stoppedByTime} stopped by the cutoff or the end of the window`);
  if (total === 0) return 'No targets.';
  return `${parts.join(', ')} (of ${total} invocation${total === 1 ? '' : 's'}).`;
}

/** SSM's invocation status for how one invocation (a runbook execution, a one-target command) ended. */
const INVOCATION: Record<string, WindowStatus> = {
  Success: 'SUCCESS',
  Failed: 'FAILED',
  Undeliverable: 'FAILED',
  TimedOut: 'TIMED_OUT',
  Cancelled: 'CANCELLED',
  Terminated: 'CANCELLED',
  Pending: 'PENDING',
  Delayed: 'PENDING',
  InProgress: 'IN_PROGRESS',
  Waiting: 'IN_PROGRESS',
  Cancelling: 'CANCELLING',
};

export function invocationStatus(status: string): WindowStatus {
  return INVOCATION[status] ?? 'FAILED';
}

/** Adds an ended invocation to the tally. */
export function tallyInvocation(t: TaskTally, status: WindowStatus, stoppedByTime: boolean): void {
  if (stoppedByTime) t.stoppedByTime += 1;
  else if (status === 'SUCCESS') t.succeeded += 1;
  else if (status === 'TIMED_OUT') t.timedOut += 1;
  else if (status === 'CANCELLED') t.cancelled += 1;
  else t.failed += 1;
}

/** The tally of a command that ran every target of a task, from its counters. */
export function tallyCommand(counts: CommandCounts | undefined, status: CommandStatus | undefined, stoppedByTime: boolean): TaskTally {
  const t = emptyTally();
  const by: Partial<Record<InvocationStatus, number>> = counts?.byStatus ?? {};
  t.succeeded = by.Success ?? 0;
  t.failed = (by.Failed ?? 0) + (by.Undeliverable ?? 0);
  t.timedOut = by.TimedOut ?? 0;
  t.cancelled = (by.Cancelled ?? 0) + (by.Terminated ?? 0);
  if (stoppedByTime) {
    // Everything not done when the command was cancelled was stopped by the clock.
    t.stoppedByTime = Math.max(1, t.cancelled + ((counts?.targetCount ?? 0) - (counts?.completedCount ?? 0)));
    t.cancelled = 0;
  } else if (status === 'Failed' && t.failed === 0 && t.timedOut === 0) {
    t.failed = 1;
  }
  return t;
}

export function windowStatus(tasks: readonly { status: WindowStatus }[], cancelled: boolean): WindowStatus {
  if (cancelled) return 'CANCELLED';
  const has = (s: WindowStatus) => tasks.some((t) => t.status === s);
  if (has('TIMED_OUT')) return 'TIMED_OUT';
  if (has('FAILED')) return 'FAILED';
  if (has('CANCELLED')) return 'CANCELLED';
  return 'SUCCESS';
}
