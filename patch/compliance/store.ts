// Patch compliance, client side: a node records its latest patch state (signal-with-start of
// its `drover-patch/<id>` workflow), and the compliance report lists every node's state with
// one visibility query (memo included), filtered by tag on the server.
import type { Client } from '@temporalio/client';
import { nodeTagClause, visibilityLiteral as quote } from '../../client/visibility';
import { SA_PATCH_COMPLIANCE } from '../../workflows/definitions';
import {
  forgetPatchStateSignal,
  PATCH_STATE_MEMO_KEY,
  PATCH_STATE_WORKFLOW_TYPE,
  patchStateSearchAttributes,
  patchStateSignal,
  patchStateWorkflowId,
  type PatchStateRecord,
} from '../../workflows/patch-state-contract';

export interface RecordOptions {
  /** The task queue of a Drover worker, which runs the patch state workflows (DROVER_TASK_QUEUE). */
  taskQueue: string;
}

export async function recordPatchState(client: Client, record: PatchStateRecord, opts: RecordOptions): Promise<void> {
  await client.workflow.signalWithStart(PATCH_STATE_WORKFLOW_TYPE, {
    workflowId: patchStateWorkflowId(record.nodeId),
    taskQueue: opts.taskQueue,
    args: [record],
    signal: patchStateSignal,
    signalArgs: [record],
    memo: { [PATCH_STATE_MEMO_KEY]: record },
    typedSearchAttributes: patchStateSearchAttributes(record),
    staticSummary: `Patch state of node ${record.nodeId}`,
  });
}

/** Drops a node from the compliance report (its patch state workflow ends). */
export async function forgetPatchState(client: Client, nodeId: string): Promise<void> {
  await client.workflow.getHandle(patchStateWorkflowId(nodeId)).signal(forgetPatchStateSignal);
}

export interface ComplianceQuery {
  /** Every key must match one of its values (`role=web`), as SSM's `tag:` targets. */
  tags?: Record<string, string | readonly string[]>;
  nodeIds?: readonly string[];
  compliance?: 'COMPLIANT' | 'NON_COMPLIANT';
}

/** The latest patch state of every node matching the query, sorted by node id. */
export async function listPatchStates(client: Client, query: ComplianceQuery = {}): Promise<PatchStateRecord[]> {
  const clauses = [`WorkflowType = '${PATCH_STATE_WORKFLOW_TYPE}'`, "ExecutionStatus = 'Running'"];
  for (const [k, v] of Object.entries(query.tags ?? {})) clauses.push(nodeTagClause(k, typeof v === 'string' ? [v] : v));
  if (query.compliance) clauses.push(`${SA_PATCH_COMPLIANCE.name} = ${quote(query.compliance)}`);
  if (query.nodeIds?.length) clauses.push(`WorkflowId IN (${query.nodeIds.map((id) => quote(patchStateWorkflowId(id))).join(', ')})`);
  const records: PatchStateRecord[] = [];
  for await (const wf of client.workflow.list({ query: clauses.join(' AND ') })) {
    const record = wf.memo?.[PATCH_STATE_MEMO_KEY] as PatchStateRecord | undefined;
    if (record) records.push(record);
  }
  return records.sort((a, b) => a.nodeId.localeCompare(b.nodeId));
}
