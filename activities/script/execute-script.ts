// aws:executeScript with a Python runtime: the script runs in its own process group, so a
// cancellation or a timeout kills everything it started; the activity heartbeats while it
// runs, so a crashed worker's attempt is retried elsewhere within seconds. SecureString
// references in InputPayload reach the handler as their values, and those values are
// blanked out of the Payload, the failure and the logged output (activities/secrets.ts).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { activityInfo, cancellationSignal, heartbeat, log } from '@temporalio/activity';
import type { ActionRequest, ActionResult } from '../../workflows/definitions';
import { selectOutputs } from '../outputs';
import { actionFailed } from '../errors';
import type { AwsClients } from '../aws/clients';
import { withSecrets } from '../secrets';

const RUNNER = fileURLToPath(new URL('./runner.py', import.meta.url));
const PS_RUNNER = fileURLToPath(new URL('./runner.ps1', import.meta.url));
/** AWS's PowerShell runtimes: "PowerShell Core 6.0", "PowerShell 7.0", "PowerShell 7.4". */
const POWERSHELL = /^PowerShell( Core)? \d+(\.\d+)?$/i;
const HEARTBEAT_MS = 3000;
/** AWS caps a step's Payload at 100 KB. */
const MAX_PAYLOAD_BYTES = 100 * 1024;
const LOG_TAIL = 4000;

export interface ScriptDeps {
  /** The Python interpreter for python3.x runtimes. */
  python: string;
  /** Reads SecureString references of InputPayload (as the runbook's assumeRole). */
  clients: AwsClients;
}

interface RunnerResult {
  ok: boolean;
  payload?: unknown;
  error?: string;
}

function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

