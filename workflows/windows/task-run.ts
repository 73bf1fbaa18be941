// One task of a window execution (SSM's task execution), from its start to its status.
//
// RUN_COMMAND: one `drover:runCommand` child over all the task's targets, which does SSM's
// rate control itself (MaxConcurrency, MaxErrors); its invocations are the task's. When the
// parameters need a value per target ({{INVOCATION_ID}}, or {{WINDOW_TARGET_ID}} over
// several window targets), one command per target instead, rate-controlled here.
// AUTOMATION: one runbook execution per target ({{TARGET_ID}}), or one for a targetless
// task, each a child workflow of its runbook, rate-controlled here.
//
// At the cutoff, a CANCEL_TASK task stops: Run Command is cancelled (TIMED_OUT), other tasks
// start no new invocation (the running ones go on). At the end of the window everything
// still running is cancelled and TIMED_OUT.
import {
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  ChildWorkflowCancellationType,
  ChildWorkflowFailure,
  condition,
  executeChild,
  isCancellation,
  workflowInfo,
} from '@temporalio/workflow';
import type { Plan } from '../../lang/plan';
import { resolveParameters } from '../../lang/parameters';
import { stableUuid } from '../../lang/windows/stable-id';
import type { WindowPlan, WindowTaskPlan } from '../../lang/windows/plan';
import { pseudoReferences, substitutePseudo, TARGET_TYPE_INSTANCE, type PseudoParameter } from '../../lang/windows/pseudo-parameters';
import { executionId as runbookExecutionId, SA_COMMAND_ID, SA_PLAN_HASH, SA_RUNBOOK, SA_STATUS, SA_TRIGGER, type ExecutionInput, type ExecutionResult } from '../definitions';
import {
  commandMemo,
  DEFAULT_MAX_CONCURRENCY,
  DEFAULT_MAX_ERRORS,
  RUN_COMMAND_WORKFLOW,
  type RunCommandInput,
  type RunCommandResult,
} from '../run-command/contract';
import { concurrencyLimit, errorAllowance, parseRate } from '../run-command/rate-control';
import { loadRunbook } from '../actions/activity';
import type { InvocationRecord, TaskExecutionRecord, WindowStatus } from '../window-contract';
import { emptyTally, invocationStatus, tallyCommand, tallyInvocation, taskStatus, taskStatusDetails, type TaskTally } from './status';
import { asResolved, type TargetResolver, type TaskTarget } from './targets';

export interface TaskContext {
  window: WindowPlan;
  windowExecutionId: string;
  /** Whether Drover's search attributes are registered (children are indexed like the window). */
  indexed: boolean;
  resolver: TargetResolver;
  /** Something changed: the window republishes its details. */
  changed(): void;
}

const now = () => new Date().toISOString();
const message = (err: unknown): string => {
  const cause = err instanceof Error && 'cause' in err && err.cause instanceof Error ? err.cause : err;
  return cause instanceof Error ? cause.message : String(cause);
};

/** Targets a task run per target (runbooks, or a command each) takes: their records stay well under Temporal's 2 MB payloads. */
export const MAX_PER_TARGET = 1000;

/** Why work was stopped by the clock. */
type StopReason = 'cutoff' | 'end';

export class TaskRun {
  readonly record: TaskExecutionRecord;
  private readonly tally: TaskTally = emptyTally();
  /** No new invocation starts (the cutoff under CANCEL_TASK, or the end). */
  private stopped: StopReason | undefined;
  /** Running work, each in a scope of its own that the clock may cancel. */
  private readonly scopes = new Set<CancellationScope>();
  /** Scopes the clock cancelled: their work ends TIMED_OUT. */
  private readonly stoppedScopes = new WeakSet<CancellationScope>();

  constructor(
    private readonly ctx: TaskContext,
    readonly task: WindowTaskPlan,
  ) {
    this.record = {
      taskExecutionId: stableUuid(ctx.windowExecutionId, 'task', task.windowTaskId),
      windowTaskId: task.windowTaskId,
      name: task.name,
      taskArn: task.taskArn,
      taskType: task.taskType,
      priority: task.priority,
      status: 'PENDING',
      statusDetails: 'Pending',
      invocations: [],
    };
  }

  /** Never started: the clock or a cancellation kept it from starting. */
  notStarted(status: WindowStatus, statusDetails: string): void {
    this.record.status = status;
    this.record.statusDetails = statusDetails;
  }

  /** The cutoff passed; only CANCEL_TASK tasks act on it. */
  cutoff(): void {
    if (this.task.cutoffBehavior !== 'CANCEL_TASK' || this.stopped) return;
    this.stopped = 'cutoff';
    // Run Command is cancelled; other task types only start nothing new.
    if (this.task.taskType === 'RUN_COMMAND') this.cancelRunning();
  }

