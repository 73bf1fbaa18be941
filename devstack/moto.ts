// Starts moto in server mode: a real HTTP emulator of the AWS APIs (the sandbox AWS).
import { join } from 'node:path';
import { findTool } from './tools';
import { freePort } from './ports';
import { startProcess, waitUntil, type ManagedProcess } from './process';
import { stateDir } from './paths';

export interface Moto {
  endpoint: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

/** Credentials and endpoint that point AWS SDK v3 clients at the sandbox. */
export function sandboxAwsEnv(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
  };
}

export async function startMoto(opts: { port?: number; logFile?: string; startTimeoutMs?: number } = {}): Promise<Moto> {
  const port = opts.port ?? (await freePort());
  const logFile = opts.logFile ?? join(stateDir, 'logs', `moto-${port}.log`);
  const proc = startProcess(findTool('moto_server'), ['-H', '127.0.0.1', '-p', String(port)], { logFile });
  const endpoint = `http://127.0.0.1:${port}`;
  await waitUntil(`moto on ${endpoint}`, async () => (await fetch(`${endpoint}/moto-api/data.json`)).ok, {
    timeoutMs: opts.startTimeoutMs ?? 60_000,
    child: proc.child,
    logFile,
  });
  await configureMoto(endpoint);
  return { endpoint, process: proc, stop: () => proc.stop() };
}

/**
 * moto's own settings for the sandbox: Step Functions executions run their state machine
 * (Pass, Choice, Fail, Succeed, Wait…) instead of staying RUNNING with static data, so
 * aws:executeStateMachine sees real outcomes.
 */
export async function configureMoto(endpoint: string): Promise<void> {
  const res = await fetch(`${endpoint}/moto-api/config`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ stepfunctions: { execute_state_machine: true } }),
  });
  if (!res.ok) throw new Error(`configuring moto at ${endpoint}: HTTP ${res.status}`);
}
