// The Run Command workflow: one command over its targets with SSM's rate control. An agent
// node's invocation is an activity of this workflow on the node's task queue (three events,
// no workflow of its own: what lets a 2-core machine push a thousand of them through in
// seconds); an invocation through SSM, or an undeliverable one, is a child workflow
// (`<commandId>/<target>`) that reports its end back by signal. This workflow keeps only
// counters, the window of running targets and how this run's invocations ended (in its memo
// when the run closes; each node's own result is in this run's history), and continues-as-new
// with the targets not started yet whenever its history grows, so 10,000 targets never come
// near Temporal's history limits. An activity cannot outlive its run: before continuing, the
// run lets the ones it started end (children go on and report by signal).
//
// Rate control as SendCommand documents it: never more than MaxConcurrency invocations at
// once (ramping up 1, 2, 4, …); once the errors exceed MaxErrors nothing new starts, the
// running invocations finish, and the rest end Terminated. Cancelling cancels the running
// invocations (the agent kills the process group) and the rest end Cancelled.
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  ChildWorkflowCancellationType,
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  makeContinueAsNewFunc,
  patched,
  scheduleActivity,
  setCurrentDetails,
  setHandler,
  startChild,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import { AGENT_ACTIVITIES, type CommandDocumentPlan, type CommandStatus, type InvocationResult, type InvocationStatus } from '../../agent/protocol';
import { FAILURE_TYPES, SA_COMMAND_ID, SA_STATUS, SA_TRIGGER } from '../definitions';
import {
  commandInvocationsQuery,
  commandResultQuery,
  commandStatusQuery,
  DEFAULT_DELIVERY_TIMEOUT_S,
  DEFAULT_MAX_CONCURRENCY,
  DEFAULT_MAX_ERRORS,
  INVOCATION_WORKFLOW,
  invocationActivityId,
  invocationDoneSignal,
  invocationWorkflowId,
  isInvocationDone,
  MAX_DELIVERY_TIMEOUT_S,
  RUN_COMMAND_ACTIVITIES,
  RUN_INVOCATIONS_MEMO,
  type CommandCounts,
  type CommandSummary,
  type DispatchProgress,
  type InvocationDone,
  type InvocationEntry,
  type InvocationInput,
  type InvocationRecord,
  type ResolvedTargets,
  type RunCommandInput,
  type RunCommandResult,
} from './contract';
import { commandStatus, emptyCounts, recordDone, recordNotStarted } from './command-status';
import { concurrencyLimit, errorAllowance, parseRate, widenWindow, type RateValue } from './rate-control';
import { executionTimeoutSeconds } from './execution-timeout';
import { notifyCommand, notifyInvocation } from './notifications';
import { agentActivityOptions, agentRequest, ended, fromAgentFailure, missingDocument, REPORTED_OUTPUT_CHARS } from './agent-route';
import { failClearly } from '../fail-clearly';

/** Events in one run before continuing as new (Temporal warns at 10,240 and stops at 51,200). */
const HISTORY_BUDGET = 4000;
/** Bytes in one run before continuing as new (each child's input is in it; Temporal stops at 50 MB). */
const HISTORY_BYTES_BUDGET = 10 * 1024 * 1024;
/**
 * Invocations in flight at most, whatever MaxConcurrency says: Temporal refuses more than
 * 2,000 pending child workflows per execution.
 */
export const MAX_WINDOW = 1000;
/** How long a cancelled command waits for its running invocations to report. */
const CANCEL_WAIT = '10 minutes';
/**
 * Commands started before agent invocations became activities of the command ran each as a
 * child workflow; their runs replay that way (a run decides once, when it starts dispatching).
 */
const AGENT_ACTIVITIES_PATCH = 'drover-run-command-agent-activities';
/** Events a running activity may still add to the history: started, completed, at worst a workflow task of its own. */
const EVENTS_PER_RUNNING_ACTIVITY = 5;
/**
 * What a node's result is assumed to weigh (bytes of JSON) until this run has seen one: about
 * the most a one-step document's result carries (24,000 characters of output and 8,000 of
 * errors, in the result and in its plugin). The default MaxConcurrency of 50 fits in the
 * budget many times over; a thousand at once waits for the first results to say how big they are.
 */
const ASSUMED_RESULT_BYTES = 70 * 1024;

const SUPPORT: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 10, nonRetryableErrorTypes: [FAILURE_TYPES.actionFailed] },
};

