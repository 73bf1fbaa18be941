// The patch state of one managed node: takes each new record (a later operation than the
// one it holds), keeps it in its memo and search attributes, answers queries, and starts
// afresh (continue-as-new) long before its history could grow large. Idle, it costs no
// events; a record costs one signal and one workflow task (about six events).
import { ApplicationFailure, continueAsNew } from '@temporalio/workflow';
import {
  forgetPatchStateSignal,
  isNewer,
  isPatchStateRecord,
  PATCH_STATE_HISTORY_LIMIT,
  PATCH_STATE_MEMO_KEY,
  patchStateQuery,
  patchStateSearchAttributes,
  patchStateSignal,
  type PatchStateRecord,
} from './patch-state-contract';
import { failClearly } from './fail-clearly';
import { holdLatest } from './latest-record';

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
  const latest = await holdLatest<PatchStateRecord>(record, {
    what: 'patch state',
    isRecord: isPatchStateRecord,
    replaces: isNewer,
    update: patchStateSignal,
    forget: forgetPatchStateSignal,
    query: patchStateQuery,
    memoKey: PATCH_STATE_MEMO_KEY,
    searchAttributes: patchStateSearchAttributes,
    historyLimit: options.historyLimit ?? PATCH_STATE_HISTORY_LIMIT,
  });
  if (latest) await continueAsNew<typeof patchStateWorkflow>(latest, options);
}
