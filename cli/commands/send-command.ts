// `drover send-command`, `list-commands`, `command-invocations`, `cancel-command`: Run
// Command like `aws ssm send-command`, `list-commands`, `list-command-invocations` and
// `cancel-command`. A node with a Drover agent runs it there; other EC2 instances through SSM.
import type { Command } from 'commander';
import { WorkflowNotFoundError } from '@temporalio/client';
import { CommandClient, InvalidCommandError, type CommandSummary } from '../../client/commands';
import { findCommandDocument } from '../../compiler/command/find-document';
import { formatDiagnostic } from '../../compiler/diagnostic';
import { collectParameter, collectTarget, parseNotificationConfig, parseWholeSeconds } from '../command-args';
import { CliError, EXIT } from '../errors';
import { awsCommand, awsInvocation, awsListedCommand, renderCommandLine, renderCommands, renderInvocations } from '../render-commands';
import type { TargetSpec } from '../../workflows/run-command/contract';

interface SendOptions {
  documentName: string;
  targets?: TargetSpec[];
  instanceIds?: string[];
  parameters?: Record<string, string[]>;
  maxConcurrency?: string;
  maxErrors?: string;
  timeoutSeconds?: number;
  comment?: string;
  outputS3BucketName?: string;
  outputS3KeyPrefix?: string;
  notificationConfig?: string;
  serviceRoleArn?: string;
  commandId?: string;
  wait?: boolean;
  json?: boolean;
}

/** Documents by name for the client's parameter check: the built-ins and the documents folders. */
const documents = {
  async find(name: string) {
    const found = await findCommandDocument(name);
    if (!found) return undefined;
    if (!found.plan) {
      throw new CliError(`document ${name} (${found.file}) does not compile:\n${found.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic).join('\n')}`, EXIT.failed);
    }
    return found.plan;
  },
};

async function withClient<T>(fn: (c: CommandClient) => Promise<T>): Promise<T> {
  const client = await CommandClient.connect({ documents });
  try {
    return await fn(client);
  } catch (err) {
    if (err instanceof InvalidCommandError) throw new CliError(err.message, EXIT.usage);
    if (err instanceof WorkflowNotFoundError) throw new CliError(`no command ${err.workflowId} (see drover list-commands)`, EXIT.usage);
    throw err;
  } finally {
    await client.close();
  }
}

/** Exit 0 only when the command ran on every target and succeeded everywhere (SSM's Success allows less). */
function exitCodeOf(s: CommandSummary): number {
  const everywhere = s.counts.targetCount > 0 && (s.counts.byStatus.Success ?? 0) === s.counts.targetCount;
  return s.status === 'Success' && everywhere ? EXIT.ok : EXIT.failed;
}

