// What an execution carries into its next run when it continues as new. An aws:loop of 100
// passes over a body of activities writes about six events per activity, and loops nest:
// without a fresh history Temporal would stop the execution at 51,200 events (or 50 MB).
// The interpreter continues as new only between steps, so what it carries is data: the
// step to run next, the loops it runs in, and the execution's state. Pure.
import type { ExecutionState, Status } from './definitions';
import type { StepFailure } from './failures';

/** Events in one run before continuing as new (Temporal warns at 10,240 and stops at 51,200). */
export const HISTORY_EVENTS_BUDGET = 5000;
/** History bytes in one run before continuing as new (Temporal warns at 10 MB and stops at 50 MB). */
export const HISTORY_BYTES_BUDGET = 8 * 1024 * 1024;

/** One running aws:loop: enough to go on with the same pass. */
export interface LoopFrame {
  /** The aws:loop step. */
  step: string;
  /** The pass running now, from 1. */
  iteration: number;
  /** MaxIterations as evaluated when the loop started. */
  max: number;
  /** The Iterators as evaluated when the loop started (absent for a LoopCondition loop). */
  items?: unknown[];
  /** IteratorDataType as evaluated when the loop started. */
  dataType?: unknown;
}

export interface ExecutionResume {
  /** The step to run next. */
  at: string;
  /** The loops `at` runs in, outermost first (empty at top level). */
  loops: LoopFrame[];
  /** The execution's state; a Success step's outputs are left out (they are its stepOutputs). */
  state: ExecutionState;
  variables: Record<string, unknown>;
  stepOutputs: Record<string, Record<string, unknown>>;
  criticalFailure?: { failure: StepFailure; step: string };
  awsContext: Record<string, string>;
  notifications: { seq: number; lastStatus?: Status };
  /** Runs of the execution so far, the one that continues included. */
  run: number;
}

/** The state to carry, without what stepOutputs holds anyway (payloads are limited). */
export function stateToCarry(state: ExecutionState): ExecutionState {
  return {
    ...state,
    steps: state.steps.map((r) => {
      if (r.status !== 'Success' || !r.outputs) return { ...r };
      const { outputs: _same, ...rest } = r;
      return rest;
    }),
  };
}

/** The carried state with each Success step's outputs back (a step's record holds a copy of its stepOutputs). */
export function restoreState(state: ExecutionState, stepOutputs: Record<string, Record<string, unknown>>): ExecutionState {
  for (const r of state.steps) {
    const outputs = stepOutputs[r.name];
    if (r.status === 'Success' && !r.outputs && outputs) r.outputs = { ...outputs };
  }
  return state;
}
