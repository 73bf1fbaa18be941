// The one interpreter every runbook runs on. Registered as the worker's default workflow,
// so each runbook shows up in the Temporal UI under its own workflow type. Deterministic:
// it reads only the plan, the parameters, workflow time and activity results.
import {
  ApplicationFailure,
  CancellationScope,
  ContinueAsNew,
  isCancellation,
  log,
  makeContinueAsNewFunc,
  patched,
  setCurrentDetails,
  setHandler,
  TemporalFailure,
  upsertSearchAttributes,
  workflowInfo,
  WorkflowError,
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
  type ExecutionState,
  type Status,
} from './definitions';
import { ExecutionTracker } from './state';
import { classifyStepFailure, type StepFailure } from './failures';
import { runAction, type StepOutcome } from './actions';
import { ApprovalDesk } from './actions/approval';
import { fetchAwsContext } from './actions/activity';
import { Notifier } from './notifications';
import { secretValues } from '../lang/redact';
import { fitState, jsonSize, MAX_PAYLOAD_BYTES } from './payload-budget';
import {
  HISTORY_BYTES_BUDGET,
  HISTORY_EVENTS_BUDGET,
  restoreState,
  stateToCarry,
  type ExecutionResume,
  type LoopFrame,
} from './continue-as-new';

/** How a sequence of steps (the main steps, or one pass of a loop body) ended. */
export type SequenceEnd =
  | { kind: 'end' }
  | { kind: 'jump'; to: string }
  | { kind: 'abort'; failure: StepFailure; step: string };

