// The compliance report: one row per node, from the patch state records in Temporal (agent
// nodes), or for a command sent to EC2 instances through SSM, from SSM's
// DescribeInstancePatchStates. Shared by the drover:patchCompliance action and
// `drover patch compliance`.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { DescribeInstancePatchStatesCommand, ListCommandsCommand, type InstancePatchState, type SSMClient } from '@aws-sdk/client-ssm';
import { CommandClient } from '../../client/commands';
import { classifyAwsError } from '../../activities/aws/errors';
import { patchStateQuery, patchStateWorkflowId, type PatchStateRecord } from '../../workflows/patch-state-contract';
import type { ComplianceLevel } from '../baseline';
import { listPatchStates, type ComplianceQuery } from './store';

export type NodeCompliance = 'COMPLIANT' | 'NON_COMPLIANT' | 'UNREPORTED';

export interface ComplianceRow {
  nodeId: string;
  compliance: NodeCompliance;
  severity?: ComplianceLevel;
  /** Missing patches (failed ones included, as SSM's MissingCount) by severity. */
  missingBySeverity?: Record<ComplianceLevel, number>;
  missing?: number;
  failed?: number;
  installedPendingReboot?: number;
  installedRejected?: number;
  operation?: string;
  /** When the state was taken: the last scan or install. */
  operationEndTime?: string;
  baseline?: string;
  patchGroup?: string;
  tags?: Record<string, string>;
  /** The node's operating system and SSM product (agent nodes). */
  os?: string;
  product?: string;
  /** The non-compliant patches by name, most severe first (at most PATCH_RECORD_DETAIL_LIMIT), and how many more there are. */
  nonCompliant?: PatchStateRecord['nonCompliant'];
  nonCompliantOmitted?: number;
  /** Why a node has no state. */
  reason?: string;
}

export function rowOf(record: PatchStateRecord): ComplianceRow {
  return {
    nodeId: record.nodeId,
    compliance: record.compliance,
    ...(record.severity ? { severity: record.severity } : {}),
    missingBySeverity: record.missingBySeverity,
    missing: record.counts.Missing + record.counts.Failed,
    failed: record.counts.Failed,
    installedPendingReboot: record.counts.InstalledPendingReboot,
    installedRejected: record.counts.InstalledRejected,
    operation: record.operation,
    operationEndTime: record.operationEndTime,
    baseline: record.baseline.name,
    ...(record.patchGroup !== undefined ? { patchGroup: record.patchGroup } : {}),
    tags: record.tags,
    os: record.os,
    product: record.product,
    nonCompliant: record.nonCompliant,
    nonCompliantOmitted: record.nonCompliantOmitted,
  };
}

/** The latest state of every node a query selects. */
export async function complianceByQuery(client: Client, query: ComplianceQuery): Promise<ComplianceRow[]> {
  const rows = (await listPatchStates(client, query)).map(rowOf);
  for (const id of query.nodeIds ?? []) {
    if (!rows.some((r) => r.nodeId === id)) rows.push({ nodeId: id, compliance: 'UNREPORTED', reason: 'no patch state recorded (never scanned by Drover)' });
  }
  return rows.sort((a, b) => a.nodeId.localeCompare(b.nodeId));
}

export interface CommandReportOptions {
  /** SSM, for a command that is not Drover's (sent to EC2 instances through SSM). */
  ssm?: SSMClient;
  /** How long to wait for a node's record once its invocation ended (the signal is in flight); default 20 s. */
  settleMs?: number;
  /** Called while waiting (the activity heartbeats). */
  onWait?: () => void;
}

/**
 * The nodes an AWS-RunPatchBaseline command ran on, each with the state that command recorded;
 * a node whose invocation did not run (undeliverable, not started, …) or recorded nothing is UNREPORTED.
 */
