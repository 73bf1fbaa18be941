// SSM's rate controls, as SendCommand documents them. MaxConcurrency: how many invocations
// run at once, a number or a percentage of the targets (default 50). MaxErrors: how many
// errors are allowed without the command failing; "if you specify 3, the system stops
// sending the command when the fourth error is received" (default 0). Pure.

/** SendCommand's own patterns for the two values. */
const CONCURRENCY_PATTERN = /^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$/;
const ERRORS_PATTERN = /^([1-9][0-9]*|0|[1-9][0-9]%|[0-9]%|100%)$/;

export type RateValue = { kind: 'count'; n: number } | { kind: 'percent'; p: number };

/** Parses a MaxConcurrency or MaxErrors value; returns a message a person understands when it is wrong. */
export function parseRate(name: 'MaxConcurrency' | 'MaxErrors', raw: string | number): RateValue | { error: string } {
  const text = String(raw).trim();
  const pattern = name === 'MaxConcurrency' ? CONCURRENCY_PATTERN : ERRORS_PATTERN;
  if (!pattern.test(text)) {
    const allowed = name === 'MaxConcurrency' ? 'a number from 1 up, or a percentage from 1% to 100%' : 'a number from 0 up, or a percentage from 0% to 100%';
    return { error: `${name} ${JSON.stringify(text)} is not valid: give ${allowed} (e.g. 10 or 10%)` };
  }
  return text.endsWith('%') ? { kind: 'percent', p: Number(text.slice(0, -1)) } : { kind: 'count', n: Number(text) };
}

/**
 * How many invocations may run at once for `targetCount` targets. A percentage rounds down
 * but never below one (SSM does not say how it rounds; one is the least that makes progress).
 */
export function concurrencyLimit(value: RateValue, targetCount: number): number {
  if (value.kind === 'count') return value.n;
  return Math.max(1, Math.floor((targetCount * value.p) / 100));
}

/**
 * How many errors are allowed: SSM's example, 10% of 50 targets, stops at the sixth error,
 * so the allowance is 5. A fraction rounds down (the stricter reading).
 */
export function errorAllowance(value: RateValue, targetCount: number): number {
  if (value.kind === 'count') return value.n;
  return Math.floor((targetCount * value.p) / 100);
}

/**
 * SSM's ramp: "delivers the command to a single instance and waits until the initial
 * invocation completes before sending the command to two more instances. The system
 * exponentially sends commands to more instances until the value of max-concurrency is
 * met." Each finished invocation doubles the window, up to the limit.
 */
export function widenWindow(window: number, limit: number): number {
  return Math.min(limit, Math.max(1, window * 2));
}
