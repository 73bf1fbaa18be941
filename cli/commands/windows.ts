// `drover windows …`: maintenance windows on Temporal Schedules. `apply` makes the schedules
// match the window files (printing the plan first; `--dry-run` stops there); `list`, `next`,
// `run`, `executions`, `tasks`, `enable`, `disable` and `cancel` as SSM's console and API
// offer them, with `--json` in SSM's DescribeMaintenanceWindowExecution* shapes.
import type { Command } from 'commander';
import { DateTime } from 'luxon';
import pc from 'picocolors';
import { formatDiagnostic, hasErrors } from '../../compiler/diagnostic';
import { defaultWindowDir, loadWindowFolder } from '../../compiler/window/load';
import {
  ssmInvocationIdentities,
  ssmTaskIdentities,
  ssmWindowExecution,
  WindowDisabledError,
  WindowExecutionNotFoundError,
  WindowNotFoundError,
  WindowsClient,
  type WindowChange,
  type WindowExecutionState,
} from '../../client/windows';
import { FINAL_WINDOW_STATUSES } from '../../workflows/window-contract';
import { CliError, EXIT } from '../errors';

async function withClient<T>(fn: (c: WindowsClient) => Promise<T>): Promise<T> {
  const client = await WindowsClient.connect();
  try {
    return await fn(client);
  } catch (err) {
    if (err instanceof WindowNotFoundError || err instanceof WindowExecutionNotFoundError) throw new CliError(err.message, EXIT.usage);
    if (err instanceof WindowDisabledError) throw new CliError(err.message, EXIT.failed);
    throw err;
  } finally {
    await client.close();
  }
}

/** A time in the window's zone and in UTC. */
export function bothZones(t: Date, zone: string | undefined): string {
  const utc = t.toISOString().replace('.000Z', 'Z');
  if (!zone || zone === 'UTC') return utc;
  return `${DateTime.fromJSDate(t, { zone }).toFormat('yyyy-MM-dd HH:mm:ss ZZ')} ${zone}  (${utc})`;
}

function paint(status: string): string {
  if (status === 'SUCCESS') return pc.green(status);
  if (status === 'FAILED' || status === 'TIMED_OUT') return pc.red(status);
  if (status === 'CANCELLED' || status === 'CANCELLING' || status === 'SKIPPED_OVERLAPPING') return pc.magenta(status);
  return pc.cyan(status);
}

const MARK: Record<WindowChange['action'], string> = { create: '+', update: '~', delete: '-', unchanged: '=' };

function renderChange(c: WindowChange): string {
  const w = c.window;
  const when = c.next && w ? `next ${bothZones(c.next, w.schedule.timezone)}` : w ? 'no future fire time' : '';
  const what = c.action === 'update' ? `changed: ${c.fields?.join(', ')}; ${when}` : c.action === 'delete' ? 'no window file: its schedule is deleted' : `${w!.schedule.expression}${w!.schedule.timezone ? ` ${w!.schedule.timezone}` : ''}${w!.schedule.offsetDays ? ` +${w!.schedule.offsetDays}d` : ''}${w!.enabled ? '' : ' (disabled)'}; ${when}`;
  return `  ${MARK[c.action]} ${c.name.padEnd(24)} ${what}`;
}

function renderState(s: WindowExecutionState, invocations?: Map<string, { invocationId: string; target?: string; status: string; statusDetails: string; executionId?: string }[]>): string {
  const lines = [
    `${pc.bold(s.windowName)} window execution ${s.windowExecutionId}  ${paint(s.status)}  ${s.statusDetails}`,
    `  workflow ${s.workflowId}`,
    `  nominal start ${s.nominalStartTime}, cutoff ${s.cutoffTime}, end of window ${s.endOfWindow}`,
    `  started ${s.startTime}${s.endTime ? `, ended ${s.endTime}` : ''}`,
    '',
  ];
  for (const t of s.tasks) {
    lines.push(`  [${t.priority}] ${pc.bold(t.name)} ${t.taskType} ${t.taskArn}  ${paint(t.status)}  ${t.statusDetails}`);
    lines.push(`      task execution ${t.taskExecutionId}${t.command ? `, command ${t.command.commandId}` : ''}${t.startTime ? `, ${t.startTime} → ${t.endTime ?? '…'}` : ''}`);
    for (const i of invocations?.get(t.taskExecutionId) ?? t.invocations) {
      lines.push(`      ${i.target ?? '(no target)'}  ${paint(i.status)}  ${i.statusDetails}${i.executionId ? `  ${i.executionId}` : ''}`);
    }
  }
  return lines.join('\n');
}

