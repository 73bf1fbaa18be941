// Runs one script the way SSM Agent's aws:runShellScript does: the lines go to a file, which
// runs in a process group of its own (so a timeout or a cancellation kills everything it
// started), with stdout and stderr written to files (so any amount of output costs no
// memory). A script with a #! line runs with that interpreter; others with bash when the
// node has it (Amazon Linux's sh is bash, and scripts are written for it), else sh.
//
// A watchdog outlives the agent: a tiny sh process reading a pipe from the agent. If the
// agent dies (even by SIGKILL), the pipe closes and the watchdog kills the command's
// process group; when the command ends normally the agent tells it "done" first.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, statSync } from 'node:fs';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const WATCHDOG = 'read line; [ "$line" = done ] || kill -9 -"$1" 2>/dev/null';

let shell: string | undefined;
function defaultShell(): string {
  shell ??= ['/bin/bash', '/usr/bin/bash', '/usr/local/bin/bash'].find((p) => existsSync(p)) ?? '/bin/sh';
  return shell;
}

export interface ShellRun {
  script: string;
  /** Holds the script and its stdout/stderr files. */
  dir: string;
  /** Where the script runs; default `dir`. */
  workingDirectory?: string;
  timeoutMs: number;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  /** Called every few seconds while the script runs (the activity heartbeats). */
  onTick?: () => void;
}

export interface ShellOutcome {
  /** The exit code, or undefined when the process was killed or never started. */
  exitCode?: number;
  timedOut: boolean;
  cancelled: boolean;
  /** Why the script could not start (bad working directory, no interpreter). */
  startError?: string;
  stdoutPath: string;
  stderrPath: string;
  startTime: string;
  endTime: string;
}

function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

export async function runShellScript(run: ShellRun): Promise<ShellOutcome> {
  const startTime = new Date().toISOString();
  const scriptPath = join(run.dir, '_script.sh');
  const stdoutPath = join(run.dir, 'stdout');
  const stderrPath = join(run.dir, 'stderr');
  const base = { stdoutPath, stderrPath, startTime };
  await writeFile(scriptPath, run.script.endsWith('\n') ? run.script : `${run.script}\n`, { mode: 0o700 });
  await chmod(scriptPath, 0o700);
  const cwd = run.workingDirectory || run.dir;
  if (!existsSync(cwd) || !statSync(cwd).isDirectory()) {
    await writeFile(stderrPath, `working directory ${cwd} does not exist on this node\n`);
    await writeFile(stdoutPath, '');
    return { ...base, timedOut: false, cancelled: false, startError: `working directory ${cwd} does not exist`, endTime: new Date().toISOString() };
  }
  if (run.signal.aborted) {
    await Promise.all([writeFile(stdoutPath, ''), writeFile(stderrPath, '')]);
    return { ...base, timedOut: false, cancelled: true, endTime: new Date().toISOString() };
  }
  const [command, args] = run.script.startsWith('#!') ? [scriptPath, []] : [defaultShell(), [scriptPath]];
  const out = openSync(stdoutPath, 'w', 0o600);
  const err = openSync(stderrPath, 'w', 0o600);
  let child;
  try {
    child = spawn(command, args, { cwd, detached: true, stdio: ['ignore', out, err], env: run.env });
  } finally {
    closeSync(out);
    closeSync(err);
  }
  const pid = child.pid;
  const watchdog = pid ? spawn('/bin/sh', ['-c', WATCHDOG, 'drover-watchdog', String(pid)], { stdio: ['pipe', 'ignore', 'ignore'], detached: true }) : undefined;
  watchdog?.on('error', () => {});
  watchdog?.stdin?.on('error', () => {});
  watchdog?.unref();

  let timedOut = false;
  let cancelled = false;
  const onAbort = () => {
    cancelled = true;
    killGroup(pid);
  };
  run.signal.addEventListener('abort', onAbort);
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(pid);
  }, run.timeoutMs);
  const tick = setInterval(() => run.onTick?.(), 1000);
  try {
    const exit = await new Promise<{ code: number | null; error?: Error }>((resolve) => {
      child.once('error', (error) => resolve({ code: null, error }));
      child.once('exit', (code) => resolve({ code }));
    });
    if (exit.error) return { ...base, timedOut, cancelled, startError: exit.error.message, endTime: new Date().toISOString() };
    return { ...base, ...(exit.code !== null && !timedOut && !cancelled ? { exitCode: exit.code } : {}), timedOut, cancelled, endTime: new Date().toISOString() };
  } finally {
    clearTimeout(timer);
    clearInterval(tick);
    run.signal.removeEventListener('abort', onAbort);
    // Processes the script left running in the background stay (people start daemons so);
    // the watchdog stands down.
    watchdog?.stdin?.end('done\n');
  }
}
