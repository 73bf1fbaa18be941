// AWS Config remediation in Temporal: one long-lived workflow per Config rule and resource,
// `drover-remediation/<config rule>/<resource id>`, holding the resource's remediation state
// as Config does (QUEUED / IN_PROGRESS / SUCCEEDED / FAILED, the attempts, the remediation
// exception). Compliance changes arrive as signals (signal-with-start by the ingress); the
// CLI starts remediations and puts or deletes exceptions by signal, and reads the state by
// query. Pure: imported by the workflows and the client.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { RemediationConfig } from '../../lang/events/remediation';

export const REMEDIATION_WORKFLOW_TYPE = 'drover:remediation';
export const REMEDIATION_CONTROL_WORKFLOW_TYPE = 'drover:remediationControl';

export function remediationWorkflowId(configRuleName: string, resourceId: string): string {
  return `drover-remediation/${configRuleName}/${resourceId}`;
}

/** One per Config rule with ExecutionControls: it grants the rule's resources their turns. */
export function remediationControlWorkflowId(configRuleName: string): string {
  return `drover-remediation-control/${configRuleName}`;
}

/** The trigger (DroverTrigger) of the runbook executions a remediation starts. */
export const remediationTrigger = (configRuleName: string): string => `remediation:${configRuleName}`;

/** Config's RemediationExecutionState. */
export type RemediationState = 'QUEUED' | 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED';
export type ComplianceType = 'COMPLIANT' | 'NON_COMPLIANT' | 'NOT_APPLICABLE' | 'INSUFFICIENT_DATA';

export interface ComplianceChange {
  /** The event's id: a change delivered again is taken once. */
  eventId: string;
  compliance: ComplianceType;
  /** When Config recorded the evaluation (resultRecordedTime), else the event's time: an older change never overrides a newer one. */
  evaluatedAt: string;
  resourceType?: string;
  /** The configuration as the ingress loaded it (the latest one wins). */
  config: RemediationConfig;
}

export interface StartRemediationRequest {
  /** Makes the request idempotent. */
  requestId: string;
  by: string;
  config: RemediationConfig;
  resourceType?: string;
}

export interface PutExceptionRequest {
  requestId: string;
  by: string;
  message?: string;
  /** ISO 8601; the exception stops counting after it. */
  expirationTime?: string;
  config: RemediationConfig;
  resourceType?: string;
}

export interface DeleteExceptionRequest {
  requestId: string;
  by: string;
}

export interface RemediationAttempt {
  /** 1, 2, … over the resource's whole life (part of the execution id). */
  attempt: number;
  trigger: 'automatic' | 'manual';
  executionId?: string;
  state: RemediationState;
  startTime: string;
  endTime?: string;
  failureMessage?: string;
  /** The compliance change (event id) or manual request that asked for it. */
  cause: string;
}

export interface RemediationException {
  message: string;
  expirationTime?: string;
  /** `automatic` when Config's retry limit put it there, else who did. */
  createdBy: string;
  time: string;
}

export interface RemediationStatus {
  configRuleName: string;
  resourceId: string;
  resourceType?: string;
  /** The state of the latest attempt (absent before the first). */
  state?: RemediationState;
  compliance?: ComplianceType;
  evaluatedAt?: string;
  automatic: boolean;
  runbook: string;
  /** The latest attempts, newest last (at most REMEDIATION_ATTEMPTS_KEPT). */
  attempts: RemediationAttempt[];
  totalAttempts: number;
  exception?: RemediationException;
  /** Why no attempt runs now although the resource is NON_COMPLIANT (waiting for a retry, for a turn, …). */
  waiting?: string;
  invocationTime?: string;
  lastUpdatedTime?: string;
}

/** What one run carries into the next when it continues as new. */
export interface RemediationCarry {
  status: RemediationStatus;
  config: RemediationConfig;
  /** Start times of the recent failed automatic attempts (the exception window). */
  failures: string[];
  seenEvents: string[];
  seenRequests: string[];
  /** An automatic remediation is due (the resource is NON_COMPLIANT and was not remediated since). */
  due: boolean;
  manual?: StartRemediationRequest;
}