export const COMMAND_FAILURE_TYPES = { invalid: 'DroverInvalidCommand', failed: 'DroverCommandFailed' } as const;

function rate(name: 'MaxConcurrency' | 'MaxErrors', raw: string): RateValue {
  const r = parseRate(name, raw);
  if ('error' in r) throw ApplicationFailure.nonRetryable(r.error, COMMAND_FAILURE_TYPES.invalid);
  return r;
}

class Dispatch {
  readonly commandId: string;
  readonly maxConcurrency: string;
  readonly maxErrors: string;
  readonly concurrencyValue: RateValue;
  readonly errorsValue: RateValue;
  readonly deliveryTimeoutSeconds: number;
  readonly requestedDateTime: string;
  readonly indexed: boolean;
  resolved: ResolvedTargets | undefined;
  document: CommandDocumentPlan | undefined;
  counts: CommandCounts;
  readonly running: Set<string>;
  window: number;
  stopped: boolean;
  first: InvocationDone | undefined;
  started: number;
  readonly run: number;
  cancelling = false;
  /** Index of the next target to start in this run's `resolved.targets`. */
  next = 0;
  /** This run runs agent invocations as its own activities (decided once per run: see AGENT_ACTIVITIES_PATCH). */
  agentActivities = false;
  /** Agent invocations running as activities of this run, by target. */
  readonly activities = new Map<string, InvocationInput>();
  /** How this run's activity invocations ended, by target (its memo keeps it once the run closes). */
  readonly ended = new Map<string, InvocationEntry>();
  /** The largest node result this run has seen (JSON bytes): what each running activity may still add to the history. */
  resultBytes: number | undefined;
  /** Invocation notifications not yet published. */
  notifying = 0;
  status: CommandStatus = 'Pending';
  statusDetails = 'Pending';
  notStarted: RunCommandResult['notStarted'] = { status: 'Terminated', targets: [] };
  failureMessage: string | undefined;

  constructor(readonly input: RunCommandInput) {
    const info = workflowInfo();
    this.commandId = input.commandId || info.workflowId;
    this.indexed = info.typedSearchAttributes.get(SA_COMMAND_ID) !== undefined;
    this.maxConcurrency = input.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY;
    this.maxErrors = input.maxErrors ?? DEFAULT_MAX_ERRORS;
    this.concurrencyValue = rate('MaxConcurrency', this.maxConcurrency);
    this.errorsValue = rate('MaxErrors', this.maxErrors);
    this.deliveryTimeoutSeconds = input.timeoutSeconds ?? DEFAULT_DELIVERY_TIMEOUT_S;
    if (!Number.isInteger(this.deliveryTimeoutSeconds) || this.deliveryTimeoutSeconds < 1 || this.deliveryTimeoutSeconds > MAX_DELIVERY_TIMEOUT_S) {
      throw ApplicationFailure.nonRetryable(`TimeoutSeconds must be a whole number from 1 to ${MAX_DELIVERY_TIMEOUT_S}; got ${input.timeoutSeconds}`, COMMAND_FAILURE_TYPES.invalid);
    }
    this.requestedDateTime = input.requestedDateTime ?? new Date().toISOString();
    this.resolved = input.resolved;
    this.document = input.document;
    const p = input.progress;
    this.counts = p?.counts ?? emptyCounts(input.resolved?.targets.length ?? 0);
    this.running = new Set(p?.running ?? []);
    this.window = p?.window ?? 1;
    this.stopped = p?.stopped ?? false;
    this.first = p?.first;
    this.started = p?.started ?? 0;
    this.run = p?.run ?? 1;
    if (p) this.setStatus(p.stopped || p.started > 0 ? 'InProgress' : 'Pending');
  }

  get concurrency(): number {
    return Math.min(MAX_WINDOW, concurrencyLimit(this.concurrencyValue, this.counts.targetCount));
  }

  get allowance(): number {
    return errorAllowance(this.errorsValue, this.counts.targetCount);
  }

  summary(): CommandSummary {
    const s: CommandSummary = {
      commandId: this.commandId,
      documentName: this.input.documentName,
      status: this.status,
      statusDetails: this.statusDetails,
      requestedDateTime: this.requestedDateTime,
      maxConcurrency: this.maxConcurrency,
      maxErrors: this.maxErrors,
      timeoutSeconds: this.deliveryTimeoutSeconds,
      targetsResolved: this.resolved !== undefined,
      counts: this.counts,
      running: [...this.running],
    };
    if (this.input.comment) s.comment = this.input.comment;
    if (this.failureMessage) s.failureMessage = this.failureMessage;
    return s;
  }

