// aws:executeScript with a Python runtime: the script runs in its own process group, so a
// cancellation or a timeout kills everything it started; the activity heartbeats while it
// runs, so a crashed worker's attempt is retried elsewhere within seconds. SecureString
// references in InputPayload reach the handler as their values, and those values are
// blanked out of the Payload, the failure and the logged output (activities/secrets.ts).
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { activityInfo, cancellationSignal, heartbeat, log } from '@temporalio/activity';
import type { ActionRequest, ActionResult } from '../../workflows/definitions';
import { selectOutputs } from '../outputs';
import { actionFailed } from '../errors';
import type { AwsClients } from '../aws/clients';
import { withSecrets } from '../secrets';

const RUNNER = fileURLToPath(new URL('./runner.py', import.meta.url));
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
    if (typeof Runtime !== 'string' || !/^python3(\.\d+)?$/.test(Runtime)) {
      throw actionFailed(`Runtime ${JSON.stringify(Runtime)} does not run in Drover: only python3.x runtimes do`);
    }
    if (Attachment !== undefined) throw actionFailed('script attachments are not supported yet: put the script inline in Script');
    if (typeof Script !== 'string' || !Script.trim()) throw actionFailed('Script is required (inline Python source)');
    if (typeof Handler !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(Handler)) {
      throw actionFailed(`Handler must name a function of the script; got ${JSON.stringify(Handler)}`);
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
      const scriptPath = join(dir, 'script.py');
      const eventsPath = join(dir, 'events.json');
      const resultPath = join(dir, 'result.json');
      await writeFile(scriptPath, Script);
      await writeFile(eventsPath, JSON.stringify(events));
      const child = spawn(deps.python, [RUNNER, scriptPath, Handler, eventsPath, resultPath, req.executionId, req.step], {
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