export function registerRunCommandCommands(program: Command): void {
  program
    .command('send-command')
    .description('run a Command document on nodes (agents) and EC2 instances (SSM), with rate control, like aws ssm send-command')
    .requiredOption('--document-name <name>', 'e.g. AWS-RunShellScript, or a document in the documents folder')
    .option('--targets <targets...>', 'Key=tag:<name>|tag-key|InstanceIds,Values=a[,b…] (several: all must match)', collectTarget)
    .option('--instance-ids <ids...>', 'node or instance ids (instead of --targets)')
    .option('--parameters <parameters...>', 'name=value, e.g. commands="uptime" (repeat a name for more lines), or a JSON object', collectParameter)
    .option('--max-concurrency <n|n%>', 'invocations at once (default 50)')
    .option('--max-errors <n|n%>', 'errors allowed before no new invocation starts (default 0)')
    .option('--timeout-seconds <s>', 'delivery timeout: how long an invocation may wait for its node (default 3600)', parseWholeSeconds('--timeout-seconds'))
    .option('--comment <text>', 'up to 100 characters')
    .option('--output-s3-bucket-name <bucket>', 'also write the whole output to S3')
    .option('--output-s3-key-prefix <prefix>', 'S3 key prefix of the output')
    .option('--notification-config <config>', 'NotificationArn=<topic>,NotificationEvents=All|InProgress|Success|TimedOut|Cancelled|Failed,NotificationType=Command|Invocation (or JSON)')
    .option('--service-role-arn <arn>', 'role to publish notifications as')
    .option('--command-id <uuid>', 'a command id of your own: sending it again starts nothing new')
    .option('--wait', 'follow the command until it ends and show its invocations')
    .option('--json', 'print JSON (the AWS CLI shapes)')
    .action(async (opts: SendOptions) =>
      withClient(async (client) => {
        const sent = await client.send({
          documentName: opts.documentName,
          ...(opts.targets ? { targets: opts.targets } : {}),
          ...(opts.instanceIds ? { instanceIds: opts.instanceIds } : {}),
          parameters: opts.parameters ?? {},
          ...(opts.maxConcurrency ? { maxConcurrency: opts.maxConcurrency } : {}),
          ...(opts.maxErrors ? { maxErrors: opts.maxErrors } : {}),
          ...(opts.timeoutSeconds ? { timeoutSeconds: opts.timeoutSeconds } : {}),
          ...(opts.comment ? { comment: opts.comment } : {}),
          ...(opts.outputS3BucketName ? { outputS3BucketName: opts.outputS3BucketName } : {}),
          ...(opts.outputS3KeyPrefix ? { outputS3KeyPrefix: opts.outputS3KeyPrefix } : {}),
          ...(opts.notificationConfig ? { notificationConfig: parseNotificationConfig(opts.notificationConfig) } : {}),
          ...(opts.serviceRoleArn ? { serviceRoleArn: opts.serviceRoleArn } : {}),
          ...(opts.commandId ? { commandId: opts.commandId } : {}),
          trigger: 'cli',
        });
        const echo = { parameters: opts.parameters ?? {}, ...(opts.instanceIds ? { instanceIds: opts.instanceIds } : {}), ...(opts.targets ? { targets: opts.targets } : {}) };
        if (!opts.wait) {
          if (opts.json) {
            const s = await client.status(sent.commandId).catch(() => undefined);
            console.log(JSON.stringify({ Command: s ? awsCommand(s, echo) : { CommandId: sent.commandId, DocumentName: opts.documentName, Status: 'Pending' } }, null, 2));
          } else {
            console.error(`${sent.started ? 'sent' : 'already sent'} command ${sent.commandId} (${opts.documentName}); follow it with: drover command-invocations ${sent.commandId}`);
            console.log(sent.commandId);
          }
          return;
        }
        if (!opts.json) console.error(`${sent.started ? 'sent' : 'already sent'} command ${sent.commandId} (${opts.documentName})`);
        const final = await client.follow(sent.commandId, (s) => {
          if (!opts.json) console.log(`${new Date().toISOString().slice(11, 19)} ${renderCommandLine(s)}`);
        });
        const invocations = await client.invocations(sent.commandId, { details: true });
        if (opts.json) {
          console.log(JSON.stringify({ Command: awsCommand(final, echo), CommandInvocations: invocations.map((i) => awsInvocation(i, true)) }, null, 2));
        } else {
          console.log(renderInvocations(invocations, true));
        }
        process.exitCode = exitCodeOf(final);
      }),
    );

  program
    .command('list-commands')
    .description('recent commands, newest first, like aws ssm list-commands')
    .option('--command-id <id>', 'only this command')
    .option('--max-results <n>', 'at most this many (default 50)', parseWholeSeconds('--max-results'))
    .option('--json', 'print JSON (the AWS CLI shape)')
    .action(async (opts: { commandId?: string; maxResults?: number; json?: boolean }) =>
      withClient(async (client) => {
        const rows = await client.list({ ...(opts.commandId ? { commandId: opts.commandId } : {}), limit: opts.maxResults ?? 50 });
        console.log(opts.json ? JSON.stringify({ Commands: rows.map(awsListedCommand) }, null, 2) : renderCommands(rows));
      }),
    );

  program
    .command('command-invocations')
    .description("a command's invocations, one per node, like aws ssm list-command-invocations")
    .argument('<command-id>')
    .option('--details', 'with each invocation\'s output and plugins')
    .option('--json', 'print JSON (the AWS CLI shape)')
    .action(async (commandId: string, opts: { details?: boolean; json?: boolean }) =>
      withClient(async (client) => {
        const summary = await client.status(commandId);
        const rows = await client.invocations(commandId, { details: !!opts.details });
        if (opts.json) {
          console.log(JSON.stringify({ CommandInvocations: rows.map((i) => awsInvocation(i, !!opts.details)) }, null, 2));
        } else {
          console.log(renderCommandLine(summary));
          console.log(renderInvocations(rows, !!opts.details));
        }
      }),
    );

  program
    .command('cancel-command')
    .description('cancel a command: running invocations are stopped (the agent kills the process group), the rest never start')
    .argument('<command-id>')
    .action(async (commandId: string) =>
      withClient(async (client) => {
        await client.cancel(commandId);
        console.error(`cancelling ${commandId}`);
      }),
    );
}
