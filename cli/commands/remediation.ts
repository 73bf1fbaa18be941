// drover remediation status|start|exceptions: AWS Config's remediation API, over Drover's
// per-resource remediation workflows.
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { DroverClient } from '../../client';
import { taskQueue } from '../../client/config';
import { RemediationClient, RemediationConfigNotFoundError, type RemediationSummary } from '../../client/events/remediations';
import { formatDiagnostic } from '../../compiler/diagnostic';
import { loadRemediationSet } from '../../compiler/remediation/load';
import type { RemediationStatus } from '../../workflows/events/remediation-contract';
import { CliError, EXIT } from '../errors';

const collect = (v: string, prev: string[] = []) => [...prev, v];

async function withRemediations<T>(fn: (r: RemediationClient) => Promise<T>): Promise<T> {
  const client = await DroverClient.connect();
  try {
    const { remediations, diagnostics } = await loadRemediationSet(undefined, { runbookDirs: client.runbookDirs });
    for (const d of diagnostics.filter((x) => x.severity === 'error')) console.error(formatDiagnostic(d));
    return await fn(new RemediationClient(client.client, { taskQueue: taskQueue(), remediations }));
  } catch (err) {
    if (err instanceof RemediationConfigNotFoundError) throw new CliError(err.message, EXIT.usage);
    throw err;
  } finally {
    await client.close();
  }
}

const who = (as?: string) => as ?? `local:${userInfo().username}`;

function row(s: RemediationSummary | RemediationStatus): string {
  const last = 'attempts' in s ? s.attempts.at(-1) : s.lastAttempt;
  const exception = s.exception ? `  EXCEPTION (${s.exception.createdBy}): ${s.exception.message}` : '';
  const failure = last?.failureMessage ? `  last failure: ${last.failureMessage}` : '';
  return `${s.configRuleName}  ${s.resourceId}  ${s.state ?? 'NONE'}  ${s.compliance ?? '-'}  attempts ${s.totalAttempts}${last?.executionId ? `  ${last.executionId}` : ''}${exception}${failure}`;
}

export function registerRemediationCommands(program: Command): void {
  const remediation = program.command('remediation').description('AWS Config remediation: per-resource state, manual starts, remediation exceptions');

  remediation
    .command('status')
    .description("the remediation state of resources (DescribeRemediationExecutionStatus): QUEUED, IN_PROGRESS, SUCCEEDED, FAILED, and exceptions")
    .option('--config-rule <name>', 'one Config rule')
    .option('--resource-id <id>', 'one resource (with --config-rule): every attempt', collect)
    .option('--json', 'print JSON')
    .action(async (opts: { configRule?: string; resourceId?: string[]; json?: boolean }) => {
      await withRemediations(async (r) => {
        let rows: (RemediationSummary | RemediationStatus)[];
        if (opts.resourceId?.length) {
          if (!opts.configRule) throw new CliError('--resource-id needs --config-rule', EXIT.usage);
          rows = await Promise.all(opts.resourceId.map((id) => r.status(opts.configRule!, id)));
        } else rows = await r.list(opts.configRule ? { configRuleName: opts.configRule } : {});
        if (opts.json) console.log(JSON.stringify(rows, null, 2));
        else {
          for (const s of rows) {
            console.log(row(s));
            if ('attempts' in s) for (const a of s.attempts) console.log(`  attempt ${a.attempt} (${a.trigger}) ${a.state} ${a.startTime}${a.executionId ? ` ${a.executionId}` : ''}${a.failureMessage ? `: ${a.failureMessage}` : ''}`);
          }
          if (!rows.length) console.error('no remediations');
        }
      });
    });

  remediation
    .command('start')
    .description('remediate resources now (StartRemediationExecution), whatever their compliance and exceptions')
    .requiredOption('--config-rule <name>', 'the Config rule')
    .requiredOption('--resource-id <id>', 'a resource (repeat for several)', collect)
    .option('--resource-type <type>', 'e.g. AWS::EC2::Instance')
    .option('--as <who>', 'who asks (recorded)')
    .action(async (opts: { configRule: string; resourceId: string[]; resourceType?: string; as?: string }) => {
      await withRemediations(async (r) => {
        const ids = await r.start(opts.configRule, opts.resourceId, { by: who(opts.as), ...(opts.resourceType ? { resourceType: opts.resourceType } : {}) });
        for (const id of ids) console.log(`queued ${id}`);
      });
    });

  const exceptions = remediation.command('exceptions').description('remediation exceptions: resources left alone by automatic remediation');

  exceptions
    .command('put')
    .description('stop automatic remediation of resources (PutRemediationExceptions)')
    .requiredOption('--config-rule <name>', 'the Config rule')
    .requiredOption('--resource-id <id>', 'a resource (repeat for several)', collect)
    .option('--message <text>', 'why')
    .option('--expiration-time <iso>', 'when the exception ends (ISO 8601)')
    .option('--as <who>', 'who decides (recorded)')
    .action(async (opts: { configRule: string; resourceId: string[]; message?: string; expirationTime?: string; as?: string }) => {
      if (opts.expirationTime && Number.isNaN(Date.parse(opts.expirationTime))) throw new CliError(`--expiration-time ${opts.expirationTime} is not an ISO 8601 time`, EXIT.usage);
      await withRemediations(async (r) => {
        await r.putExceptions(opts.configRule, opts.resourceId, {
          by: who(opts.as),
          ...(opts.message ? { message: opts.message } : {}),
          ...(opts.expirationTime ? { expirationTime: new Date(opts.expirationTime).toISOString() } : {}),
        });
        console.log(`excepted ${opts.resourceId.join(', ')} from remediation by ${opts.configRule}`);
      });
    });

  exceptions
    .command('delete')
    .description('clear exceptions (DeleteRemediationExceptions): automatic remediation resumes, at once for a resource still NON_COMPLIANT')
    .requiredOption('--config-rule <name>', 'the Config rule')
    .requiredOption('--resource-id <id>', 'a resource (repeat for several)', collect)
    .option('--as <who>', 'who decides (recorded)')
    .action(async (opts: { configRule: string; resourceId: string[]; as?: string }) => {
      await withRemediations(async (r) => {
        const missing = await r.deleteExceptions(opts.configRule, opts.resourceId, { by: who(opts.as) });
        for (const id of opts.resourceId.filter((x) => !missing.includes(x))) console.log(`cleared ${id}`);
        if (missing.length) {
          console.error(`no remediation of ${missing.join(', ')} for ${opts.configRule}`);
          process.exitCode = EXIT.failed;
        }
      });
    });

  exceptions
    .command('list')
    .description('resources with a remediation exception (DescribeRemediationExceptions)')
    .option('--config-rule <name>', 'one Config rule')
    .option('--json', 'print JSON')
    .action(async (opts: { configRule?: string; json?: boolean }) => {
      await withRemediations(async (r) => {
        const rows = (await r.list(opts.configRule ? { configRuleName: opts.configRule } : {})).filter((s) => s.exception);
        if (opts.json) console.log(JSON.stringify(rows.map((s) => ({ ConfigRuleName: s.configRuleName, ResourceType: s.resourceType, ResourceId: s.resourceId, ...s.exception })), null, 2));
        else for (const s of rows) console.log(`${s.configRuleName}  ${s.resourceId}  ${s.exception!.createdBy}  ${s.exception!.expirationTime ?? 'no expiry'}  ${s.exception!.message}`);
      });
    });
}
