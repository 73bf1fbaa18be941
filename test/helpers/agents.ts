// `drover agent` processes on this machine, as operators run them: each with a state
// directory of its own, tags, and a short worker-heartbeat interval so that the registry
// sees a killed one go within seconds.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DROVER_BIN, droverEnv, spawnUntilReady, type DroverProcess } from './processes';

export interface AgentProcess extends DroverProcess {
  nodeId: string;
  taskQueue: string;
  stateDir: string;
}

/** Starts `drover agent` and resolves once it polls its node's task queue. */
export async function startAgentProcess(opts: {
  /** The Drover worker's task queue (it runs the registration workflows). */
  registryQueue: string;
  /** Default: a fresh temporary directory. */
  stateDir?: string;
  tags?: Record<string, string>;
  nodeId?: string;
  /** Default 2 s; fleets of agents beat less often. */
  heartbeatSeconds?: number;
  env?: NodeJS.ProcessEnv;
}): Promise<AgentProcess> {
  const stateDir = opts.stateDir ?? mkdtempSync(join(tmpdir(), `drover-agent-${opts.nodeId ?? 'node'}-`));
  const args = [DROVER_BIN, 'agent', '--state-dir', stateDir, '--heartbeat', String(opts.heartbeatSeconds ?? 2)];
  for (const [k, v] of Object.entries(opts.tags ?? {})) args.push('--tag', `${k}=${v}`);
  if (opts.nodeId) args.push('--node-id', opts.nodeId);
  const { banner, ...agent } = await spawnUntilReady(
    `agent ${opts.nodeId ?? stateDir}`,
    args,
    { ...droverEnv(opts.registryQueue), ...opts.env },
    /drover agent: node (\S+).* polling task queue (\S+)/,
    90_000,
  );
  return { ...agent, nodeId: banner[1]!, taskQueue: banner[2]!, stateDir };
}

/** True while a process exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // A killed child that init has not reaped yet is a zombie: gone for our purposes.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}