  /** The window ended: everything still running stops. */
  end(): void {
    this.stopped = 'end';
    this.cancelRunning();
  }

  private cancelRunning(): void {
    for (const scope of this.scopes) {
      this.stoppedScopes.add(scope);
      scope.cancel();
    }
  }

  private pseudoBase(): Partial<Record<PseudoParameter, string>> {
    return {
      WINDOW_ID: this.ctx.window.windowId,
      WINDOW_TASK_ID: this.task.windowTaskId,
      WINDOW_EXECUTION_ID: this.ctx.windowExecutionId,
      TASK_EXECUTION_ID: this.record.taskExecutionId,
    };
  }

  async run(): Promise<void> {
    const r = this.record;
    r.status = 'IN_PROGRESS';
    r.statusDetails = 'In progress';
    r.startTime = now();
    this.ctx.changed();
    try {
      if (this.task.taskType === 'RUN_COMMAND' && !this.perTarget()) await this.runOneCommand();
      else if (this.task.taskType === 'RUN_COMMAND' || this.task.taskType === 'AUTOMATION') await this.runPerTarget();
      else throw new Error(`${this.task.taskType} tasks are not run by Drover yet`);
      r.status = taskStatus(this.tally);
      r.statusDetails = this.details();
    } catch (err) {
      if (isCancellation(err) && this.stopped) {
        r.status = 'TIMED_OUT';
        r.statusDetails = `Stopped by the ${this.stopped === 'end' ? 'end of the window' : 'cutoff'}.`;
      } else {
        r.status = 'FAILED';
        r.statusDetails = `The task could not run: ${message(err)}`;
      }
    }
    r.endTime = now();
    this.ctx.changed();
  }

  private details(): string {
    const total = this.tally.succeeded + this.tally.failed + this.tally.timedOut + this.tally.cancelled + this.tally.stoppedByTime;
    const base = taskStatusDetails(this.tally, total);
    return this.stopped ? `${base} The ${this.stopped === 'end' ? 'window ended' : 'cutoff was reached'} while it ran.` : base;
  }

  /** Parameters that differ per target need one command per target. */
  private perTarget(): boolean {
    const refs = pseudoReferences(this.task.runCommand);
    const t = this.task.targets;
    const oneWindowTarget = (t?.windowTargetIds?.length ?? 0) === 1 && !t?.instanceIds?.length;
    return refs.has('INVOCATION_ID') || refs.has('TARGET_ID') || refs.has('RESOURCE_ID') || (refs.has('WINDOW_TARGET_ID') && !oneWindowTarget);
  }

  /** Runs `work` in a scope of its own, which the clock may cancel; reports whether it did. */
  private async inScope<T>(work: () => Promise<T>): Promise<{ value?: T; error?: unknown; stoppedByTime: boolean }> {
    const scope = new CancellationScope();
    this.scopes.add(scope);
    try {
      return { value: await scope.run(work), stoppedByTime: this.stoppedScopes.has(scope) };
    } catch (error) {
      return { error, stoppedByTime: this.stoppedScopes.has(scope) };
    } finally {
      this.scopes.delete(scope);
    }
  }

  // RUN_COMMAND as one command over every target.

  private async runOneCommand(): Promise<void> {
    const targets = await this.ctx.resolver.targetsOf(this.task);
    this.record.targets = targets.map((t) => t.nodeId);
    if (targets.length === 0) return;
    if (this.stopped) {
      // The clock stopped the task while its targets were being resolved: nothing is sent.
      this.tally.stoppedByTime = targets.length;
      return;
    }
    const single = this.task.targets?.windowTargetIds?.length === 1 && !this.task.targets.instanceIds?.length ? this.task.targets.windowTargetIds[0] : undefined;
    const values = { ...this.pseudoBase(), TARGET_TYPE: TARGET_TYPE_INSTANCE, ...(single ? { WINDOW_TARGET_ID: single } : {}) };
    const commandId = stableUuid(this.record.taskExecutionId, 'command');
    this.record.command = { commandId };
    this.ctx.changed();
    const outcome = await this.inScope(() => this.startCommand(commandId, targets, values, this.task.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY, this.task.maxErrors ?? DEFAULT_MAX_ERRORS));
    const result = outcome.value ?? commandResultOf(outcome.error);
    if (!result && !(isCancelled(outcome.error) && outcome.stoppedByTime)) throw outcome.error;
    this.record.command = { commandId, ...(result ? { counts: result.counts, status: result.status, statusDetails: result.statusDetails } : { status: 'Cancelled', statusDetails: 'Cancelled' }) };
    Object.assign(this.tally, tallyCommand(result?.counts, result?.status, outcome.stoppedByTime));
  }

