// Maintenance windows through Temporal: each window file is a Temporal Schedule
// (`drover-window/<name>`, memo marking it Drover's) whose action starts a window execution
// (`drover:windowExecution`) with the compiled window. This is the one typed way to plan and
// apply windows, list them, compute their next fire times, run one now, enable or disable
// one, and read executions, tasks and invocations in SSM's shapes. The CLI and users'
// programs use it alike.
import {
  ScheduleNotFoundError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  type Client,
  type ScheduleDescription,
  type ScheduleHandle,
  type ScheduleOptions,
  type ScheduleUpdateOptions,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import { canonicalJson } from '../compiler/hash';
import { scheduleDefinition } from '../lang/schedule/definition';
import { nextFireTimes } from '../lang/schedule/fire-times';
import { rateAnchor } from '../lang/schedule/temporal-spec';
import type { WindowPlan } from '../lang/windows/plan';
import { substitutePseudo, TARGET_TYPE_INSTANCE } from '../lang/windows/pseudo-parameters';
import { stableUuid } from '../lang/windows/stable-id';
import { deployedAnchor, specKey, windowSpec } from '../activities/windows/schedule-spec';
import { SA_STATUS, SA_TRIGGER, SA_WINDOW, SA_WINDOW_EXECUTION_ID } from '../workflows/definitions';
import {
  WINDOW_EXECUTION_WORKFLOW,
  WINDOW_FAILURE_TYPES,
  WINDOW_MEMO,
  WINDOW_SCHEDULE_MEMO,
  WINDOW_SCHEDULE_PREFIX,
  windowActionWorkflowId,
  windowExecutionWorkflowId,
  windowScheduleId,
  windowStateQuery,
  type InvocationRecord,
  type WindowExecutionInput,
  type WindowExecutionState,
  type WindowExecutionSummary,
} from '../workflows/window-contract';
import { invocationStatus } from '../workflows/windows/status';
import { CommandClient } from './commands';
import { taskQueue as defaultTaskQueue } from './config';
import { connectTemporal } from './connect';
import { visibilityLiteral } from './visibility';
import type { SsmWindowExecution, WindowExecutionReport } from './window-shapes';

export type { WindowExecutionState, TaskExecutionRecord, InvocationRecord } from '../workflows/window-contract';
export { ssmInvocationIdentities, ssmTaskIdentities, ssmWindowExecution, type SsmInvocationIdentity, type SsmTaskIdentity, type SsmWindowExecution, type WindowExecutionReport } from './window-shapes';

const HOUR_MS = 3_600_000;

/** What `apply` would do to one schedule. */
export interface WindowChange {
  action: 'create' | 'update' | 'delete' | 'unchanged';
  name: string;
  scheduleId: string;
  /** The window as its file says it (absent for a delete). */
  window?: WindowPlan;
  /** update: what changed (the plan's fields, `enabled`, `fire times`). */
  fields?: string[];
  /** The next fire time, after the change. */
  next?: Date;
}

export interface WindowListing {
  name: string;
  windowId: string;
  scheduleId: string;
  enabled: boolean;
  schedule: string;
  timezone: string;
  offsetDays?: number;
  durationHours: number;
  cutoffHours: number;
  next?: Date;
  note?: string;
  /** The latest execution's status, when there is one. */
  lastStatus?: string;
}

export interface NextTimes {
  window: WindowPlan;
  /** By Drover's fire-time function. */
  times: Date[];
  /** What the deployed Temporal Schedule says (describe's nextActionTimes), when it exists. */
  temporal?: Date[];
}

export class WindowNotFoundError extends Error {
  constructor(name: string) {
    super(`no maintenance window ${name} is applied (its schedule ${windowScheduleId(name)} does not exist); run drover windows apply first`);
    this.name = 'WindowNotFoundError';
  }
}

export class WindowDisabledError extends Error {
  constructor(name: string) {
    super(`maintenance window ${name} is disabled; drover windows enable ${name} first`);
    this.name = 'WindowDisabledError';
  }
}

export class WindowExecutionNotFoundError extends Error {
  constructor(id: string) {
    super(`no window execution ${id}`);
    this.name = 'WindowExecutionNotFoundError';
  }
}

const planFields = (w: WindowPlan): Record<string, unknown> => {
  const { hash: _h, source: _s, ...rest } = w;
  return rest;
};

function changedFields(before: WindowPlan, after: WindowPlan): string[] {
  const a = planFields(before);
  const b = planFields(after);
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => canonicalJson(a[k]) !== canonicalJson(b[k])).sort();
}

