// The patch state of one managed node: takes each new record (a later operation than the
// one it holds), keeps it in its memo and search attributes, answers queries, and starts
// afresh (continue-as-new) long before its history could grow large. Idle, it costs no
// events; a record costs one signal and one workflow task (about six events).
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  log,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { SA_NODE_TAGS, SA_PATCH_COMPLIANCE } from './definitions';
import { tagKeyword } from './node-contract';
import {
  forgetPatchStateSignal,
  isNewer,
  isPatchStateRecord,
  PATCH_STATE_HISTORY_LIMIT,
  PATCH_STATE_MEMO_KEY,
  patchStateQuery,
  patchStateSignal,
  type PatchStateRecord,
} from './patch-state-contract';
import { failClearly } from './fail-clearly';

export interface PatchStateOptions {
  /** Events after which the workflow continues as new (tests make it small). */
  historyLimit?: number;
}

export function patchStateWorkflow(record: PatchStateRecord, options: PatchStateOptions = {}): Promise<void> {
  return failClearly('the patch state', () => keepPatchState(record, options ?? {}));
}

async function keepPatchState(record: PatchStateRecord, options: PatchStateOptions): Promise<void> {
  if (!isPatchStateRecord(record)) {
    throw ApplicationFailure.nonRetryable('a patch state record needs nodeId, operationEndTime, compliance and tags (strings)', 'DroverInvalidPatchState');
  }
  const limit = options.historyLimit ?? PATCH_STATE_HISTORY_LIMIT;
  let current = record;
  let forgotten = false;
  setHandler(patchStateSignal, (next) => {
    if (!isPatchStateRecord(next)) {
      log.warn('ignored a malformed patch state signal', { nodeId: current.nodeId });
      return;
    }
    if (!isNewer(next, current)) return;
    current = next;
    upsertSearchAttributes([
      { key: SA_NODE_TAGS, value: Object.entries(next.tags).map(([k, v]) => tagKeyword(k, v)) },
      { key: SA_PATCH_COMPLIANCE, value: next.compliance },
    ]);
    upsertMemo({ [PATCH_STATE_MEMO_KEY]: next });
  });
  setHandler(forgetPatchStateSignal, () => {
    forgotten = true;
  });
  setHandler(patchStateQuery, () => current);
  await condition(() => forgotten || workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > limit);
  await condition(allHandlersFinished);
  if (forgotten) return;
  await continueAsNew<typeof patchStateWorkflow>(current, options);
}
