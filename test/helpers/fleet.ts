// Real `drover agent` processes for fleet tests: each with its own node id, tags and state
// directory, registering in the registry that the stack's worker serves.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DROVER_BIN, droverEnv } from './processes';

export interface AgentProcess {
  nodeId: string;
  child: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `drover agent` and resolves once it polls its node's task queue. */
export async function startAgentProcess(opts: { nodeId: string; tags: Record<string, string>; registryTaskQueue: string; env?: NodeJS.ProcessEnv }): Promise<AgentProcess> {
  const stateDir = mkdtempSync(join(tmpdir(), `drover-agent-${opts.nodeId}-`));
  const args = [DROVER_BIN, 'agent', '--node-id', opts.nodeId, '--state-dir', stateDir, '--heartbeat', '5'];
  for (const [k, v] of Object.entries(opts.tags)) args.push('--tag', `${k}=${v}`);
  const child = spawn(process.execPath, args, { env: { ...droverEnv(opts.registryTaskQueue), ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (b) => (out += b));
  child.stderr!.on('data', (b) => (out += b));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`agent ${opts.nodeId} did not start:\n${out}`)), 90_000);
    const check = () => {
      if (/polling task queue/.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stderr!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`agent ${opts.nodeId} exited (${code}):\n${out}`));
    });
  });
  return {
    nodeId: opts.nodeId,
    child,
    output: () => out,
    stop: (signal = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}

/** Intervals [start, end] (ms) from a journal of `<node> start|end <epoch-ms>` lines, per node and command run. */
export function intervalsOf(journal: string): { nodeId: string; start: number; end: number }[] {
  const open = new Map<string, number>();
  const out: { nodeId: string; start: number; end: number }[] = [];
  for (const line of journal.split('\n')) {
    const m = /^(\S+) (start|end) (\d+)$/.exec(line.trim());
    if (!m) continue;
    if (m[2] === 'start') open.set(m[1]!, Number(m[3]));
    else {
      const start = open.get(m[1]!);
      if (start !== undefined) out.push({ nodeId: m[1]!, start, end: Number(m[3]) });
      open.delete(m[1]!);
    }
  }
  return out;
}