export function registerWindowCommands(program: Command): void {
  const windows = program.command('windows').description('maintenance windows: schedules with a duration, a cutoff, targets and prioritised tasks, on Temporal Schedules');

  windows
    .command('apply')
    .description('create, update and delete the Temporal Schedules of the window files (prints the plan first)')
    .argument('[dir]', 'the window folder (default: DROVER_WINDOWS, else ./windows)')
    .option('--dry-run', 'print the plan only')
    .action(async (dir: string | undefined, opts: { dryRun?: boolean }) => {
      const folder = dir ?? defaultWindowDir();
      const { windows: plans, diagnostics, files } = await loadWindowFolder(folder);
      for (const d of diagnostics) console.error(formatDiagnostic(d));
      if (hasErrors(diagnostics)) throw new CliError(`${folder}: the windows do not compile; nothing was applied`, EXIT.failed);
      await withClient(async (client) => {
        const changes = await client.plan(plans);
        const n = (a: WindowChange['action']) => changes.filter((c) => c.action === a).length;
        console.log(`${files.length} window file${files.length === 1 ? '' : 's'} in ${folder}: ${n('create')} to create, ${n('update')} to update, ${n('delete')} to delete, ${n('unchanged')} unchanged`);
        for (const c of changes) console.log(renderChange(c));
        if (opts.dryRun) {
          console.log('dry run: nothing changed');
          return;
        }
        await client.apply(changes.filter((c) => c.action !== 'unchanged' || c.fields?.length));
        console.log('applied');
      });
    });

  windows
    .command('list')
    .description('the applied windows: schedule, zone, duration, next run, last status')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      await withClient(async (client) => {
        const rows = await client.list();
        if (opts.json) {
          console.log(JSON.stringify(rows, null, 2));
          return;
        }
        if (rows.length === 0) console.log('no windows applied (drover windows apply)');
        for (const r of rows) {
          console.log(
            `${pc.bold(r.name.padEnd(24))} ${r.enabled ? pc.green('enabled ') : pc.yellow('disabled')}  ${r.schedule}${r.timezone !== 'UTC' ? ` ${r.timezone}` : ''}${r.offsetDays ? ` +${r.offsetDays}d` : ''}  ${r.durationHours}h/cutoff ${r.cutoffHours}h  next ${r.next ? bothZones(r.next, r.timezone) : '—'}${r.lastStatus ? `  last ${paint(r.lastStatus)}` : ''}`,
          );
        }
      });
    });

  windows
    .command('next')
    .description("a window's next fire times, in its zone and in UTC")
    .argument('<name>')
    .option('--count <n>', 'how many (default 5)', (v) => Number(v), 5)
    .option('--dir <dir>', 'where the window file is, when it is not applied (default: the window folder)')
    .option('--json', 'print JSON (with the deployed schedule’s own next times)')
    .action(async (name: string, opts: { count: number; dir?: string; json?: boolean }) => {
      if (!Number.isInteger(opts.count) || opts.count < 1 || opts.count > 1000) throw new CliError('--count takes a whole number from 1 to 1000', EXIT.usage);
      const local = (await loadWindowFolder(opts.dir ?? defaultWindowDir())).windows.find((w) => w.name === name);
      await withClient(async (client) => {
        const r = await client.next(name, opts.count, local);
        const zone = r.window.schedule.timezone;
        if (opts.json) {
          console.log(JSON.stringify({ name, schedule: r.window.schedule, next: r.times.map((t) => t.toISOString()), ...(r.temporal ? { temporal: r.temporal.map((t) => t.toISOString()) } : {}) }, null, 2));
          return;
        }
        console.log(`${name}: ${r.window.schedule.expression}${zone ? ` in ${zone}` : ''}${r.window.schedule.offsetDays ? `, +${r.window.schedule.offsetDays} days` : ''}${r.temporal ? '' : ' (not applied)'}`);
        if (r.times.length === 0) console.log('  no future fire time');
        for (const t of r.times) console.log(`  ${bothZones(t, zone)}`);
      });
    });

  windows
    .command('run')
    .description('run a window now, through its schedule (for testing); prints the execution')
    .argument('<name>')
    .option('--wait', 'follow it until it ends and show its tasks')
    .option('--json', 'print JSON (GetMaintenanceWindowExecution)')
    .action(async (name: string, opts: { wait?: boolean; json?: boolean }) => {
      await withClient(async (client) => {
        const started = await client.run(name);
        if (!opts.wait) {
          console.log(opts.json ? JSON.stringify({ WindowExecutionId: started.windowExecutionId, WorkflowId: started.workflowId }, null, 2) : `${started.windowExecutionId}  (${started.workflowId})`);
          return;
        }
        const s = await client.result(started.workflowId);
        const report = await client.report(started.workflowId);
        console.log(opts.json ? JSON.stringify(ssmWindowExecution(s), null, 2) : renderState(report.state, report.invocations));
        if (s.status !== 'SUCCESS') process.exitCode = EXIT.failed;
      });
    });

  windows
    .command('executions')
    .description("a window's executions, newest first (DescribeMaintenanceWindowExecutions)")
    .argument('<name>')
    .option('--limit <n>', 'at most this many (default 20)', (v) => Number(v), 20)
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { limit: number; json?: boolean }) => {
      await withClient(async (client) => {
        const rows = await client.executions(name, opts.limit);
        if (opts.json) {
          console.log(JSON.stringify({ WindowExecutions: rows }, null, 2));
          return;
        }
        if (rows.length === 0) console.log(`no executions of ${name} yet`);
        for (const r of rows) console.log(`${r.WindowExecutionId}  ${paint(r.Status).padEnd(30)} ${r.StartTime}${r.EndTime ? ` → ${r.EndTime}` : ''}  ${r.StatusDetails}`);
      });
    });

  windows
    .command('tasks')
    .description("an execution's tasks and invocations (DescribeMaintenanceWindowExecutionTasks and …TaskInvocations)")
    .argument('<window-execution-id>', 'SSM’s WindowExecutionId, or the workflow id')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      await withClient(async (client) => {
        const report = await client.report(id);
        if (opts.json) {
          console.log(
            JSON.stringify(
              { ...ssmWindowExecution(report.state), WindowExecutionTaskIdentities: ssmTaskIdentities(report.state), WindowExecutionTaskInvocationIdentities: ssmInvocationIdentities(report) },
              null,
              2,
            ),
          );
          return;
        }
        console.log(renderState(report.state, report.invocations));
        if (!FINAL_WINDOW_STATUSES.includes(report.state.status)) console.log(pc.dim('\n(still running)'));
      });
    });

  for (const [verb, description] of [
    ['enable', 'let the schedule run the window again (renews its fire times)'],
    ['disable', 'pause the schedule: the window does not run until enabled'],
  ] as const) {
    windows
      .command(verb)
      .description(description)
      .argument('<name>')
      .action(async (name: string) => {
        await withClient(async (client) => {
          await (verb === 'enable' ? client.enable(name) : client.disable(name));
          console.log(`${name} ${verb}d`);
        });
      });
  }

  windows
    .command('cancel')
    .description('cancel an execution: no further task starts, running tasks finish (CancelMaintenanceWindowExecution)')
    .argument('<window-execution-id>')
    .action(async (id: string) => {
      await withClient(async (client) => {
        await client.cancel(id);
        console.log(`cancelling ${id}`);
      });
    });
}
