// The one typed way to start, follow, query, approve/reject/resume, cancel and await a
// runbook execution. The CLI, the ingress and users' programs all go through it.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  type Client,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { ActionCatalog } from '../lang/catalog';
import { BUILTIN_CATALOG } from '../lang/catalog';
import type { Plan } from '../lang/plan';
import { resolveParameters } from '../lang/parameters';
import { loadAndCompile } from '../compiler/load';
import type { Diagnostic } from '../compiler/diagnostic';
import {
  approveUpdate,
  executionId as makeExecutionId,
  FINAL_STATUSES,
  rejectUpdate,
  resumeUpdate,
  SA_PLAN_HASH,
  SA_RUNBOOK,
  SA_TRIGGER,
  stateQuery,
  type DecisionInput,
  type ExecutionInput,
  type ExecutionResult,
  type ExecutionState,
} from '../workflows/definitions';
import { taskQueue as defaultTaskQueue } from './config';
import { connectTemporal } from './connect';
import { listExecutions, type ExecutionSummary, type ListFilter } from './executions';
import { defaultRunbookDirs, findRunbook } from '../compiler/find-runbook';

export class RunbookInvalidError extends Error {
  constructor(
    readonly file: string,
    readonly diagnostics: Diagnostic[],
  ) {
    super(`${file} does not compile (${diagnostics.filter((d) => d.severity === 'error').length} errors)`);
    this.name = 'RunbookInvalidError';
  }
}

export class InvalidParametersError extends Error {
  constructor(
    readonly runbook: string,
    readonly problems: string[],
  ) {
    super(`invalid parameters for ${runbook}:\n  ${problems.join('\n  ')}`);
    this.name = 'InvalidParametersError';
  }
}

export class RunbookNotFoundError extends Error {
  constructor(ref: string, dirs: readonly string[]) {
    super(`no runbook ${ref}: not a file, and not a name in ${dirs.join(', ')}`);
    this.name = 'RunbookNotFoundError';
  }
}

export interface StartOptions {
  /** Parameter values: typed, or strings as the API and the CLI give them. */
  parameters?: Record<string, unknown>;
  /** Makes the start idempotent: the same key returns the same execution. */
  idempotencyKey?: string;
  /** Who or what starts it (search attribute DroverTrigger). Default `client`. */
  trigger?: string;
  notifyTopicArn?: string;
  taskQueue?: string;
  /** More memo fields (the event that started it, …), beside the parameters. */
  memo?: Record<string, unknown>;
}

export interface StartedExecution {
  executionId: string;
  runbook: string;
  planHash: string;
  /** False when an idempotency key found an execution that was already there. */
  started: boolean;
}

/** A decision the execution refused (not an approver, nothing pending, …). */
export class DecisionRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecisionRefusedError';
  }
}

/** Update failures carry the workflow's reason in their cause; that is what a person needs to read. */
async function refusalsExplained<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) throw new DecisionRefusedError(err.cause?.message ?? err.message);
    throw err;
  }
}

function isFinal(state: ExecutionState): boolean {
  return FINAL_STATUSES.includes(state.status);
}

export class DroverClient {
  constructor(
    readonly client: Client,
    readonly options: {
      catalog?: ActionCatalog;
      runbookDirs?: readonly string[];
      taskQueue?: string;
      /** Index executions with Drover's search attributes (default true; the time-skipping test server has none). */
      searchAttributes?: boolean;
    } = {},
  ) {}

  /** Connects with Temporal's environment configuration. */
  static async connect(options: DroverClient['options'] = {}): Promise<DroverClient> {
    return new DroverClient(await connectTemporal(), options);
  }

  async close(): Promise<void> {
    await this.client.connection.close();
  }

  get runbookDirs(): readonly string[] {
    return this.options.runbookDirs ?? defaultRunbookDirs();
  }

  /** A runbook file, or a runbook's name in the runbook folders, compiled to a plan. */
  async compile(ref: string): Promise<Plan> {
    const path = existsSync(ref) ? ref : findRunbook(ref, this.runbookDirs);
    if (!path) throw new RunbookNotFoundError(ref, this.runbookDirs);
    const { plan, diagnostics } = await loadAndCompile(path, this.options.catalog ?? BUILTIN_CATALOG);
    if (!plan) throw new RunbookInvalidError(path, diagnostics);
    return plan;
  }

