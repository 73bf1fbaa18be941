// One execution of a window at a time, the way SSM runs them: the running execution holds a
// lock, a tiny child workflow with the window's fixed id (`drover-window-lock/<name>`). The
// next execution tries to start the same id; Temporal refuses a second running workflow
// with one id, so that one ends SKIPPED_OVERLAPPING and says so, instead of being dropped
// silently as a schedule's SKIP overlap policy would. The lock is released before its holder
// ends (cancelled, so the next execution can start at once), and Temporal terminates it if
// its holder dies any other way (parent close policy).
import {
  CancellationScope,
  ChildWorkflowCancellationType,
  ParentClosePolicy,
  condition,
  isCancellation,
  setCurrentDetails,
  startChild,
  workflowInfo,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { WINDOW_LOCK_WORKFLOW, windowLockId } from '../window-contract';

export interface LockHolder {
  windowName: string;
  /** The execution holding the lock. */
  workflowId: string;
  windowExecutionId: string;
  /** The end of the holder's window (ISO): the lock wakes then, and every hour after, until released. */
  holdUntil?: string;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/**
 * The lock itself: waits until its holder cancels it. It wakes once just after its holder's
 * window ended (and hourly after that, should the holder still be winding down), so that it
 * never waits without a timer: Temporal's time-skipping test server would otherwise skip
 * straight to the execution timeout while the release is on its way.
 */
export async function windowLockWorkflow(holder: LockHolder): Promise<void> {
  setCurrentDetails(`Held by window execution ${holder?.windowExecutionId} (${holder?.workflowId}) of **${holder?.windowName}**${holder?.holdUntil ? `, whose window ends ${holder.holdUntil}` : ''}.`);
  const end = holder?.holdUntil ? Date.parse(holder.holdUntil) : NaN;
  try {
    for (;;) {
      const untilEnd = Number.isNaN(end) ? HOUR_MS : end + MINUTE_MS - Date.now();
      await condition(() => false, untilEnd > 0 ? untilEnd : HOUR_MS);
    }
  } catch (err) {
    if (isCancellation(err)) return;
    throw err;
  }
}

export interface HeldLock {
  release(): Promise<void>;
}

/** Takes the window's lock, or answers undefined when another execution holds it. */
export async function acquireWindowLock(holder: LockHolder): Promise<HeldLock | undefined> {
  // The lock's own scope: cancelling it (and only it) releases the lock.
  const scope = new CancellationScope();
  let handle: ChildWorkflowHandle<typeof windowLockWorkflow>;
  try {
    handle = await scope.run(() =>
      startChild<typeof windowLockWorkflow>(WINDOW_LOCK_WORKFLOW, {
        workflowId: windowLockId(holder.windowName),
        taskQueue: workflowInfo().taskQueue,
        args: [holder],
        parentClosePolicy: ParentClosePolicy.TERMINATE,
        cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
        staticSummary: `Lock of maintenance window ${holder.windowName}`,
      }),
    );
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return undefined;
    throw err;
  }
  return {
    async release() {
      scope.cancel();
      // Wait until it has ended, so that the next execution finds it free.
      await handle.result().then(
        () => undefined,
        () => undefined,
      );
    },
  };
}
