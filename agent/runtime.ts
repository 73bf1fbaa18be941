// The Temporal runtime of an agent process: worker heartbeats (the registry's liveness) at
// the agent's own interval, and logs at WARN without the SDK's note that an activity-only
// worker polls no workflow tasks. Process-wide, so it must be installed before the first
// connection; where something else installed it first (the in-process agent of `drover
// dev` installs early), the SDK's default interval applies.
import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';

/** The SDK's default worker-heartbeat interval. */
const SDK_DEFAULT_HEARTBEAT_SECONDS = 60;
export const DEFAULT_AGENT_HEARTBEAT_SECONDS = 30;

let installed: number | undefined;

/** Installs the runtime (once); returns the worker-heartbeat interval in force, in seconds. */
export function installAgentRuntime(heartbeatSeconds = DEFAULT_AGENT_HEARTBEAT_SECONDS): number {
  if (installed !== undefined) return installed;
  if (Runtime._instance) return SDK_DEFAULT_HEARTBEAT_SECONDS;
  const seconds = Math.min(60, Math.max(1, Math.round(heartbeatSeconds)));
  Runtime.install({
    workerHeartbeatInterval: seconds * 1000,
    logger: new DefaultLogger('WARN', (entry: LogEntry) => {
      if (/No workflows registered/.test(entry.message)) return;
      const meta = entry.meta && Object.keys(entry.meta).length ? ` ${JSON.stringify(entry.meta)}` : '';
      console.error(`drover: ${entry.level.toLowerCase()}: ${entry.message}${meta}`);
    }),
  });
  installed = seconds;
  return seconds;
}