export function createExecuteScript(deps: ScriptDeps) {
  return withSecrets(deps.clients, async function executeScript(req: ActionRequest, secrets): Promise<ActionResult> {
    const { Runtime, Handler, Script, Attachment, InputPayload } = req.inputs as Record<string, unknown>;
    const powershell = typeof Runtime === 'string' && POWERSHELL.test(Runtime);
    if (typeof Runtime !== 'string' || (!powershell && !/^python3(\.\d+)?$/.test(Runtime))) {
      throw actionFailed(`Runtime ${JSON.stringify(Runtime)} does not run in Drover: python3.x and PowerShell runtimes do`);
    }
    const source = scriptSource(req, Script, Attachment);
    if (!powershell && (typeof Handler !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(Handler))) {
      throw actionFailed(`Handler must name a function of the script (file.function or module.function for an attachment); got ${JSON.stringify(Handler)}`);
    }
    let events: unknown = InputPayload ?? {};
    if (typeof events === 'string') {
      try {
        events = JSON.parse(events);
      } catch {
        // AWS passes a string payload through as it is.
      }
    }
    // After parsing: a value put into JSON text could break it.
    events = await secrets.resolve(events);

    const dir = await mkdtemp(join(tmpdir(), 'drover-script-'));
    const signal = cancellationSignal();
    try {
      const scriptPath = join(dir, powershell ? 'script.ps1' : source.fileName);
      const eventsPath = join(dir, 'events.json');
      const resultPath = join(dir, 'result.json');
      await writeFile(scriptPath, source.content);
      await writeFile(eventsPath, JSON.stringify(events));
      const child = powershell
        ? await spawnPowerShell(dir, scriptPath, resultPath, events)
        : spawn(deps.python, [RUNNER, scriptPath, String(Handler), eventsPath, resultPath, req.executionId, req.step], {
            cwd: dir,
            detached: true,
            stdio: ['ignore', 'pipe', 'pipe'],
            env: { ...process.env, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' },
          });
      let output = '';
      const collect = (b: Buffer) => {
        output = (output + b.toString()).slice(-LOG_TAIL);
      };
      child.stdout.on('data', collect);
      child.stderr.on('data', collect);
      const beat = setInterval(() => heartbeat(), HEARTBEAT_MS);
      const onAbort = () => killGroup(child.pid);
      signal.addEventListener('abort', onAbort);
      const timeout = setTimeout(() => killGroup(child.pid), (req.timeoutSeconds ?? 600) * 1000);
      const exit = await new Promise<{ code: number | null; sig: NodeJS.Signals | null }>((resolve, reject) => {
        child.once('error', reject);
        child.once('close', (code, sig) => resolve({ code, sig }));
      }).finally(() => {
        clearInterval(beat);
        clearTimeout(timeout);
        signal.removeEventListener('abort', onAbort);
      });
      if (signal.aborted) throw signal.reason ?? new Error('cancelled');
      let result: RunnerResult | undefined;
      try {
        result = JSON.parse(await readFile(resultPath, 'utf8')) as RunnerResult;
      } catch {
        result = undefined;
      }
      if (!result) {
        throw actionFailed(`the script process ended without a result (exit ${exit.code ?? exit.sig}): ${output.trim().slice(-500)}`);
      }
      if (powershell && exit.code !== 0) throw actionFailed(`the script exited with ${exit.code ?? exit.sig}: ${output.trim().slice(-500)}`, { log: output.trim() });
      if (!result.ok) throw actionFailed(`the script raised ${result.error}`, { log: output.trim() });
      const size = Buffer.byteLength(JSON.stringify(result.payload ?? null));
      if (size > MAX_PAYLOAD_BYTES) throw actionFailed(`the handler returned ${size} bytes; a Payload may be at most 100 KB`);
      if (output.trim()) log.info('script output', { step: req.step, attempt: activityInfo().attempt, output: secrets.text(output.trim()) });
      const payload = result.payload ?? {};
      const { outputs, problems } = selectOutputs({ Payload: payload }, req.outputs);
      for (const p of problems) log.warn('output not set', { step: req.step, problem: secrets.text(p) });
      // OutputPayload: the whole result as JSON text, as AWS's step outputs carry it.
      return { outputs: { Payload: payload, OutputPayload: JSON.stringify({ Payload: payload }), ...outputs } };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}

/**
 * The script to run: inline `Script`, or the step's `Attachment` (a .py, or a .zip whose
 * module the Handler names), which the workflow passed along from the plan and whose
 * checksum is checked again here.
 */
function scriptSource(req: ActionRequest, script: unknown, attachment: unknown): { fileName: string; content: string | Buffer } {
  if (attachment !== undefined && attachment !== null && attachment !== '') {
    const name = String(attachment);
    const file = req.attachment;
    if (!file || file.name !== name) {
      throw actionFailed(`attachment ${name} was not beside the runbook when it was loaded (files are read from <folder>/<runbook>/${name} or <folder>/${name})`);
    }
    const content = Buffer.from(file.content, 'base64');
    if (createHash('sha256').update(content).digest('hex') !== file.sha256) throw actionFailed(`attachment ${name} does not match its checksum`);
    if (!/\.(py|zip|ps1)$/i.test(name)) throw actionFailed(`attachment ${name}: a script attachment is a .py, .ps1 or .zip file`);
    return { fileName: name.toLowerCase().endsWith('.zip') ? 'attachment.zip' : name, content };
  }
  if (typeof script !== 'string' || !script.trim()) throw actionFailed('Script is required (inline source), or an Attachment');
  return { fileName: 'script.py', content: script };
}

/** `pwsh` from DROVER_PWSH or the PATH; a step failure saying how to get it otherwise. */
async function findPwsh(): Promise<string> {
  const candidates = process.env.DROVER_PWSH ? [process.env.DROVER_PWSH] : (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, 'pwsh'));
  for (const c of candidates) {
    try {
      await access(c, constants.X_OK);
      return c;
    } catch {
      // next
    }
  }
  throw actionFailed('PowerShell runtimes need PowerShell 7 (pwsh) on the worker, and this worker has none: install it, or set DROVER_PWSH to its path');
}

/**
 * Runs a PowerShell script as AWS does: InputPayload in $env:InputPayload (JSON), the last
 * object the script outputs (or returns) becomes Payload; a non-zero exit fails the step.
 */
async function spawnPowerShell(dir: string, scriptPath: string, resultPath: string, events: unknown) {
  const pwsh = await findPwsh();
  return spawn(pwsh, ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', PS_RUNNER, scriptPath, resultPath], {
    cwd: dir,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, InputPayload: JSON.stringify(events) },
  });
}
