// Waiting for EC2 to reach a state: poll, heartbeat, back off, until done or a state that
// can never lead there. The SDK's own waiters (waitUntilInstanceStopped & co.) do not fit:
// they swallow every error (an AccessDenied would be polled for an hour instead of failing
// the step at once, as aws/errors.ts decides) and give up on transitional states AWS's
// actions wait through (an instance still `pending` when asked to stop). Each poll
// heartbeats the caller's details, so a retry after a worker crash resumes the wait
// instead of acting again; the activity sleep between polls ends at once on cancellation.
import { heartbeat, sleep } from '@temporalio/activity';
import { actionFailed } from '../../errors';

export type PollResult<T> = { done: true; value: T } | { done: false; status: string } | { failed: string };

const FIRST_DELAY_MS = 1_000;
const MAX_DELAY_MS = 15_000;

/** DROVER_POLL_INTERVAL_MS fixes the interval (tests poll fast), as for aws:waitForAwsResourceProperty. */
function nextDelay(previous?: number): number {
  const fixed = Number(process.env.DROVER_POLL_INTERVAL_MS);
  if (Number.isFinite(fixed) && fixed > 0) return fixed;
  return previous === undefined ? FIRST_DELAY_MS : Math.min(previous * 2, MAX_DELAY_MS);
}

/**
 * Polls `check` until it is done (its value) or failed (a non-retryable step failure). The
 * heartbeat carries `details` (what a retry resumes from) and the latest status, which the
 * Temporal UI shows on the pending activity.
 */
export async function pollUntil<T>(check: () => Promise<PollResult<T>>, details: Record<string, unknown>): Promise<T> {
  let delay = nextDelay();
  for (;;) {
    const r = await check();
    if ('failed' in r) throw actionFailed(r.failed);
    if (r.done) return r.value;
    heartbeat({ ...details, status: r.status });
    await sleep(delay);
    delay = nextDelay(delay);
  }
}