  private startCommand(commandId: string, targets: readonly TaskTarget[], values: Partial<Record<PseudoParameter, string>>, maxConcurrency: string, maxErrors: string): Promise<RunCommandResult> {
    const rc = this.task.runCommand!;
    const input: RunCommandInput = {
      commandId,
      documentName: this.task.taskArn,
      parameters: substitutePseudo(rc.parameters, values),
      selection: { instanceIds: targets.map((t) => t.nodeId) },
      resolved: asResolved(targets),
      maxConcurrency,
      maxErrors,
      trigger: `window:${this.ctx.windowExecutionId}`,
      requestedDateTime: now(),
    };
    if (rc.timeoutSeconds !== undefined) input.timeoutSeconds = rc.timeoutSeconds;
    if (rc.comment !== undefined) input.comment = substitutePseudo(rc.comment, values);
    if (rc.outputS3BucketName) input.outputS3BucketName = rc.outputS3BucketName;
    if (rc.outputS3KeyPrefix) input.outputS3KeyPrefix = substitutePseudo(rc.outputS3KeyPrefix, values);
    if (rc.cloudWatchOutputConfig) input.cloudWatchOutputConfig = rc.cloudWatchOutputConfig as RunCommandInput['cloudWatchOutputConfig'];
    if (rc.notificationConfig) input.notificationConfig = rc.notificationConfig;
    const role = rc.serviceRoleArn ?? this.task.serviceRoleArn;
    if (role) input.serviceRoleArn = role;
    return executeChild<(i: RunCommandInput) => Promise<RunCommandResult>>(RUN_COMMAND_WORKFLOW, {
      workflowId: commandId,
      taskQueue: workflowInfo().taskQueue,
      args: [input],
      memo: commandMemo(input),
      cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
      typedSearchAttributes: this.ctx.indexed
        ? [
            { key: SA_COMMAND_ID, value: commandId },
            { key: SA_STATUS, value: 'Pending' },
            { key: SA_TRIGGER, value: input.trigger },
          ]
        : [],
      staticSummary: `${this.task.taskArn}: task ${this.task.name} of maintenance window ${this.ctx.window.name}`,
    });
  }

  // Per target: runbook executions, or one command per target.

  private async runPerTarget(): Promise<void> {
    const task = this.task;
    const plan = task.taskType === 'AUTOMATION' ? await loadRunbook(task.taskArn) : undefined;
    const targets: (TaskTarget | undefined)[] = task.targets ? await this.ctx.resolver.targetsOf(task) : [undefined];
    this.record.targets = targets.flatMap((t) => (t ? [t.nodeId] : []));
    const n = targets.length;
    if (n === 0) return;
    if (n > MAX_PER_TARGET) throw new Error(`${n} targets: a task run per target takes at most ${MAX_PER_TARGET} (its invocations are kept in the window's state, under Temporal's payload limit)`);
    const limit = concurrencyLimit(rate('MaxConcurrency', task.maxConcurrency ?? '1'), n);
    const allowance = errorAllowance(rate('MaxErrors', task.maxErrors ?? '0'), n);
    let next = 0;
    let running = 0;
    let errors = 0;
    const canStart = () => !this.stopped && errors <= allowance && running < limit && next < n;
    for (;;) {
      while (canStart()) {
        const target = targets[next++];
        running += 1;
        void this.invoke(target, plan).then(
          (status) => {
            running -= 1;
            if (status === 'FAILED' || status === 'TIMED_OUT') errors += 1;
          },
          () => {
            // A bug, not an outcome: counted as an error so that the task still ends.
            running -= 1;
            errors += 1;
            this.tally.failed += 1;
          },
        );
      }
      if (running === 0 && !canStart()) break;
      await condition(() => canStart() || running === 0);
    }
    const left = n - next;
    if (left > 0) {
      // Never started: kept out by the clock, or by MaxErrors.
      if (this.stopped) this.tally.stoppedByTime += left;
      else this.tally.cancelled += left;
    }
  }

