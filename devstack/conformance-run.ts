// `drover conformance <folder> --run`: runs every document that compiles clean against a
// sandbox of its own (a headless Temporal dev server, moto, an in-process worker whose
// runbook folder is <folder>, so that aws:executeAutomation finds child runbooks there),
// each with fresh fixtures (devstack/conformance-fixtures.ts) and the parameters the
// parameters file gives it. Approval steps are approved and paused steps resumed, as the
// operator of a test run would. The result per document: Success, or how it ended, the
// step that failed and why; or why it was not run (parameters it needs that the file does
// not give).
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { parse } from 'yaml';
import { DroverClient } from '../client';
import type { ConformanceRow } from '../compiler/conformance';
import { loadAndCompile } from '../compiler/load';
import { BUILTIN_CATALOG } from '../lang/catalog';
import type { Plan } from '../lang/plan';
import type { ExecutionState } from '../workflows/definitions';
import { fillFixtures, seedFixtures } from './conformance-fixtures';
import { configureMoto, sandboxAwsEnv, startMoto } from './moto';
import { stateDir } from './paths';
import { startDevServer } from './temporal-dev-server';
import { ensureTools } from './tools';

export interface RunRow {
  file: string;
  /** Success, Failed, TimedOut, Cancelled; `not run` when the document does not compile or lacks parameters. */
  status: string;
  seconds?: number;
  /** The failed step and its failure, or why the document was not run. */
  reason?: string;
}

export interface RunOptions {
  /** YAML or JSON: document file name (or name without extension) → parameters; `${Fixture}` placeholders. */
  parametersFile?: string;
  /** Per document; a run still going then is cancelled (default 120). */
  timeoutSeconds?: number;
  /** Documents at once (default 4). */
  concurrency?: number;
  /** More folders where aws:executeAutomation looks for child runbooks (after <folder>). */
  runbookDirs?: readonly string[];
  /** An existing Temporal and moto (tests); by default the run starts its own. */
  sandbox?: { temporalAddress: string; namespace?: string; motoEndpoint: string; workflowBundlePath?: string };
  onRow?: (row: RunRow) => void;
}

const FINAL = new Set(['Success', 'Failed', 'TimedOut', 'Cancelled']);
const OPERATOR = 'conformance-operator';

async function readParameters(file: string | undefined): Promise<Record<string, Record<string, unknown>>> {
  if (!file) return {};
  const value = parse(await readFile(file, 'utf8')) as unknown;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${file}: expected a mapping of document → parameters`);
  return value as Record<string, Record<string, unknown>>;
}

/** Parameters without default that `given` lacks. */
function missingParameters(plan: Plan, given: Record<string, unknown>): string[] {
  return Object.entries(plan.parameters)
    .filter(([name, spec]) => spec.default === undefined && given[name] === undefined)
    .map(([name]) => name);
}

/** Approves what waits for approval and resumes what is paused, until the run ends or time is up. */
async function drive(client: DroverClient, executionId: string, deadline: number): Promise<ExecutionState> {
  for (;;) {
    const state = await client.state(executionId);
    if (FINAL.has(state.status)) return state;
    if (Date.now() > deadline) {
      // What the step it is stuck at last failed with, if it retries.
      const current = state.steps.find((s) => s.name === state.currentStep);
      if (current?.failureMessage) state.failureMessage = current.failureMessage;
      await client.cancel(executionId);
      const last = state.failureMessage ? ` (attempt ${state.steps.find((s) => s.name === state.currentStep)?.attempts ?? '?'} so far; the last failed: ${state.failureMessage})` : '';
      return client.result(executionId).then((r) => ({ ...r, ...state, steps: [], status: 'TimedOut', failureMessage: `still ${state.status} at ${state.currentStep ?? '?'} when the run's time was up${last}` }));
    }
    const waiting = state.waiting;
    if (waiting?.kind === 'approve') {
      const approver = waiting.approvers?.find((a) => !waiting.decisions?.some((d) => d.approver === a)) ?? OPERATOR;
      await client.approve(executionId, { approver, comment: 'approved by drover conformance --run' }).catch(() => undefined);
    } else if (waiting?.kind === 'pause') {
      await client.resume(executionId, OPERATOR).catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}

function reasonOf(state: ExecutionState): string | undefined {
  if (state.status === 'Success') return undefined;
  const failed = state.steps.find((s) => s.status === 'Failed' || s.status === 'TimedOut');
  const why = failed?.failureMessage ?? state.failureMessage ?? '';
  return `${failed ? `${failed.name}: ` : ''}${why}`.replace(/\s+/g, ' ').slice(0, 300);
}

