// The typed way to send a Run Command and read it back, like SSM's SendCommand,
// ListCommands, ListCommandInvocations and CancelCommand. The CLI and users' programs use
// it alike. A command is one `drover:runCommand` workflow whose id is the command id (a
// UUID, as SSM's are). An agent node's invocation is an activity of that workflow: each run
// keeps how its invocations ended (its memo once closed, a query while open) and the nodes'
// results are in its history. Any other invocation (through SSM, undeliverable, or of a
// command started before agent invocations became activities) is a child workflow
// `<commandId>/<target>`.
import { randomUUID } from 'node:crypto';
import {
  Client,
  Connection,
  WorkflowFailedError,
  WorkflowNotFoundError,
  type WorkflowExecutionInfo,
} from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import type { CommandDocumentPlan, InvocationResult } from '../agent/protocol';
import { checkInvocationParameters } from '../agent/invocation/parameters';
import { SA_COMMAND_ID, SA_STATUS, SA_TRIGGER } from '../workflows/definitions';
import {
  commandInvocationsQuery,
  commandMemo,
  commandResultQuery,
  commandStatusQuery,
  DEFAULT_DELIVERY_TIMEOUT_S,
  DEFAULT_MAX_CONCURRENCY,
  DEFAULT_MAX_ERRORS,
  FINAL_COMMAND_STATUSES,
  FINAL_INVOCATION_STATUSES,
  INVOCATION_WORKFLOW,
  invocationActivityId,
  MAX_DELIVERY_TIMEOUT_S,
  NOTIFICATION_EVENTS,
  RUN_COMMAND_WORKFLOW,
  RUN_INVOCATIONS_MEMO,
  type CommandSummary,
  type InvocationEntry,
  type InvocationRecord,
  type NotificationConfig,
  type RunCommandInput,
  type RunCommandResult,
  type RunInvocations,
  type TargetSpec,
} from '../workflows/run-command/contract';
import { parseRate } from '../workflows/run-command/rate-control';
import { parseSelection } from '../workflows/run-command/target-spec';
import type { InvocationStatus, OutputDestination } from '../agent/protocol';
import { taskQueue as defaultTaskQueue, temporalTarget } from './config';
import { droverDataConverter } from './codec/data-converter';

export type { CommandSummary, RunCommandResult, InvocationRecord, TargetSpec, NotificationConfig } from '../workflows/run-command/contract';