  private async invoke(target: TaskTarget | undefined, plan: Plan | undefined): Promise<WindowStatus> {
    const invocationId = stableUuid(this.record.taskExecutionId, target?.nodeId ?? '(no target)');
    const values: Partial<Record<PseudoParameter, string>> = { ...this.pseudoBase(), INVOCATION_ID: invocationId };
    if (target) Object.assign(values, { TARGET_ID: target.nodeId, RESOURCE_ID: target.nodeId, TARGET_TYPE: TARGET_TYPE_INSTANCE }, target.windowTargetId ? { WINDOW_TARGET_ID: target.windowTargetId } : {});
    const given = substitutePseudo(this.task.taskType === 'AUTOMATION' ? (this.task.automation?.parameters ?? {}) : (this.task.runCommand?.parameters ?? {}), values);
    const inv: InvocationRecord = { invocationId, parameters: JSON.stringify(given), status: 'IN_PROGRESS', statusDetails: 'In progress', startTime: now() };
    if (target) {
      inv.target = target.nodeId;
      if (target.windowTargetId) inv.windowTargetId = target.windowTargetId;
      if (target.ownerInformation) inv.ownerInformation = target.ownerInformation;
    }
    this.record.invocations.push(inv);
    this.ctx.changed();
    const outcome = await this.inScope(async (): Promise<{ status: WindowStatus; statusDetails: string }> => {
      if (plan) return this.runbookInvocation(plan, invocationId, target, given as Record<string, string[]>, inv);
      const commandId = stableUuid(invocationId, 'command');
      inv.executionId = commandId;
      const r = await this.startCommand(commandId, [target!], values, '1', '0').catch((err) => commandResultOf(err) ?? Promise.reject(err));
      return { status: invocationStatus(r.status), statusDetails: r.statusDetails };
    });
    if (outcome.value) {
      inv.status = outcome.value.status;
      inv.statusDetails = outcome.value.statusDetails;
    } else if (outcome.stoppedByTime && isCancelled(outcome.error)) {
      inv.status = 'TIMED_OUT';
      inv.statusDetails = `Cancelled at the ${this.stopped === 'end' ? 'end of the window' : 'cutoff'}.`;
    } else {
      inv.status = isCancelled(outcome.error) ? 'CANCELLED' : 'FAILED';
      inv.statusDetails = message(outcome.error);
    }
    inv.endTime = now();
    tallyInvocation(this.tally, inv.status, outcome.stoppedByTime);
    this.ctx.changed();
    return inv.status;
  }

  private async runbookInvocation(plan: Plan, invocationId: string, target: TaskTarget | undefined, given: Record<string, string[]>, inv: InvocationRecord): Promise<{ status: WindowStatus; statusDetails: string }> {
    // The task's ServiceRoleArn is the role the runbook acts as, where the runbook takes one and the task does not set it.
    if (this.task.serviceRoleArn && plan.parameters.AutomationAssumeRole && !given.AutomationAssumeRole) given = { ...given, AutomationAssumeRole: [this.task.serviceRoleArn] };
    const resolved = resolveParameters(plan.parameters, given);
    if (resolved.errors.length) return { status: 'FAILED', statusDetails: `InvalidParameters: ${resolved.errors.map((e) => e.message).join('; ')}` };
    const workflowId = runbookExecutionId(plan.name, invocationId);
    inv.executionId = workflowId;
    const trigger = `window:${this.ctx.windowExecutionId}`;
    const args: ExecutionInput = { plan, parameters: resolved.values, trigger };
    try {
      const r = await executeChild<(i: ExecutionInput) => Promise<ExecutionResult>>(plan.name, {
        workflowId,
        taskQueue: workflowInfo().taskQueue,
        args: [args],
        memo: { parameters: resolved.values },
        cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
        typedSearchAttributes: this.ctx.indexed
          ? [
              { key: SA_RUNBOOK, value: plan.name },
              { key: SA_PLAN_HASH, value: plan.hash },
              { key: SA_TRIGGER, value: trigger },
            ]
          : [],
        staticSummary: `${plan.name}${target ? ` on ${target.nodeId}` : ''}: task ${this.task.name} of maintenance window ${this.ctx.window.name}`,
      });
      return { status: invocationStatus(r.status), statusDetails: r.status };
    } catch (err) {
      if (err instanceof ChildWorkflowFailure && err.cause instanceof ApplicationFailure && err.cause.details?.[0]) {
        const d = err.cause.details[0] as ExecutionResult;
        return { status: invocationStatus(d.status), statusDetails: `${d.status}${d.failureMessage ? `: ${d.failureMessage}` : ''}` };
      }
      throw err;
    }
  }
}

function rate(name: 'MaxConcurrency' | 'MaxErrors', raw: string) {
  const r = parseRate(name, raw);
  if ('error' in r) throw ApplicationFailure.nonRetryable(r.error, 'DroverInvalidWindow');
  return r;
}

/** A command that ended otherwise than Success still has its result, in its failure's details. */
function commandResultOf(err: unknown): RunCommandResult | undefined {
  if (err instanceof ChildWorkflowFailure && err.cause instanceof ApplicationFailure) return err.cause.details?.[0] as RunCommandResult | undefined;
  return undefined;
}

function isCancelled(err: unknown): boolean {
  return isCancellation(err) || (err instanceof ChildWorkflowFailure && err.cause instanceof CancelledFailure);
}
