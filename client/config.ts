// Where Temporal is: Temporal's standard environment configuration (TEMPORAL_ADDRESS,
// TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*, TEMPORAL_PROFILE and the TOML file),
// the same for the worker, the client, the CLI and the agent.
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { DEFAULT_TASK_QUEUE } from '../workflows/definitions';

export interface TemporalTarget {
  address: string;
  namespace: string;
  // The envconfig options work for both the client's Connection and the worker's NativeConnection.
  connectionOptions: ReturnType<typeof loadClientConnectConfig>['connectionOptions'];
}

export function temporalTarget(): TemporalTarget {
  const cfg = loadClientConnectConfig();
  const connectionOptions = { ...cfg.connectionOptions };
  connectionOptions.address ??= 'localhost:7233';
  return { address: connectionOptions.address, namespace: cfg.namespace ?? 'default', connectionOptions };
}

/** The task queue Drover's worker polls and the client starts executions on. */
export function taskQueue(): string {
  return process.env.DROVER_TASK_QUEUE || DEFAULT_TASK_QUEUE;
}