  result(): RunCommandResult {
    const r: RunCommandResult = { ...this.summary(), notStarted: this.notStarted };
    if (this.first) r.first = this.first;
    return r;
  }

  setStatus(to: CommandStatus, details?: string): void {
    const changed = to !== this.status;
    this.status = to;
    this.statusDetails = details ?? (to === 'InProgress' ? 'In Progress' : to);
    if (changed && this.indexed) upsertSearchAttributes([{ key: SA_STATUS, value: to }]);
    this.publish();
  }

  publish(): void {
    const c = this.counts;
    setCurrentDetails(
      [
        `**${this.input.documentName}** command ${this.commandId} — ${this.status} (${this.statusDetails})`,
        '',
        `targets ${c.targetCount}, completed ${c.completedCount}, errors ${c.errorCount}, delivery timeouts ${c.deliveryTimedOutCount}, running ${this.running.size}`,
        `MaxConcurrency ${this.maxConcurrency} (window ${this.window}), MaxErrors ${this.maxErrors}${this.stopped ? ' — exceeded: no new invocations' : ''}`,
        `run ${this.run} of this workflow (continue-as-new keeps each history short)`,
      ].join('\n'),
    );
  }

  /** An invocation ended (its child's signal, or its child's result when the signal never came). */
  done(d: InvocationDone): void {
    if (!this.running.delete(d.target)) return;
    recordDone(this.counts, d);
    if (d.output !== undefined && !this.first) this.first = d;
    this.window = widenWindow(this.window, this.concurrency);
    if (!this.stopped && this.counts.errorCount > this.allowance) {
      this.stopped = true;
      log.info('MaxErrors exceeded: no new invocations start', { errors: this.counts.errorCount, maxErrors: this.maxErrors });
    }
  }

  async resolve(): Promise<ResolvedTargets> {
    const resolved = await scheduleActivity<ResolvedTargets>(RUN_COMMAND_ACTIVITIES.resolveTargets, [{ selection: this.input.selection, serviceRoleArn: this.input.serviceRoleArn }], {
      ...SUPPORT,
      summary: 'resolve targets',
    });
    this.counts = emptyCounts(resolved.targets.length);
    return resolved;
  }

  async loadDocument(): Promise<CommandDocumentPlan> {
    return scheduleActivity<CommandDocumentPlan>(RUN_COMMAND_ACTIVITIES.loadDocument, [{ name: this.input.documentName }], { ...SUPPORT, summary: `load ${this.input.documentName}` });
  }

  childInput(target: string, routeIndex: number): InvocationInput {
    const i = this.input;
    const route = this.resolved!.routes[routeIndex] ?? { kind: 'undeliverable' as const, reason: 'no route (a Drover bug)' };
    const child: InvocationInput = {
      commandId: this.commandId,
      documentName: i.documentName,
      parameters: i.parameters,
      deliveryTimeoutSeconds: this.deliveryTimeoutSeconds,
      executionTimeoutSeconds: i.executionTimeoutSeconds ?? executionTimeoutSeconds(this.document, i.parameters),
      requestedDateTime: this.requestedDateTime,
      target,
      route,
      parentId: workflowInfo().workflowId,
    };
    if (this.document) child.document = this.document;
    if (i.comment) child.comment = i.comment;
    if (i.outputS3BucketName) child.outputS3BucketName = i.outputS3BucketName;
    if (i.outputS3KeyPrefix) child.outputS3KeyPrefix = i.outputS3KeyPrefix;
    if (i.cloudWatchOutputConfig) child.cloudWatchOutputConfig = i.cloudWatchOutputConfig;
    if (i.notificationConfig) child.notificationConfig = i.notificationConfig;
    if (i.serviceRoleArn) child.serviceRoleArn = i.serviceRoleArn;
    if (this.started === 1) child.reportOutput = true;
    return child;
  }

