// What the maintenance window workflows, their activities, the client and the CLI agree on:
// workflow types, ids, inputs, the state a window execution reports, and SSM's statuses.
// Pure (types and @temporalio/workflow definitions only), imported on both sides.
import { defineQuery } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { TaskType, WindowPlan } from '../lang/windows/plan';
import type { CommandCounts } from './run-command/contract';

/** Workflow types; the colon keeps them apart from runbook names. */
export const WINDOW_EXECUTION_WORKFLOW = 'drover:windowExecution';
/** Held by a window's running execution, so that the next one sees the overlap. */
export const WINDOW_LOCK_WORKFLOW = 'drover:windowLock';

export const WINDOW_ACTIVITIES = {
  /** Renews the rolling fire times of a cron window's schedule. */
  refreshSchedule: 'drover:window.refreshSchedule',
} as const;

/** SSM's statuses of window executions, task executions and task invocations. */
export const WINDOW_STATUSES = ['PENDING', 'IN_PROGRESS', 'SUCCESS', 'FAILED', 'TIMED_OUT', 'CANCELLING', 'CANCELLED', 'SKIPPED_OVERLAPPING'] as const;
export type WindowStatus = (typeof WINDOW_STATUSES)[number];
export const FINAL_WINDOW_STATUSES: readonly WindowStatus[] = ['SUCCESS', 'FAILED', 'TIMED_OUT', 'CANCELLED', 'SKIPPED_OVERLAPPING'];

/** Schedules Drover owns are named `drover-window/<window name>`; nothing else is touched by `apply`. */
export const WINDOW_SCHEDULE_PREFIX = 'drover-window/';
export const windowScheduleId = (name: string): string => `${WINDOW_SCHEDULE_PREFIX}${name}`;
/** Memo a window's schedule is created with, the second mark of ownership. */
export const WINDOW_SCHEDULE_MEMO = { drover: 'maintenance-window' } as const;

/**
 * The schedule's action starts `drover-window/<name>`; Temporal appends the nominal time
 * (`drover-window/<name>-2030-01-05T01:00:00Z`), so a retried start never runs a window twice.
 * Drover's own starts (tests, `run` of a window without a schedule) use the same form.
 */
export const windowActionWorkflowId = (name: string): string => `${WINDOW_SCHEDULE_PREFIX}${name}`;
export function windowExecutionWorkflowId(name: string, nominal: Date): string {
  return `${windowActionWorkflowId(name)}-${new Date(Math.floor(nominal.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z')}`;
}
export const windowLockId = (name: string): string => `drover-window-lock/${name}`;

/** Set by Temporal on every workflow a schedule starts: the time it was scheduled for. */
export const SA_SCHEDULED_START_TIME = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);
export const SA_SCHEDULED_BY_ID = defineSearchAttributeKey('TemporalScheduledById', SearchAttributeType.KEYWORD);

export interface WindowExecutionInput {
  window: WindowPlan;
  /** The time the execution stands for, when started by Drover rather than by the schedule (ISO). */
  nominalStartTime?: string;
  /** Who started it: `schedule` (the default), `cli`, `client`, `test`. */
  trigger?: string;
}

/** One invocation of a task: one target (or the one of a targetless task). */
export interface InvocationRecord {
  invocationId: string;
  /** The node, absent for a targetless task. */
  target?: string;
  windowTargetId?: string;
  ownerInformation?: string;
  /** The command id (RUN_COMMAND) or the runbook execution id (AUTOMATION). */
  executionId?: string;
  /** The parameters as passed, JSON (SSM's `Parameters` of an invocation). */
  parameters: string;
  status: WindowStatus;
  statusDetails: string;
  startTime?: string;
  endTime?: string;
}

export interface TaskExecutionRecord {
  taskExecutionId: string;
  windowTaskId: string;
  name: string;
  taskArn: string;
  taskType: TaskType;
  priority: number;
  status: WindowStatus;
  statusDetails: string;
  startTime?: string;
  endTime?: string;
  /** The nodes the task ran on (resolved when it started). */
  targets?: string[];
  /**
   * One command for every target (SSM's rate control inside it): its id and counters. Its
   * invocations are the command's (`drover command-invocations`).
   */
  command?: { commandId: string; counts?: CommandCounts; status?: string; statusDetails?: string };
  /** Invocations run one by one (per target) by the window itself. */
  invocations: InvocationRecord[];
}

export interface WindowExecutionState {
  windowId: string;
  windowName: string;
  windowExecutionId: string;
  /** The workflow that runs it (`drover-window/<name>-<nominal time>`). */
  workflowId: string;
  nominalStartTime: string;
  status: WindowStatus;
  statusDetails: string;
  startTime: string;
  endTime?: string;
  /** When no new task starts any more (end − Cutoff). */
  cutoffTime: string;
  /** The end of the window (nominal start + Duration). */
  endOfWindow: string;
  tasks: TaskExecutionRecord[];
}

export type WindowExecutionResult = WindowExecutionState;

export const windowStateQuery = defineQuery<WindowExecutionState>('drover.windowState');

/** Memo keys a window execution keeps for listings (visibility), so a list need not query each. */
export const WINDOW_MEMO = { summary: 'window' } as const;

/** The memo summary of an execution. */
export interface WindowExecutionSummary {
  windowId: string;
  windowExecutionId: string;
  nominalStartTime: string;
  status: WindowStatus;
  statusDetails: string;
  startTime: string;
  endTime?: string;
  taskIds?: string[];
}

export const WINDOW_FAILURE_TYPES = {
  /** The window execution ended FAILED or TIMED_OUT (details: its state). */
  failed: 'DroverWindowFailed',
  invalid: 'DroverInvalidWindow',
} as const;
