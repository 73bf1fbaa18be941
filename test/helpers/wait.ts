import type { DroverClient } from '../../client';
import type { ExecutionState } from '../../workflows/definitions';

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
    await new Promise((r) => setTimeout(r, 100));
  }
}
