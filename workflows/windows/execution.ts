// A maintenance window execution (`drover:windowExecution`), started by the window's Temporal
// Schedule at each fire time (or by `drover windows run`). Its workflow id is the window and
// the nominal time (`drover-window/<name>-<time>`), so a start retried by the scheduler or a
// catch-up after downtime never runs a window twice; SSM's WindowExecutionId is derived from it.
//
//  1. renews the schedule's rolling fire times (cron windows);
//  2. takes the window's lock: when the previous execution still runs, this one ends
//     SKIPPED_OVERLAPPING, recorded;
//  3. runs the tasks by priority (lower first, equal ones in parallel), no new task after the
//     cutoff (nominal start + Duration − Cutoff); CANCEL_TASK tasks stop at the cutoff, and
//     everything still running stops at the end (nominal start + Duration), TIMED_OUT;
//  4. ends with SSM's status for the window, each task and each invocation.
// Cancelling it (CancelMaintenanceWindowExecution) starts no further task; tasks already
// running finish, as in SSM. Its state is queryable (drover.windowState), summarised in the
// Temporal UI (current details) and in its memo.
import {
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  log,
  scheduleActivity,
  setCurrentDetails,
  setHandler,
  sleep,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { stableUuid } from '../../lang/windows/stable-id';
import { priorityGroups } from '../../lang/windows/plan';
import { SA_STATUS, SA_WINDOW, SA_WINDOW_EXECUTION_ID } from '../definitions';
import { failClearly } from '../fail-clearly';
import {
  SA_SCHEDULED_BY_ID,
  SA_SCHEDULED_START_TIME,
  WINDOW_ACTIVITIES,
  WINDOW_FAILURE_TYPES,
  WINDOW_MEMO,
  windowStateQuery,
  type WindowExecutionInput,
  type WindowExecutionResult,
  type WindowExecutionState,
  type WindowExecutionSummary,
  type WindowStatus,
} from '../window-contract';
import { acquireWindowLock } from './lock';
import { windowStatus } from './status';
import { TargetResolver } from './targets';
import { TaskRun } from './task-run';

const HOUR_MS = 3_600_000;
const SCHEDULED_ID_SUFFIX = /-(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)$/;

/** The time this execution stands for: the schedule's, the caller's, or the one in its id. */
function nominalStartTime(input: WindowExecutionInput): Date {
  const info = workflowInfo();
  const scheduled = info.typedSearchAttributes.get(SA_SCHEDULED_START_TIME);
  if (scheduled) return new Date(scheduled);
  if (input.nominalStartTime) return new Date(input.nominalStartTime);
  const suffix = SCHEDULED_ID_SUFFIX.exec(info.workflowId)?.[1];
  return suffix ? new Date(suffix) : info.startTime;
}

class WindowRun {
  readonly state: WindowExecutionState;
  readonly tasks: TaskRun[];
  readonly indexed: boolean;
  readonly nominal: Date;
  readonly cutoffAt: number;
  readonly endAt: number;
  cancelRequested = false;
  cutoffReached = false;
  ended = false;
  readonly running = new Set<TaskRun>();

  constructor(readonly input: WindowExecutionInput) {
    const w = input.window;
    const info = workflowInfo();
    this.indexed = info.typedSearchAttributes.get(SA_WINDOW) !== undefined;
    this.nominal = nominalStartTime(input);
    this.cutoffAt = this.nominal.getTime() + (w.durationHours - w.cutoffHours) * HOUR_MS;
    this.endAt = this.nominal.getTime() + w.durationHours * HOUR_MS;
    const windowExecutionId = stableUuid('window-execution', info.workflowId);
    const resolver = new TargetResolver(w);
    this.tasks = w.tasks.map((t) => new TaskRun({ window: w, windowExecutionId, indexed: this.indexed, resolver, changed: () => this.publish() }, t));
    this.state = {
      windowId: w.windowId,
      windowName: w.name,
      windowExecutionId,
      workflowId: info.workflowId,
      nominalStartTime: this.nominal.toISOString(),
      status: 'PENDING',
      statusDetails: 'Pending',
      startTime: new Date().toISOString(),
      cutoffTime: new Date(this.cutoffAt).toISOString(),
      endOfWindow: new Date(this.endAt).toISOString(),
      tasks: this.tasks.map((t) => t.record),
    };
  }

  snapshot(): WindowExecutionState {
    return { ...this.state, tasks: this.tasks.map((t) => t.record) };
  }

  summary(): WindowExecutionSummary {
    const s = this.state;
    return {
      windowId: s.windowId,
      windowExecutionId: s.windowExecutionId,
      nominalStartTime: s.nominalStartTime,
      status: s.status,
      statusDetails: s.statusDetails,
      startTime: s.startTime,
      ...(s.endTime ? { endTime: s.endTime } : {}),
      taskIds: this.tasks.map((t) => t.record.taskExecutionId),
    };
  }

  setStatus(status: WindowStatus, details: string): void {
    const changed = status !== this.state.status;
    this.state.status = status;
    this.state.statusDetails = details;
    if (changed && this.indexed) upsertSearchAttributes([{ key: SA_STATUS, value: status }]);
    this.publish();
  }

  /** The Temporal UI's view of the execution: a line per task. */
  publish(): void {
    const s = this.state;
    const rows = this.tasks.map((t) => {
      const r = t.record;
      const counts = r.command?.counts ? ` (${r.command.counts.completedCount}/${r.command.counts.targetCount} done)` : r.invocations.length ? ` (${r.invocations.filter((i) => i.endTime).length}/${r.targets?.length ?? r.invocations.length} done)` : '';
      return `| ${r.priority} | ${r.name} | ${r.taskType} ${r.taskArn} | ${r.status}${counts} | ${r.statusDetails.replace(/\|/g, '/')} |`;
    });
    setCurrentDetails(
      [
        `**${s.windowName}** (${s.windowId}) window execution ${s.windowExecutionId} — **${s.status}**: ${s.statusDetails}`,
        '',
        `nominal start ${s.nominalStartTime}, cutoff ${s.cutoffTime}, end ${s.endOfWindow}`,
        '',
        '| priority | task | type | status | details |',
        '| --- | --- | --- | --- | --- |',
        ...rows,
      ].join('\n'),
    );
  }

  /** The clock: the cutoff, then the end, from the nominal start. */
  async keepTime(): Promise<void> {
    const until = async (t: number) => {
      const ms = t - Date.now();
      if (ms > 0) await sleep(ms);
    };
    await until(this.cutoffAt);
    this.cutoffReached = true;
    log.info('the cutoff is reached: no new task starts', { cutoff: this.state.cutoffTime });
    for (const t of this.running) t.cutoff();
    await until(this.endAt);
    this.ended = true;
    for (const t of this.running) t.end();
  }

  async runTasks(): Promise<void> {
    const clock = new CancellationScope();
    const ticking = clock.run(() => this.keepTime()).catch((err) => {
      if (!isCancellation(err)) throw err;
    });
    try {
      for (const group of priorityGroups(this.tasks.map((t) => ({ priority: t.task.priority, run: t })))) {
        // The clock's timers fire later than a check: a start past the cutoff is caught here.
        if (Date.now() >= this.cutoffAt) this.cutoffReached = true;
        if (this.cancelRequested || this.cutoffReached || this.ended) {
          for (const { run } of group) {
            if (this.cancelRequested) run.notStarted('CANCELLED', 'Not started: the window execution was cancelled.');
            else run.notStarted('TIMED_OUT', `Not started: the cutoff (${this.state.cutoffTime}) had passed.`);
          }
          this.publish();
          continue;
        }
        await Promise.all(
          group.map(async ({ run }) => {
            this.running.add(run);
            try {
              await run.run();
            } finally {
              this.running.delete(run);
            }
          }),
        );
      }
    } finally {
      clock.cancel();
      await ticking;
    }
  }

  finish(): WindowExecutionState {
    const tasks = this.tasks.map((t) => t.record);
    const status = windowStatus(tasks, this.cancelRequested);
    const counts = (s: WindowStatus) => tasks.filter((t) => t.status === s).length;
    const details: Record<string, string> = {
      SUCCESS: tasks.length ? `All ${tasks.length} task${tasks.length === 1 ? '' : 's'} succeeded.` : 'The window has no tasks.',
      FAILED: `${counts('FAILED')} of ${tasks.length} tasks failed.`,
      TIMED_OUT: `${counts('TIMED_OUT')} of ${tasks.length} tasks were stopped or kept from starting by the cutoff or the end of the window.`,
      CANCELLED: 'The window execution was cancelled: the tasks not started then never ran.',
    };
    this.state.endTime = new Date().toISOString();
    this.setStatus(status, details[status] ?? status);
    return this.snapshot();
  }
}

export function windowExecutionWorkflow(input: WindowExecutionInput): Promise<WindowExecutionResult> {
  return failClearly('the window execution', () => execute(input));
}

async function execute(input: WindowExecutionInput): Promise<WindowExecutionResult> {
  if (!input?.window || !Array.isArray(input.window.tasks)) {
    throw ApplicationFailure.nonRetryable('a window execution needs a compiled window (its plan)', WINDOW_FAILURE_TYPES.invalid);
  }
  const run = new WindowRun(input);
  setHandler(windowStateQuery, () => run.snapshot());
  // CancelMaintenanceWindowExecution: no new task starts; running ones finish (below, out of the cancellation's reach).
  CancellationScope.current().cancelRequested.catch(() => {
    run.cancelRequested = true;
    if (run.state.status === 'IN_PROGRESS') run.setStatus('CANCELLING', 'Cancelling: tasks already running finish; no other task starts.');
  });
  const w = input.window;
  const info = workflowInfo();
  if (run.indexed) upsertSearchAttributes([{ key: SA_WINDOW_EXECUTION_ID, value: run.state.windowExecutionId }]);
  upsertMemo({ [WINDOW_MEMO.summary]: run.summary() });
  run.publish();

  const final = await CancellationScope.nonCancellable(async () => {
    const scheduleId = info.typedSearchAttributes.get(SA_SCHEDULED_BY_ID);
    if (scheduleId && /^cron\(/.test(w.schedule.expression)) {
      // Keep the schedule's list of upcoming fire times full; a failure here never stops the window.
      await scheduleActivity(WINDOW_ACTIVITIES.refreshSchedule, [{ scheduleId, schedule: w.schedule }], {
        startToCloseTimeout: '1 minute',
        retry: { maximumAttempts: 3 },
        summary: 'renew the schedule’s fire times',
      }).catch((err) => log.warn('could not renew the schedule’s fire times', { scheduleId, error: String(err) }));
    }
    const lock = await acquireWindowLock({ windowName: w.name, workflowId: info.workflowId, windowExecutionId: run.state.windowExecutionId, holdUntil: run.state.endOfWindow });
    if (!lock) {
      for (const t of run.tasks) t.notStarted('SKIPPED_OVERLAPPING', 'Not run: the previous execution of the window was still running.');
      run.state.endTime = new Date().toISOString();
      run.setStatus('SKIPPED_OVERLAPPING', 'The previous execution of this window was still running at this one’s start time.');
      return run.snapshot();
    }
    try {
      run.setStatus(run.cancelRequested ? 'CANCELLING' : 'IN_PROGRESS', run.cancelRequested ? 'Cancelling.' : 'In progress.');
      await run.runTasks();
      return run.finish();
    } finally {
      await lock.release();
    }
  });
  upsertMemo({ [WINDOW_MEMO.summary]: run.summary() });
  if (final.status === 'FAILED' || final.status === 'TIMED_OUT') {
    throw ApplicationFailure.create({ type: WINDOW_FAILURE_TYPES.failed, message: `window ${w.name} execution ${final.windowExecutionId} ended ${final.status}: ${final.statusDetails}`, nonRetryable: true, details: [final] });
  }
  return final;
}
