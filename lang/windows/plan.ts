// A maintenance window compiled to plain data: what the compiler emits from a window file,
// what a Temporal Schedule's action hands every window execution, and what `drover windows
// apply` compares. Names and shapes are SSM's (CreateMaintenanceWindow,
// RegisterTargetWithMaintenanceWindow, RegisterTaskWithMaintenanceWindow). Pure types.
import type { WindowScheduleFields } from '../schedule/definition';

export const WINDOW_PLAN_FORMAT = 1;

export const TASK_TYPES = ['RUN_COMMAND', 'AUTOMATION', 'LAMBDA', 'STEP_FUNCTIONS'] as const;
export type TaskType = (typeof TASK_TYPES)[number];

/** Task types whose AWS action Drover runs today. */
export const RUNNABLE_TASK_TYPES: readonly TaskType[] = ['RUN_COMMAND', 'AUTOMATION'];

export const CUTOFF_BEHAVIORS = ['CONTINUE_TASK', 'CANCEL_TASK'] as const;
export type CutoffBehavior = (typeof CUTOFF_BEHAVIORS)[number];

/** One `Targets` entry as SSM takes it. */
export interface TargetSpec {
  Key: string;
  Values: string[];
}

export interface WindowTargetPlan {
  /** A UUID derived from the window and the target's Name. */
  windowTargetId: string;
  name: string;
  description?: string;
  resourceType: 'INSTANCE';
  /** `tag:<key>`, `tag-key` or `InstanceIds`; all keys must match. */
  targets: TargetSpec[];
  ownerInformation?: string;
}

export interface CloudWatchOutputConfig {
  CloudWatchLogGroupName?: string;
  CloudWatchOutputEnabled?: boolean;
}

export interface TaskNotificationConfig {
  NotificationArn: string;
  NotificationEvents?: string[];
  NotificationType?: 'Command' | 'Invocation';
}

/** TaskInvocationParameters.RunCommand. */
export interface RunCommandTaskParameters {
  /** Document parameters: SSM's lists of strings. */
  parameters: Record<string, string[]>;
  comment?: string;
  timeoutSeconds?: number;
  outputS3BucketName?: string;
  outputS3KeyPrefix?: string;
  cloudWatchOutputConfig?: CloudWatchOutputConfig;
  notificationConfig?: TaskNotificationConfig;
  serviceRoleArn?: string;
  documentVersion?: string;
}

/** TaskInvocationParameters.Automation. */
export interface AutomationTaskParameters {
  parameters: Record<string, string[]>;
  documentVersion?: string;
}

export interface WindowTaskPlan {
  /** A UUID derived from the window and the task's Name. */
  windowTaskId: string;
  name: string;
  description?: string;
  taskType: TaskType;
  /** The Command document (RUN_COMMAND) or the runbook (AUTOMATION). */
  taskArn: string;
  /** Lower runs first; equal priorities run in parallel. */
  priority: number;
  /** Registered targets (by their ids) or, with AllowUnassociatedTargets, node ids; absent: a targetless task. */
  targets?: { windowTargetIds?: string[]; instanceIds?: string[] };
  maxConcurrency?: string;
  maxErrors?: string;
  cutoffBehavior: CutoffBehavior;
  serviceRoleArn?: string;
  runCommand?: RunCommandTaskParameters;
  automation?: AutomationTaskParameters;
}

export interface WindowPlan {
  formatVersion: typeof WINDOW_PLAN_FORMAT;
  name: string;
  /** `mw-` and 17 hex digits, derived from the name. */
  windowId: string;
  description?: string;
  schedule: WindowScheduleFields;
  durationHours: number;
  cutoffHours: number;
  allowUnassociatedTargets: boolean;
  enabled: boolean;
  tags?: Record<string, string>;
  targets: WindowTargetPlan[];
  tasks: WindowTaskPlan[];
  /** Content hash of everything above: what `apply` compares. */
  hash: string;
  source?: { file: string };
}

/** Tasks grouped by priority, lowest first; each group runs in parallel. */
export function priorityGroups<T extends Pick<WindowTaskPlan, 'priority'>>(tasks: readonly T[]): T[][] {
  const byPriority = new Map<number, T[]>();
  for (const t of tasks) byPriority.set(t.priority, [...(byPriority.get(t.priority) ?? []), t]);
  return [...byPriority.entries()].sort(([a], [b]) => a - b).map(([, group]) => group);
}
