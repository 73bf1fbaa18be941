// Maintenance windows on the dev server, end to end: `drover windows apply` makes Temporal
// Schedules whose next times are exactly Drover's fire times (and leaves other schedules
// alone); a window run through its schedule runs its tasks by priority on real `drover agent`
// processes (timestamps written on the nodes), within MaxConcurrency; the cutoff stops new
// tasks and cancels CANCEL_TASK commands (TIMED_OUT); an overlapping run is recorded
// SKIPPED_OVERLAPPING; a bad window file is refused with positions and nothing is applied.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScheduleNotFoundError } from '@temporalio/client';
import { CommandClient } from '../../client/commands';
import { WindowsClient } from '../../client/windows';
import { loadWindowText } from '../../compiler/window/load';
import { scheduleDefinition } from '../../lang/schedule/definition';
import { nextFireTimes } from '../../lang/schedule/fire-times';
import type { WindowPlan } from '../../lang/windows/plan';
import { deployedAnchor } from '../../activities/windows/schedule-spec';
import { windowScheduleId, type WindowExecutionState } from '../../workflows/window-contract';
import { startStack, type TestStack } from '../helpers/env';
import { droverEnv, runCli } from '../helpers/processes';
import { startAgentProcess, type AgentProcess } from '../helpers/agents';
import { waitForRegistered } from '../helpers/registry';
import { eventually, sleep } from '../helpers/wait';
import { peakOverlap } from '../sim/sim-agent';

let stack: TestStack;
let windows: WindowsClient;
let commands: CommandClient;
const agents: AgentProcess[] = [];
const run = randomUUID().slice(0, 6);
const name = (n: string) => `w${run}-${n}`;
const journalDir = mkdtempSync(join(tmpdir(), 'drover-windows-'));
const created = new Set<string>();

beforeAll(async () => {
  stack = await startStack({ prefix: 'windows' });
  windows = new WindowsClient(stack.client.client, { taskQueue: stack.taskQueue });
  commands = new CommandClient(stack.client.client, { taskQueue: stack.taskQueue });
  agents.push(...(await Promise.all(['a', 'b'].map((n) => startAgentProcess({ nodeId: `mw-node-${run}-${n}`, tags: { fleet: run }, registryQueue: stack.taskQueue, heartbeatSeconds: 5 })))));
  await waitForRegistered(stack.client.client, { fleet: run }, 2);
}, 240_000);

afterAll(async () => {
  await Promise.all([...created].map((id) => stack.client.client.schedule.getHandle(id).delete().catch(() => undefined)));
  await Promise.all(agents.map((a) => a.kill()));
  await stack?.stop();
});

