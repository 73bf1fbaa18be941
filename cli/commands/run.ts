import type { Command } from 'commander';
import { DroverClient } from '../../client';
import type { ExecutionState, Status } from '../../workflows/definitions';
import { collectParam } from '../params';
import { CliError, EXIT } from '../errors';
import { colorStatus, LineProgress, LiveProgress, renderState } from '../render';

interface RunOptions {
  param?: Record<string, unknown>;
  wait?: boolean;
  json?: boolean;
  key?: string;
  notify?: string;
}

/** Follows an execution to its end, showing progress; returns the final state. */
export async function followExecution(client: DroverClient, id: string, json: boolean): Promise<ExecutionState> {
  if (json) return client.follow(id, () => {});
  if (process.stdout.isTTY) {
    const live = new LiveProgress();
    return client.follow(id, (s) => live.update(s, process.stdout));
  }
  const lines = new LineProgress();
  const final = await client.follow(id, (s) => lines.update(s, (l) => console.log(l)));
  for (const [k, v] of Object.entries(final.outputs)) console.log(`output ${k} = ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  if (final.failureMessage) console.log(final.failureMessage);
  return final;
}

export function registerRunCommands(program: Command): void {
  program
    .command('run')
    .description('start an execution of a runbook (a file, or a name in the runbook folder)')
    .argument('<runbook>', 'runbook file or name')
    .option('-p, --param <Name=Value>', 'a parameter (repeat for several; repeat a name for a list)', collectParam)
    .option('--wait', 'follow the execution until it ends')
    .option('--json', 'print machine-readable JSON')
    .option('--key <key>', 'idempotency key: the same key starts at most one execution')
    .option('--notify <topic-arn>', 'publish status changes to this SNS topic')
    .action(async (ref: string, opts: RunOptions) => {
      const client = await DroverClient.connect();
      try {
        const started = await client.start(ref, {
          parameters: opts.param ?? {},
          trigger: 'cli',
          ...(opts.key ? { idempotencyKey: opts.key } : {}),
          ...(opts.notify ? { notifyTopicArn: opts.notify } : {}),
        });
        if (!opts.json) {
          console.error(`${started.started ? 'started' : 'already started'} ${started.executionId}`);
        }
        if (!opts.wait) {
          if (opts.json) console.log(JSON.stringify(started));
          return;
        }
        const final = await followExecution(client, started.executionId, !!opts.json);
        if (opts.json) console.log(JSON.stringify(final, null, 2));
        if (final.status !== 'Success') process.exitCode = EXIT.failed;
      } finally {
        await client.close();
      }
    });

  program
    .command('list')
    .description('list executions, newest first')
    .option('--runbook <name>', 'only this runbook')
    .option('--status <status>', 'only this status (Pending, InProgress, Waiting, Success, TimedOut, Cancelling, Cancelled, Failed)')
    .option('--limit <n>', 'at most this many', '50')
    .option('--json', 'print JSON')
    .action(async (opts: { runbook?: string; status?: string; limit: string; json?: boolean }) => {
      const statuses = ['Pending', 'InProgress', 'Waiting', 'Success', 'TimedOut', 'Cancelling', 'Cancelled', 'Failed'];
      if (opts.status && !statuses.includes(opts.status)) throw new CliError(`--status must be one of ${statuses.join(', ')}`, EXIT.usage);
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new CliError('--limit must be a positive integer', EXIT.usage);
      const client = await DroverClient.connect();
      try {
        const rows = await client.list({ ...(opts.runbook ? { runbook: opts.runbook } : {}), ...(opts.status ? { status: opts.status as Status } : {}), limit });
        if (opts.json) console.log(JSON.stringify(rows, null, 2));
        else for (const r of rows) console.log(`${r.startTime.slice(0, 19).replace('T', ' ')}  ${colorStatus(r.status as Status).padEnd(20)} ${r.executionId}${r.trigger ? `  (${r.trigger})` : ''}`);
      } finally {
        await client.close();
      }
    });

  program
    .command('status')
    .description("show an execution's steps, statuses and outputs")
    .argument('<execution-id>')
    .option('--json', 'print the state as JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      const client = await DroverClient.connect();
      try {
        const state = await client.state(id);
        console.log(opts.json ? JSON.stringify(state, null, 2) : renderState(state));
      } finally {
        await client.close();
      }
    });
}
