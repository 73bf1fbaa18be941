import type { Command } from 'commander';
import { runWorker } from '../../worker';

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run a Drover worker (TEMPORAL_ADDRESS etc. say where Temporal is; DROVER_TASK_QUEUE the queue)')
    .option('--task-queue <name>', 'task queue to poll (default DROVER_TASK_QUEUE or drover)')
    .option('--runbooks <dirs>', 'runbook folders for aws:executeAutomation, colon-separated')
    .action(async (opts: { taskQueue?: string; runbooks?: string }) => {
      await runWorker({
        ...(opts.taskQueue ? { taskQueue: opts.taskQueue } : {}),
        ...(opts.runbooks ? { runbookDirs: opts.runbooks.split(':') } : {}),
      });
    });
}
