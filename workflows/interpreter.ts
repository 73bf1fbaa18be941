// The one interpreter every runbook runs on. Registered as the worker's default workflow,
// so each runbook shows up in the Temporal UI under its own workflow type. Deterministic:
// it reads only the plan, the parameters, workflow time and activity results.
import {
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  log,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
  allHandlersFinished,
  condition,
} from '@temporalio/workflow';
import type { Plan, PlanStep } from '../lang/plan';
import { PLAN_FORMAT_VERSION } from '../lang/plan';
import { BUILTIN_CATALOG } from '../lang/catalog';
import { interpolate, formatAwsDate, type Scope } from '../lang/interpolate';
import { resolveParameters } from '../lang/parameters';
import {
  FAILURE_TYPES,
  SA_RUNBOOK,
  SA_STATUS,
  stateQuery,
  type ExecutionInput,
  type ExecutionResult,
  type Status,
} from './definitions';
import { ExecutionTracker } from './state';
import { classifyStepFailure, type StepFailure } from './failures';
import { runAction, type StepOutcome } from './actions';
import { ApprovalDesk } from './actions/approval';
import { fetchAwsContext } from './actions/activity';
import { Notifier } from './notifications';
import { secretValues } from '../lang/redact';

/** How a sequence of steps (the main steps, or one pass of a loop body) ended. */
export type SequenceEnd =
  | { kind: 'end' }
  | { kind: 'jump'; to: string }
  | { kind: 'abort'; failure: StepFailure; step: string };

/** AWS gives the onCancel path at most two minutes. */
const CANCEL_PATH_LIMIT_MS = 120_000;

export class Interpreter {
  readonly tracker: ExecutionTracker;
  readonly desk: ApprovalDesk;
  readonly notifier: Notifier;
  readonly variables: Record<string, unknown> = {};
  readonly stepOutputs: Record<string, Record<string, unknown>> = {};
  readonly executionId: string;
  private readonly root = CancellationScope.current();
  /** The innermost step that was running when the execution was cancelled: its onCancel applies. */
  private cancelledStep: PlanStep | undefined;
  private awsContext: Record<string, string> = {};
  private criticalFailure: { failure: StepFailure; step: string } | undefined;

  constructor(
    readonly plan: Plan,
    readonly parameters: Record<string, unknown>,
    readonly input: ExecutionInput,
  ) {
    this.executionId = workflowInfo().workflowId;
    this.tracker = new ExecutionTracker(plan, this.executionId, new Date());
    this.desk = new ApprovalDesk(this);
    this.notifier = new Notifier({ runbook: plan.name, executionId: this.executionId }, input.notifyTopicArn, secretValues(plan.parameters, parameters));
    for (const [name, spec] of Object.entries(plan.variables)) this.variables[name] = spec.default;
  }

  get catalog() {
    return BUILTIN_CATALOG;
  }

  /** True once the workflow itself has been asked to cancel (not just a step's timeout scope). */
  get cancelRequested(): boolean {
    return this.root.consideredCancelled;
  }

  scope(): Scope {
    const now = formatAwsDate(Date.now());
    return {
      parameters: this.parameters,
      variables: this.variables,
      stepOutputs: this.stepOutputs,
      builtins: {
        ...this.awsContext,
        'automation:EXECUTION_ID': this.executionId,
        'global:DATE': now.DATE,
        'global:DATE_TIME': now.DATE_TIME,
      },
    };
  }

  /** The step's inputs with every resolvable reference substituted, as of now. */
  inputsOf(step: PlanStep): Record<string, unknown> {
    const { Steps: _body, ...rest } = step.inputs;
    return interpolate(rest, this.scope()) as Record<string, unknown>;
  }

  publish(): void {
    setCurrentDetails(this.tracker.details());
  }

  setStatus(to: Status): void {
    // Only executions started with Drover's search attributes are indexed; a server without
    // them (the time-skipping test server) would refuse the upsert.
    if (this.tracker.setStatus(to, new Date()) && workflowInfo().typedSearchAttributes.get(SA_RUNBOOK) !== undefined) {
      upsertSearchAttributes([{ key: SA_STATUS, value: to }]);
    }
    // Also the first InProgress, which the tracker starts in: subscribers hear of the start.
    this.notifier.statusChanged(to, this.tracker.state.failureMessage);
    this.publish();
  }

