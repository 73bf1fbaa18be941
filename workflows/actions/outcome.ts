import type { StepFailure } from '../failures';

/** How one attempt of a step ended when it did not throw. */
export type StepOutcome =
  | {
      kind: 'success';
      outputs: Record<string, unknown>;
      /** Overrides the step's `next` (a branch's choice). */
      next?: string | null;
      /** A transition out of a loop body to an outer step. */
      jump?: string;
    }
  | { kind: 'abort'; failure: StepFailure; step: string };

export function success(outputs: Record<string, unknown> = {}): StepOutcome {
  return { kind: 'success', outputs };
}
