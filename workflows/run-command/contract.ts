// What the Run Command workflows, their activities, the client and the CLI agree on: the
// workflow types, inputs, results, the query and the signal. Pure (types and
// @temporalio/workflow definitions only), imported on both sides of Temporal.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type {
  CommandDocumentPlan,
  CommandStatus,
  InvocationResult,
  InvocationStatus,
  OutputDestination,
} from '../../agent/protocol';

/** Workflow types. The colon keeps them apart from runbook names (which are file names). */
export const RUN_COMMAND_WORKFLOW = 'drover:runCommand';
export const INVOCATION_WORKFLOW = 'drover:commandInvocation';

/** Activities the Run Command workflows need on the worker's own task queue. */
export const RUN_COMMAND_ACTIVITIES = {
  resolveTargets: 'drover:runCommand.resolveTargets',
  loadDocument: 'drover:runCommand.loadDocument',
  notify: 'drover:runCommand.notify',
} as const;

/** One `Targets` entry as SSM takes it: `tag:<key>`, `tag-key` or `InstanceIds`. */
export interface TargetSpec {
  Key: string;
  Values: string[];
}

/** Who the command is for, as the caller said it: `InstanceIds` or `Targets` (not both). */
export interface TargetSelection {
  instanceIds?: string[];
  targets?: TargetSpec[];
}

/** How one target's invocation is carried out. */
export type Route =
  /** A node with a Drover agent: the agent activity on the task queue its agent polls. */
  | { kind: 'agent'; taskQueue: string }
  /** An EC2 instance without a Drover agent: SSM SendCommand. */
  | { kind: 'ssm' }
  /** Nobody to deliver to: the invocation ends Undeliverable with this reason. */
  | { kind: 'undeliverable'; reason: string };

/**
 * Resolved targets, compact enough for 10,000 of them in one payload: the distinct routes
 * once, then `[targetId, routeIndex]` per target, in dispatch order.
 */
export interface ResolvedTargets {
  routes: Route[];
  targets: Array<[string, number]>;
}

/** SSM's NotificationConfig. */
export interface NotificationConfig {
  NotificationArn: string;
  /** All | InProgress | Success | TimedOut | Cancelled | Failed */
  NotificationEvents?: string[];
  /** Command: status changes of the command; Invocation: of each invocation. */
  NotificationType?: 'Command' | 'Invocation';
}

export const NOTIFICATION_EVENTS = ['All', 'InProgress', 'Success', 'TimedOut', 'Cancelled', 'Failed'] as const;

/** What a command carries to every invocation (the same for all targets). */
export interface CommandOptions extends OutputDestination {
  commandId: string;
  documentName: string;
  /** Compiled Command document; loaded by the workflow when absent (EC2-only commands do not need it). */
  document?: CommandDocumentPlan;
  parameters: Record<string, string | string[]>;
  /** SSM's TimeoutSeconds: how long an invocation may wait to be delivered. */
  deliveryTimeoutSeconds: number;
  /** How long the document may run on a node (from its timeoutSeconds / executionTimeout). */
  executionTimeoutSeconds: number;
  comment?: string;
  notificationConfig?: NotificationConfig;
  serviceRoleArn?: string;
  /** ISO time the command was sent. */
  requestedDateTime: string;
}

export interface CommandCounts {
  targetCount: number;
  /** Invocations that reached a final status. */
  completedCount: number;
  /** Failed or execution timed out (what MaxErrors counts). */
  errorCount: number;
  deliveryTimedOutCount: number;
  /** Final statuses by SSM status name. */
  byStatus: Partial<Record<InvocationStatus, number>>;
}

/** State carried across continue-as-new: counters and the window, never per-invocation outputs. */
export interface DispatchProgress {
  counts: CommandCounts;
  /** Targets whose invocation runs now (their child workflows signal back when they end). */
  running: string[];
  /** Concurrency allowed right now (SSM ramps up: 1, 2, 4, … up to MaxConcurrency). */
  window: number;
  /** MaxErrors was exceeded: nothing new starts. */
  stopped: boolean;
  /** The first target's result, for aws:runCommand's ResponseCode and Output. */
  first?: InvocationDone;
  /** Runs of this workflow so far (continue-as-new count + 1). */
  run: number;
  /** Invocations started so far (all runs). */
  started: number;
}

export interface RunCommandInput extends Omit<CommandOptions, 'deliveryTimeoutSeconds' | 'executionTimeoutSeconds' | 'requestedDateTime'> {
  selection: TargetSelection;
  /** Set once resolved; only the targets not started yet are carried across continue-as-new. */
  resolved?: ResolvedTargets;
  /** SSM syntax: a number or a percentage; default 50. */
  maxConcurrency?: string;
  /** SSM syntax: a number or a percentage; default 0. */
  maxErrors?: string;
  /** Delivery timeout, seconds; default 3600. */
  timeoutSeconds?: number;
  /** Overrides what the document says; rarely needed. */
  executionTimeoutSeconds?: number;
  requestedDateTime?: string;
  /** Who sent it: `cli`, `client`, `parent:<execution-id>`. */
  trigger: string;
  progress?: DispatchProgress;
  /** Tuning: events in one run before it continues as new (default 4,000). */
  continueAsNewAfterEvents?: number;
}