export interface RemediationInput {
  configRuleName: string;
  resourceId: string;
  config: RemediationConfig;
  resourceType?: string;
  carry?: RemediationCarry;
  /** Tuning (tests): events in one run before it continues as new. */
  historyLimit?: number;
}

export const complianceSignal = defineSignal<[ComplianceChange]>('drover.remediation.compliance');
export const startRemediationSignal = defineSignal<[StartRemediationRequest]>('drover.remediation.start');
export const putExceptionSignal = defineSignal<[PutExceptionRequest]>('drover.remediation.putException');
export const deleteExceptionSignal = defineSignal<[DeleteExceptionRequest]>('drover.remediation.deleteException');
export const remediationStatusQuery = defineQuery<RemediationStatus>('drover.remediation.status');

export const REMEDIATION_MEMO_KEY = 'remediation';
export const REMEDIATION_ATTEMPTS_KEPT = 20;
export const REMEDIATION_SEEN_KEPT = 100;
/** An attempt costs about 25 history events (28 with a retry timer): a run holds some 35 before it continues as new. */
export const REMEDIATION_HISTORY_LIMIT = 1000;

/**
 * Wait after a failed automatic attempt before the next: half the window spread over the
 * attempts, so that MaximumAutomaticAttempts quick failures fall within RetryAttemptSeconds.
 */
export function retryDelayMs(config: Pick<RemediationConfig, 'retryAttemptSeconds' | 'maximumAutomaticAttempts'>): number {
  return Math.max(1000, Math.floor((config.retryAttemptSeconds * 1000) / (2 * config.maximumAutomaticAttempts)));
}

// The ExecutionControls coordinator: a resource asks for a turn, gets it (or is refused once
// the rule's batch failed too often), and gives it back with the outcome.
export interface TurnRequest {
  requestId: string;
  workflowId: string;
  resourceId: string;
}
export interface TurnRelease {
  requestId: string;
  failed: boolean;
}
export interface TurnAnswer {
  requestId: string;
  granted: boolean;
  reason?: string;
}
export interface ControlInput {
  configRuleName: string;
  controls: { concurrentExecutionRatePercentage?: number; errorPercentage?: number };
  carry?: ControlState;
}
export interface ControlState {
  queue: TurnRequest[];
  running: TurnRequest[];
  /** Resources of the current batch (since the coordinator was last idle) and how many failed. */
  batchSize: number;
  batchFailed: number;
  /** Set once the batch's failures passed ErrorPercentage: the rest of the batch is refused. */
  stopped?: string;
}

export const requestTurnSignal = defineSignal<[TurnRequest]>('drover.remediation.requestTurn');
export const releaseTurnSignal = defineSignal<[TurnRelease]>('drover.remediation.releaseTurn');
export const configureControlSignal = defineSignal<[ControlInput['controls']]>('drover.remediation.configureControl');
export const turnAnswerSignal = defineSignal<[TurnAnswer]>('drover.remediation.turn');
export const controlStateQuery = defineQuery<ControlState & { limit: number }>('drover.remediation.control');

/** Config's defaults for SsmControls: 10 % at once, stop past 50 % errors. */
export const DEFAULT_RATE_PERCENT = 10;
export const DEFAULT_ERROR_PERCENT = 50;

/** How many of the batch may run at once: the percentage of the batch, at least one. */
export function turnLimit(ratePercent: number, batchSize: number): number {
  return Math.max(1, Math.floor((ratePercent * batchSize) / 100));
}

/** Whether the batch's failures exceed ErrorPercentage (as SSM's MaxErrors: more than the allowed count). */
export function errorsExceeded(errorPercent: number, batchSize: number, failed: number): boolean {
  return failed > Math.floor((errorPercent * batchSize) / 100);
}
