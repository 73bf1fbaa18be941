// A window execution over its whole duration, in Temporal's time-skipping test server (which
// has no Schedules: the execution is started directly, as its schedule would start it).
// Hours pass in seconds, so the cutoff and the end of a 3-hour window are real timers from
// the nominal start: runbook tasks sleep through them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { WindowsClient } from '../../client/windows';
import { loadWindowText } from '../../compiler/window/load';
import { findTool } from '../../devstack/tools';
import type { WindowPlan } from '../../lang/windows/plan';
import type { WindowExecutionState } from '../../workflows/window-contract';
import { FIXTURE_RUNBOOKS, quietRuntime, REPO_RUNBOOKS, uniqueQueue } from '../helpers/env';
import { eventually } from '../helpers/wait';

let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
let windows: WindowsClient;
const runbookDirs = [REPO_RUNBOOKS, FIXTURE_RUNBOOKS];

beforeAll(async () => {
  quietRuntime();
  env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: findTool('temporal-test-server') } },
  });
  const taskQueue = uniqueQueue('windows-time');
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    activities: createActivities({ runbookDirs }),
  });
  running = worker.run();
  // The time-skipping server cannot register search attributes: these executions are not indexed.
  windows = new WindowsClient(env.client, { taskQueue, searchAttributes: false });
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
});

async function compile(text: string): Promise<WindowPlan> {
  const { plan, diagnostics } = await loadWindowText(text, 'window.yaml', { runbookDirs });
  if (!plan) throw new Error(diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`).join('\n'));
  return plan;
}

const sleepTask = (name: string, priority: number, duration: string, cutoff = 'CONTINUE_TASK') => `
  - Name: ${name}
    TaskType: AUTOMATION
    TaskArn: window-sleep
    Priority: ${priority}
    CutoffBehavior: ${cutoff}
    TaskInvocationParameters:
      Automation:
        Parameters:
          Duration: [${duration}]
`;

/** The test server's clock, which runs ahead of ours once it has skipped time. */
const serverNow = async () => new Date(await env.currentTimeMs());

const task = (s: WindowExecutionState, name: string) => s.tasks.find((t) => t.name === name)!;
const hoursAfter = (s: WindowExecutionState, iso: string | undefined) => (Date.parse(iso!) - Date.parse(s.nominalStartTime)) / 3_600_000;

describe('a window execution in time-skipping time', () => {
  it('stops new tasks at the cutoff and running ones at the end, from the nominal start', async () => {
    const plan = await compile(`Name: three-hours
Schedule: cron(0 2 ? * SUN *)
Duration: 3
Cutoff: 1
Tasks:${sleepTask('short', 1, 'PT30M')}${sleepTask('long', 1, 'PT5H')}${sleepTask('late', 2, 'PT1M')}`);
    const { workflowId } = await windows.start(plan, { nominalStartTime: await serverNow() });
    const s = await windows.result(workflowId);
    expect(s.status).toBe('TIMED_OUT');
    expect([task(s, 'short').status, task(s, 'long').status, task(s, 'late').status]).toEqual(['SUCCESS', 'TIMED_OUT', 'TIMED_OUT']);
    // The 30-minute task ran its time; the 5-hour one was cancelled at the end of the 3-hour window.
    expect(hoursAfter(s, task(s, 'short').endTime)).toBeCloseTo(0.5, 1);
    expect(hoursAfter(s, task(s, 'long').endTime)).toBeCloseTo(3, 1);
    expect(task(s, 'long').invocations[0]).toMatchObject({ status: 'TIMED_OUT', statusDetails: 'Cancelled at the end of the window.' });
    // Priority 2 waited for priority 1, which outlived the cutoff (2 h): it never started.
    expect(task(s, 'late').startTime).toBeUndefined();
    expect(task(s, 'late').statusDetails).toMatch(/^Not started: the cutoff/);
    // The runbook execution of the long task is cancelled, not left running.
    const child = task(s, 'long').invocations[0]!.executionId!;
    expect((await env.client.workflow.getHandle(child).describe()).status.name).toBe('CANCELLED');
  });

  it('CANCEL_TASK lets a running runbook invocation finish (SSM: no new invocation starts)', async () => {
    const plan = await compile(`Name: cancel-task-automation
Schedule: cron(0 2 ? * SUN *)
Duration: 4
Cutoff: 2
Tasks:${sleepTask('across', 1, 'PT3H', 'CANCEL_TASK')}${sleepTask('next', 2, 'PT1M')}`);
    const { workflowId } = await windows.start(plan, { nominalStartTime: await serverNow() });
    const s = await windows.result(workflowId);
    expect(task(s, 'across').status).toBe('SUCCESS');
    expect(hoursAfter(s, task(s, 'across').endTime)).toBeCloseTo(3, 1);
    expect(task(s, 'next').status).toBe('TIMED_OUT');
    expect(s.status).toBe('TIMED_OUT');
  });

  it('tasks of equal priority run together, lower priorities first, within the window', async () => {
    const plan = await compile(`Name: priorities
Schedule: rate(1 day)
Duration: 6
Cutoff: 1
Tasks:${sleepTask('one-a', 1, 'PT1H')}${sleepTask('one-b', 1, 'PT2H')}${sleepTask('two', 2, 'PT1H')}${sleepTask('three', 3, 'PT30M')}`);
    const { workflowId } = await windows.start(plan, { nominalStartTime: await serverNow() });
    const s = await windows.result(workflowId);
    expect(s.status).toBe('SUCCESS');
    const at = (n: string) => [hoursAfter(s, task(s, n).startTime), hoursAfter(s, task(s, n).endTime)].map((h) => Math.round(h * 10) / 10);
    expect([at('one-a'), at('one-b'), at('two'), at('three')]).toEqual([
      [0, 1],
      [0, 2],
      [2, 3],
      [3, 3.5],
    ]);
  });

  it('cancelled while a task runs: that task finishes, no other starts, the window is CANCELLED', async () => {
    const plan = await compile(`Name: cancelled-window
Schedule: rate(1 day)
Duration: 4
Cutoff: 1
Tasks:${sleepTask('running', 1, 'PT1H')}${sleepTask('waiting', 2, 'PT1M')}`);
    const { workflowId } = await windows.start(plan, { nominalStartTime: await serverNow() });
    // Time does not skip while nobody awaits the result: the hour waits for the cancel.
    await eventually('the first task to run', () => windows.state(workflowId), (s) => s.tasks[0]!.status === 'IN_PROGRESS');
    await windows.cancel(workflowId);
    const s = await windows.result(workflowId);
    expect([s.status, task(s, 'running').status, task(s, 'waiting').status]).toEqual(['CANCELLED', 'SUCCESS', 'CANCELLED']);
    expect(task(s, 'waiting').statusDetails).toBe('Not started: the window execution was cancelled.');
    expect(hoursAfter(s, task(s, 'running').endTime)).toBeCloseTo(1, 1);
  });

  it('a start later than the cutoff (a late catch-up) runs nothing and says so', async () => {
    const plan = await compile(`Name: too-late
Schedule: rate(1 day)
Duration: 2
Cutoff: 1
Tasks:${sleepTask('never', 1, 'PT1M')}`);
    const { workflowId } = await windows.start(plan, { nominalStartTime: new Date((await serverNow()).getTime() - 90 * 60_000) });
    const s = await windows.result(workflowId);
    expect([s.status, task(s, 'never').status, task(s, 'never').startTime]).toEqual(['TIMED_OUT', 'TIMED_OUT', undefined]);
  });
});