export class WindowsClient {
  constructor(
    readonly client: Client,
    readonly options: {
      taskQueue?: string;
      /** Index schedules and executions with Drover's search attributes (default true). */
      searchAttributes?: boolean;
    } = {},
  ) {}

  static async connect(options: WindowsClient['options'] = {}): Promise<WindowsClient> {
    return new WindowsClient(await connectTemporal(), options);
  }

  async close(): Promise<void> {
    await this.client.connection.close();
  }

  private get taskQueue(): string {
    return this.options.taskQueue ?? defaultTaskQueue();
  }

  private get indexed(): boolean {
    return this.options.searchAttributes !== false;
  }

  private handle(name: string): ScheduleHandle {
    return this.client.schedule.getHandle(windowScheduleId(name));
  }

  /**
   * The schedules of this Drover's windows, described: Drover's id prefix and memo, and an
   * action on this client's task queue (another Drover on the same namespace keeps its own).
   */
  async deployed(): Promise<Map<string, ScheduleDescription>> {
    const out = new Map<string, ScheduleDescription>();
    for await (const s of this.client.schedule.list()) {
      if (!s.scheduleId.startsWith(WINDOW_SCHEDULE_PREFIX) || s.memo?.drover !== WINDOW_SCHEDULE_MEMO.drover) continue;
      try {
        const d = await this.client.schedule.getHandle(s.scheduleId).describe();
        if (d.action.taskQueue === this.taskQueue) out.set(s.scheduleId.slice(WINDOW_SCHEDULE_PREFIX.length), d);
      } catch (err) {
        // Listing is eventually consistent: one just deleted is gone.
        if (!(err instanceof ScheduleNotFoundError)) throw err;
      }
    }
    return out;
  }

  /** The deployed window (the plan its schedule's action carries). */
  static windowOf(d: ScheduleDescription): WindowPlan | undefined {
    return (d.action.args?.[0] as WindowExecutionInput | undefined)?.window;
  }

  async describe(name: string): Promise<ScheduleDescription> {
    try {
      return await this.handle(name).describe();
    } catch (err) {
      if (err instanceof ScheduleNotFoundError) throw new WindowNotFoundError(name);
      throw err;
    }
  }

  /** What `apply` would do to make the schedules match the windows; nothing is changed. */
  async plan(windows: readonly WindowPlan[], now = new Date()): Promise<WindowChange[]> {
    const deployed = await this.deployed();
    const changes: WindowChange[] = [];
    for (const w of windows) {
      const d = deployed.get(w.name);
      const base = { name: w.name, scheduleId: windowScheduleId(w.name), window: w };
      if (!d) {
        await this.assertFree(w.name);
        changes.push({ ...base, action: 'create', ...this.nextOf(w, now) });
        continue;
      }
      const before = WindowsClient.windowOf(d);
      const fields = before ? changedFields(before, w) : ['(not a Drover window plan)'];
      const spec = windowSpec(w.schedule, now, before?.schedule.expression === w.schedule.expression ? deployedAnchor(d.spec) : undefined);
      if (fields.length === 0 && specKey(d.spec) !== specKey(spec)) fields.push('fire times');
      changes.push({ ...base, action: fields.length ? 'update' : 'unchanged', ...(fields.length ? { fields } : {}), ...this.nextOf(w, now, deployedAnchor(d.spec)) });
    }
    const names = new Set(windows.map((w) => w.name));
    for (const name of [...deployed.keys()].sort()) {
      if (!names.has(name)) changes.push({ action: 'delete', name, scheduleId: windowScheduleId(name) });
    }
    return changes;
  }

  /** A window's schedule id held by something else (another task queue, not Drover's) is not taken over. */
  private async assertFree(name: string): Promise<void> {
    try {
      const d = await this.handle(name).describe();
      const whose = d.memo?.drover === WINDOW_SCHEDULE_MEMO.drover ? `the Drover on task queue ${d.action.taskQueue}` : 'something other than Drover';
      throw new Error(`schedule ${windowScheduleId(name)} exists and belongs to ${whose}: rename the window, or remove that schedule`);
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
    }
  }

  private nextOf(w: WindowPlan, now: Date, anchor?: Date): { next?: Date } {
    const next = nextFireTimes(scheduleDefinition(w.schedule, anchor ?? rateAnchor(now)), new Date(now.getTime() - 1), 1)[0];
    return next ? { next } : {};
  }

