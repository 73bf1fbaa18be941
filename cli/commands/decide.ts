import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { DroverClient } from '../../client';
import { renderState } from '../render';

function me(): string {
  return process.env.DROVER_USER || process.env.USER || userInfo().username;
}

export function registerDecisionCommands(program: Command): void {
  for (const verb of ['approve', 'reject'] as const) {
    program
      .command(verb)
      .description(`${verb} an execution waiting at an aws:approve step`)
      .argument('<execution-id>')
      .option('--comment <text>', 'recorded with the decision')
      .option('--as <approver>', 'who decides (default: DROVER_USER or the login name)')
      .action(async (id: string, opts: { comment?: string; as?: string }) => {
        const client = await DroverClient.connect();
        try {
          const decision = { approver: opts.as ?? me(), ...(opts.comment ? { comment: opts.comment } : {}) };
          const state = verb === 'approve' ? await client.approve(id, decision) : await client.reject(id, decision);
          console.log(renderState(state));
        } finally {
          await client.close();
        }
      });
  }

  program
    .command('resume')
    .description('resume an execution paused at an aws:pause step')
    .argument('<execution-id>')
    .action(async (id: string) => {
      const client = await DroverClient.connect();
      try {
        console.log(renderState(await client.resume(id, me())));
      } finally {
        await client.close();
      }
    });

  program
    .command('cancel')
    .description("cancel an execution: the running step stops and its onCancel path runs")
    .argument('<execution-id>')
    .action(async (id: string) => {
      const client = await DroverClient.connect();
      try {
        await client.cancel(id);
        console.error(`cancellation requested for ${id}`);
      } finally {
        await client.close();
      }
    });
}
