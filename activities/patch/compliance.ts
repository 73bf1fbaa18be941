// drover:patchCompliance — a Drover addition: the patch compliance of managed nodes, as a
// runbook step. With CommandId, the nodes an AWS-RunPatchBaseline command ran on (each with
// the state that command recorded: the answer never mixes in an older scan); with
// InstanceIds or Targets, the latest state of those nodes. Reads Temporal through the
// worker's client; a command SSM ran on EC2 instances is read from SSM.
import { Context, heartbeat } from '@temporalio/activity';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { ActionRequest, ActionResult } from '../../workflows/definitions';
import { parseSelection } from '../../workflows/run-command/target-spec';
import type { TargetSpec } from '../../workflows/run-command/contract';
import { complianceByQuery, complianceOfCommand, type ComplianceRow } from '../../patch/compliance/report';
import type { AwsClients } from '../aws/clients';
import { actionFailed } from '../errors';

export function createPatchCompliance(deps: { clients: AwsClients }) {
  return async function patchCompliance(req: ActionRequest): Promise<ActionResult> {
    const client = Context.current().client;
    const { CommandId, InstanceIds, Targets } = req.inputs as { CommandId?: unknown; InstanceIds?: unknown; Targets?: unknown };
    let rows: ComplianceRow[];
    if (typeof CommandId === 'string' && CommandId) {
      try {
        rows = await complianceOfCommand(client, CommandId, { ssm: deps.clients.get(SSMClient, req.assumeRole), onWait: () => heartbeat() });
      } catch (e) {
        throw actionFailed(`drover:patchCompliance: ${(e as Error).message}`);
      }
    } else {
      const { criteria, errors } = parseSelection({
        ...(Array.isArray(InstanceIds) ? { instanceIds: InstanceIds.map(String) } : {}),
        ...(Array.isArray(Targets) ? { targets: Targets as TargetSpec[] } : {}),
      });
      if (errors.length) throw actionFailed(`drover:patchCompliance: ${errors.join('; ')}`);
      const tags: Record<string, string[]> = {};
      let nodeIds: string[] | undefined;
      for (const c of criteria) {
        if (c.kind === 'tag') tags[c.key] = c.values;
        else if (c.kind === 'ids') nodeIds = c.ids;
        else throw actionFailed('drover:patchCompliance: Targets with tag-key are not supported here; use tag:<key> or InstanceIds');
      }
      rows = await complianceByQuery(client, { tags, ...(nodeIds ? { nodeIds } : {}) });
    }
    const of = (c: ComplianceRow['compliance']) => rows.filter((r) => r.compliance === c).map((r) => r.nodeId);
    return {
      outputs: {
        CompliantNodeIds: of('COMPLIANT'),
        NonCompliantNodeIds: of('NON_COMPLIANT'),
        UnreportedNodeIds: of('UNREPORTED'),
        CompliantCount: of('COMPLIANT').length,
        NonCompliantCount: of('NON_COMPLIANT').length,
        UnreportedCount: of('UNREPORTED').length,
        Summary: rows.map(summaryOf),
      },
    };
  };
}

/** One node of the Summary output (a MapList item): SSM's names where it has them. */
function summaryOf(r: ComplianceRow): Record<string, unknown> {
  return {
    NodeId: r.nodeId,
    Compliance: r.compliance,
    ...(r.severity ? { Severity: r.severity } : {}),
    ...(r.missing !== undefined ? { MissingCount: r.missing } : {}),
    ...(r.failed !== undefined ? { FailedCount: r.failed } : {}),
    ...(r.installedPendingReboot !== undefined ? { InstalledPendingRebootCount: r.installedPendingReboot } : {}),
    ...(r.installedRejected !== undefined ? { InstalledRejectedCount: r.installedRejected } : {}),
    ...(r.operation ? { Operation: r.operation } : {}),
    ...(r.operationEndTime ? { OperationEndTime: r.operationEndTime } : {}),
    ...(r.baseline ? { Baseline: r.baseline } : {}),
    ...(r.reason ? { Reason: r.reason } : {}),
  };
}