  async start([target, routeIndex]: [string, number]): Promise<void> {
    const route = this.resolved!.routes[routeIndex];
    if (this.agentActivities && route?.kind === 'agent') return this.startOnAgent(target, routeIndex, route.taskQueue);
    this.running.add(target);
    this.started += 1;
    const input = this.childInput(target, routeIndex);
    try {
      const handle = await startChild<(i: InvocationInput) => Promise<InvocationRecord>>(INVOCATION_WORKFLOW, {
        workflowId: invocationWorkflowId(this.commandId, target),
        taskQueue: workflowInfo().taskQueue,
        args: [input],
        // Invocations outlive a continue-as-new of this workflow; cancelling is done by hand.
        parentClosePolicy: ParentClosePolicy.ABANDON,
        cancellationType: ChildWorkflowCancellationType.ABANDON,
        typedSearchAttributes: this.indexed
          ? [
              { key: SA_COMMAND_ID, value: this.commandId },
              { key: SA_STATUS, value: 'Pending' },
              { key: SA_TRIGGER, value: `command:${this.commandId}` },
            ]
          : [],
        staticSummary: `${this.input.documentName} on ${target} (command ${this.commandId})`,
      });
      handle.result().then(
        (r) => this.done({ target, status: r.status, statusDetails: r.statusDetails, responseCode: r.responseCode, ...(input.reportOutput ? { output: r.standardOutputContent } : {}) }),
        (err) => this.done({ target, status: 'Failed', statusDetails: 'Failed', responseCode: -1, ...(input.reportOutput ? { output: `the invocation ended abnormally: ${String(err)}` } : {}) }),
      );
    } catch (err) {
      // Cancelled while starting: it may have started anyway; cancelRunning() sorts it out.
      if (isCancellation(err)) throw err;
      log.warn('could not start an invocation', { target, error: String(err) });
      this.done({ target, status: 'Failed', statusDetails: 'Failed', responseCode: -1 });
    }
  }

  /**
   * An agent invocation as an activity of this run, attempted once, exactly as the child
   * workflow used to schedule it; its end is recorded (activityEnded) whatever happens.
   */
  startOnAgent(target: string, routeIndex: number, taskQueue: string): void {
    this.running.add(target);
    this.started += 1;
    const input = this.childInput(target, routeIndex);
    this.activities.set(target, input);
    const inProgress = this.notifyInvocation(input, 'InProgress', 'InProgress', Promise.resolve());
    const outcome: Promise<{ result: InvocationResult; fromNode: boolean }> = input.document
      ? scheduleActivity<InvocationResult>(AGENT_ACTIVITIES.runInvocation, [agentRequest({ ...input, document: input.document })], {
          ...agentActivityOptions(input, taskQueue),
          activityId: invocationActivityId(target),
        }).then(
          (result) => ({ result, fromNode: true }),
          (err) => ({ result: isCancellation(err) ? ended(input, 'Cancelled', 'Cancelled', 'the command was cancelled') : fromAgentFailure(input, err), fromNode: false }),
        )
      : Promise.resolve({ result: missingDocument(input), fromNode: false });
    void outcome.then(({ result, fromNode }) => this.activityEnded(target, result, fromNode, inProgress));
  }

  /** An agent invocation of this run ended: counted, kept in the run's index, notified. */
  activityEnded(target: string, result: InvocationResult, fromNode: boolean, after: Promise<void> = Promise.resolve()): void {
    const input = this.activities.get(target);
    if (!input || !this.activities.delete(target)) return;
    const entry: InvocationEntry = [result.status, result.statusDetails, result.responseCode];
    // A node's own result stays in this run's history; what Drover made up is kept here.
    if (!fromNode) entry.push(result.standardErrorContent);
    else this.resultBytes = Math.max(this.resultBytes ?? 0, JSON.stringify(result).length);
    this.ended.set(target, entry);
    this.done({
      target,
      status: result.status,
      statusDetails: result.statusDetails,
      responseCode: result.responseCode,
      ...(input.reportOutput ? { output: result.standardOutputContent.slice(0, REPORTED_OUTPUT_CHARS) } : {}),
    });
    void this.notifyInvocation(input, result.status, result.statusDetails, after);
  }

  /** Publishes an invocation's status change after `after` (in order), never failing the command. */
  notifyInvocation(input: InvocationInput, status: InvocationStatus, detailedStatus: string, after: Promise<void>): Promise<void> {
    if (!input.notificationConfig) return Promise.resolve();
    this.notifying += 1;
    return after
      .then(() => CancellationScope.nonCancellable(() => notifyInvocation(input, status, detailedStatus)))
      .catch((err) => log.warn('could not publish an invocation notification', { target: input.target, error: String(err) }))
      .finally(() => {
        this.notifying -= 1;
      });
  }

  /** The memo of a run that ran agent invocations as activities: how each ended. */
  invocationsMemo(): Record<string, unknown> {
    return this.agentActivities ? { [RUN_INVOCATIONS_MEMO]: Object.fromEntries(this.ended) } : {};
  }