/** A command the client refused to send: nothing was started. */
export class InvalidCommandError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid command:\n  ${problems.join('\n  ')}`);
    this.name = 'InvalidCommandError';
  }
}

export interface SendCommandOptions extends OutputDestination {
  documentName: string;
  /** The compiled document; else looked up with the client's `documents` (when it has one), else by the worker. */
  document?: CommandDocumentPlan;
  parameters?: Record<string, string | string[]>;
  instanceIds?: string[];
  targets?: TargetSpec[];
  maxConcurrency?: string | number;
  maxErrors?: string | number;
  /** Delivery timeout, seconds (SSM's TimeoutSeconds). */
  timeoutSeconds?: number;
  comment?: string;
  notificationConfig?: NotificationConfig;
  serviceRoleArn?: string;
  /** Who sends it (search attribute DroverTrigger); default `client`. */
  trigger?: string;
  /** A command id of your own (a UUID); sending the same id twice starts one command. */
  commandId?: string;
  taskQueue?: string;
  /** Tuning: events in one run of the command's workflow before it continues as new (default 4,000). */
  continueAsNewAfterEvents?: number;
  /** More memo fields (the event that started it, …). */
  memo?: Record<string, unknown>;
}

/** One row of ListCommands. */
export interface CommandListing {
  commandId: string;
  documentName: string;
  comment?: string;
  status: string;
  statusDetails?: string;
  requestedDateTime: string;
  targetCount?: number;
  completedCount?: number;
  errorCount?: number;
  deliveryTimedOutCount?: number;
  maxConcurrency?: string;
  maxErrors?: string;
}

/** One invocation as ListCommandInvocations reports it; `details` adds output and plugins. */
export interface InvocationListing {
  commandId: string;
  instanceId: string;
  status: InvocationStatus;
  statusDetails: string;
  responseCode?: number;
  /** Present with details (or when the invocation ended and its record was read). */
  record?: InvocationRecord;
}

/** An invocation the command ran as its own activity: which run, and how it ended (absent while it runs). */
interface ActivityInvocation {
  runId: string;
  entry?: InvocationEntry;
}

const COMMENT_MAX = 100;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Runs `fn` over `items`, `width` at a time. */
async function mapLimited<T, R>(items: readonly T[], width: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let i = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (i < items.length) {
        const k = i++;
        out[k] = await fn(items[k]!);
      }
    }),
  );
  return out;
}

/** Checks parameters as the node will (before anything is sent); returns them with lists where the document wants lists. */
export function checkCommandParameters(doc: CommandDocumentPlan, given: Record<string, string | string[]>): { values: Record<string, string | string[]>; problems: string[] } {
  const { problems } = checkInvocationParameters(doc, given);
  const values: Record<string, string | string[]> = {};
  for (const [name, v] of Object.entries(given)) {
    const type = doc.parameters[name]?.type;
    values[name] = type === 'StringList' ? (Array.isArray(v) ? v : [v]) : Array.isArray(v) && v.length === 1 ? v[0]! : v;
  }
  return { values, problems };
}

export class CommandClient {
  constructor(
    readonly client: Client,
    readonly options: {
      taskQueue?: string;
      /** Index commands with Drover's search attributes (default true). */
      searchAttributes?: boolean;
      /** Where documents are found by name, to check parameters before sending. */
      documents?: { find(name: string): Promise<CommandDocumentPlan | undefined> };
    } = {},
  ) {}

  static async connect(options: CommandClient['options'] = {}): Promise<CommandClient> {
    const target = temporalTarget();
    const dataConverter = droverDataConverter();
    const connection = await Connection.connect(target.connectionOptions);
    return new CommandClient(new Client({ connection, namespace: target.namespace, dataConverter }), options);
  }

  async close(): Promise<void> {
    await this.client.connection.close();
  }

  /** Checks everything it can, then starts the command; returns its state right after. */
  async send(opts: SendCommandOptions): Promise<{ commandId: string; started: boolean }> {
    const problems: string[] = [];
    if (!opts.documentName) problems.push('a document name is required (e.g. AWS-RunShellScript)');
    const { errors: targetProblems } = parseSelection({ instanceIds: opts.instanceIds, targets: opts.targets });
    problems.push(...targetProblems);
    const maxConcurrency = String(opts.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY);
    const maxErrors = String(opts.maxErrors ?? DEFAULT_MAX_ERRORS);
    for (const [name, raw] of [['MaxConcurrency', maxConcurrency], ['MaxErrors', maxErrors]] as const) {
      const r = parseRate(name, raw);
      if ('error' in r) problems.push(r.error);
    }
    const timeout = opts.timeoutSeconds ?? DEFAULT_DELIVERY_TIMEOUT_S;
    if (!Number.isInteger(timeout) || timeout < 1 || timeout > MAX_DELIVERY_TIMEOUT_S) problems.push(`TimeoutSeconds must be a whole number from 1 to ${MAX_DELIVERY_TIMEOUT_S}; got ${opts.timeoutSeconds}`);
    if (opts.comment && opts.comment.length > COMMENT_MAX) problems.push(`Comment takes at most ${COMMENT_MAX} characters; got ${opts.comment.length}`);
    if (opts.commandId && !UUID.test(opts.commandId)) problems.push(`a command id is a UUID; got ${JSON.stringify(opts.commandId)}`);
    const n = opts.notificationConfig;
    if (n) {
      if (!n.NotificationArn?.startsWith('arn:')) problems.push(`NotificationArn must be an SNS topic ARN; got ${JSON.stringify(n.NotificationArn)}`);
      for (const e of n.NotificationEvents ?? []) {
        if (!(NOTIFICATION_EVENTS as readonly string[]).includes(e)) problems.push(`NotificationEvents: ${JSON.stringify(e)} is not one of ${NOTIFICATION_EVENTS.join(', ')}`);
      }
      if (n.NotificationType && n.NotificationType !== 'Command' && n.NotificationType !== 'Invocation') problems.push(`NotificationType is Command or Invocation; got ${JSON.stringify(n.NotificationType)}`);
    }
    let document = opts.document;
    if (!document && opts.documentName && this.options.documents) document = await this.options.documents.find(opts.documentName);
    let parameters = opts.parameters ?? {};
    if (document) {
      const checked = checkCommandParameters(document, parameters);
      problems.push(...checked.problems);
      parameters = checked.values;
    }
    if (problems.length) throw new InvalidCommandError(problems);

    const commandId = opts.commandId ?? randomUUID();
    const trigger = opts.trigger ?? 'client';
    const input: RunCommandInput = {
      commandId,
      documentName: opts.documentName,
      parameters,
      selection: opts.instanceIds?.length ? { instanceIds: opts.instanceIds } : { targets: opts.targets ?? [] },
      maxConcurrency,
      maxErrors,
      timeoutSeconds: timeout,
      trigger,
      requestedDateTime: new Date().toISOString(),
    };
    if (document) input.document = document;
    for (const k of ['comment', 'outputS3BucketName', 'outputS3KeyPrefix', 'cloudWatchOutputConfig', 'notificationConfig', 'serviceRoleArn', 'continueAsNewAfterEvents'] as const) {
      if (opts[k] !== undefined) (input as unknown as Record<string, unknown>)[k] = opts[k];
    }
    const indexed = this.options.searchAttributes !== false;
    try {
      await this.client.workflow.start(RUN_COMMAND_WORKFLOW, {
        workflowId: commandId,
        taskQueue: opts.taskQueue ?? this.options.taskQueue ?? defaultTaskQueue(),
        args: [input],
        memo: { ...opts.memo, ...commandMemo(input) },
        typedSearchAttributes: indexed
          ? [
              { key: SA_COMMAND_ID, value: commandId },
              { key: SA_STATUS, value: 'Pending' },
              { key: SA_TRIGGER, value: trigger },
            ]
          : [],
        staticSummary: `${opts.documentName}${opts.comment ? `: ${opts.comment}` : ''}`.slice(0, 190),
        workflowIdConflictPolicy: 'FAIL',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
    } catch (err) {
      if (opts.commandId && (err as Error)?.name === 'WorkflowExecutionAlreadyStartedError') return { commandId, started: false };
      throw err;
    }
    return { commandId, started: true };
  }

  /** The command's status and counters, live (a query). */
  async status(commandId: string): Promise<CommandSummary> {
    return this.client.workflow.getHandle(commandId).query(commandStatusQuery);
  }

  /** Waits for the command to end; returns its result whatever the status (Cancelled too). */
  async result(commandId: string): Promise<RunCommandResult> {
    const handle = this.client.workflow.getHandle(commandId);
    try {
      return (await handle.result()) as RunCommandResult;
    } catch (err) {
      if (err instanceof WorkflowFailedError) {
        if (err.cause instanceof ApplicationFailure && err.cause.details?.[0]) return err.cause.details[0] as RunCommandResult;
        if (err.cause instanceof CancelledFailure) return handle.query(commandResultQuery);
      }
      throw err;
    }
  }

  /** Calls `onChange` whenever the status or counters change, until the command ends. */
  async follow(commandId: string, onChange: (s: CommandSummary) => void, intervalMs = 500): Promise<CommandSummary> {
    let last = '';
    for (;;) {
      let s: CommandSummary | undefined;
      try {
        s = await this.status(commandId);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) throw err;
      }
      if (s) {
        const seen = JSON.stringify([s.status, s.counts]);
        if (seen !== last) {
          last = seen;
          onChange(s);
        }
        if (FINAL_COMMAND_STATUSES.includes(s.status)) return s;
      }
      // A command that ended abnormally (terminated, a bug) never reaches a final status by itself.
      const { status } = await this.client.workflow.getHandle(commandId).describe();
      if (status.name !== 'RUNNING') {
        const r = await this.result(commandId).catch(() => undefined);
        const final: CommandSummary = r ?? { ...(s as CommandSummary), status: 'Failed', statusDetails: status.name === 'TERMINATED' ? 'Terminated' : 'Failed' };
        onChange(final);
        return final;
      }
      await sleep(intervalMs);
    }
  }

  async cancel(commandId: string): Promise<void> {
    await this.client.workflow.getHandle(commandId).cancel();
  }

  /** Recent commands, newest first (visibility; counters of running commands are read live). */
  async list(opts: { limit?: number; commandId?: string } = {}): Promise<CommandListing[]> {
    const limit = opts.limit ?? 50;
    const query = `WorkflowType = '${RUN_COMMAND_WORKFLOW}'${opts.commandId ? ` AND WorkflowId = '${opts.commandId.replace(/'/g, '')}'` : ''}`;
    const rows: CommandListing[] = [];
    for await (const wf of this.client.workflow.list({ query, pageSize: Math.min(limit, 1000) })) {
      rows.push(await this.listing(wf));
      if (rows.length >= limit) break;
    }
    return rows;
  }

  private async listing(wf: WorkflowExecutionInfo): Promise<CommandListing> {
    const memo = (wf.memo ?? {}) as Record<string, unknown>;
    const counts = memo.counts as CommandSummary['counts'] | undefined;
    const row: CommandListing = {
      commandId: wf.workflowId,
      documentName: String(memo.documentName ?? ''),
      status: String(wf.typedSearchAttributes.get(SA_STATUS) ?? wf.status.name),
      requestedDateTime: String(memo.requestedDateTime ?? wf.startTime.toISOString()),
    };
    if (memo.comment) row.comment = String(memo.comment);
    if (memo.statusDetails) row.statusDetails = String(memo.statusDetails);
    if (memo.maxConcurrency) row.maxConcurrency = String(memo.maxConcurrency);
    if (memo.maxErrors) row.maxErrors = String(memo.maxErrors);
    if (typeof memo.targetCount === 'number') row.targetCount = memo.targetCount;
    if (counts) Object.assign(row, { targetCount: counts.targetCount, completedCount: counts.completedCount, errorCount: counts.errorCount, deliveryTimedOutCount: counts.deliveryTimedOutCount });
    if (wf.status.name === 'RUNNING') {
      const live = await this.status(wf.workflowId).catch(() => undefined);
      if (live) {
        Object.assign(row, { status: live.status, statusDetails: live.statusDetails, targetCount: live.counts.targetCount, completedCount: live.counts.completedCount, errorCount: live.counts.errorCount, deliveryTimedOutCount: live.counts.deliveryTimedOutCount });
      }
    } else if (wf.status.name === 'CANCELLED') {
      row.status = 'Cancelled';
    } else if (wf.status.name === 'TERMINATED') {
      row.status = 'Failed';
      row.statusDetails = 'Terminated';
    }
    return row;
  }

  /**
   * The command's invocations (ListCommandInvocations): those the command ran as activities
   * (agent nodes) from its runs, the others as child workflows found through visibility;
   * targets never started (Terminated after MaxErrors, or Cancelled) come from the command's
   * result. `details` reads each invocation's output.
   */
  async invocations(commandId: string, opts: { details?: boolean; settleMs?: number } = {}): Promise<InvocationListing[]> {
    const summary = await this.status(commandId);
    const ended = FINAL_COMMAND_STATUSES.includes(summary.status);
    const notStarted = ended ? (await this.result(commandId)).notStarted : { status: 'Terminated' as const, targets: [] };
    // Visibility is eventually consistent: once the command ended, wait (a little) until every invocation shows.
    const deadline = Date.now() + (opts.settleMs ?? 10_000);
    let rows: InvocationListing[];
    let activities: Map<string, ActivityInvocation>;
    for (;;) {
      const [children, ran] = await Promise.all([this.listChildren(commandId), this.activityInvocations(commandId, !ended)]);
      activities = ran;
      rows = [...children.filter((r) => !ran.has(r.instanceId)), ...[...ran].map(([target, a]) => activityRow(commandId, target, a.entry))];
      const expected = summary.counts.targetCount - notStarted.targets.length;
      const settled = !ended || (rows.length >= expected && rows.every((r) => FINAL_INVOCATION_STATUSES.includes(r.status)));
      if (settled || Date.now() > deadline) break;
      await sleep(250);
    }
    const needRecord = rows.filter((r) => !activities.has(r.instanceId) && (opts.details || (ended && !FINAL_INVOCATION_STATUSES.includes(r.status))));
    await mapLimited(needRecord, 16, async (r) => {
      const rec = await this.invocationRecord(commandId, r.instanceId).catch(() => undefined);
      if (rec) {
        r.record = rec;
        r.status = rec.status;
        r.statusDetails = rec.statusDetails;
        r.responseCode = rec.responseCode;
      }
    });
    if (opts.details) {
      const records = await this.activityRecords(commandId, summary, new Map([...activities].filter(([, a]) => a.entry)));
      for (const r of rows) r.record ??= records.get(r.instanceId);
    }
    for (const t of notStarted.targets) rows.push({ commandId, instanceId: t, status: notStarted.status, statusDetails: notStarted.status });
    return rows.sort((a, b) => (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0));
  }

  /**
   * One invocation's record, once it ended: output, plugins, times. A child workflow's is its
   * result; one the command ran as an activity is read from the history of its run.
   */
  async invocationRecord(commandId: string, target: string): Promise<InvocationRecord> {
    try {
      return (await this.client.workflow.getHandle(`${commandId}/${target}`).result()) as InvocationRecord;
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
    for (;;) {
      const summary = await this.status(commandId);
      const running = !FINAL_COMMAND_STATUSES.includes(summary.status);
      const found = (await this.activityInvocations(commandId, running)).get(target);
      if (found?.entry) {
        const record = (await this.activityRecords(commandId, summary, new Map([[target, found]]))).get(target);
        if (record) return record;
      }
      if (!found && !running) throw new WorkflowNotFoundError(`command ${commandId} has no invocation on ${target}`, `${commandId}/${target}`, undefined);
      await sleep(500);
    }
  }

  /** The invocations the command ran as activities, by target: closed runs from their memo, the open one by query. */
  private async activityInvocations(commandId: string, running: boolean): Promise<Map<string, ActivityInvocation>> {
    const out = new Map<string, ActivityInvocation>();
    const add = (ran: RunInvocations) => {
      for (const [target, entry] of Object.entries(ran.ended ?? {})) out.set(target, { runId: ran.runId, entry });
      for (const target of ran.running ?? []) if (!out.has(target)) out.set(target, { runId: ran.runId });
    };
    let open: string | undefined;
    if (running) {
      // The latest run, straight from the workflow (visibility may not show it yet).
      const current = await this.client.workflow.getHandle(commandId).query(commandInvocationsQuery).catch(() => undefined);
      if (current) {
        open = current.runId;
        add(current);
      }
    }
    for await (const wf of this.client.workflow.list({ query: `WorkflowId = '${commandId.replace(/'/g, '')}'` })) {
      if (wf.runId === open) continue;
      const ended = wf.memo?.[RUN_INVOCATIONS_MEMO] as RunInvocations['ended'] | undefined;
      if (ended) add({ runId: wf.runId, ended, running: [] });
      else if (wf.status.name === 'RUNNING') {
        const ran = await this.client.workflow.getHandle(commandId, wf.runId).query(commandInvocationsQuery).catch(() => undefined);
        if (ran) add(ran);
      }
    }
    return out;
  }

  /** Records of ended activity invocations: the node's result from its run's history (one read per run), or what Drover recorded. */
  private async activityRecords(commandId: string, summary: CommandSummary, which: Map<string, ActivityInvocation>): Promise<Map<string, InvocationRecord>> {
    const records = new Map<string, InvocationRecord>();
    const record = (target: string, result: InvocationResult): InvocationRecord => {
      const r: InvocationRecord = { ...result, commandId, nodeId: target, documentName: summary.documentName, requestedDateTime: summary.requestedDateTime, route: 'agent' };
      if (summary.comment) r.comment = summary.comment;
      return r;
    };
    const fromHistory = new Map<string, Set<string>>();
    for (const [target, { runId, entry }] of which) {
      if (!entry) continue;
      const [status, statusDetails, responseCode, message] = entry;
      if (message !== undefined) {
        records.set(target, record(target, { commandId, nodeId: target, status, statusDetails, responseCode, standardOutputContent: '', standardErrorContent: message, plugins: [] }));
      } else {
        if (!fromHistory.has(runId)) fromHistory.set(runId, new Set());
        fromHistory.get(runId)!.add(target);
      }
    }
    const converter = this.client.options.loadedDataConverter;
    for (const [runId, targets] of fromHistory) {
      const wanted = new Map([...targets].map((t) => [invocationActivityId(t), t]));
      const scheduled = new Map<string, string>();
      const history = await this.client.workflow.getHandle(commandId, runId).fetchHistory();
      for (const e of history.events ?? []) {
        const s = e.activityTaskScheduledEventAttributes;
        const target = s?.activityId ? wanted.get(s.activityId) : undefined;
        if (target) scheduled.set(String(e.eventId), target);
        const done = e.activityTaskCompletedEventAttributes;
        const of = done ? scheduled.get(String(done.scheduledEventId)) : undefined;
        if (done && of) records.set(of, record(of, await decodeFromPayloadsAtIndex<InvocationResult>(converter, 0, done.result?.payloads)));
      }
    }
    return records;
  }

  private async listChildren(commandId: string): Promise<InvocationListing[]> {
    const query = `WorkflowType = '${INVOCATION_WORKFLOW}' AND DroverCommandId = '${commandId.replace(/'/g, '')}'`;
    const rows: InvocationListing[] = [];
    const prefix = `${commandId}/`;
    for await (const wf of this.client.workflow.list({ query, pageSize: 1000 })) {
      const status = (wf.typedSearchAttributes.get(SA_STATUS) as InvocationStatus | undefined) ?? 'Pending';
      const memo = (wf.memo ?? {}) as { statusDetails?: string; responseCode?: number };
      const final = FINAL_INVOCATION_STATUSES.includes(status);
      const row: InvocationListing = { commandId, instanceId: wf.workflowId.slice(prefix.length), status, statusDetails: (final && memo.statusDetails) || status };
      if (final && typeof memo.responseCode === 'number') row.responseCode = memo.responseCode;
      rows.push(row);
    }
    return rows;
  }
}

function activityRow(commandId: string, instanceId: string, entry: InvocationEntry | undefined): InvocationListing {
  if (!entry) return { commandId, instanceId, status: 'InProgress', statusDetails: 'InProgress' };
  const [status, statusDetails, responseCode] = entry;
  return { commandId, instanceId, status, statusDetails, responseCode };
}

export type { InvocationResult };
