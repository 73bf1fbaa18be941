// The one place for what both sides of Temporal must agree on: update and query
// definitions, the execution's input and state shapes, search-attribute keys, task-queue
// and workflow-id conventions. Imported by workflows (so: @temporalio/workflow and pure
// modules only), by the client and by the CLI.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { OutputSpec, Plan } from '../lang/plan';
import type { ExecutionResume } from './continue-as-new';

/** Step and execution statuses, with AWS's names. */
export type Status = 'Pending' | 'InProgress' | 'Waiting' | 'Success' | 'TimedOut' | 'Cancelling' | 'Cancelled' | 'Failed';

export const FINAL_STATUSES: readonly Status[] = ['Success', 'TimedOut', 'Cancelled', 'Failed'];

export interface ExecutionInput {
  plan: Plan;
  /** Resolved and validated by the client (types converted, defaults applied). */
  parameters: Record<string, unknown>;
  /** Who or what started it: `cli`, `client`, `schedule:<id>`, `event:<rule>`, `parent:<id>`. */
  trigger: string;
  /** Optional SNS topic for status-change notifications. */
  notifyTopicArn?: string;
  /** Set by the interpreter when it continues as new: where and with what the next run goes on. */
  resume?: ExecutionResume;
  /** Tuning (tests): events in one run before it continues as new (default 5,000). */
  continueAsNewAfterEvents?: number;
}

export interface StepRecord {
  name: string;
  action: string;
  /** The enclosing aws:loop step, when nested. */
  parent?: string;
  status: Status;
  /** Attempts of the latest run of this step (maxAttempts counts them). */
  attempts: number;
  /** How many times the step ran (loops run inner steps once per iteration). */
  runs: number;
  startTime?: string;
  endTime?: string;
  outputs?: Record<string, unknown>;
  failureType?: string;
  failureMessage?: string;
  /** The outputs were left out of this answer to keep it under Temporal's payload limit. */
  outputsOmitted?: true;
}

export interface ApprovalDecision {
  approver: string;
  decision: 'Approved' | 'Rejected';
  comment?: string;
  time: string;
}

/** What an execution waits for, while its status is Waiting. */
export interface WaitingFor {
  step: string;
  kind: 'approve' | 'pause';
  approvers?: string[];
  minRequiredApprovals?: number;
  message?: string;
  decisions?: ApprovalDecision[];
}

export interface ExecutionState {
  executionId: string;
  runbook: string;
  planHash: string;
  status: Status;
  startTime: string;
  endTime?: string;
  currentStep?: string;
  steps: StepRecord[];
  outputs: Record<string, unknown>;
  failureMessage?: string;
  waiting?: WaitingFor;
  /** Set when parts were left out to keep the answer under Temporal's payload limit: what, and why. */
  truncated?: string;
}

export interface ExecutionResult {
  status: Status;
  outputs: Record<string, unknown>;
  failureMessage?: string;
  steps: StepRecord[];
  /** Set when parts were left out to keep the result under Temporal's payload limit: what, and why. */
  truncated?: string;
}

export interface DecisionInput {
  /** Who decides: a user name or ARN, matched against the step's Approvers. */
  approver: string;
  comment?: string;
}

export interface ResumeInput {
  by: string;
}

export const stateQuery = defineQuery<ExecutionState>('drover.state');
export const approveUpdate = defineUpdate<ExecutionState, [DecisionInput]>('drover.approve');
export const rejectUpdate = defineUpdate<ExecutionState, [DecisionInput]>('drover.reject');
export const resumeUpdate = defineUpdate<ExecutionState, [ResumeInput]>('drover.resume');

export const SA_RUNBOOK = defineSearchAttributeKey('DroverRunbook', SearchAttributeType.KEYWORD);
export const SA_PLAN_HASH = defineSearchAttributeKey('DroverPlanHash', SearchAttributeType.KEYWORD);
export const SA_TRIGGER = defineSearchAttributeKey('DroverTrigger', SearchAttributeType.KEYWORD);
export const SA_STATUS = defineSearchAttributeKey('DroverStatus', SearchAttributeType.KEYWORD);
/** Run Command: on a command and on each of its invocations (child workflows). */
export const SA_COMMAND_ID = defineSearchAttributeKey('DroverCommandId', SearchAttributeType.KEYWORD);