  private scheduleAction(w: WindowPlan): ScheduleOptions['action'] {
    const input: WindowExecutionInput = { window: w, trigger: 'schedule' };
    return {
      type: 'startWorkflow',
      workflowType: WINDOW_EXECUTION_WORKFLOW,
      workflowId: windowActionWorkflowId(w.name),
      taskQueue: this.taskQueue,
      args: [input],
      typedSearchAttributes: this.indexed
        ? [
            { key: SA_WINDOW, value: w.name },
            { key: SA_TRIGGER, value: `schedule:${windowScheduleId(w.name)}` },
          ]
        : [],
      staticSummary: `Maintenance window ${w.name} (${w.windowId})`,
      staticDetails: `${w.description ? `${w.description}\n\n` : ''}Schedule ${w.schedule.expression}${w.schedule.timezone ? ` in ${w.schedule.timezone}` : ''}${w.schedule.offsetDays ? `, +${w.schedule.offsetDays} days` : ''}; ${w.durationHours} h, cutoff ${w.cutoffHours} h before the end; ${w.tasks.length} tasks.`,
    };
  }

  /** SSM: catch up a missed run as long as a task could still start (Duration − Cutoff). */
  private policies(w: WindowPlan): ScheduleOptions['policies'] {
    return { overlap: 'ALLOW_ALL', catchupWindow: (w.durationHours - w.cutoffHours) * HOUR_MS, pauseOnFailure: false };
  }

  /** Makes the schedules match `plan()`'s changes. */
  async apply(changes: readonly WindowChange[], now = new Date()): Promise<void> {
    for (const c of changes) {
      if (c.action === 'delete') {
        await this.client.schedule.getHandle(c.scheduleId).delete();
        continue;
      }
      const w = c.window!;
      if (c.action === 'create') {
        await this.client.schedule.create({
          scheduleId: c.scheduleId,
          spec: windowSpec(w.schedule, now),
          action: this.scheduleAction(w),
          policies: this.policies(w),
          memo: { ...WINDOW_SCHEDULE_MEMO, windowId: w.windowId },
          ...(this.indexed ? { typedSearchAttributes: [{ key: SA_WINDOW, value: w.name }] } : {}),
          state: w.enabled ? { note: `applied from ${w.source?.file ?? 'a window file'}` } : { paused: true, note: `Enabled: false in ${w.source?.file ?? 'the window file'}` },
        });
        continue;
      }
      const handle = this.client.schedule.getHandle(c.scheduleId);
      await handle.update((prev): ScheduleUpdateOptions => {
        const before = WindowsClient.windowOf(prev);
        const keepAnchor = before?.schedule.expression === w.schedule.expression ? deployedAnchor(prev.spec) : undefined;
        // Enabled in the file wins when it changed there; otherwise `enable`/`disable` stand.
        const paused = before && before.enabled === w.enabled ? prev.state.paused : !w.enabled;
        return {
          spec: windowSpec(w.schedule, now, keepAnchor),
          action: this.scheduleAction(w),
          policies: this.policies(w),
          state: { paused, ...(paused !== prev.state.paused ? { note: paused ? `Enabled: false in ${w.source?.file ?? 'the window file'}` : `enabled from ${w.source?.file ?? 'the window file'}` } : prev.state.note ? { note: prev.state.note } : {}) },
          ...(this.indexed ? { typedSearchAttributes: [{ key: SA_WINDOW, value: w.name }] } : {}),
        };
      });
    }
  }

