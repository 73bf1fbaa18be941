// Waiting in tests: poll for a condition (never sleep as an assertion) and bound a promise,
// each failing with a message that names what it waited for.
import type { DroverClient } from '../../client';
import type { ExecutionState } from '../../workflows/definitions';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `read` until `ok` holds for what it returned; a read that throws is tried again.
 * Fails after `timeoutMs` naming what it waited for, with the last value (or error) seen.
 */
export async function eventually<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const value = await read();
      if (ok(value)) return value;
      last = value === undefined ? '' : `; last: ${JSON.stringify(value)}`;
    } catch (e) {
      last = ` (last error: ${(e as Error).message})`;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last}`);
    await sleep(100);
  }
}

/** Polls `probe` until it returns a value (not undefined), as `eventually` does. */
export function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  return eventually(what, probe, (v) => v !== undefined, timeoutMs) as Promise<T>;
}

/** `p`, or a failure naming `what` when it has not settled within `ms` (a hang made visible). */
export async function within<T>(what: string, p: Promise<T>, ms = 30_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls an execution's state until `pred` holds; fails if it ends (or time runs out) first. */
export async function waitForState(
  client: DroverClient,
  executionId: string,
  pred: (s: ExecutionState) => boolean,
  timeoutMs = 60_000,
): Promise<ExecutionState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await client.state(executionId).catch(() => undefined);
    if (s && pred(s)) return s;
    if (s && ['Success', 'Failed', 'TimedOut', 'Cancelled'].includes(s.status)) throw new Error(`${executionId} ended ${s.status} first`);
    if (Date.now() > deadline) throw new Error(`timed out waiting on ${executionId}`);
    await sleep(100);
  }
}
