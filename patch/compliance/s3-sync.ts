// The compliance report in S3, laid out the way SSM's resource data sync writes patch
// compliance (one JSON object per node under AWS:PatchSummary/, partitioned by resource
// type, so that Athena or Glue can read it), plus the whole report as one CSV.
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { AwsClients } from '../../activities/aws/clients';
import { complianceCsv } from './format';
import type { ComplianceRow } from './report';

export interface S3SyncOptions {
  bucket: string;
  prefix: string;
}

/** Writes the rows; returns the keys written. */
export async function writeComplianceToS3(aws: AwsClients, rows: ComplianceRow[], opts: S3SyncOptions): Promise<string[]> {
  const s3 = aws.get(S3Client);
  const base = opts.prefix.replace(/\/+$/, '');
  const capturedAt = new Date().toISOString();
  const keys: string[] = [];
  for (const row of rows) {
    const key = `${base}/AWS:PatchSummary/resourcetype=ManagedInstanceInventory/${encodeURIComponent(row.nodeId)}.json`;
    const body = JSON.stringify({ ...syncFields(row), CaptureTime: capturedAt });
    await s3.send(new PutObjectCommand({ Bucket: opts.bucket, Key: key, Body: body, ContentType: 'application/json' }));
    keys.push(key);
  }
  const reportKey = `${base}/compliance-report.csv`;
  await s3.send(new PutObjectCommand({ Bucket: opts.bucket, Key: reportKey, Body: complianceCsv(rows), ContentType: 'text/csv' }));
  keys.push(reportKey);
  return keys;
}

/** SSM's AWS:PatchSummary names where it has them. */
function syncFields(r: ComplianceRow): Record<string, unknown> {
  return {
    ResourceId: r.nodeId,
    ComplianceStatus: r.compliance,
    ...(r.severity ? { OverallSeverity: r.severity } : {}),
    ...(r.missing !== undefined ? { MissingCount: r.missing } : {}),
    ...(r.failed !== undefined ? { FailedCount: r.failed } : {}),
    ...(r.installedPendingReboot !== undefined ? { InstalledPendingRebootCount: r.installedPendingReboot } : {}),
    ...(r.installedRejected !== undefined ? { InstalledRejectedCount: r.installedRejected } : {}),
    ...(r.missingBySeverity ? { MissingBySeverity: r.missingBySeverity } : {}),
    ...(r.operation ? { Operation: r.operation } : {}),
    ...(r.operationEndTime ? { OperationEndTime: r.operationEndTime } : {}),
    ...(r.baseline ? { BaselineId: r.baseline } : {}),
    ...(r.patchGroup ? { PatchGroup: r.patchGroup } : {}),
    ...(r.reason ? { Reason: r.reason } : {}),
  };
}
