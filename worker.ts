// A Drover worker: the interpreter (as the default workflow) and every action's activity,
// on one task queue. Connection from Temporal's environment configuration; stops cleanly
// on SIGINT/SIGTERM (the SDK's default shutdown signals).
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { createActivities, type ActivityDeps } from './activities';
import { temporalTarget, taskQueue as defaultTaskQueue } from './client/config';
import { ensureSearchAttributes } from './client/search-attributes';
import { defaultRunbookDirs } from './compiler/find-runbook';
import { describePayloadEncryption, droverDataConverter, droverPayloadCodec } from './client/codec/data-converter';

export const WORKFLOWS_PATH = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));

/**
 * Workflows kept in the worker's memory between their tasks. The SDK's default (about 600 per
 * GiB of heap, some 2,300 here) keeps every node's and every patch state's idle, long-lived
 * workflow too, and the heap grows with them: the fleet bench's worker peaked at 807 MiB with
 * it, 584 MiB with 250. An evicted workflow that gets a task again replays its history, which
 * for those idle ones is a few events.
 */
export const DEFAULT_MAX_CACHED_WORKFLOWS = 250;

export interface DroverWorkerOptions {
  taskQueue?: string;
  runbookDirs?: readonly string[];
  python?: string;
  /** A prebuilt workflow bundle (tests and benchmarks build it once); also DROVER_WORKFLOW_BUNDLE. */
  workflowBundlePath?: string;
  /** Defaults from the environment configuration. */
  connection?: NativeConnection;
  namespace?: string;
  /** Extra worker options (concurrency limits, identity). */
  tune?: Partial<WorkerOptions>;
  /** Activity dependencies to override (tests inject AWS fault hooks here). */
  activityDeps?: Partial<ActivityDeps>;
  /**
   * Default: droverDataConverter() (payload encryption when DROVER_PAYLOAD_KEYS is set). Its
   * failureConverterPath goes into the bundle this worker builds; a prebuilt bundle must
   * have been built with it, or the workflow's own failure messages stay in clear.
   */
  dataConverter?: DataConverter;
}

/** Bundles the workflow code without webpack's chatter (warnings and errors still show). */
async function bundleQuietly(failureConverterPath?: string): Promise<{ code: string }> {
  const silent = () => {};
  return bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    ...(failureConverterPath ? { failureConverterPath } : {}),
    logger: { log: silent, trace: silent, debug: silent, info: silent, warn: (m) => console.warn(m), error: (m) => console.error(m) },
  });
}

export async function createDroverWorker(opts: DroverWorkerOptions = {}): Promise<{ worker: Worker; close: () => Promise<void> }> {
  const target = temporalTarget();
  const namespace = opts.namespace ?? target.namespace;
  // Before connecting: a bad key configuration fails fast.
  const dataConverter = opts.dataConverter ?? droverDataConverter();
  let connection = opts.connection;
  let owned = false;
  if (!connection) {
    const client = await Connection.connect(target.connectionOptions);
    try {
      const added = await ensureSearchAttributes(client, namespace);
      if (added.length) console.error(`drover worker: registered search attributes ${added.join(', ')} on ${namespace}`);
    } finally {
      await client.close();
    }
    connection = await NativeConnection.connect(target.connectionOptions);
    owned = true;
  }
  const bundlePath = opts.workflowBundlePath ?? process.env.DROVER_WORKFLOW_BUNDLE;
  const deps: ActivityDeps = { runbookDirs: opts.runbookDirs ?? defaultRunbookDirs(), ...opts.activityDeps };
  if (opts.python) deps.python = opts.python;
  const worker = await Worker.create({
    connection,
    namespace,
    taskQueue: opts.taskQueue ?? defaultTaskQueue(),
    workflowBundle: bundlePath ? { codePath: bundlePath } : await bundleQuietly(dataConverter.failureConverterPath),
    activities: createActivities(deps),
    dataConverter,
    maxCachedWorkflows: DEFAULT_MAX_CACHED_WORKFLOWS,
    ...opts.tune,
  });
  return {
    worker,
    close: async () => {
      if (owned) await connection.close();
    },
  };
}

/** Runs a worker until a shutdown signal. */
export async function runWorker(opts: DroverWorkerOptions = {}): Promise<void> {
  const { worker, close } = await createDroverWorker(opts);
  if (droverPayloadCodec()) console.error(`drover worker: payloads ${describePayloadEncryption()}`);
  console.error(`drover worker: polling task queue ${worker.options.taskQueue} on namespace ${worker.options.namespace}`);
  try {
    await worker.run();
  } finally {
    await close();
  }
}
