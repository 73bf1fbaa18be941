// Patch compliance in Temporal: one long-lived workflow per node, `drover-patch/<id>`, whose
// memo holds the node's latest patch state (bounded: counts, compliance, and at most
// PATCH_RECORD_DETAIL_LIMIT non-compliant patches) and whose search attributes make it
// findable by tag and by compliance. The node's agent writes it after each Scan or Install
// (signal-with-start); `drover patch compliance` lists it with one visibility query. Pure:
// imported by the workflow, the agent side and the client.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { SearchAttributePair } from '@temporalio/common';
import type { ComplianceLevel, OperatingSystem } from '../patch/baseline';
import type { PatchOperationType, RebootOption } from '../patch/operation';
import type { PatchCounts, PatchRecord, PatchSummary } from '../patch/patch-state';
import { SA_NODE_TAGS, SA_PATCH_COMPLIANCE } from './definitions';
import { isStringRecord, tagKeywords } from './node-contract';

export const PATCH_STATE_WORKFLOW_TYPE = 'drover:patchState';

export function patchStateWorkflowId(nodeId: string): string {
  return `drover-patch/${nodeId}`;
}

/** The memo key of the record. */
export const PATCH_STATE_MEMO_KEY = 'patchState';

/** How many non-compliant patches a record keeps by name (the counts keep them all). */
export const PATCH_RECORD_DETAIL_LIMIT = 20;

/** Continue-as-new early: a record costs about 4 events and 2 KB of history, so a run holds ~50 records (~110 KB). */
export const PATCH_STATE_HISTORY_LIMIT = 200;

/** A node's latest patch state, as kept (SSM's InstancePatchState, plus the node's tags). */
export interface PatchStateRecord {
  nodeId: string;
  /** The Run Command that produced it (AWS-RunPatchBaseline through drover send-command or aws:runCommand). */
  commandId?: string;
  /** The node's tags when it reported (the compliance report filters by them). */
  tags: Record<string, string>;
  os: OperatingSystem;
  product: string;
  baseline: { name: string; hash: string };
  patchGroup?: string;
  operation: PatchOperationType;
  operationStartTime: string;
  operationEndTime: string;
  rebootOption: RebootOption;
  compliance: PatchSummary['compliance'];
  severity?: ComplianceLevel;
  counts: PatchCounts;
  missingBySeverity: Record<ComplianceLevel, number>;
  criticalNonCompliantCount: number;
  securityNonCompliantCount: number;
  otherNonCompliantCount: number;
  /** Install: packages changed and a reboot still required. */
  installedCount?: number;
  rebootRequired?: boolean;
  /** The non-compliant patches, most severe first, at most PATCH_RECORD_DETAIL_LIMIT. */
  nonCompliant: Pick<PatchRecord, 'title' | 'state' | 'installedVersion' | 'availableVersion' | 'severity' | 'advisoryIds'>[];
  /** How many non-compliant patches did not fit. */
  nonCompliantOmitted: number;
}

export const patchStateSignal = defineSignal<[PatchStateRecord]>('drover.patch.state');
export const forgetPatchStateSignal = defineSignal('drover.patch.forget');
export const patchStateQuery = defineQuery<PatchStateRecord>('drover.patch.state');

/** The patch state workflow's search attributes: set at signal-with-start, kept by the workflow. */
export function patchStateSearchAttributes(record: PatchStateRecord): SearchAttributePair[] {
  return [
    { key: SA_NODE_TAGS, value: tagKeywords(record.tags) },
    { key: SA_PATCH_COMPLIANCE, value: record.compliance },
  ];
}

/** The record that wins: the later operation (a late or repeated signal never moves a node back). */
export function isNewer(next: PatchStateRecord, current: PatchStateRecord): boolean {
  return next.operationEndTime > current.operationEndTime;
}

/**
 * Whether a payload is a record the patch state workflow can keep (anyone who can reach
 * Temporal can signal it; a handler that throws would fail its tasks for good).
 */
export function isPatchStateRecord(x: unknown): x is PatchStateRecord {
  if (typeof x !== 'object' || x === null) return false;
  const r = x as Record<string, unknown>;
  return (
    typeof r.nodeId === 'string' &&
    typeof r.operationEndTime === 'string' &&
    (r.compliance === 'COMPLIANT' || r.compliance === 'NON_COMPLIANT') &&
    isStringRecord(r.tags)
  );
}