  async run(): Promise<ExecutionResult> {
    if (this.plan.builtins.some((b) => b === 'global:ACCOUNT_ID' || b === 'global:REGION' || b === 'global:AWS_PARTITION')) {
      this.awsContext = await fetchAwsContext();
    }
    this.setStatus('InProgress');
    let end: SequenceEnd;
    try {
      end = await this.runSequence(this.plan.entry, undefined);
    } catch (err) {
      if (isCancellation(err) && this.cancelRequested) {
        await this.runCancelPath();
        await this.notifier.flush();
        throw err;
      }
      throw err;
    }
    const failed = end.kind === 'abort' ? end : this.criticalFailure;
    const status: Status = failed ? failed.failure.status : 'Success';
    const result: ExecutionResult = {
      status,
      outputs: this.runbookOutputs(),
      steps: this.tracker.state.steps,
    };
    if (failed) result.failureMessage = `step ${failed.step} ${failed.failure.status === 'TimedOut' ? 'timed out' : 'failed'}: ${failed.failure.message}`;
    this.tracker.state.outputs = result.outputs;
    if (result.failureMessage) this.tracker.state.failureMessage = result.failureMessage;
    this.setStatus(status);
    await this.notifier.flush();
    await condition(allHandlersFinished);
    if (status !== 'Success') {
      throw ApplicationFailure.create({
        type: status === 'TimedOut' ? FAILURE_TYPES.runbookTimedOut : FAILURE_TYPES.runbookFailed,
        message: result.failureMessage ?? status,
        nonRetryable: true,
        details: [result],
      });
    }
    return result;
  }

  /**
   * Runs steps from `entry` while they stay inside `loop` (undefined: the main steps).
   * A transition to a step outside this scope ends the sequence with a jump.
   */
  async runSequence(entry: string | null, loop: string | undefined): Promise<SequenceEnd> {
    let name = entry;
    while (name !== null) {
      const step = this.plan.steps[name];
      if (!step) throw ApplicationFailure.nonRetryable(`the plan has no step named ${name}`, FAILURE_TYPES.invalidPlan);
      if (step.parent !== loop) return { kind: 'jump', to: name };
      const outcome = await this.runStep(step);
      if (outcome.kind === 'abort') return outcome;
      if (outcome.kind === 'success') {
        if (outcome.jump !== undefined) {
          name = outcome.jump;
          continue;
        }
        // A branch's chosen step wins over isEnd, which ends the run only when nothing was
        // chosen (AWS's advice for branches; compiler/flow-graph.ts reads it the same way).
        if (step.isEnd && outcome.next === undefined) return { kind: 'end' };
        name = outcome.next !== undefined ? outcome.next : step.next;
        continue;
      }
      // Failed or TimedOut after every attempt.
      if (step.isCritical && !this.criticalFailure) this.criticalFailure = { failure: outcome.failure, step: step.name };
      const onFailure = step.onFailure;
      if (onFailure.kind === 'abort') return { kind: 'abort', failure: outcome.failure, step: step.name };
      if (onFailure.kind === 'step') name = onFailure.step;
      else name = step.isEnd ? null : step.next;
    }
    return { kind: 'end' };
  }

  /** One step with its attempts. Never throws for the step's own failures; cancellation passes through. */
  async runStep(step: PlanStep): Promise<StepOutcome | { kind: 'failure'; failure: StepFailure }> {
    const record = this.tracker.beginStep(step.name, new Date());
    this.publish();
    let failure: StepFailure | undefined;
    for (let attempt = 1; attempt <= step.maxAttempts; attempt++) {
      record.attempts = attempt;
      try {
        const outcome = await runAction(this, step, attempt, record.runs);
        if (outcome.kind === 'abort') {
          this.finishStep(step, outcome.failure.status, outcome.failure);
          return outcome;
        }
        this.stepOutputs[step.name] = { ...this.stepOutputs[step.name], ...outcome.outputs };
        record.outputs = { ...this.stepOutputs[step.name] };
        this.finishStep(step, 'Success');
        return outcome;
      } catch (err) {
        if (isCancellation(err) && this.cancelRequested) {
          this.markCancelled(step);
          throw err;
        }
        failure = classifyStepFailure(err);
        record.failureType = failure.type;
        record.failureMessage = failure.message;
        log.warn('step attempt failed', { step: step.name, attempt, of: step.maxAttempts, ...failure });
      }
    }
    const last = failure ?? { status: 'Failed' as const, type: 'Error', message: 'no attempt was made' };
    this.finishStep(step, last.status, last);
    return { kind: 'failure', failure: last };
  }

