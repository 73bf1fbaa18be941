// The skeleton of Drover's long-lived per-node workflows (the node registry, the patch
// state): hold one record; take a newer one from a signal, keeping memo and search
// attributes up to date; answer queries; end when told to forget; and hand the record on to
// continue-as-new long before the history could grow large. Idle, it costs no events.
// Anyone who can reach Temporal can signal it: a malformed record is logged and ignored,
// since a handler that throws would fail the workflow's tasks for good.
import type { QueryDefinition, SearchAttributePair, SignalDefinition } from '@temporalio/common';
import { allHandlersFinished, condition, log, setHandler, upsertMemo, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';

export interface LatestRecord<R extends { nodeId: string }> {
  /** For the log line of a malformed signal: "registration", "patch state". */
  what: string;
  isRecord(x: unknown): x is R;
  /** Whether `next` takes the place of `current`. */
  replaces(next: R, current: R): boolean;
  update: SignalDefinition<[R]>;
  forget: SignalDefinition<[]>;
  query: QueryDefinition<R>;
  memoKey: string;
  searchAttributes(record: R): SearchAttributePair[];
  /** Events after which the workflow continues as new. */
  historyLimit: number;
}

/** Holds `first` and its successors; resolves with the record to continue as new with, or undefined once forgotten. */
export async function holdLatest<R extends { nodeId: string }>(first: R, spec: LatestRecord<R>): Promise<R | undefined> {
  let current = first;
  let forgotten = false;
  setHandler(spec.update, (next) => {
    if (!spec.isRecord(next)) {
      log.warn(`ignored a malformed ${spec.what} signal`, { nodeId: current.nodeId });
      return;
    }
    if (!spec.replaces(next, current)) return;
    current = next;
    upsertSearchAttributes(spec.searchAttributes(next));
    upsertMemo({ [spec.memoKey]: next });
  });
  setHandler(spec.forget, () => {
    forgotten = true;
  });
  setHandler(spec.query, () => current);
  await condition(() => forgotten || workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > spec.historyLimit);
  await condition(allHandlersFinished);
  return forgotten ? undefined : current;
}