  async notificationsSent(): Promise<void> {
    if (this.notifying > 0) await condition(() => this.notifying === 0);
  }

  shouldContinueAsNew(): boolean {
    const info = workflowInfo();
    const events = this.input.continueAsNewAfterEvents ?? HISTORY_BUDGET;
    if (!this.agentActivities) return info.continueAsNewSuggested || info.historyLength > events || info.historySize > HISTORY_BYTES_BUDGET;
    // What the running activities will still add counts already: they end in this run.
    const running = this.activities.size;
    return (
      info.continueAsNewSuggested ||
      info.historyLength + running * EVENTS_PER_RUNNING_ACTIVITY > events ||
      info.historySize + running * (this.resultBytes ?? ASSUMED_RESULT_BYTES) > HISTORY_BYTES_BUDGET
    );
  }

  async continueAsNew(remaining: Array<[string, number]>): Promise<never> {
    await this.notificationsSent();
    await condition(allHandlersFinished);
    const progress: DispatchProgress = {
      counts: this.counts,
      running: [...this.running],
      window: this.window,
      stopped: this.stopped,
      run: this.run + 1,
      started: this.started,
    };
    if (this.first) progress.first = this.first;
    const next: RunCommandInput = {
      ...this.input,
      commandId: this.commandId,
      resolved: { routes: this.resolved!.routes, targets: remaining },
      requestedDateTime: this.requestedDateTime,
      progress,
    };
    if (this.document) next.document = this.document;
    upsertMemo({ counts: this.counts, ...this.invocationsMemo() });
    if (!this.agentActivities) return makeContinueAsNewFunc<typeof runCommandWorkflow>()(next);
    // The next run starts its own index: this one stays in this run's memo.
    const { [RUN_INVOCATIONS_MEMO]: _ours, ...memo } = workflowInfo().memo ?? {};
    return makeContinueAsNewFunc<typeof runCommandWorkflow>({ memo })(next);
  }

  async dispatch(): Promise<void> {
    this.agentActivities = patched(AGENT_ACTIVITIES_PATCH);
    const pending = this.resolved!.targets;
    const limit = () => (this.stopped || this.cancelling ? 0 : Math.min(this.window, this.concurrency));
    const canStart = () => this.next < pending.length && this.running.size < limit();
    for (;;) {
      const starts: Promise<void>[] = [];
      // With activities, a run that has grown enough starts nothing more: what it started ends here first.
      while (canStart() && !(this.agentActivities && this.shouldContinueAsNew())) {
        if (this.status === 'Pending') this.setStatus('InProgress');
        starts.push(this.start(pending[this.next++]!));
      }
      if (starts.length) {
        await Promise.all(starts);
        this.publish();
      }
      if (this.running.size === 0 && !canStart()) break;
      if (this.shouldContinueAsNew()) {
        if (this.agentActivities) {
          await condition(() => this.activities.size === 0);
          if (this.running.size === 0 && !canStart()) break;
        }
        await this.continueAsNew(pending.slice(this.next));
      }
      await condition(() => canStart() || this.running.size === 0);
    }
    const left = pending.slice(this.next).map(([t]) => t);
    this.notStarted = { status: 'Terminated', targets: left };
    recordNotStarted(this.counts, 'Terminated', left.length);
  }

  /** Cancels every running invocation and waits (bounded) for them to report. */
  async cancelRunning(): Promise<void> {
    this.cancelling = true;
    this.setStatus('Cancelling');
    const pendingTargets = (this.resolved?.targets ?? []).slice(this.next).map(([t]) => t);
    // Activities were cancelled with the workflow (the agent kills the process group and answers); children are cancelled here.
    await Promise.all(
      [...this.running].filter((t) => !this.activities.has(t)).map((t) =>
        getExternalWorkflowHandle(invocationWorkflowId(this.commandId, t))
          .cancel()
          .catch((err) => {
            // Already gone (or never started): nothing will report; it ends here.
            log.warn('could not cancel an invocation', { target: t, error: String(err) });
            this.done({ target: t, status: 'Cancelled', statusDetails: 'Cancelled', responseCode: -1 });
          }),
      ),
    );
    if (!(await condition(() => this.running.size === 0, CANCEL_WAIT))) {
      log.warn('some invocations did not report after cancel', { targets: [...this.running] });
      for (const t of [...this.running]) {
        if (this.activities.has(t)) this.activityEnded(t, ended({ commandId: this.commandId, target: t }, 'Cancelled', 'Cancelled', 'the command was cancelled'), false);
        else this.done({ target: t, status: 'Cancelled', statusDetails: 'Cancelled', responseCode: -1 });
      }
    }
    this.notStarted = { status: 'Cancelled', targets: pendingTargets };
    recordNotStarted(this.counts, 'Cancelled', pendingTargets.length);
    this.setStatus('Cancelled');
    upsertMemo({ counts: this.counts, ...this.invocationsMemo() });
    await this.notificationsSent();
    await notifyCommand(this.input.notificationConfig, this.notifyInfo(), 'Cancelled', this.counts.targetCount);
  }

