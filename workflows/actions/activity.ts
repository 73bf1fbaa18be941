// Actions carried out by activities. Retries inside one step attempt are Temporal's, for
// transient trouble only (a worker crash, throttling, 5xx): the activity marks its own
// failures non-retryable, and the step's maxAttempts counts whole attempts here.
import { ActivityCancellationType, scheduleActivity } from '@temporalio/workflow';
import { interpolate } from '../../lang/interpolate';
import type { Plan, PlanStep } from '../../lang/plan';
import type { Interpreter } from '../interpreter';
import { FAILURE_TYPES, SUPPORT_ACTIVITIES, type ActionRequest, type ActionResult } from '../definitions';
import type { StepOutcome } from './outcome';
import { StepError } from '../failures';
import { jsonSize, MAX_PAYLOAD_BYTES } from '../payload-budget';

/** When a step sets no timeout and its action has no default. */
const FALLBACK_TIMEOUT_S = 3600;

const TRANSIENT_RETRY = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '30s',
  maximumAttempts: 10,
  nonRetryableErrorTypes: [FAILURE_TYPES.actionFailed],
};

const SUPPORT_OPTIONS = { startToCloseTimeout: '30s', retry: TRANSIENT_RETRY } as const;

export async function runActivityAction(ip: Interpreter, step: PlanStep, attempt: number, run: number): Promise<StepOutcome> {
  const info = ip.catalog[step.action]!;
  const timeoutS = step.timeoutSeconds ?? info.defaultTimeoutSeconds ?? FALLBACK_TIMEOUT_S;
  const request: ActionRequest = {
    executionId: ip.executionId,
    runbook: ip.plan.name,
    step: step.name,
    action: step.action,
    attempt,
    run,
    inputs: ip.inputsOf(step),
    outputs: step.outputs,
    timeoutSeconds: timeoutS,
  };
  if (ip.plan.assumeRole) {
    const role = interpolate(ip.plan.assumeRole, ip.scope());
    // An optional AutomationAssumeRole left empty means: the worker's own credentials.
    if (typeof role === 'string' && role && !role.includes('{{')) request.assumeRole = role;
  }
  // A script attachment travels with the step that uses it (the plan carries it).
  const attachment = typeof request.inputs.Attachment === 'string' ? ip.plan.attachments?.[request.inputs.Attachment] : undefined;
  if (attachment) request.attachment = { name: request.inputs.Attachment as string, ...attachment };
  assertFits(request, 'inputs');
  const result = await scheduleActivity<ActionResult>(step.action, [request], {
    scheduleToCloseTimeout: timeoutS * 1000,
    heartbeatTimeout: info.heartbeatSeconds ? info.heartbeatSeconds * 1000 : undefined,
    // At most once (Lambda, webhooks): a crash fails the attempt instead of acting again.
    retry: info.atMostOnce ? { ...TRANSIENT_RETRY, maximumAttempts: 1 } : TRANSIENT_RETRY,
    cancellationType: ActivityCancellationType.TRY_CANCEL,
    summary: `${step.name} (${step.action})${run > 1 ? ` run ${run}` : ''}${attempt > 1 ? ` attempt ${attempt}` : ''}`,
  });
  return { kind: 'success', outputs: result.outputs };
}

/**
 * Temporal refuses a payload over 2 MiB, and a workflow task that schedules one fails again
 * and again: the step fails instead, saying so (its inputs are what made it large).
 */
export function assertFits(payload: unknown, what: string): void {
  const bytes = jsonSize(payload);
  if (bytes > MAX_PAYLOAD_BYTES) {
    throw new StepError(
      `the step's ${what} take ${bytes} bytes once interpolated, more than Temporal carries (${MAX_PAYLOAD_BYTES}); pass references to large data (an S3 object, a parameter name) instead of the data`,
      'PayloadTooLarge',
    );
  }
}

/** The runbook `name` from the worker's runbook folder, compiled there. */
export function loadRunbook(name: string): Promise<Plan> {
  return scheduleActivity<Plan>(SUPPORT_ACTIVITIES.loadRunbook, [{ name }], SUPPORT_OPTIONS);
}

/** global:ACCOUNT_ID, REGION and AWS_PARTITION, from the worker's AWS identity. */
export function fetchAwsContext(): Promise<Record<string, string>> {
  return scheduleActivity<Record<string, string>>(SUPPORT_ACTIVITIES.awsContext, [], SUPPORT_OPTIONS);
}