export async function complianceOfCommand(client: Client, commandId: string, opts: CommandReportOptions = {}): Promise<ComplianceRow[]> {
  const commands = new CommandClient(client);
  let invocations;
  try {
    invocations = await commands.invocations(commandId);
  } catch (e) {
    if (!(e instanceof WorkflowNotFoundError) && !/not found/i.test((e as Error).message)) throw e;
    if (!opts.ssm) throw new Error(`no command ${commandId}`);
    return complianceFromSsm(opts.ssm, commandId);
  }
  const rows: ComplianceRow[] = [];
  const throughSsm: string[] = [];
  const deadline = Date.now() + (opts.settleMs ?? 20_000);
  for (const inv of invocations) {
    // Success, and Failed (an install with a failed patch), ran the engine and recorded a state.
    if (inv.status !== 'Success' && inv.status !== 'Failed') {
      rows.push({ nodeId: inv.instanceId, compliance: 'UNREPORTED', reason: `the command's invocation ended ${inv.status}${inv.statusDetails && inv.statusDetails !== inv.status ? ` (${inv.statusDetails})` : ''}` });
      continue;
    }
    const record = await recordOf(client, inv.instanceId, commandId, deadline, opts.onWait, async () => (await commands.invocationRecord(commandId, inv.instanceId)).route === 'ssm');
    if (record === 'ssm') throughSsm.push(inv.instanceId);
    else rows.push(record ? rowOf(record) : { nodeId: inv.instanceId, compliance: 'UNREPORTED', reason: `the command's invocation ended ${inv.status} without recording a patch state` });
  }
  // EC2 instances of the command that SSM ran: their patch state is SSM's.
  if (throughSsm.length) rows.push(...(opts.ssm ? await patchStatesFromSsm(opts.ssm, throughSsm) : throughSsm.map((nodeId) => ({ nodeId, compliance: 'UNREPORTED' as const, reason: 'SSM ran it; no SSM client to read its patch state' }))));
  return rows.sort((a, b) => a.nodeId.localeCompare(b.nodeId));
}

/**
 * The node's record once it is the one `commandId` wrote; `'ssm'` when the node has no
 * record because SSM, not a Drover agent, ran its invocation.
 */
async function recordOf(
  client: Client,
  nodeId: string,
  commandId: string,
  deadline: number,
  onWait: (() => void) | undefined,
  ranThroughSsm: () => Promise<boolean>,
): Promise<PatchStateRecord | 'ssm' | undefined> {
  const handle = client.workflow.getHandle(patchStateWorkflowId(nodeId));
  let last: PatchStateRecord | undefined;
  let routeChecked = false;
  for (;;) {
    try {
      last = await handle.query(patchStateQuery);
      if (last.commandId === commandId) return last;
    } catch (e) {
      if (!(e instanceof WorkflowNotFoundError)) throw e;
      if (!routeChecked) {
        routeChecked = true;
        if (await ranThroughSsm()) return 'ssm';
      }
    }
    if (Date.now() > deadline) return undefined;
    onWait?.();
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A command SSM ran on EC2 instances: their patch states as SSM reports them. */
async function complianceFromSsm(ssm: SSMClient, commandId: string): Promise<ComplianceRow[]> {
  const listed = await ssm.send(new ListCommandsCommand({ CommandId: commandId }));
  if (!listed.Commands?.length) throw new Error(`no command ${commandId}, in Drover or in SSM`);
  return patchStatesFromSsm(ssm, [...new Set(listed.Commands[0]!.InstanceIds ?? [])]);
}

/** SSM's DescribeInstancePatchStates of EC2 instances, as rows. */
async function patchStatesFromSsm(ssm: SSMClient, ids: string[]): Promise<ComplianceRow[]> {
  let states: InstancePatchState[] = [];
  let problem: string | undefined;
  try {
    for (let i = 0; i < ids.length; i += 50) {
      const out = await ssm.send(new DescribeInstancePatchStatesCommand({ InstanceIds: ids.slice(i, i + 50) }));
      states = [...states, ...(out.InstancePatchStates ?? [])];
    }
  } catch (e) {
    const c = classifyAwsError(e);
    problem = `SSM gave no patch states (DescribeInstancePatchStates: ${c.code}: ${c.message})`;
  }
  return ids
    .map((id): ComplianceRow => {
      const s = states.find((x) => x.InstanceId === id);
      if (!s) return { nodeId: id, compliance: 'UNREPORTED', reason: problem ?? 'SSM has no patch state for it' };
      const missing = (s.MissingCount ?? 0) + (s.FailedCount ?? 0);
      const nonCompliant = missing + (s.InstalledPendingRebootCount ?? 0) + (s.InstalledRejectedCount ?? 0) > 0;
      return {
        nodeId: id,
        compliance: nonCompliant ? 'NON_COMPLIANT' : 'COMPLIANT',
        missing,
        failed: s.FailedCount ?? 0,
        installedPendingReboot: s.InstalledPendingRebootCount ?? 0,
        installedRejected: s.InstalledRejectedCount ?? 0,
        ...(s.Operation ? { operation: s.Operation } : {}),
        ...(s.OperationEndTime ? { operationEndTime: s.OperationEndTime.toISOString() } : {}),
        ...(s.BaselineId ? { baseline: s.BaselineId } : {}),
        ...(s.PatchGroup ? { patchGroup: s.PatchGroup } : {}),
      };
    })
    .sort((a, b) => a.nodeId.localeCompare(b.nodeId));
}