/** AWS gives the onCancel path at most two minutes. */
const CANCEL_PATH_LIMIT_MS = 120_000;
/** Executions started before Drover continued as new replay without it. */
const CONTINUE_AS_NEW_PATCH = 'drover-continue-as-new';
/** Executions whose onCancel path ran before it could time out a step or leave a loop replay as they ran. */
const CANCEL_PATH_PATCH = 'drover-cancel-path';

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
  /** The scope of the onCancel path while it runs (its two-minute limit cancels it). */
  private cancelPath: CancellationScope | undefined;
  private awsContext: Record<string, string> = {};
  private criticalFailure: { failure: StepFailure; step: string } | undefined;
  /** The aws:loop steps running now, outermost first: where a continue-as-new goes on. */
  readonly loops: LoopFrame[] = [];
  /** In a run that continues an execution: the loops and the step to go back into, consumed on the way. */
  private resumeAt: Pick<ExecutionResume, 'at' | 'loops'> | undefined;
  /** Runs of this execution, this one included. */
  private readonly runNumber: number;
  /** False once the state to carry proved too large for a continue-as-new. */
  private canCarry = true;

  constructor(
    readonly plan: Plan,
    readonly parameters: Record<string, unknown>,
    readonly input: ExecutionInput,
  ) {
    this.executionId = workflowInfo().workflowId;
    this.desk = new ApprovalDesk(this);
    this.notifier = new Notifier({ runbook: plan.name, executionId: this.executionId }, input.notifyTopicArn, secretValues(plan.parameters, parameters));
    const resume = input.resume;
    if (resume) {
      Object.assign(this.variables, resume.variables);
      Object.assign(this.stepOutputs, resume.stepOutputs);
      this.tracker = ExecutionTracker.restore(plan, restoreState(resume.state, this.stepOutputs));
      this.criticalFailure = resume.criticalFailure;
      this.awsContext = resume.awsContext;
      this.notifier.resumeFrom(resume.notifications);
      this.resumeAt = { at: resume.at, loops: resume.loops.map((f) => ({ ...f })) };
      this.runNumber = resume.run + 1;
    } else {
      this.tracker = new ExecutionTracker(plan, this.executionId, new Date());
      for (const [name, spec] of Object.entries(plan.variables)) this.variables[name] = spec.default;
      this.runNumber = 1;
    }
  }

  get catalog() {
    return BUILTIN_CATALOG;
  }

  /**
   * True once the workflow itself has been asked to cancel (not just a step's timeout scope).
   * In the onCancel path, which cancellation cannot reach, it means the path ran out of time:
   * a step of the path that times out on its own is TimedOut there too, and takes its onFailure.
   */
  get cancelRequested(): boolean {
    if (this.cancelPath && patched(CANCEL_PATH_PATCH)) return this.cancelPath.consideredCancelled;
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

  /** The state as queries and updates answer it: within Temporal's payload limit. */
  visibleState(): ExecutionState {
    return fitState(this.tracker.state);
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
    let end: SequenceEnd;
    try {
      // Inside the try: an execution cancelled this early still ends Cancelled in its state.
      if (this.resumeAt) {
        this.publish();
      } else {
        if (this.plan.builtins.some((b) => b === 'global:ACCOUNT_ID' || b === 'global:REGION' || b === 'global:AWS_PARTITION')) {
          this.awsContext = await fetchAwsContext();
        }
        this.setStatus('InProgress');
      }
      end = await this.runSequence(this.resumeAt ? (this.resumeAt.loops[0]?.step ?? this.resumeAt.at) : this.plan.entry, undefined);
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
    const full: ExecutionResult = {
      status,
      outputs: this.runbookOutputs(),
      steps: this.tracker.state.steps,
    };
    if (failed) full.failureMessage = `step ${failed.step} ${failed.failure.status === 'TimedOut' ? 'timed out' : 'failed'}: ${failed.failure.message}`;
    this.tracker.state.outputs = full.outputs;
    if (full.failureMessage) this.tracker.state.failureMessage = full.failureMessage;
    // A result over Temporal's payload limit would fail every workflow task from here on.
    const result = fitState(full);
    if (result.truncated) log.warn('the result is cut to fit Temporal', { truncated: result.truncated });
    this.setStatus(status);
    // The outcome is decided: a cancellation arriving while the last notifications go out
    // or handlers finish must not turn a finished execution into a cancelled one.
    await CancellationScope.nonCancellable(async () => {
      await this.notifier.flush();
      await condition(allHandlersFinished);
    });
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
      if (!this.resumeAt) await this.continueAsNewIfDue(name);
      else if (this.resumeAt.at === name && this.resumeAt.loops.length === 0) this.resumeAt = undefined;
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
    // A loop the previous run was in goes on with its record (runs, attempts) as it was.
    const resuming = this.resumeAt?.loops[0]?.step === step.name;
    const record = resuming ? this.tracker.record(step.name) : this.tracker.beginStep(step.name, new Date());
    this.publish();
    let failure: StepFailure | undefined;
    for (let attempt = resuming ? Math.max(1, record.attempts) : 1; attempt <= step.maxAttempts; attempt++) {
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
        if (err instanceof ContinueAsNew) throw err;
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

  /** In a run that continues an execution: the loop `name` goes on with this frame, its body at `entry`. */
  resumeLoop(name: string): { frame: LoopFrame; entry: string } | undefined {
    const r = this.resumeAt;
    if (r?.loops[0]?.step !== name) return undefined;
    const frame = r.loops.shift()!;
    return { frame, entry: r.loops[0]?.step ?? r.at };
  }

  /**
   * Between steps, when this run's history has grown large: continues as new, carrying the
   * state and where to go on (`next`, inside the loops running now). Never in the onCancel
   * path, and never with a state too large to carry (then the history keeps growing).
   */
  private async continueAsNewIfDue(next: string): Promise<void> {
    if (!this.canCarry || this.cancelPath || this.cancelRequested) return;
    const info = workflowInfo();
    const due =
      info.continueAsNewSuggested || info.historyLength > (this.input.continueAsNewAfterEvents ?? HISTORY_EVENTS_BUDGET) || info.historySize > HISTORY_BYTES_BUDGET;
    if (!due || !patched(CONTINUE_AS_NEW_PATCH)) return;
    const resume: ExecutionResume = {
      at: next,
      loops: this.loops.map((f) => ({ ...f })),
      state: stateToCarry(this.tracker.state),
      variables: this.variables,
      stepOutputs: this.stepOutputs,
      awsContext: this.awsContext,
      notifications: this.notifier.progress,
      run: this.runNumber,
    };
    if (this.criticalFailure) resume.criticalFailure = this.criticalFailure;
    const nextInput: ExecutionInput = { ...this.input, resume };
    const size = jsonSize(nextInput);
    if (size > MAX_PAYLOAD_BYTES) {
      this.canCarry = false;
      log.warn('the execution cannot continue as new: its state is too large to carry', { bytes: size, historyLength: info.historyLength });
      return;
    }
    // Nothing may be left behind: notifications still on their way, decisions being handled.
    await this.notifier.flush();
    await condition(allHandlersFinished);
    log.info('continuing as new', { run: this.runNumber, next, historyLength: info.historyLength, historySize: info.historySize });
    await makeContinueAsNewFunc<typeof runbook>()(nextInput);
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
          await CancellationScope.withTimeout(CANCEL_PATH_LIMIT_MS, async () => {
            this.cancelPath = CancellationScope.current();
            let end = await this.runSequence(onCancel.step, target?.parent);
            // A path that leaves a loop goes on outside it, as it would have without the cancel.
            while (end.kind === 'jump' && patched(CANCEL_PATH_PATCH)) end = await this.runSequence(end.to, this.plan.steps[end.to]?.parent);
          });
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
  try {
    const resolved = resolveParameters(plan.parameters, input.parameters ?? {});
    if (resolved.errors.length > 0) {
      throw ApplicationFailure.nonRetryable(
        `invalid parameters: ${resolved.errors.map((e) => e.message).join('; ')}`,
        FAILURE_TYPES.invalidPlan,
      );
    }
    const interpreter = new Interpreter(plan, resolved.values, input);
    setHandler(stateQuery, () => interpreter.visibleState());
    interpreter.desk.registerHandlers();
    return await interpreter.run();
  } catch (err) {
    // A bug or a malformed plan must fail this execution with a message, not fail workflow
    // tasks forever; Temporal's own (failures, cancellation, continue-as-new, a determinism
    // violation that a fixed deployment must be able to replay) pass as they are.
    if (err instanceof TemporalFailure || err instanceof ContinueAsNew || err instanceof WorkflowError || isCancellation(err)) throw err;
    throw ApplicationFailure.nonRetryable(`the interpreter failed: ${err instanceof Error ? err.message : String(err)}`, 'DroverInterpreterError');
  }
}
