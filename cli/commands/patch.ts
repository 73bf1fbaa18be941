// `drover patch compliance`: the latest patch state of each node (or of the nodes one
// AWS-RunPatchBaseline command ran on), as a table, JSON or CSV; optionally written to S3
// the way SSM's resource data sync lays it out. `drover patch report`: the same as files,
// one of them a self-contained HTML page with charts.
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { connectTemporal } from '../../client/connect';
import { AwsClients } from '../../activities/aws/clients';
import { complianceByQuery, complianceOfCommand } from '../../patch/compliance/report';
import { writeComplianceToS3 } from '../../patch/compliance/s3-sync';
import { complianceCsv, formatCompliance } from '../../patch/compliance/format';
import { chartJsSource, renderComplianceHtml } from '../../patch/compliance/html-report';
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

interface ReportOptions {
  tag?: Record<string, string[]>;
  nodeId?: string[];
  commandId?: string;
  html?: string;
  json?: string;
  csv?: string;
  title?: string;
}

export function registerPatchCommands(program: Command): void {
  const patch = program.command('patch').description('Patch Manager: patch compliance of the managed nodes');
  patch
    .command('report')
    .description('the compliance report as files: one self-contained HTML page with charts (--html), JSON (--json), CSV (--csv)')
    .option('--html <file>', 'write the HTML page (compliance by node group and severity, missing patches, last scan ages)')
    .option('--json <file>', 'write the rows as JSON')
    .option('--csv <file>', 'write the rows as CSV')
    .option('--tag <Key=Value>', 'only nodes with this tag (repeatable)', collectTag)
    .option('--node-id <id>', 'only this node (repeatable)', (raw: string, acc: string[] = []) => [...acc, raw])
    .option('--command-id <id>', 'the nodes one AWS-RunPatchBaseline command ran on, with the state it recorded')
    .option('--title <text>', 'the page title (default: Patch compliance)')
    .action(async (opts: ReportOptions) => {
      if (!opts.html && !opts.json && !opts.csv) throw new CliError('give at least one of --html <file>, --json <file>, --csv <file>', EXIT.usage);
      if (opts.commandId && (opts.tag || opts.nodeId)) throw new CliError('give --command-id, or --tag/--node-id, not both', EXIT.usage);
      const client = await connectTemporal();
      const aws = new AwsClients();
      try {
        const rows = opts.commandId
          ? await complianceOfCommand(client, opts.commandId, { ssm: aws.get(SSMClient) })
          : await complianceByQuery(client, { ...(opts.tag ? { tags: opts.tag } : {}), ...(opts.nodeId ? { nodeIds: opts.nodeId } : {}) });
        const scope = opts.commandId ? `command ${opts.commandId}` : [...Object.entries(opts.tag ?? {}).map(([k, v]) => `tag ${k}=${v.join('|')}`), ...(opts.nodeId ?? []).map((id) => `node ${id}`)].join(', ') || 'every node';
        if (opts.html) {
          writeFileSync(opts.html, renderComplianceHtml(rows, { chartJs: chartJsSource(), now: new Date(), scope, ...(opts.title ? { title: opts.title } : {}) }));
          console.error(`wrote ${opts.html} (${rows.length} node${rows.length === 1 ? '' : 's'})`);
        }
        if (opts.json) {
          writeFileSync(opts.json, `${JSON.stringify(rows, null, 2)}\n`);
          console.error(`wrote ${opts.json}`);
        }
        if (opts.csv) {
          writeFileSync(opts.csv, complianceCsv(rows));
          console.error(`wrote ${opts.csv}`);
        }
      } finally {
        aws.destroy();
        await client.connection.close();
      }
    });
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