  async list(): Promise<WindowListing[]> {
    const deployed = await this.deployed();
    const rows: WindowListing[] = [];
    for (const [name, d] of [...deployed.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const w = WindowsClient.windowOf(d);
      if (!w) continue;
      const row: WindowListing = {
        name,
        windowId: w.windowId,
        scheduleId: windowScheduleId(name),
        enabled: !d.state.paused,
        schedule: w.schedule.expression,
        timezone: w.schedule.timezone ?? 'UTC',
        durationHours: w.durationHours,
        cutoffHours: w.cutoffHours,
      };
      if (w.schedule.offsetDays) row.offsetDays = w.schedule.offsetDays;
      if (!d.state.paused && d.info.nextActionTimes[0]) row.next = d.info.nextActionTimes[0];
      if (d.state.note) row.note = d.state.note;
      const last = (await this.executions(name, 1))[0];
      if (last) row.lastStatus = last.Status;
      rows.push(row);
    }
    return rows;
  }

  /** The next fire times of a window: of the deployed one, else of the plan given. */
  async next(name: string, count: number, plan?: WindowPlan, now = new Date()): Promise<NextTimes> {
    let d: ScheduleDescription | undefined;
    try {
      d = await this.handle(name).describe();
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
    }
    const window = (d && WindowsClient.windowOf(d)) ?? plan;
    if (!window) throw new WindowNotFoundError(name);
    const anchor = d ? deployedAnchor(d.spec) : undefined;
    const times = nextFireTimes(scheduleDefinition(window.schedule, anchor ?? rateAnchor(now)), new Date(now.getTime() - 1), count);
    return { window, times, ...(d ? { temporal: d.info.nextActionTimes } : {}) };
  }

  async enable(name: string): Promise<void> {
    const d = await this.describe(name);
    const w = WindowsClient.windowOf(d);
    await this.handle(name).update((prev) => ({
      ...prev,
      ...(w ? { spec: windowSpec(w.schedule, new Date(), deployedAnchor(prev.spec)) } : {}),
      state: { ...prev.state, paused: false, note: 'enabled with drover windows enable' },
    }));
  }

  async disable(name: string): Promise<void> {
    await this.describe(name);
    await this.handle(name).pause('disabled with drover windows disable');
  }

  /**
   * Runs the window now, through its schedule (as a fire time would): returns the execution
   * it started. A disabled window does not run.
   */
  async run(name: string): Promise<{ workflowId: string; windowExecutionId: string }> {
    const d = await this.describe(name);
    if (d.state.paused) throw new WindowDisabledError(name);
    const before = new Set(d.info.recentActions.map((a) => a.action.workflow.workflowId));
    const since = Date.now() - 1000;
    await this.handle(name).trigger('ALLOW_ALL');
    const deadline = Date.now() + 30_000;
    for (;;) {
      const now = await this.handle(name).describe();
      const started = now.info.recentActions.find((a) => !before.has(a.action.workflow.workflowId) && a.takenAt.getTime() >= since);
      if (started) {
        const workflowId = started.action.workflow.workflowId;
        return { workflowId, windowExecutionId: stableUuid('window-execution', workflowId) };
      }
      if (Date.now() > deadline) throw new Error(`the schedule of ${name} did not start an execution within 30 s`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Starts an execution of a window directly, for a nominal time (tests; windows not applied). */
  async start(window: WindowPlan, opts: { nominalStartTime?: Date; trigger?: string } = {}): Promise<{ workflowId: string; windowExecutionId: string }> {
    const nominal = opts.nominalStartTime ?? new Date();
    const workflowId = windowExecutionWorkflowId(window.name, nominal);
    const input: WindowExecutionInput = { window, nominalStartTime: nominal.toISOString(), trigger: opts.trigger ?? 'client' };
    await this.client.workflow.start(WINDOW_EXECUTION_WORKFLOW, {
      workflowId,
      taskQueue: this.taskQueue,
      args: [input],
      typedSearchAttributes: this.indexed
        ? [
            { key: SA_WINDOW, value: window.name },
            { key: SA_TRIGGER, value: input.trigger! },
          ]
        : [],
      staticSummary: `Maintenance window ${window.name} (${window.windowId})`,
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    return { workflowId, windowExecutionId: stableUuid('window-execution', workflowId) };
  }

  /** The window's executions, newest first (DescribeMaintenanceWindowExecutions). */
  async executions(name: string, limit = 50): Promise<SsmWindowExecution[]> {
    const query = `${SA_WINDOW.name} = ${visibilityLiteral(name)} AND WorkflowType = ${visibilityLiteral(WINDOW_EXECUTION_WORKFLOW)}`;
    const rows: SsmWindowExecution[] = [];
    for await (const wf of this.client.workflow.list({ query, pageSize: Math.min(limit, 1000) })) {
      const memo = (wf.memo?.[WINDOW_MEMO.summary] ?? undefined) as WindowExecutionSummary | undefined;
      let status = wf.typedSearchAttributes.get(SA_STATUS) ?? memo?.status ?? 'PENDING';
      let details = memo?.statusDetails ?? '';
      let endTime = memo?.endTime;
      if (wf.status.name === 'RUNNING') {
        const live = await this.client.workflow.getHandle(wf.workflowId).query(windowStateQuery).catch(() => undefined);
        if (live) ({ status, statusDetails: details, endTime } = live);
      } else if (wf.status.name === 'TERMINATED' || wf.status.name === 'TIMED_OUT') {
        status = 'FAILED';
        details = `The window's workflow was ${wf.status.name.toLowerCase().replace('_', ' ')}.`;
      }
      rows.push({
        WindowId: memo?.windowId ?? '',
        WindowExecutionId: memo?.windowExecutionId ?? stableUuid('window-execution', wf.workflowId),
        Status: status,
        StatusDetails: details,
        StartTime: memo?.startTime ?? wf.startTime.toISOString(),
        ...(endTime ? { EndTime: endTime } : wf.closeTime ? { EndTime: wf.closeTime.toISOString() } : {}),
      });
      if (rows.length >= limit) break;
    }
    return rows.sort((a, b) => b.StartTime.localeCompare(a.StartTime));
  }

  /** The workflow of an execution: by SSM's WindowExecutionId, or by its workflow id. */
  async workflowIdOf(id: string): Promise<string> {
    if (id.startsWith(WINDOW_SCHEDULE_PREFIX)) return id;
    const query = `${SA_WINDOW_EXECUTION_ID.name} = ${visibilityLiteral(id)}`;
    for await (const wf of this.client.workflow.list({ query, pageSize: 1 })) return wf.workflowId;
    throw new WindowExecutionNotFoundError(id);
  }

  /** An execution's state: live while it runs, its result once it ended. */
  async state(id: string): Promise<WindowExecutionState> {
    const handle = this.client.workflow.getHandle(await this.workflowIdOf(id));
    try {
      const { status } = await handle.describe();
      if (status.name === 'RUNNING') return await handle.query(windowStateQuery);
      return (await handle.result()) as WindowExecutionState;
    } catch (err) {
      if (err instanceof WorkflowFailedError && err.cause instanceof ApplicationFailure && err.cause.type === WINDOW_FAILURE_TYPES.failed && err.cause.details?.[0]) {
        return err.cause.details[0] as WindowExecutionState;
      }
      if (err instanceof WorkflowNotFoundError) throw new WindowExecutionNotFoundError(id);
      return handle.query(windowStateQuery);
    }
  }

  /** Waits for the execution to end; returns its state whatever its status. */
  async result(id: string): Promise<WindowExecutionState> {
    const handle = this.client.workflow.getHandle(await this.workflowIdOf(id));
    try {
      return (await handle.result()) as WindowExecutionState;
    } catch (err) {
      if (err instanceof WorkflowFailedError && err.cause instanceof ApplicationFailure && err.cause.details?.[0]) return err.cause.details[0] as WindowExecutionState;
      throw err;
    }
  }

  /** CancelMaintenanceWindowExecution: no further task starts; running tasks finish. */
  async cancel(id: string): Promise<void> {
    await this.client.workflow.getHandle(await this.workflowIdOf(id)).cancel();
  }

  /** The execution with every invocation of every task. */
  async report(id: string): Promise<WindowExecutionReport> {
    const state = await this.state(id);
    const window = await this.windowOfExecution(state.workflowId);
    const invocations = new Map<string, InvocationRecord[]>();
    const commands = new CommandClient(this.client, { taskQueue: this.taskQueue });
    for (const t of state.tasks) {
      if (!t.command) {
        invocations.set(t.taskExecutionId, t.invocations);
        continue;
      }
      const task = window?.tasks.find((x) => x.windowTaskId === t.windowTaskId);
      const single = task?.targets?.windowTargetIds?.length === 1 && !task.targets.instanceIds?.length ? task.targets.windowTargetIds[0] : undefined;
      const owner = single ? window?.targets.find((x) => x.windowTargetId === single)?.ownerInformation : undefined;
      const parameters = task?.runCommand
        ? JSON.stringify(
            substitutePseudo(task.runCommand.parameters, {
              WINDOW_ID: state.windowId,
              WINDOW_TASK_ID: t.windowTaskId,
              WINDOW_EXECUTION_ID: state.windowExecutionId,
              TASK_EXECUTION_ID: t.taskExecutionId,
              TARGET_TYPE: TARGET_TYPE_INSTANCE,
              ...(single ? { WINDOW_TARGET_ID: single } : {}),
            }),
          )
        : '{}';
      const rows = await commands.invocations(t.command.commandId, { details: true }).catch(() => []);
      invocations.set(
        t.taskExecutionId,
        rows.map((r) => ({
          invocationId: stableUuid(t.taskExecutionId, r.instanceId),
          target: r.instanceId,
          executionId: t.command!.commandId,
          parameters,
          status: invocationStatus(r.status),
          statusDetails: r.statusDetails,
          ...(r.record?.startTime ? { startTime: r.record.startTime } : {}),
          ...(r.record?.endTime ? { endTime: r.record.endTime } : {}),
          ...(single ? { windowTargetId: single } : {}),
          ...(owner ? { ownerInformation: owner } : {}),
        })),
      );
    }
    return { state, invocations };
  }

  private async windowOfExecution(workflowId: string): Promise<WindowPlan | undefined> {
    try {
      const history = await this.client.workflow.getHandle(workflowId).fetchHistory();
      const payloads = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads;
      const input = await decodeFromPayloadsAtIndex<WindowExecutionInput>(this.client.options.loadedDataConverter, 0, payloads);
      return input?.window;
    } catch {
      return undefined;
    }
  }
}

