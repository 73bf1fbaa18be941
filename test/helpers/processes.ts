// Drover as separate processes, the way operators run it: `drover worker`, `drover …`.
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

export interface WorkerProcess {
  child: ChildProcess;
  output(): string;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** Starts `drover worker` and resolves once it polls. */
export async function startWorkerProcess(taskQueue: string, runbookDirs: string[]): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [DROVER_BIN, 'worker', '--task-queue', taskQueue, '--runbooks', runbookDirs.join(':')], {
    env: droverEnv(taskQueue),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (b) => (out += b));
  child.stderr!.on('data', (b) => (out += b));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${out}`)), 60_000);
    const check = () => {
      if (out.includes('polling task queue')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stderr!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited (${code}):\n${out}`));
    });
  });
  return {
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
