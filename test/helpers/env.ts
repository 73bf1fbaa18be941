// What integration tests share: the global setup's Temporal and moto, a worker of their
// own on a task queue of their own, and a Drover client.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger, type Worker } from '@temporalio/worker';
import { createDroverWorker } from '../../worker';
import { registryDirectory } from '../../activities/run-command/registry-directory';
import type { ActivityDeps } from '../../activities';
import { DroverClient } from '../../client';
import { sandboxAwsEnv } from '../../devstack/moto';

export const REPO_RUNBOOKS = fileURLToPath(new URL('../../runbooks', import.meta.url));
export const FIXTURE_RUNBOOKS = fileURLToPath(new URL('../fixtures/runbooks', import.meta.url));

let runtimeInstalled = false;
/** Worker logs only warnings and errors, so test output stays readable. */
export function quietRuntime(): void {
  // A test that captures the logs installs its own runtime first.
  if (runtimeInstalled || Runtime._instance) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger('ERROR') });
}

export function uniqueQueue(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** Points this test process's AWS SDK clients at the shared moto. */
export function useSandboxAws(): string {
  const endpoint = inject('motoEndpoint');
  Object.assign(process.env, sandboxAwsEnv(endpoint));
  return endpoint;
}

export interface TestStack {
  taskQueue: string;
  client: DroverClient;
  worker: Worker;
  stop(): Promise<void>;
}

/** A worker polling a fresh task queue on the shared dev server, and a client for it. */
export async function startStack(opts: { prefix: string; runbookDirs?: string[]; activityDeps?: Partial<ActivityDeps> }): Promise<TestStack> {
  quietRuntime();
  useSandboxAws();
  const address = inject('temporalAddress');
  const taskQueue = uniqueQueue(opts.prefix);
  const nativeConnection = await NativeConnection.connect({ address });
  const runbookDirs = opts.runbookDirs ?? [REPO_RUNBOOKS, FIXTURE_RUNBOOKS];
  const connection = await Connection.connect({ address });
  const temporal = new Client({ connection, namespace: 'default' });
  const { worker } = await createDroverWorker({
    connection: nativeConnection,
    namespace: 'default',
    taskQueue,
    runbookDirs,
    workflowBundlePath: inject('workflowBundlePath'),
    // Run Command resolves targets in the node registry: this server's, not the environment's.
    activityDeps: { ...opts.activityDeps, runCommand: { nodes: registryDirectory(temporal), ...opts.activityDeps?.runCommand } },
  });
  const running = worker.run();
  const client = new DroverClient(temporal, { taskQueue, runbookDirs });
  return {
    taskQueue,
    client,
    worker,
    async stop() {
      worker.shutdown();
      await running;
      await connection.close();
      await nativeConnection.close();
    },
  };
}

export { waitForState } from './wait';