/** A finished invocation, as a child reports it to the command (small: no output). */
export interface InvocationDone {
  target: string;
  status: InvocationStatus;
  statusDetails: string;
  responseCode: number;
  /** Only for the first target (aws:runCommand's Output), truncated. */
  output?: string;
}

export interface InvocationInput extends CommandOptions {
  target: string;
  route: Route;
  /** The command's workflow id, to signal the end to. */
  parentId: string;
  /** Report the output back (the first target only). */
  reportOutput?: boolean;
}

/** A child's result: the invocation as SSM reports it (GetCommandInvocation), with its route. */
export interface InvocationRecord extends InvocationResult {
  documentName: string;
  requestedDateTime: string;
  comment?: string;
  route: Route['kind'];
}

/** The command as SSM's ListCommands reports it, plus Drover's counters. */
export interface CommandSummary {
  commandId: string;
  documentName: string;
  comment?: string;
  status: CommandStatus;
  /** SSM's StatusDetails: Pending, In Progress, Success, Incomplete, Failed, … */
  statusDetails: string;
  requestedDateTime: string;
  maxConcurrency: string;
  maxErrors: string;
  timeoutSeconds: number;
  targetsResolved: boolean;
  counts: CommandCounts;
  /** Targets whose invocation runs now. */
  running: string[];
  /** Why the command could not be dispatched at all (no such document, bad targets). */
  failureMessage?: string;
}

export interface RunCommandResult extends CommandSummary {
  /** Targets that never got an invocation: Terminated (MaxErrors exceeded) or Cancelled. */
  notStarted: { status: 'Terminated' | 'Cancelled'; targets: string[] };
  first?: InvocationDone;
}

/**
 * How an invocation run as an activity of the command ended, kept compact (a run holds up to
 * about a thousand): status, statusDetails, responseCode, and, when the node gave no result
 * (not delivered, agent gone, cancelled before it ran), the message the record carries as
 * standardErrorContent. A node's own result is in the run's history (ActivityTaskCompleted).
 */
export type InvocationEntry = [status: InvocationStatus, statusDetails: string, responseCode: number, message?: string];

/** The invocations a run of the command ran as activities: ended ones (its memo keeps them once the run closes) and running ones. */
export interface RunInvocations {
  runId: string;
  ended: Record<string, InvocationEntry>;
  running: string[];
}

/** Memo key under which each run of a command keeps, once it closes, the invocations it ran as activities. */
export const RUN_INVOCATIONS_MEMO = 'invocations';

/** Activity id of an invocation run by the command itself (unique in a run: a target is started once). */
export function invocationActivityId(target: string): string {
  return `invocation:${target}`;
}

export const commandStatusQuery = defineQuery<CommandSummary>('drover.commandStatus');
/** The current run's invocations run as activities (earlier runs keep theirs in their memo). */
export const commandInvocationsQuery = defineQuery<RunInvocations>('drover.commandInvocations');
/** The summary with the targets never started and the first result: what a cancelled command leaves. */
export const commandResultQuery = defineQuery<RunCommandResult>('drover.commandResult');
export const invocationDoneSignal = defineSignal<[InvocationDone]>('drover.invocationDone');

/** Child workflow ids: `<commandId>/<target>`, so a command's invocations are found by prefix too. */
export function invocationWorkflowId(commandId: string, target: string): string {
  return `${commandId}/${target}`;
}

/** Statuses after which an invocation does not change any more. */
export const FINAL_INVOCATION_STATUSES: readonly InvocationStatus[] = [
  'Success',
  'Cancelled',
  'TimedOut',
  'Failed',
  'Undeliverable',
  'Terminated',
];

export const FINAL_COMMAND_STATUSES: readonly CommandStatus[] = ['Success', 'Cancelled', 'Failed', 'TimedOut'];

/** SSM's defaults. */
export const DEFAULT_MAX_CONCURRENCY = '50';
export const DEFAULT_MAX_ERRORS = '0';
export const DEFAULT_DELIVERY_TIMEOUT_S = 3600;
export const DEFAULT_EXECUTION_TIMEOUT_S = 3600;
export const MAX_DELIVERY_TIMEOUT_S = 2_592_000;

/** The memo a command starts with (list-commands reads it from visibility; counters are added as it goes). */
export function commandMemo(i: Pick<RunCommandInput, 'documentName' | 'requestedDateTime' | 'maxConcurrency' | 'maxErrors' | 'timeoutSeconds' | 'comment'>): Record<string, unknown> {
  return {
    documentName: i.documentName,
    requestedDateTime: i.requestedDateTime,
    maxConcurrency: i.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY,
    maxErrors: i.maxErrors ?? DEFAULT_MAX_ERRORS,
    timeoutSeconds: i.timeoutSeconds ?? DEFAULT_DELIVERY_TIMEOUT_S,
    ...(i.comment ? { comment: i.comment } : {}),
  };
}

/**
 * Whether a signal's payload is an invocation's end the command can count. Anyone who can
 * reach Temporal can signal a command, and a handler that throws would fail its tasks for
 * good: a bad payload is recognised and ignored instead.
 */
export function isInvocationDone(x: unknown): x is InvocationDone {
  if (typeof x !== 'object' || x === null) return false;
  const d = x as Record<string, unknown>;
  return (
    typeof d.target === 'string' &&
    typeof d.status === 'string' &&
    typeof d.statusDetails === 'string' &&
    typeof d.responseCode === 'number' &&
    (d.output === undefined || typeof d.output === 'string')
  );
}
