// `drover agent` processes on this machine, as operators run them: each with a state
// directory of its own, tags, and a short worker-heartbeat interval so that the registry
// sees a killed one go within seconds.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { DROVER_BIN, droverEnv } from './processes';

export interface AgentProcess {
  nodeId: string;
  taskQueue: string;
  stateDir: string;
  child: ChildProcess;
  output(): string;
  kill(signal: NodeJS.Signals): Promise<void>;
}

export async function startAgentProcess(opts: {
  /** The Drover worker's task queue (it runs the registration workflows). */
  registryQueue: string;
  stateDir: string;
  tags?: Record<string, string>;
  nodeId?: string;
  heartbeatSeconds?: number;
}): Promise<AgentProcess> {
  const args = [DROVER_BIN, 'agent', '--state-dir', opts.stateDir, '--heartbeat', String(opts.heartbeatSeconds ?? 2)];
  for (const [k, v] of Object.entries(opts.tags ?? {})) args.push('--tag', `${k}=${v}`);
  if (opts.nodeId) args.push('--node-id', opts.nodeId);
  const child = spawn(process.execPath, args, { env: droverEnv(opts.registryQueue), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (b) => (out += b));
  child.stderr!.on('data', (b) => (out += b));
  const banner = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`agent did not start:\n${out}`)), 60_000);
    const check = () => {
      const m = /drover agent: node (\S+).* polling task queue (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    child.stderr!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`agent exited (${code}):\n${out}`));
    });
  });
  child.removeAllListeners('exit');
  return {
    nodeId: banner[1]!,
    taskQueue: banner[2]!,
    stateDir: opts.stateDir,
    child,
    output: () => out,
    kill: (signal) =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}

/** Polls until `probe` returns a value (not undefined); fails naming what it waited for. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
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
