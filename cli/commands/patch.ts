// `drover patch compliance`: the latest patch state of each node (or of the nodes one
// AWS-RunPatchBaseline command ran on), as a table, JSON or CSV; optionally written to S3
// the way SSM's resource data sync lays it out.
import type { Command } from 'commander';
import { connectTemporal } from '../../client/connect';
import { AwsClients } from '../../activities/aws/clients';
import { complianceByQuery, complianceOfCommand } from '../../patch/compliance/report';
import { writeComplianceToS3 } from '../../patch/compliance/s3-sync';
import { complianceCsv, formatCompliance } from '../../patch/compliance/format';
import { SSMClient } from '@aws-sdk/client-ssm';
import { CliError, EXIT } from '../errors';

interface ComplianceOptions {
  tag?: Record<string, string[]>;
  nodeId?: string[];
  commandId?: string;
  nonCompliant?: boolean;
  json?: boolean;
  csv?: boolean;
  s3Bucket?: string;
  s3Prefix?: string;
}

function collectTag(raw: string, acc: Record<string, string[]> = {}): Record<string, string[]> {
  const eq = raw.indexOf('=');
  if (eq <= 0) throw new CliError(`--tag takes Key=Value; got ${JSON.stringify(raw)}`, EXIT.usage);
  const key = raw.slice(0, eq);
  acc[key] = [...(acc[key] ?? []), raw.slice(eq + 1)];
  return acc;
}

export function registerPatchCommands(program: Command): void {
  const patch = program.command('patch').description('Patch Manager: patch compliance of the managed nodes');
  patch
    .command('compliance')
    .description('per node: compliance, missing patches by severity, last scan or install')
    .option('--tag <Key=Value>', 'only nodes with this tag (repeatable: every key must match, values of one key are alternatives)', collectTag)
    .option('--node-id <id>', 'only this node (repeatable)', (raw: string, acc: string[] = []) => [...acc, raw])
    .option('--command-id <id>', 'the nodes one AWS-RunPatchBaseline command ran on, with the state it recorded')
    .option('--non-compliant', 'only the nodes that are not compliant')
    .option('--json', 'print the rows as JSON')
    .option('--csv', 'print the rows as CSV')
    .option('--s3-bucket <bucket>', "also write the report to S3 (SSM resource data sync's layout)")
    .option('--s3-prefix <prefix>', 'key prefix in the bucket (default drover-compliance)')
    .action(async (opts: ComplianceOptions) => {
      if (opts.json && opts.csv) throw new CliError('give --json or --csv, not both', EXIT.usage);
      if (opts.commandId && (opts.tag || opts.nodeId)) throw new CliError('give --command-id, or --tag/--node-id, not both', EXIT.usage);
      if (opts.s3Prefix && !opts.s3Bucket) throw new CliError('--s3-prefix needs --s3-bucket', EXIT.usage);
      const client = await connectTemporal();
      const aws = new AwsClients();
      try {
        let rows = opts.commandId
          ? await complianceOfCommand(client, opts.commandId, { ssm: aws.get(SSMClient) })
          : await complianceByQuery(client, { ...(opts.tag ? { tags: opts.tag } : {}), ...(opts.nodeId ? { nodeIds: opts.nodeId } : {}) });
        if (opts.nonCompliant) rows = rows.filter((r) => r.compliance === 'NON_COMPLIANT');
        if (opts.s3Bucket) {
          const written = await writeComplianceToS3(aws, rows, { bucket: opts.s3Bucket, prefix: opts.s3Prefix ?? 'drover-compliance' });
          console.error(`wrote ${written.length} object${written.length === 1 ? '' : 's'} to s3://${opts.s3Bucket}/${opts.s3Prefix ?? 'drover-compliance'}/`);
        }
        if (opts.json) console.log(JSON.stringify(rows, null, 2));
        else if (opts.csv) process.stdout.write(complianceCsv(rows));
        else console.log(formatCompliance(rows));
      } finally {
        aws.destroy();
        await client.connection.close();
      }
    });
}