  notifyInfo() {
    const i = this.input;
    return {
      commandId: this.commandId,
      documentName: i.documentName,
      requestedDateTime: this.requestedDateTime,
      ...(i.outputS3BucketName ? { outputS3BucketName: i.outputS3BucketName } : {}),
      ...(i.outputS3KeyPrefix ? { outputS3KeyPrefix: i.outputS3KeyPrefix } : {}),
      ...(i.serviceRoleArn ? { serviceRoleArn: i.serviceRoleArn } : {}),
    };
  }
}

export function runCommandWorkflow(input: RunCommandInput): Promise<RunCommandResult> {
  return failClearly('the command', () => runCommand(input));
}

async function runCommand(input: RunCommandInput): Promise<RunCommandResult> {
  if (!input || typeof input.documentName !== 'string' || !input.selection) {
    throw ApplicationFailure.nonRetryable('a Run Command workflow needs documentName, parameters and selection', COMMAND_FAILURE_TYPES.invalid);
  }
  const d = new Dispatch(input);
  setHandler(commandStatusQuery, () => d.summary());
  setHandler(commandResultQuery, () => d.result());
  setHandler(commandInvocationsQuery, () => ({ runId: workflowInfo().runId, ended: Object.fromEntries(d.ended), running: [...d.activities.keys()] }));
  setHandler(invocationDoneSignal, (done) => {
    if (isInvocationDone(done)) d.done(done);
    else log.warn('ignored a malformed invocation report', { report: JSON.stringify(done)?.slice(0, 200) });
  });
  const firstRun = !input.progress;
  try {
    try {
      if (!d.resolved) d.resolved = await d.resolve();
      const agentRouted = d.resolved.routes.some((r) => r.kind === 'agent');
      if (!d.document && agentRouted) d.document = await d.loadDocument();
    } catch (err) {
      if (isCancellation(err)) throw err;
      // Nothing was sent anywhere: the command fails, saying why.
      const cause = err instanceof ActivityFailure && err.cause ? err.cause : err;
      d.failureMessage = cause instanceof Error ? cause.message : String(cause);
      d.setStatus('Failed', 'Failed');
      upsertMemo({ counts: d.counts, statusDetails: 'Failed', failureMessage: d.failureMessage });
      await notifyCommand(input.notificationConfig, d.notifyInfo(), 'Failed', d.counts.targetCount);
      throw ApplicationFailure.create({ type: COMMAND_FAILURE_TYPES.failed, message: `command ${d.commandId} was not sent: ${d.failureMessage}`, nonRetryable: true, details: [d.result()] });
    }
    if (firstRun) {
      upsertMemo({ targetCount: d.counts.targetCount });
      if (d.counts.targetCount > 0) await notifyCommand(input.notificationConfig, d.notifyInfo(), 'InProgress', d.counts.targetCount);
    }
    await d.dispatch();
  } catch (err) {
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(() => d.cancelRunning());
      throw err;
    }
    throw err;
  }
  const final = commandStatus(d.counts, { pending: false, cancelling: false, cancelled: false, finished: true, exceeded: d.stopped });
  d.setStatus(final.status, final.statusDetails);
  upsertMemo({ counts: d.counts, statusDetails: final.statusDetails, ...d.invocationsMemo() });
  await d.notificationsSent();
  await notifyCommand(input.notificationConfig, d.notifyInfo(), final.status, d.counts.targetCount);
  await condition(allHandlersFinished);
  const result = d.result();
  if (final.status !== 'Success') {
    throw ApplicationFailure.create({
      type: COMMAND_FAILURE_TYPES.failed,
      message: `command ${d.commandId} ended ${final.status} (${final.statusDetails}): ${d.counts.errorCount} errors of ${d.counts.targetCount} targets`,
      nonRetryable: true,
      details: [result],
    });
  }
  return result;
}