  /** Cancellation unwinds from the innermost running step outwards; each is marked Cancelled. */
  private markCancelled(step: PlanStep): void {
    this.cancelledStep ??= step;
    const r = this.tracker.record(step.name);
    if (r.status === 'InProgress' || r.status === 'Waiting') {
      r.failureMessage = 'cancelled';
      this.tracker.setStepStatus(step.name, 'Cancelled', new Date());
    }
  }

  private finishStep(step: PlanStep, status: Status, failure?: StepFailure): void {
    const record = this.tracker.record(step.name);
    if (failure) {
      record.failureType = failure.type;
      record.failureMessage = failure.message;
    }
    this.tracker.setStepStatus(step.name, status, new Date());
    if (failure && (status === 'Failed' || status === 'TimedOut')) this.notifier.stepFailed(step.name, status, failure.message);
    if (this.tracker.state.status === 'Waiting') this.setStatus('InProgress');
    this.publish();
  }

  /** On cancellation: the running step is Cancelled, then its onCancel path runs (two minutes at most). */
  private async runCancelPath(): Promise<void> {
    this.tracker.setWaiting(undefined);
    this.setStatus('Cancelling');
    const onCancel = this.cancelledStep?.onCancel;
    if (onCancel?.kind === 'step') {
      const target = this.plan.steps[onCancel.step];
      await CancellationScope.nonCancellable(async () => {
        try {
          await CancellationScope.withTimeout(CANCEL_PATH_LIMIT_MS, () => this.runSequence(onCancel.step, target?.parent));
        } catch (err) {
          log.warn('onCancel path did not finish', { step: onCancel.step, error: String(err) });
        }
      });
    }
    this.tracker.state.outputs = this.runbookOutputs();
    this.setStatus('Cancelled');
  }

  private runbookOutputs(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const ref of this.plan.outputs) {
      const dot = ref.indexOf('.');
      const value = this.stepOutputs[ref.slice(0, dot)]?.[ref.slice(dot + 1)];
      if (value !== undefined) out[ref] = value;
    }
    return out;
  }
}

/** The default workflow: runs any plan. */
export default async function runbook(input: ExecutionInput): Promise<ExecutionResult> {
  const plan = input?.plan;
  if (!plan || plan.formatVersion !== PLAN_FORMAT_VERSION || typeof plan.steps !== 'object') {
    throw ApplicationFailure.nonRetryable(
      `this worker runs plans of format version ${PLAN_FORMAT_VERSION}; got ${String(plan?.formatVersion)} (recompile the runbook with this version of Drover)`,
      FAILURE_TYPES.invalidPlan,
    );
  }
  const resolved = resolveParameters(plan.parameters, input.parameters ?? {});
  if (resolved.errors.length > 0) {
    throw ApplicationFailure.nonRetryable(
      `invalid parameters: ${resolved.errors.map((e) => e.message).join('; ')}`,
      FAILURE_TYPES.invalidPlan,
    );
  }
  const interpreter = new Interpreter(plan, resolved.values, input);
  setHandler(stateQuery, () => interpreter.tracker.state);
  interpreter.desk.registerHandlers();
  try {
    return await interpreter.run();
  } catch (err) {
    // A bug or a malformed plan must fail this execution with a message, not fail workflow
    // tasks forever; Temporal's own failures (cancellation, ApplicationFailure) pass as they are.
    if (err instanceof ApplicationFailure || isCancellation(err)) throw err;
    throw ApplicationFailure.nonRetryable(`the interpreter failed: ${err instanceof Error ? err.message : String(err)}`, 'DroverInterpreterError');
  }
}
