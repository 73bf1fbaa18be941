// Plugins the agent runs in its own process rather than as a script (Drover's
// drover:runPatchBaseline). Such a plugin answers as a script would (exit code, stdout,
// stderr); this adapter writes its output to the same files a script's goes to and returns a
// ShellOutcome, so that output limits, S3/CloudWatch upload, exit 194 (reboot) and statuses
// work exactly as for aws:runShellScript. A timeout or a cancellation aborts the plugin's
// signal (it stops its child processes) and ends the step at once.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ShellOutcome } from './shell';

export interface InProcessPluginContext {
  nodeId: string;
  commandId: string;
  /** Aborted on timeout or cancellation. */
  signal: AbortSignal;
}

export interface InProcessPluginOutcome {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export type InProcessPlugin = (inputs: Record<string, unknown>, ctx: InProcessPluginContext) => Promise<InProcessPluginOutcome>;

export interface InProcessRun {
  plugin: InProcessPlugin;
  inputs: Record<string, unknown>;
  dir: string;
  nodeId: string;
  commandId: string;
  timeoutMs: number;
  /** The invocation's cancellation. */
  signal: AbortSignal;
  /** Called every few seconds while it runs (the activity heartbeats). */
  onTick?: () => void;
}

export async function runInProcessPlugin(run: InProcessRun): Promise<ShellOutcome> {
  const startTime = new Date().toISOString();
  const stdoutPath = join(run.dir, 'stdout');
  const stderrPath = join(run.dir, 'stderr');
  const stop = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    stop.abort(new Error('timed out'));
  }, run.timeoutMs);
  const onCancel = () => stop.abort(run.signal.reason);
  run.signal.addEventListener('abort', onCancel, { once: true });
  const ticker = setInterval(() => run.onTick?.(), 5000);
  let outcome: InProcessPluginOutcome | undefined;
  let startError: string | undefined;
  try {
    outcome = await Promise.race([
      run.plugin(run.inputs, { nodeId: run.nodeId, commandId: run.commandId, signal: stop.signal }),
      new Promise<undefined>((resolve) => stop.signal.addEventListener('abort', () => resolve(undefined), { once: true })),
    ]);
  } catch (e) {
    startError = (e as Error).message;
  } finally {
    clearTimeout(timer);
    clearInterval(ticker);
    run.signal.removeEventListener('abort', onCancel);
  }
  await writeFile(stdoutPath, outcome?.stdout ?? '');
  await writeFile(stderrPath, outcome?.stderr ?? (startError ? `${startError}\n` : ''));
  const cancelled = !timedOut && run.signal.aborted;
  return {
    ...(outcome && !timedOut && !cancelled ? { exitCode: outcome.exitCode } : {}),
    timedOut,
    cancelled,
    ...(startError ? { startError } : {}),
    stdoutPath,
    stderrPath,
    startTime,
    endTime: new Date().toISOString(),
  };
}

/** The outcome of a plugin this agent cannot run (an in-process plugin it was not given). */
export async function notRunnable(dir: string, message: string): Promise<ShellOutcome> {
  const at = new Date().toISOString();
  const stdoutPath = join(dir, 'stdout');
  const stderrPath = join(dir, 'stderr');
  await writeFile(stdoutPath, '');
  await writeFile(stderrPath, `${message}\n`);
  return { timedOut: false, cancelled: false, startError: message, stdoutPath, stderrPath, startTime: at, endTime: at };
}