async function compile(text: string): Promise<WindowPlan> {
  const { plan, diagnostics } = await loadWindowText(text, 'window.yaml');
  if (!plan) throw new Error(diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`).join('\n'));
  return plan;
}

async function applyPlans(plans: WindowPlan[]): Promise<void> {
  await windows.apply(await windows.plan(plans));
  for (const p of plans) created.add(windowScheduleId(p.name));
}

const fleetTarget = `Targets:
  - Name: fleet
    Targets: [{ Key: 'tag:fleet', Values: ['${run}'] }]
    OwnerInformation: ops-${run}`;

/** A Run Command task over the fleet target. */
function shellTask(task: string, opts: { priority?: number; maxConcurrency?: string; cutoff?: string; commands: string[] }): string {
  return `
  - Name: ${task}
    TaskType: RUN_COMMAND
    TaskArn: AWS-RunShellScript
    Priority: ${opts.priority ?? 1}
    Targets: [{ Key: WindowTargetIds, Values: [fleet] }]
    MaxConcurrency: '${opts.maxConcurrency ?? '10'}'
    MaxErrors: '0'
    CutoffBehavior: ${opts.cutoff ?? 'CONTINUE_TASK'}
    TaskInvocationParameters:
      RunCommand:
        Comment: '${task} in {{WINDOW_EXECUTION_ID}}'
        Parameters:
          commands: ${JSON.stringify(opts.commands)}`;
}

/** `<node> <label> start|end <ms>` lines written by the nodes' shells. */
function journaled(file: string, label: string, body: string): string[] {
  return [`echo "$AWS_SSM_INSTANCE_ID ${label} start $(date +%s%3N)" >> ${file}`, body, `echo "$AWS_SSM_INSTANCE_ID ${label} end $(date +%s%3N)" >> ${file}`];
}

function intervals(file: string, label: string): { nodeId: string; start: number; end: number }[] {
  const lines = existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : [];
  const open = new Map<string, number>();
  const out: { nodeId: string; start: number; end: number }[] = [];
  for (const line of lines) {
    const [node, l, what, ms] = line.split(' ');
    if (l !== label) continue;
    if (what === 'start') open.set(node!, Number(ms));
    else out.push({ nodeId: node!, start: open.get(node!)!, end: Number(ms) });
  }
  return out;
}

const task = (s: WindowExecutionState, n: string) => s.tasks.find((t) => t.name === n)!;

describe('drover windows apply', () => {
  it('creates schedules whose next times are the fire-time function’s, idempotently, and leaves others alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drover-window-files-'));
    const write = (file: string, text: string) => writeFileSync(join(dir, file), text);
    write('berlin.yaml', `Name: ${name('berlin')}\nSchedule: cron(0 4 ? * FRI#4 *)\nScheduleOffset: 2\nScheduleTimezone: Europe/Berlin\nDuration: 3\nCutoff: 1\n`);
    write('rate.yaml', `Name: ${name('rate')}\nSchedule: rate(7 days)\nDuration: 2\nCutoff: 1\n`);
    write('off.yaml', `Name: ${name('off')}\nSchedule: cron(30 2 ? * * *)\nScheduleTimezone: America/New_York\nDuration: 2\nCutoff: 0\nEnabled: false\n`);
    for (const n of ['berlin', 'rate', 'off']) created.add(windowScheduleId(name(n)));
    // Someone else's schedules: another Drover's (another task queue), and not Drover's at all.
    const other = new WindowsClient(stack.client.client, { taskQueue: `${stack.taskQueue}-other` });
    const foreignPlan = await compile(`Name: ${name('foreign')}\nSchedule: rate(1 day)\nDuration: 2\nCutoff: 1\n`);
    await other.apply(await other.plan([foreignPlan]));
    created.add(windowScheduleId(name('foreign')));
    const env = droverEnv(stack.taskQueue);

    const first = await runCli(['windows', 'apply', dir], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('3 window files');
    expect(first.stdout).toContain('3 to create, 0 to update, 0 to delete, 0 unchanged');
    expect(first.stdout).toMatch(new RegExp(`\\+ ${name('berlin')}\\s+cron\\(0 4 \\? \\* FRI#4 \\*\\) Europe/Berlin \\+2d; next `));

    for (const n of ['berlin', 'rate', 'off']) {
      const d = await stack.client.client.schedule.getHandle(windowScheduleId(name(n))).describe();
      const plan = WindowsClient.windowOf(d)!;
      const ours = nextFireTimes(scheduleDefinition(plan.schedule, deployedAnchor(d.spec)), new Date(Date.now() - 1000), d.info.nextActionTimes.length || 10);
      if (n === 'off') {
        expect(d.state.paused).toBe(true);
        continue;
      }
      expect(d.info.nextActionTimes.length).toBeGreaterThanOrEqual(5);
      expect(d.info.nextActionTimes.map((t) => t.toISOString()), n).toEqual(ours.map((t) => t.toISOString()));
      expect(d.policies).toMatchObject({ overlap: 'ALLOW_ALL', catchupWindow: (plan.durationHours - plan.cutoffHours) * 3_600_000 });
    }
    // The Berlin window: two days after each fourth Friday, at 04:00 Berlin time.
    const berlin = await windows.next(name('berlin'), 3);
    for (const t of berlin.times) {
      const local = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(t);
      expect(local).toBe('Sun 04:00');
    }
    const nextCli = await runCli(['windows', 'next', name('berlin'), '--count', '3', '--json'], env);
    expect(JSON.parse(nextCli.stdout).next).toEqual(berlin.times.map((t) => t.toISOString()));

    const again = await runCli(['windows', 'apply', dir], env);
    expect(again.stdout).toContain('0 to create, 0 to update, 0 to delete, 3 unchanged');

    write('berlin.yaml', readFileSync(join(dir, 'berlin.yaml'), 'utf8').replace('Duration: 3', 'Duration: 5'));
    rmSync(join(dir, 'rate.yaml'));
    const dry = await runCli(['windows', 'apply', dir, '--dry-run'], env);
    expect(dry.stdout).toContain('0 to create, 1 to update, 1 to delete, 1 unchanged');
    expect(dry.stdout).toContain(`~ ${name('berlin')}`);
    expect(dry.stdout).toContain('changed: durationHours;');
    expect(dry.stdout).toContain(`- ${name('rate')}`);
    expect(dry.stdout).toContain('dry run: nothing changed');
    expect((await stack.client.client.schedule.getHandle(windowScheduleId(name('rate'))).describe()).scheduleId).toBeDefined();

    const third = await runCli(['windows', 'apply', dir], env);
    expect(third.code, third.stderr).toBe(0);
    await expect(stack.client.client.schedule.getHandle(windowScheduleId(name('rate'))).describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
    const berlinNow = await stack.client.client.schedule.getHandle(windowScheduleId(name('berlin'))).describe();
    expect(berlinNow.policies.catchupWindow).toBe(4 * 3_600_000);
    expect(WindowsClient.windowOf(berlinNow)?.durationHours).toBe(5);
    // The other Drover's window is still there.
    expect((await other.describe(name('foreign'))).state.paused).toBe(false);

    // disable / enable stand until the file's Enabled changes.
    await windows.disable(name('berlin'));
    expect((await runCli(['windows', 'apply', dir], env)).stdout).toContain('0 to create, 0 to update, 0 to delete, 2 unchanged');
    expect((await windows.describe(name('berlin'))).state.paused).toBe(true);
    await windows.enable(name('berlin'));
    expect((await windows.describe(name('berlin'))).state.paused).toBe(false);
    const listed = await runCli(['windows', 'list', '--json'], env);
    expect((JSON.parse(listed.stdout) as { name: string; enabled: boolean }[]).map((r) => [r.name, r.enabled])).toEqual([
      [name('berlin'), true],
      [name('off'), false],
    ]);
  });

  it('each execution renews the rolling fire times of its cron schedule', async () => {
    const plan = await compile(`Name: ${name('hourly')}\nSchedule: cron(0 * ? * * *)\nDuration: 1\nCutoff: 0\n`);
    // Applied three days ago: its 50 hourly fire times are all past, so the schedule would never fire again.
    const then = new Date(Date.now() - 3 * 86_400_000);
    await windows.apply(await windows.plan([plan], then), then);
    created.add(windowScheduleId(plan.name));
    expect((await windows.describe(plan.name)).info.nextActionTimes).toEqual([]);
    const { workflowId } = await windows.run(plan.name);
    expect((await windows.result(workflowId)).status).toBe('SUCCESS');
    const d = await windows.describe(plan.name);
    const ours = nextFireTimes(scheduleDefinition(plan.schedule), new Date(Date.now() - 1000), d.info.nextActionTimes.length);
    expect(d.info.nextActionTimes.length).toBeGreaterThanOrEqual(5);
    expect(d.info.nextActionTimes.map((t) => t.toISOString())).toEqual(ours.map((t) => t.toISOString()));
    expect(d.spec.calendars).toHaveLength(50);
  });

  it('refuses bad window files with positions, exit 1, and applies nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drover-window-bad-'));
    writeFileSync(join(dir, 'good.yaml'), `Name: ${name('good')}\nSchedule: rate(1 day)\nDuration: 2\nCutoff: 1\n`);
    writeFileSync(join(dir, 'bad.yaml'), `Name: ${name('bad')}\nSchedule: cron(0 2 ? * 0 *)\nDuration: 2\nCutoff: 2\n`);
    created.add(windowScheduleId(name('good')));
    const r = await runCli(['windows', 'apply', dir], droverEnv(stack.taskQueue));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${join(dir, 'bad.yaml')}:2:24: error invalid-schedule: Day-of-week 0 is out of range`);
    expect(r.stderr).toContain(`${join(dir, 'bad.yaml')}:4:9: error invalid-cutoff`);
    expect(r.stderr).toContain('nothing was applied');
    await expect(windows.describe(name('good'))).rejects.toThrow(/does not exist/);
  });
});

describe('window executions on real agents', () => {
  it('runs tasks by priority (lower first), each within MaxConcurrency, with pseudo parameters, through the schedule', async () => {
    const journal = join(journalDir, 'priority');
    const plan = await compile(`Name: ${name('prio')}
Schedule: cron(0 3 1 1 ? 2099)
Duration: 2
Cutoff: 1
${fleetTarget}
Tasks:${shellTask('first', { priority: 1, maxConcurrency: '1', commands: [...journaled(journal, 'first', 'sleep 1'), 'echo "task {{TASK_EXECUTION_ID}} of {{WINDOW_ID}} on {{TARGET_TYPE}}"'] })}${shellTask('second', { priority: 2, commands: journaled(journal, 'second', 'true') })}`);
    await applyPlans([plan]);
    const { workflowId, windowExecutionId } = await windows.run(plan.name);
    const s = await windows.result(workflowId);
    expect(s.windowExecutionId).toBe(windowExecutionId);
    expect([s.status, task(s, 'first').status, task(s, 'second').status]).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);

    // Timestamps from the nodes: first ran on one node at a time, second started after first ended everywhere.
    const first = intervals(journal, 'first');
    const second = intervals(journal, 'second');
    expect(first.map((i) => i.nodeId).sort()).toEqual([`mw-node-${run}-a`, `mw-node-${run}-b`]);
    expect(second).toHaveLength(2);
    expect(peakOverlap(first)).toBe(1);
    expect(Math.min(...second.map((i) => i.start))).toBeGreaterThanOrEqual(Math.max(...first.map((i) => i.end)));

    // Invocations in SSM's shapes, with the pseudo parameters replaced.
    const report = await windows.report(windowExecutionId);
    const firstTask = task(report.state, 'first');
    const inv = report.invocations.get(firstTask.taskExecutionId)!;
    expect(inv.map((i) => [i.target, i.status, i.executionId, i.windowTargetId, i.ownerInformation])).toEqual(
      [`mw-node-${run}-a`, `mw-node-${run}-b`].map((n) => [n, 'SUCCESS', firstTask.command!.commandId, plan.targets[0]!.windowTargetId, `ops-${run}`]),
    );
    const outputs = await commands.invocations(firstTask.command!.commandId, { details: true });
    expect(outputs[0]!.record?.standardOutputContent).toContain(`task ${firstTask.taskExecutionId} of ${plan.windowId} on INSTANCE`);
    const listed = await commands.list({ commandId: firstTask.command!.commandId });
    expect(listed[0]?.comment).toBe(`first in ${windowExecutionId}`);

    const cli = await runCli(['windows', 'tasks', windowExecutionId, '--json'], droverEnv(stack.taskQueue));
    const json = JSON.parse(cli.stdout);
    expect(json).toMatchObject({ WindowExecutionId: windowExecutionId, Status: 'SUCCESS', TaskIds: s.tasks.map((t) => t.taskExecutionId) });
    expect(json.WindowExecutionTaskIdentities.map((t: { TaskArn: string; TaskType: string; Status: string }) => [t.TaskArn, t.TaskType, t.Status])).toEqual([
      ['AWS-RunShellScript', 'RUN_COMMAND', 'SUCCESS'],
      ['AWS-RunShellScript', 'RUN_COMMAND', 'SUCCESS'],
    ]);
    expect(json.WindowExecutionTaskInvocationIdentities).toHaveLength(4);
    expect(Object.keys(json.WindowExecutionTaskInvocationIdentities[0]).sort()).toEqual(
      ['EndTime', 'ExecutionId', 'InvocationId', 'OwnerInformation', 'Parameters', 'StartTime', 'Status', 'StatusDetails', 'TaskExecutionId', 'TaskType', 'WindowExecutionId', 'WindowTargetId'].sort(),
    );
    const executions = await eventually('the execution in the listing', () => windows.executions(plan.name), (rows) => rows.some((r) => r.WindowExecutionId === windowExecutionId && r.Status === 'SUCCESS'));
    expect(executions[0]).toMatchObject({ WindowId: plan.windowId, WindowExecutionId: windowExecutionId, Status: 'SUCCESS' });
  });

  it('at the cutoff, CANCEL_TASK cancels its command (TIMED_OUT), CONTINUE_TASK goes on, no later task starts', async () => {
    const journal = join(journalDir, 'cutoff');
    const plan = await compile(`Name: ${name('cutoff')}
Schedule: cron(0 3 1 1 ? 2099)
Duration: 2
Cutoff: 1
${fleetTarget}
Tasks:${shellTask('cancelled', { cutoff: 'CANCEL_TASK', commands: journaled(journal, 'cancelled', 'sleep 120') })}${shellTask('continued', { commands: journaled(journal, 'continued', 'sleep 25') })}${shellTask('after', { priority: 2, commands: journaled(journal, 'after', 'true') })}`);
    // The cutoff (nominal start + 2 h − 1 h) comes 15 seconds from now.
    const nominal = new Date(Date.now() - 3_600_000 + 15_000);
    const { workflowId } = await windows.start(plan, { nominalStartTime: nominal, trigger: 'test' });
    const s = await windows.result(workflowId);
    expect(s.cutoffTime).toBe(new Date(nominal.getTime() + 3_600_000).toISOString());
    expect([task(s, 'cancelled').status, task(s, 'continued').status, task(s, 'after').status]).toEqual(['TIMED_OUT', 'SUCCESS', 'TIMED_OUT']);
    expect(s.status).toBe('TIMED_OUT');
    expect(Date.parse(task(s, 'cancelled').endTime!)).toBeGreaterThanOrEqual(Date.parse(s.cutoffTime));
    expect(Date.parse(task(s, 'continued').endTime!)).toBeGreaterThan(Date.parse(s.cutoffTime));
    // The cancelled command's processes were killed: they never wrote their end.
    expect(intervals(journal, 'cancelled')).toEqual([]);
    const cancelled = await commands.invocations(task(s, 'cancelled').command!.commandId);
    expect(cancelled.map((i) => i.status)).toEqual(['Cancelled', 'Cancelled']);
    // The last task never started, and is recorded so.
    expect(task(s, 'after')).toMatchObject({ status: 'TIMED_OUT', statusDetails: expect.stringMatching(/^Not started: the cutoff/) });
    expect(task(s, 'after').command).toBeUndefined();
    expect(readFileSync(journal, 'utf8')).not.toContain(' after ');
  });

  it('a run while the previous one still runs is recorded SKIPPED_OVERLAPPING, and the next one after it runs', async () => {
    const plan = await compile(`Name: ${name('overlap')}
Schedule: cron(0 3 1 1 ? 2099)
Duration: 2
Cutoff: 1
${fleetTarget}
Tasks:${shellTask('slow', { commands: ['sleep 8'] })}`);
    await applyPlans([plan]);
    const one = await windows.run(plan.name);
    await eventually('the first execution to run', () => windows.state(one.workflowId), (s) => s.status === 'IN_PROGRESS');
    await sleep(1100); // another second: the schedule names each execution by the second it started
    const two = await windows.run(plan.name);
    const skipped = await windows.result(two.workflowId);
    expect(skipped).toMatchObject({ status: 'SKIPPED_OVERLAPPING', statusDetails: expect.stringMatching(/previous execution/) });
    expect(skipped.tasks.map((t) => t.status)).toEqual(['SKIPPED_OVERLAPPING']);
    expect((await windows.result(one.workflowId)).status).toBe('SUCCESS');
    const three = await windows.run(plan.name);
    expect((await windows.result(three.workflowId)).status).toBe('SUCCESS');
    const rows = await eventually('three executions listed', () => windows.executions(plan.name), (r) => r.filter((x) => ['SUCCESS', 'SKIPPED_OVERLAPPING'].includes(x.Status)).length === 3);
    expect(rows.map((r) => r.Status).sort()).toEqual(['SKIPPED_OVERLAPPING', 'SUCCESS', 'SUCCESS']);
  });
});