/** Managed nodes (the registry's `drover-node/<id>` workflows): `key=value` of each tag, platformType, agent version. */
export const SA_NODE_TAGS = defineSearchAttributeKey('DroverNodeTags', SearchAttributeType.KEYWORD_LIST);
export const SA_NODE_PLATFORM = defineSearchAttributeKey('DroverNodePlatform', SearchAttributeType.KEYWORD);
export const SA_AGENT_VERSION = defineSearchAttributeKey('DroverAgentVersion', SearchAttributeType.KEYWORD);
/** Patch compliance (the `drover-patch/<id>` workflows, which also carry DroverNodeTags): COMPLIANT or NON_COMPLIANT. */
export const SA_PATCH_COMPLIANCE = defineSearchAttributeKey('DroverPatchCompliance', SearchAttributeType.KEYWORD);

/** Maintenance windows: the window's name on its schedule and executions; SSM's WindowExecutionId on each execution. */
export const SA_WINDOW = defineSearchAttributeKey('DroverWindow', SearchAttributeType.KEYWORD);
export const SA_WINDOW_EXECUTION_ID = defineSearchAttributeKey('DroverWindowExecutionId', SearchAttributeType.KEYWORD);

/** Every search attribute Drover needs registered on the namespace. */
export const SEARCH_ATTRIBUTES = [SA_RUNBOOK, SA_PLAN_HASH, SA_TRIGGER, SA_STATUS, SA_COMMAND_ID, SA_NODE_TAGS, SA_NODE_PLATFORM, SA_AGENT_VERSION, SA_PATCH_COMPLIANCE, SA_WINDOW, SA_WINDOW_EXECUTION_ID] as const;

export const DEFAULT_TASK_QUEUE = 'drover';

/** Execution ids are `<runbook>/<key>`, so the id says which runbook runs. */
export function executionId(runbook: string, key: string): string {
  return `${runbook}/${key}`;
}

/** What the interpreter hands the activity of an action. */
export interface ActionRequest {
  executionId: string;
  runbook: string;
  step: string;
  action: string;
  /** 1-based attempt of the step (its maxAttempts), not Temporal's retry attempt. */
  attempt: number;
  /** Which run of the step this is (loops run inner steps once per iteration). */
  run: number;
  /** Interpolated inputs. */
  inputs: Record<string, unknown>;
  /** User-declared outputs to select from the action's result. */
  outputs: OutputSpec[];
  assumeRole?: string;
  timeoutSeconds?: number;
  /** aws:executeScript with an `Attachment`: that file of the plan's attachments (base64). */
  attachment?: { name: string; sha256: string; content: string };
}

export interface ActionResult {
  /** Predefined outputs of the action and the selected user outputs. */
  outputs: Record<string, unknown>;
}

/** Failure types that cross from activities to the interpreter. */
export const FAILURE_TYPES = {
  /** The action ran and failed for a reason of its own (bad input, script error, AWS refusal). */
  actionFailed: 'DroverActionFailed',
  /** A runbook execution failed or timed out (the workflow's own failure). */
  runbookFailed: 'DroverRunbookFailed',
  runbookTimedOut: 'DroverRunbookTimedOut',
  /** The plan handed to the interpreter cannot run (format version, malformed). */
  invalidPlan: 'DroverInvalidPlan',
} as const;

/** Activities the interpreter itself needs, besides the actions' own. */
export const SUPPORT_ACTIVITIES = {
  loadRunbook: 'drover:loadRunbook',
  awsContext: 'drover:awsContext',
  /** Publishes a NotifyRequest to SNS (best effort). */
  notify: 'drover:notify',
} as const;

/** What Drover publishes to an execution's SNS topic (JSON), and aws:approve to its NotificationArn. */
export interface NotificationMessage {
  event: 'ExecutionStatusChanged' | 'StepFailed' | 'ApprovalRequested';
  /** Counts the execution's messages from 1: SNS does not keep order, subscribers can. */
  seq: number;
  runbook: string;
  executionId: string;
  /** The execution's new status; for StepFailed the step's (Failed or TimedOut). */
  status: Status;
  step?: string;
  failureMessage?: string;
  /** ApprovalRequested: the step's Message, approvers and approvals needed. */
  message?: string;
  approvers?: string[];
  minRequiredApprovals?: number;
  /** Workflow time of the change, ISO 8601. */
  time: string;
  /** The execution in the Temporal UI; added by the activity, which knows the UI's address. */
  link?: string;
}

export interface NotifyRequest {
  topicArn: string;
  message: NotificationMessage;
}
