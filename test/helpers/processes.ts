// Drover as separate processes, the way operators run it: `drover worker`, `drover agent`,
// `drover …`.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { sandboxAwsEnv } from '../../devstack/moto';

export const DROVER_BIN = fileURLToPath(new URL('../../bin/drover.js', import.meta.url));

export function droverEnv(taskQueue: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...sandboxAwsEnv(inject('motoEndpoint')),
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_NAMESPACE: 'default',
    DROVER_TASK_QUEUE: taskQueue,
    DROVER_WORKFLOW_BUNDLE: inject('workflowBundlePath'),
    FORCE_COLOR: '0',
    NO_COLOR: '1',
  };
}

/** A long-running process of ours (a worker, an agent) with everything it printed. */
export interface DroverProcess {
  child: ChildProcess;
  output(): string;
  /** Signals it (default SIGTERM) and resolves once it has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Spawns `node <args>` and resolves once what it printed matches `ready` (its "polling"
 * banner), with the match; fails with its output when it exits or `timeoutMs` passes first.
 */
export async function spawnUntilReady(
  what: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
  timeoutMs = 60_000,
): Promise<DroverProcess & { banner: RegExpExecArray }> {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (b) => (out += b));
  child.stderr!.on('data', (b) => (out += b));
  const banner = await new Promise<RegExpExecArray>((resolve, reject) => {
    const done = (settle: () => void) => {
      clearTimeout(timer);
      child.stdout!.off('data', check);
      child.stderr!.off('data', check);
      child.off('exit', exited);
      settle();
    };
    const check = () => {
      const m = ready.exec(out);
      if (m) done(() => resolve(m));
    };
    const exited = (code: number | null) => done(() => reject(new Error(`${what} exited (${code}):\n${out}`)));
    const timer = setTimeout(() => done(() => reject(new Error(`${what} did not start:\n${out}`))), timeoutMs);
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.once('exit', exited);
  });
  return {
    banner,
    child,
    output: () => out,
    kill: (signal = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}

export type WorkerProcess = DroverProcess;

/** Starts `drover worker` and resolves once it polls. */
export function startWorkerProcess(taskQueue: string, runbookDirs: string[]): Promise<WorkerProcess> {
  return spawnUntilReady('worker', [DROVER_BIN, 'worker', '--task-queue', taskQueue, '--runbooks', runbookDirs.join(':')], droverEnv(taskQueue), /polling task queue/);
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DROVER_BIN, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
