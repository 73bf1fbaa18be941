// drover:patchCompliance — a Drover addition: the patch compliance of managed nodes, as a
// runbook step. With CommandId, the nodes an AWS-RunPatchBaseline command ran on (each with
// the state that command recorded: the answer never mixes in an older scan); with
// InstanceIds or Targets, the latest state of those nodes. Reads Temporal through the
// worker's client; a command SSM ran on EC2 instances is read from SSM. With
// ReportS3BucketName it also writes the report as one self-contained HTML page to S3
// (ReportUrl); ReportCliCommand is the drover command that renders the same report locally.
import { Context, heartbeat } from '@temporalio/activity';
import { SSMClient } from '@aws-sdk/client-ssm';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { chartJsSource, renderComplianceHtml } from '../../patch/compliance/html-report';
import type { ActionRequest, ActionResult } from '../../workflows/definitions';
import { parseSelection } from '../../workflows/run-command/target-spec';
import type { TargetSpec } from '../../workflows/run-command/contract';
import { complianceByQuery, complianceOfCommand, type ComplianceRow } from '../../patch/compliance/report';
import type { AwsClients } from '../aws/clients';
import { actionFailed } from '../errors';

export function createPatchCompliance(deps: { clients: AwsClients }) {
  return async function patchCompliance(req: ActionRequest): Promise<ActionResult> {
    const client = Context.current().client;
    const { CommandId, InstanceIds, Targets, ReportS3BucketName, ReportS3KeyPrefix } = req.inputs as { CommandId?: unknown; InstanceIds?: unknown; Targets?: unknown; ReportS3BucketName?: unknown; ReportS3KeyPrefix?: unknown };
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
    const scope = typeof CommandId === 'string' && CommandId ? `command ${CommandId}` : 'the targeted nodes';
    const reportCommand = typeof CommandId === 'string' && CommandId ? `drover patch report --command-id ${CommandId} --html patch-report.html` : `drover patch report ${(Array.isArray(InstanceIds) ? InstanceIds.map((id) => `--node-id ${String(id)}`) : ['--tag <Key=Value>']).join(' ')} --html patch-report.html`;
    let reportUrl = '';
    if (typeof ReportS3BucketName === 'string' && ReportS3BucketName.trim()) {
      const prefix = (typeof ReportS3KeyPrefix === 'string' && ReportS3KeyPrefix.trim() ? ReportS3KeyPrefix.trim() : 'drover-patch-reports').replace(/\/+$/, '');
      const key = `${prefix}/${req.executionId.replace(/[^A-Za-z0-9._-]/g, '_')}/${req.step}.html`;
      const html = renderComplianceHtml(rows, { chartJs: chartJsSource(), now: new Date(), scope });
      try {
        await deps.clients.get(S3Client, req.assumeRole).send(new PutObjectCommand({ Bucket: ReportS3BucketName.trim(), Key: key, Body: html, ContentType: 'text/html; charset=utf-8' }));
      } catch (e) {
        throw actionFailed(`drover:patchCompliance: the HTML report could not be written to s3://${ReportS3BucketName.trim()}/${key}: ${(e as Error).message}`);
      }
      reportUrl = `s3://${ReportS3BucketName.trim()}/${key}`;
    }
    return {
      outputs: {
        CompliantNodeIds: of('COMPLIANT'),
        NonCompliantNodeIds: of('NON_COMPLIANT'),
        UnreportedNodeIds: of('UNREPORTED'),
        CompliantCount: of('COMPLIANT').length,
        NonCompliantCount: of('NON_COMPLIANT').length,
        UnreportedCount: of('UNREPORTED').length,
        Summary: rows.map(summaryOf),
        ReportUrl: reportUrl,
        ReportCliCommand: reportCommand,
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
