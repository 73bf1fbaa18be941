// The remediation of one resource for one Config rule, as AWS Config does it: a NON_COMPLIANT
// change (automatic remediation) or a request (manual) runs the configuration's runbook as a
// child execution; the state goes QUEUED → IN_PROGRESS → SUCCEEDED | FAILED. A failed
// automatic attempt is retried while the resource stays NON_COMPLIANT, and once
// MaximumAutomaticAttempts attempts have failed within RetryAttemptSeconds the resource gets a
// remediation exception: nothing automatic runs for it until the exception is deleted (or
// expires). With ExecutionControls, each attempt first takes a turn from the rule's
// coordinator. The workflow lives as long as the resource is remediated, idle at no cost,
// and continues as new (carrying its state) long before its history grows large.
import {
  allHandlersFinished,
  ApplicationFailure,
  ChildWorkflowFailure,
  condition,
  continueAsNew,
  executeChild,
  getExternalWorkflowHandle,
  log,
  ParentClosePolicy,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { isRemediationConfig, remediationParameters, type RemediationConfig } from '../../lang/events/remediation';
import { resolveParameters } from '../../lang/parameters';
import { loadRunbook } from '../actions/activity';
import { SA_PLAN_HASH, SA_RUNBOOK, SA_STATUS, SA_TRIGGER, type ExecutionInput, type ExecutionResult } from '../definitions';
import { failClearly } from '../fail-clearly';
import {
  complianceSignal,
  deleteExceptionSignal,
  putExceptionSignal,
  REMEDIATION_ATTEMPTS_KEPT,
  REMEDIATION_HISTORY_LIMIT,
  REMEDIATION_MEMO_KEY,
  REMEDIATION_SEEN_KEPT,
  remediationControlWorkflowId,
  remediationStatusQuery,
  remediationTrigger,
  requestTurnSignal,
  releaseTurnSignal,
  retryDelayMs,
  startRemediationSignal,
  turnAnswerSignal,
  type RemediationAttempt,
  type RemediationCarry,
  type RemediationInput,
  type RemediationState,
  type RemediationStatus,
  type StartRemediationRequest,
  type TurnAnswer,
} from './remediation-contract';

/** How long to wait for a turn before asking the coordinator again (it may have continued as new). */
const TURN_ASK_AGAIN_MS = 5 * 60_000;

export function remediationWorkflow(input: RemediationInput): Promise<void> {
  return failClearly('the remediation', () => new Remediation(input).run());
}

class Remediation {
  private config: RemediationConfig;
  private readonly status: RemediationStatus;
  private failures: number[];
  private seenEvents: string[];
  private seenRequests: string[];
  private due: boolean;
  private manual: StartRemediationRequest | undefined;
  private retryAt = 0;
  private readonly answers = new Map<string, TurnAnswer>();
  private readonly historyLimit: number;
  private publishedStatus: string | undefined;

  constructor(private readonly input: RemediationInput) {
    if (!input || typeof input.configRuleName !== 'string' || typeof input.resourceId !== 'string' || !isRemediationConfig(input.config)) {
      throw ApplicationFailure.nonRetryable('a remediation needs configRuleName, resourceId and config', 'DroverInvalidRemediation');
    }
    const carry = input.carry;
    this.config = carry?.config ?? input.config;
    this.status = carry?.status ?? {
      configRuleName: input.configRuleName,
      resourceId: input.resourceId,
      ...(input.resourceType ? { resourceType: input.resourceType } : {}),
      automatic: this.config.automatic,
      runbook: this.config.targetId,
      attempts: [],
      totalAttempts: 0,
    };
    this.failures = (carry?.failures ?? []).map((t) => Date.parse(t));
    this.seenEvents = carry?.seenEvents ?? [];
    this.seenRequests = carry?.seenRequests ?? [];
    this.due = carry?.due ?? false;
    this.manual = carry?.manual;
    this.historyLimit = input.historyLimit ?? REMEDIATION_HISTORY_LIMIT;
  }

  async run(): Promise<void> {
    this.installHandlers();
    for (;;) {
      const timeout = this.nextWakeMs();
      const ready = () => this.wantsAttempt() || this.shouldContinueAsNew();
      if (timeout === undefined) await condition(ready);
      else await condition(ready, Math.max(1, timeout));
      this.expireException();
      if (this.wantsAttempt()) {
        const manual = this.manual;
        this.manual = undefined;
        await this.attempt(manual ? 'manual' : 'automatic', manual ? `request ${manual.requestId} by ${manual.by}` : (this.seenEvents.at(-1) ?? 'compliance change'));
        continue;
      }
      if (this.shouldContinueAsNew()) {
        await condition(allHandlersFinished);
        const carry: RemediationCarry = {
          status: this.status,
          config: this.config,
          failures: this.failures.map((t) => new Date(t).toISOString()),
          seenEvents: this.seenEvents,
          seenRequests: this.seenRequests,
          due: this.due,
          ...(this.manual ? { manual: this.manual } : {}),
        };
        await continueAsNew<typeof remediationWorkflow>({ ...this.input, config: this.config, carry });
      }
    }
  }

  private installHandlers(): void {
    setHandler(complianceSignal, (c) => {
      if (!c || typeof c.eventId !== 'string' || typeof c.evaluatedAt !== 'string' || !isRemediationConfig(c.config)) return log.warn('ignored a malformed compliance change');
      if (this.seen(this.seenEvents, c.eventId)) return;
      this.config = c.config;
      this.status.automatic = c.config.automatic;
      this.status.runbook = c.config.targetId;
      if (c.resourceType) this.status.resourceType = c.resourceType;
      // A change recorded before the one we hold arrived late: it says nothing new.
      if (this.status.evaluatedAt && c.evaluatedAt < this.status.evaluatedAt) return;
      this.status.compliance = c.compliance;
      this.status.evaluatedAt = c.evaluatedAt;
      if (c.compliance === 'NON_COMPLIANT') this.due = true;
      else {
        this.due = false;
        this.failures = [];
        this.retryAt = 0;
      }
      this.publish();
    });
    setHandler(startRemediationSignal, (r) => {
      if (!r || typeof r.requestId !== 'string' || !isRemediationConfig(r.config)) return log.warn('ignored a malformed remediation request');
      if (this.seen(this.seenRequests, r.requestId)) return;
      this.config = r.config;
      this.status.runbook = r.config.targetId;
      if (r.resourceType) this.status.resourceType = r.resourceType;
      this.manual = r;
    });
    setHandler(putExceptionSignal, (r) => {
      if (!r || typeof r.requestId !== 'string' || (r.config !== undefined && !isRemediationConfig(r.config))) return log.warn('ignored a malformed exception request');
      if (this.seen(this.seenRequests, r.requestId)) return;
      if (r.config) this.config = r.config;
      if (r.resourceType) this.status.resourceType = r.resourceType;
      this.status.exception = {
        message: r.message ?? `Excepted from remediation by ${r.by}.`,
        ...(r.expirationTime ? { expirationTime: r.expirationTime } : {}),
        createdBy: r.by,
        time: new Date().toISOString(),
      };
      this.publish();
    });
    setHandler(deleteExceptionSignal, (r) => {
      if (!r || typeof r.requestId !== 'string') return log.warn('ignored a malformed exception request');
      if (this.seen(this.seenRequests, r.requestId)) return;
      if (!this.status.exception) return;
      delete this.status.exception;
      // Automatic remediation resumes if the resource is still NON_COMPLIANT.
      this.failures = [];
      this.retryAt = 0;
      this.due = this.status.compliance === 'NON_COMPLIANT';
      this.publish();
    });
    setHandler(turnAnswerSignal, (a) => {
      if (a && typeof a.requestId === 'string') this.answers.set(a.requestId, a);
    });
    setHandler(remediationStatusQuery, () => ({ ...this.status, ...this.waitingNow() }));
  }

  /** Records an id; true when it was already there (a repeated delivery). */
  private seen(list: string[], id: string): boolean {
    if (list.includes(id)) return true;
    list.push(id);
    if (list.length > REMEDIATION_SEEN_KEPT) list.splice(0, list.length - REMEDIATION_SEEN_KEPT);
    return false;
  }

  private exceptionActive(): boolean {
    const e = this.status.exception;
    return !!e && !(e.expirationTime && Date.parse(e.expirationTime) <= Date.now());
  }

  private expireException(): void {
    if (this.status.exception && !this.exceptionActive()) {
      delete this.status.exception;
      this.failures = [];
      this.publish();
    }
  }

  private wantsAttempt(): boolean {
    if (this.manual) return true;
    return this.due && this.config.automatic && !this.exceptionActive() && this.retryAt <= Date.now();
  }

  private shouldContinueAsNew(): boolean {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength > this.historyLimit;
  }

  /** When to look again by the clock: a retry falling due, or an exception expiring. */
  private nextWakeMs(): number | undefined {
    const now = Date.now();
    const times: number[] = [];
    if (this.due && this.retryAt > now) times.push(this.retryAt - now);
    const exp = this.status.exception?.expirationTime;
    if (exp) times.push(Date.parse(exp) - now);
    return times.length ? Math.min(...times) : undefined;
  }

  private waitingNow(): Pick<RemediationStatus, 'waiting'> {
    if (this.status.state === 'QUEUED' || this.status.state === 'IN_PROGRESS') return {};
    if (!this.due || !this.config.automatic) return {};
    if (this.exceptionActive()) return { waiting: 'a remediation exception stops automatic remediation' };
    if (this.retryAt > Date.now()) return { waiting: `the next automatic attempt at ${new Date(this.retryAt).toISOString()}` };
    return {};
  }

  private async attempt(trigger: RemediationAttempt['trigger'], cause: string): Promise<void> {
    const config = this.config;
    const n = this.status.totalAttempts + 1;
    this.status.totalAttempts = n;
    const now = new Date().toISOString();
    const record: RemediationAttempt = { attempt: n, trigger, state: 'QUEUED', startTime: now, cause };
    this.status.attempts.push(record);
    if (this.status.attempts.length > REMEDIATION_ATTEMPTS_KEPT) this.status.attempts.splice(0, this.status.attempts.length - REMEDIATION_ATTEMPTS_KEPT);
    this.status.invocationTime = now;
    this.setState(record, 'QUEUED');
    const requestId = `${workflowInfo().workflowId}#${n}`;
    const turn = config.ssmControls ? await this.takeTurn(requestId) : { granted: true as const, controlled: false };
    let outcome: { state: RemediationState; failureMessage?: string };
    if (!turn.granted) {
      outcome = { state: 'FAILED', failureMessage: turn.reason };
    } else {
      this.setState(record, 'IN_PROGRESS');
      outcome = await this.runRunbook(config, n, record);
      if (turn.controlled) await this.releaseTurn(requestId, outcome.state === 'FAILED');
    }
    record.endTime = new Date().toISOString();
    if (outcome.failureMessage) record.failureMessage = outcome.failureMessage;
    this.setState(record, outcome.state);
    if (outcome.state === 'SUCCEEDED') {
      this.due = false;
      this.failures = [];
      return;
    }
    if (trigger !== 'automatic') return;
    // Config's limit on automatic attempts: MaximumAutomaticAttempts failures within RetryAttemptSeconds.
    const started = Date.parse(record.startTime);
    this.failures = [...this.failures, started].filter((t) => t > started - config.retryAttemptSeconds * 1000);
    if (this.failures.length >= config.maximumAutomaticAttempts) {
      this.status.exception = {
        message: `Automatic remediation failed ${this.failures.length} times within ${config.retryAttemptSeconds} seconds (MaximumAutomaticAttempts ${config.maximumAutomaticAttempts}); it stops until this exception is deleted.`,
        createdBy: 'automatic',
        time: new Date().toISOString(),
      };
      this.publish();
      return;
    }
    this.retryAt = Date.now() + retryDelayMs(config);
  }

  /** The runbook as a child execution; the attempt's state from how it ended. */
  private async runRunbook(config: RemediationConfig, n: number, record: RemediationAttempt): Promise<{ state: RemediationState; failureMessage?: string }> {
    let plan;
    try {
      plan = await loadRunbook(config.targetId);
    } catch (err) {
      return { state: 'FAILED', failureMessage: `the runbook ${config.targetId} cannot run: ${causeMessage(err)}` };
    }
    const { values, errors } = resolveParameters(plan.parameters, remediationParameters(config, this.status.resourceId));
    if (errors.length) return { state: 'FAILED', failureMessage: `${plan.name} refused its parameters: ${errors.map((e) => e.message).join('; ')}` };
    const trigger = remediationTrigger(config.configRuleName);
    const executionId = `${plan.name}/${trigger}:${this.status.resourceId}:${n}`;
    record.executionId = executionId;
    const args: ExecutionInput = { plan, parameters: values, trigger };
    try {
      const result = await executeChild<(i: ExecutionInput) => Promise<ExecutionResult>>(plan.name, {
        workflowId: executionId,
        taskQueue: workflowInfo().taskQueue,
        args: [args],
        memo: { parameters: values, remediation: { configRuleName: config.configRuleName, resourceId: this.status.resourceId, attempt: n } },
        staticSummary: `${plan.name} remediating ${this.status.resourceId} for Config rule ${config.configRuleName} (attempt ${n})`.slice(0, 190),
        // The execution is the remediation's record: it outlives this workflow's runs.
        parentClosePolicy: ParentClosePolicy.ABANDON,
        typedSearchAttributes: [
          { key: SA_RUNBOOK, value: plan.name },
          { key: SA_PLAN_HASH, value: plan.hash },
          { key: SA_TRIGGER, value: trigger },
        ],
      });
      return result.status === 'Success' ? { state: 'SUCCEEDED' } : { state: 'FAILED', failureMessage: result.failureMessage ?? `the runbook ended ${result.status}` };
    } catch (err) {
      if (err instanceof ChildWorkflowFailure) {
        const details = err.cause instanceof ApplicationFailure ? (err.cause.details?.[0] as ExecutionResult | undefined) : undefined;
        return { state: 'FAILED', failureMessage: details?.failureMessage ?? causeMessage(err) };
      }
      throw err;
    }
  }

  /** A turn from the rule's coordinator (ExecutionControls); without one, the attempt runs uncontrolled. */
  private async takeTurn(requestId: string): Promise<{ granted: true; controlled: boolean } | { granted: false; reason: string }> {
    const coordinator = getExternalWorkflowHandle(remediationControlWorkflowId(this.config.configRuleName));
    this.status.waiting = 'a turn (ExecutionControls)';
    for (;;) {
      try {
        await coordinator.signal(requestTurnSignal, { requestId, workflowId: workflowInfo().workflowId, resourceId: this.status.resourceId });
      } catch (err) {
        log.warn('no ExecutionControls coordinator to ask for a turn; remediating without it', { error: causeMessage(err) });
        delete this.status.waiting;
        return { granted: true, controlled: false };
      }
      if (await condition(() => this.answers.has(requestId), TURN_ASK_AGAIN_MS)) break;
    }
    delete this.status.waiting;
    const answer = this.answers.get(requestId)!;
    this.answers.delete(requestId);
    return answer.granted ? { granted: true, controlled: true } : { granted: false, reason: answer.reason ?? 'the ExecutionControls coordinator refused a turn' };
  }

  private async releaseTurn(requestId: string, failed: boolean): Promise<void> {
    try {
      await getExternalWorkflowHandle(remediationControlWorkflowId(this.config.configRuleName)).signal(releaseTurnSignal, { requestId, failed });
    } catch (err) {
      log.warn('could not give the turn back to the ExecutionControls coordinator', { error: causeMessage(err) });
    }
  }

  private setState(record: RemediationAttempt, state: RemediationState): void {
    record.state = state;
    this.status.state = state;
    this.publish();
  }

  /** Memo and search attributes: listing remediations needs no worker. */
  private publish(): void {
    this.status.lastUpdatedTime = new Date().toISOString();
    const { attempts, ...summary } = this.status;
    upsertMemo({ [REMEDIATION_MEMO_KEY]: { ...summary, lastAttempt: attempts.at(-1) } });
    const status = this.status.exception && this.exceptionActive() ? 'EXCEPTION' : (this.status.state ?? 'NONE');
    if (status !== this.publishedStatus) upsertSearchAttributes([{ key: SA_STATUS, value: status }]);
    this.publishedStatus = status;
  }
}

function causeMessage(err: unknown): string {
  let e = err as { message?: string; cause?: unknown } | undefined;
  while (e?.cause && typeof e.cause === 'object') e = e.cause as typeof e;
  return e?.message ?? String(err);
}
