// Temporal refuses any payload over 2 MiB (a workflow's input and result, an activity's
// input, a query's or an update's answer). A workflow task whose command carries one is
// retried forever in a hot loop, so the execution never ends. Step outputs can be large
// (aws:executeScript returns up to 100 KB each), so what the interpreter hands to Temporal
// is measured first: an execution's state is fitted to a budget, and a step whose inputs
// cannot fit fails saying so. Pure.
import type { ExecutionState, StepRecord } from './definitions';

/** Temporal's own limit (the server's limit.blobSize.error default). */
export const TEMPORAL_PAYLOAD_LIMIT_BYTES = 2 * 1024 * 1024;
/** What one payload of ours may take: Temporal's limit, less room for metadata and encryption. */
export const MAX_PAYLOAD_BYTES = 1_900_000;
/** What an execution's state (query, update answers, result) may take; room left for the rest. */
export const STATE_BUDGET_BYTES = 1_000_000;
/** Bytes kept for `truncated`, the note itself. */
const NOTE_ROOM = 512;
/** A failure message kept in full up to this many characters once the state is over budget. */
const MESSAGE_CHARS = 2000;

/** UTF-8 size of a string (what the JSON payload converter writes), without TextEncoder. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i += 1;
    } else n += 3;
  }
  return n;
}

/** The size of `value` as a JSON payload. */
export function jsonSize(value: unknown): number {
  const text = JSON.stringify(value);
  return text === undefined ? 0 : utf8Length(text);
}

type Fittable = Pick<ExecutionState, 'steps' | 'outputs' | 'failureMessage' | 'truncated'>;

function omitted(bytes: number, what: string): string {
  return `[omitted by Drover: ${bytes} bytes; ${what}]`;
}

/**
 * `state` as is when it fits `budget`; otherwise a copy that does: first the steps' own
 * outputs go (each step's activity result in the execution's history still holds them),
 * then the largest runbook outputs are replaced by a note, then long failure messages are
 * cut. `truncated` says what was left out. The original is never changed.
 */
export function fitState<T extends Fittable>(state: T, budget = STATE_BUDGET_BYTES): T {
  const size = jsonSize(state);
  if (size <= budget) return state;
  const notes: string[] = [];
  const steps = state.steps.map((r): StepRecord => {
    if (!r.outputs) return r;
    const { outputs: _dropped, ...rest } = r;
    return { ...rest, outputsOmitted: true };
  });
  const fitted: T = { ...state, steps, outputs: { ...state.outputs } };
  notes.push(`the steps' outputs (see each step's activity result in the execution's history)`);
  // Room for the note that says what was left out.
  let over = jsonSize(fitted) - budget + NOTE_ROOM;
  if (over > 0) {
    const bySize = Object.entries(fitted.outputs)
      .map(([k, v]) => [k, jsonSize(v)] as const)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const cut: string[] = [];
    for (const [key, bytes] of bySize) {
      if (over <= 0) break;
      const note = omitted(bytes, `the output of step ${key.slice(0, key.indexOf('.'))} in the execution's history holds it`);
      fitted.outputs[key] = note;
      over -= bytes - jsonSize(note);
      cut.push(key);
    }
    if (cut.length) notes.push(`runbook outputs ${cut.join(', ')}`);
  }
  if (over > 0) {
    const shorten = (m: string | undefined) => (m && m.length > MESSAGE_CHARS ? `${m.slice(0, MESSAGE_CHARS)}… [cut by Drover]` : m);
    fitted.steps = fitted.steps.map((r) => (r.failureMessage && r.failureMessage.length > MESSAGE_CHARS ? { ...r, failureMessage: shorten(r.failureMessage)! } : r));
    if (fitted.failureMessage) fitted.failureMessage = shorten(fitted.failureMessage)!;
    notes.push(`failure messages beyond ${MESSAGE_CHARS} characters`);
  }
  fitted.truncated = `${size} bytes is more than Temporal takes in one answer; left out: ${notes.join('; ')}`;
  return fitted;
}
