// Child processes of the local stack: started with their output in a log file, stopped
// with SIGTERM then SIGKILL, never left behind when the parent exits.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface ManagedProcess {
  readonly child: ChildProcess;
  readonly logFile: string;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of running) c.kill('SIGKILL');
});

export function startProcess(
  cmd: string,
  args: string[],
  opts: { logFile: string; env?: NodeJS.ProcessEnv; cwd?: string },
): ManagedProcess {
  mkdirSync(dirname(opts.logFile), { recursive: true });
  const fd = openSync(opts.logFile, 'a');
  const child = spawn(cmd, args, { stdio: ['ignore', fd, fd], env: opts.env ?? process.env, cwd: opts.cwd });
  closeSync(fd);
  running.add(child);
  child.once('exit', () => running.delete(child));
  return {
    child,
    logFile: opts.logFile,
    stop: () => stopChild(child),
  };
}

export async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Polls `probe` until it returns true, or throws after `timeoutMs` naming what it waited for. */
export async function waitUntil(
  what: string,
  probe: () => Promise<boolean>,
  opts: { timeoutMs: number; intervalMs?: number; child?: ChildProcess; logFile?: string },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    if (opts.child && (opts.child.exitCode !== null || opts.child.signalCode !== null)) {
      throw new Error(`${what}: the process exited early (code ${opts.child.exitCode})${opts.logFile ? `; see ${opts.logFile}` : ''}`);
    }
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) {
      throw new Error(`${what}: not ready after ${opts.timeoutMs} ms${opts.logFile ? `; see ${opts.logFile}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 200));
  }
}