export async function runConformance(folder: string, rows: readonly ConformanceRow[], opts: RunOptions = {}): Promise<RunRow[]> {
  const parameters = await readParameters(opts.parametersFile);
  const dir = join(stateDir, 'conformance');
  let owned: { stop(): Promise<unknown> } | undefined;
  let sandbox = opts.sandbox;
  if (!sandbox) {
    ensureTools();
    const [server, moto] = await Promise.all([
      startDevServer({ uiPort: false, logFile: join(dir, 'temporal.log') }),
      startMoto({ logFile: join(dir, 'moto.log') }),
    ]);
    owned = { stop: () => Promise.allSettled([moto.stop(), server.stop()]) };
    sandbox = { temporalAddress: server.address, namespace: server.namespace, motoEndpoint: moto.endpoint };
  }
  const namespace = sandbox.namespace ?? 'default';
  const motoEndpoint = sandbox.motoEndpoint;
  const saved = { ...process.env };
  Object.assign(process.env, sandboxAwsEnv(motoEndpoint), { TEMPORAL_ADDRESS: sandbox.temporalAddress, TEMPORAL_NAMESPACE: namespace });
  const taskQueue = `conformance-${randomUUID().slice(0, 8)}`;
  const runbookDirs = [folder, ...(opts.runbookDirs ?? [])];
  const native = await NativeConnection.connect({ address: sandbox.temporalAddress });
  const connection = await Connection.connect({ address: sandbox.temporalAddress });
  const { createDroverWorker } = await import('../worker');
  const { worker } = await createDroverWorker({ connection: native, namespace, taskQueue, runbookDirs, workflowBundlePath: sandbox.workflowBundlePath });
  const running = worker.run();
  const client = new DroverClient(new Client({ connection, namespace }), { taskQueue, runbookDirs });
  const results: RunRow[] = [];
  try {
    await configureMoto(motoEndpoint);
    const queue = [...rows];
    const runOne = async (row: ConformanceRow): Promise<RunRow> => {
      if (!row.clean) return { file: row.file, status: 'not run', reason: 'does not compile' };
      const name = basename(row.file).replace(/\.(ya?ml|json)$/i, '');
      const { plan } = await loadAndCompile(join(folder, row.file), BUILTIN_CATALOG);
      if (!plan) return { file: row.file, status: 'not run', reason: 'does not compile' };
      const given = parameters[row.file] ?? parameters[name];
      let fixtures;
      try {
        fixtures = await seedFixtures(motoEndpoint);
      } catch (err) {
        return { file: row.file, status: 'not run', reason: `seeding the sandbox failed: ${(err as Error).message}`.slice(0, 300) };
      }
      const values = (fillFixtures(given ?? {}, fixtures) as Record<string, unknown>) ?? {};
      const missing = missingParameters(plan, values);
      if (missing.length) return { file: row.file, status: 'not run', reason: `needs parameters ${missing.join(', ')}` };
      const started = Date.now();
      try {
        const { executionId } = await client.start(plan, { parameters: values });
        const state = await drive(client, executionId, started + (opts.timeoutSeconds ?? 120) * 1000);
        const reason = reasonOf(state);
        return { file: row.file, status: state.status, seconds: Math.round((Date.now() - started) / 100) / 10, ...(reason ? { reason } : {}) };
      } catch (err) {
        return { file: row.file, status: 'not run', reason: (err as Error).message.replace(/\s+/g, ' ').slice(0, 300) };
      }
    };
    const workers = Array.from({ length: opts.concurrency ?? 4 }, async () => {
      for (let row = queue.shift(); row; row = queue.shift()) {
        const result = await runOne(row);
        results.push(result);
        opts.onRow?.(result);
      }
    });
    await Promise.all(workers);
  } finally {
    worker.shutdown();
    await running.catch(() => undefined);
    await connection.close();
    await native.close();
    await owned?.stop();
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
  return results.sort((a, b) => a.file.localeCompare(b.file));
}

/** One line per document, then the count that ran to Success. */
export function formatRuns(rows: readonly RunRow[]): string {
  const width = Math.max(8, ...rows.map((r) => r.file.length));
  const lines = [`${'document'.padEnd(width)}  run       seconds  why not Success`];
  for (const r of rows) {
    lines.push(`${r.file.padEnd(width)}  ${r.status.padEnd(8)}  ${(r.seconds === undefined ? '-' : r.seconds.toFixed(1)).padStart(7)}  ${r.reason ?? ''}`.trimEnd());
  }
  const ran = rows.filter((r) => r.status !== 'not run');
  lines.push('', `${rows.filter((r) => r.status === 'Success').length} of ${ran.length} documents run ran to Success (${rows.length - ran.length} not run).`);
  return lines.join('\n');
}