  /** Validates the parameters against the plan and starts an execution; nothing starts if they are wrong. */
  async start(runbook: string | Plan, opts: StartOptions = {}): Promise<StartedExecution> {
    const plan = typeof runbook === 'string' ? await this.compile(runbook) : runbook;
    const resolved = resolveParameters(plan.parameters, opts.parameters ?? {});
    if (resolved.errors.length > 0) throw new InvalidParametersError(plan.name, resolved.errors.map((e) => e.message));
    const id = makeExecutionId(plan.name, opts.idempotencyKey ?? randomUUID());
    const trigger = opts.trigger ?? 'client';
    const input: ExecutionInput = { plan, parameters: resolved.values, trigger };
    if (opts.notifyTopicArn) input.notifyTopicArn = opts.notifyTopicArn;
    const shown = Object.entries(resolved.values)
      .filter(([k]) => !plan.parameters[k]?.secret)
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' ');
    try {
      await this.client.workflow.start(plan.name, {
        workflowId: id,
        taskQueue: opts.taskQueue ?? this.options.taskQueue ?? defaultTaskQueue(),
        args: [input],
        memo: { ...opts.memo, parameters: Object.fromEntries(Object.entries(resolved.values).filter(([k]) => !plan.parameters[k]?.secret)) },
        typedSearchAttributes:
          this.options.searchAttributes === false
            ? []
            : [
                { key: SA_RUNBOOK, value: plan.name },
                { key: SA_PLAN_HASH, value: plan.hash },
                { key: SA_TRIGGER, value: trigger },
              ],
        staticSummary: `${plan.name} ${shown}`.slice(0, 190),
        staticDetails: plan.description ? plan.description.slice(0, 20_000) : undefined,
        // With a key, a second start finds the first (running or closed) instead of starting another.
        ...(opts.idempotencyKey ? { workflowIdConflictPolicy: 'FAIL' as const, workflowIdReusePolicy: 'REJECT_DUPLICATE' as const } : {}),
      });
    } catch (err) {
      if (opts.idempotencyKey && err instanceof WorkflowExecutionAlreadyStartedError) {
        return { executionId: id, runbook: plan.name, planHash: plan.hash, started: false };
      }
      throw err;
    }
    return { executionId: id, runbook: plan.name, planHash: plan.hash, started: true };
  }

  handle(executionId: string): WorkflowHandle {
    return this.client.workflow.getHandle(executionId);
  }

  /** The execution's state: steps, statuses, outputs, what it waits for. */
  async state(executionId: string): Promise<ExecutionState> {
    return this.handle(executionId).query(stateQuery);
  }

  async approve(executionId: string, decision: DecisionInput): Promise<ExecutionState> {
    return refusalsExplained(this.handle(executionId).executeUpdate(approveUpdate, { args: [decision] }));
  }

  async reject(executionId: string, decision: DecisionInput): Promise<ExecutionState> {
    return refusalsExplained(this.handle(executionId).executeUpdate(rejectUpdate, { args: [decision] }));
  }

  async resume(executionId: string, by: string): Promise<ExecutionState> {
    return refusalsExplained(this.handle(executionId).executeUpdate(resumeUpdate, { args: [{ by }] }));
  }

  /** Asks the execution to cancel: the running step is cancelled and its onCancel path runs. */
  async cancel(executionId: string): Promise<void> {
    await this.handle(executionId).cancel();
  }

  /** Waits for the end and returns the result whatever the final status (it does not throw for Failed). */
  async result(executionId: string): Promise<ExecutionResult> {
    try {
      return (await this.handle(executionId).result()) as ExecutionResult;
    } catch (err) {
      if (err instanceof WorkflowFailedError) {
        if (err.cause instanceof ApplicationFailure && err.cause.details?.[0]) return err.cause.details[0] as ExecutionResult;
        if (err.cause instanceof CancelledFailure) {
          const s = await this.state(executionId);
          return { status: 'Cancelled', outputs: s.outputs, steps: s.steps, failureMessage: 'cancelled' };
        }
        return { status: 'Failed', outputs: {}, steps: [], failureMessage: err.cause?.message ?? err.message };
      }
      throw err;
    }
  }

  /** Executions by runbook and status, newest first (only those started with Drover's search attributes). */
  list(filter: ListFilter = {}): Promise<ExecutionSummary[]> {
    return listExecutions(this.client, filter);
  }

  /**
   * Calls `onState` whenever the state changes, until the execution ends; returns the final
   * state. Polls the state query (cheap: served from the worker's cache).
   */
  async follow(executionId: string, onState: (s: ExecutionState) => void, intervalMs = 500): Promise<ExecutionState> {
    let last = '';
    for (;;) {
      let state: ExecutionState;
      try {
        state = await this.state(executionId);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) throw err;
        // The first workflow task may not have run yet.
        await new Promise((r) => setTimeout(r, intervalMs));
        continue;
      }
      const seen = JSON.stringify(state);
      if (seen !== last) {
        last = seen;
        onState(state);
      }
      if (isFinal(state)) return state;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}

export type { ExecutionState, ExecutionResult, DecisionInput } from '../workflows/definitions';
