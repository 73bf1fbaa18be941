// Window tasks across a simulated fleet (many node ids per in-process worker, each recording
// when invocations start and end): runbook tasks run once per target with {{TARGET_ID}},
// within MaxConcurrency; Run Command tasks whose parameters differ per target
// ({{INVOCATION_ID}}) run one command per target; MaxErrors stops new invocations. And the
// cost: history events of one window execution with 2 tasks × 10 targets.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { NativeConnection } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { CommandClient } from '../../client/commands';
import { WindowsClient } from '../../client/windows';
import { loadWindowText } from '../../compiler/window/load';
import type { WindowPlan } from '../../lang/windows/plan';
import type { WindowExecutionState } from '../../workflows/window-contract';
import { FIXTURE_RUNBOOKS, REPO_RUNBOOKS, startStack, type TestStack } from '../helpers/env';
import { peakOverlap, simDirectory, startSimAgent, type SimAgent } from '../sim/sim-agent';

let stack: TestStack;
let native: NativeConnection;
let windows: WindowsClient;
let commands: CommandClient;
const agents: SimAgent[] = [];
const run = randomUUID().slice(0, 6);
const node = (i: number) => `sim-${run}-${String(i).padStart(2, '0')}`;

beforeAll(async () => {
  stack = await startStack({ prefix: 'windows-fleet', activityDeps: { runCommand: { nodes: simDirectory(() => agents) } } });
  native = await NativeConnection.connect({ address: inject('temporalAddress') });
  agents.push(
    await startSimAgent({
      connection: native,
      taskQueue: `${stack.taskQueue}-sim`,
      nodes: [
        ...Array.from({ length: 10 }, (_, i) => ({ nodeId: node(i), tags: { fleet: run, role: 'ten' } })),
        ...[10, 11, 12].map((i) => ({ nodeId: node(i), tags: { fleet: run, role: 'flaky', 'sim:exit': '1' } })),
      ],
    }),
  );
  windows = new WindowsClient(stack.client.client, { taskQueue: stack.taskQueue });
  commands = new CommandClient(stack.client.client, { taskQueue: stack.taskQueue });
}, 240_000);

afterAll(async () => {
  await Promise.all(agents.map((a) => a.stop()));
  await native?.close();
  await stack?.stop();
});

async function compile(text: string): Promise<WindowPlan> {
  const { plan, diagnostics } = await loadWindowText(text, 'window.yaml', { runbookDirs: [REPO_RUNBOOKS, FIXTURE_RUNBOOKS] });
  if (!plan) throw new Error(diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`).join('\n'));
  return plan;
}

const header = (n: string, role: string) => `Name: ${n}-${run}
Schedule: cron(0 3 1 1 ? 2099)
Duration: 2
Cutoff: 1
Targets:
  - Name: nodes
    Targets: [{ Key: 'tag:fleet', Values: ['${run}'] }, { Key: 'tag:role', Values: ['${role}'] }]
Tasks:`;

const task = (s: WindowExecutionState, n: string) => s.tasks.find((t) => t.name === n)!;
const ms = (iso?: string) => Date.parse(iso!);

/** Events of a workflow's history (its latest run). */
async function eventsOf(client: Client, workflowId: string): Promise<number> {
  return (await client.workflow.getHandle(workflowId).fetchHistory()).events?.length ?? 0;
}

describe('window tasks across a fleet', () => {
  it('a runbook task runs once per target with {{TARGET_ID}}, never more than MaxConcurrency at once', async () => {
    const plan = await compile(`${header('runbooks', 'ten')}
  - Name: per-target
    TaskType: AUTOMATION
    TaskArn: window-sleep
    Targets: [{ Key: WindowTargetIds, Values: [nodes] }]
    MaxConcurrency: '3'
    MaxErrors: '0'
    TaskInvocationParameters:
      Automation:
        Parameters:
          Duration: [PT1S]
          Target: ['{{TARGET_ID}} ({{TARGET_TYPE}}) in {{WINDOW_ID}}']
`);
    const { workflowId } = await windows.start(plan, { trigger: 'test' });
    const s = await windows.result(workflowId);
    const t = task(s, 'per-target');
    expect([s.status, t.status]).toEqual(['SUCCESS', 'SUCCESS']);
    expect(t.invocations.map((i) => i.target).sort()).toEqual(Array.from({ length: 10 }, (_, i) => node(i)));
    expect(peakOverlap(t.invocations.map((i) => ({ start: ms(i.startTime), end: ms(i.endTime) })))).toBeLessThanOrEqual(3);
    for (const i of t.invocations) {
      expect(i.executionId).toBe(`window-sleep/${i.invocationId}`);
      const result = await stack.client.result(i.executionId!);
      expect(result.outputs['report.Message']).toBe(`slept PT1S for ${i.target} (INSTANCE) in ${plan.windowId}`);
      expect(JSON.parse(i.parameters)).toEqual({ Duration: ['PT1S'], Target: [`${i.target} (INSTANCE) in ${plan.windowId}`] });
    }
  });

  it('a Run Command task with {{INVOCATION_ID}} runs one command per target; MaxErrors stops new ones', async () => {
    const plan = await compile(`${header('per-invocation', 'flaky')}
  - Name: each
    TaskType: RUN_COMMAND
    TaskArn: AWS-RunShellScript
    Targets: [{ Key: WindowTargetIds, Values: [nodes] }]
    MaxConcurrency: '1'
    MaxErrors: '1'
    TaskInvocationParameters:
      RunCommand:
        Parameters:
          commands: ['echo {{INVOCATION_ID}}']
`);
    const { workflowId } = await windows.start(plan, { trigger: 'test' });
    const s = await windows.result(workflowId);
    const t = task(s, 'each');
    // Every node of the flaky role fails: the second failure exceeds MaxErrors 1, the third never starts.
    expect([s.status, t.status]).toEqual(['FAILED', 'FAILED']);
    expect(t.invocations.map((i) => i.status)).toEqual(['FAILED', 'FAILED']);
    expect(t.statusDetails).toBe('2 failed, 1 cancelled (of 3 invocations).');
    expect(new Set(t.invocations.map((i) => i.executionId)).size).toBe(2);
    for (const i of t.invocations) {
      expect(JSON.parse(i.parameters)).toEqual({ commands: [`echo ${i.invocationId}`] });
      expect((await commands.status(i.executionId!)).counts.targetCount).toBe(1);
    }
  });

  it('measures the history of a window execution with 2 tasks × 10 targets', async () => {
    const runCommand = (n: string) => `
  - Name: ${n}
    TaskType: RUN_COMMAND
    TaskArn: AWS-RunShellScript
    Targets: [{ Key: WindowTargetIds, Values: [nodes] }]
    MaxConcurrency: '10'
    MaxErrors: '0'
    TaskInvocationParameters: { RunCommand: { Parameters: { commands: ['echo ${n}'] } } }`;
    const automation = (n: string) => `
  - Name: ${n}
    TaskType: AUTOMATION
    TaskArn: window-sleep
    Targets: [{ Key: WindowTargetIds, Values: [nodes] }]
    MaxConcurrency: '10'
    MaxErrors: '0'
    TaskInvocationParameters: { Automation: { Parameters: { Duration: [PT1S], Target: ['{{TARGET_ID}}'] } } }`;
    const figures: Record<string, unknown> = {};
    for (const [kind, make] of [
      ['RUN_COMMAND', runCommand],
      ['AUTOMATION', automation],
    ] as const) {
      const plan = await compile(`${header(`measure-${kind.toLowerCase().replace('_', '-')}`, 'ten')}${make('task-one')}${make('task-two')}`);
      const { workflowId } = await windows.start(plan, { trigger: 'test' });
      const s = await windows.result(workflowId);
      expect(s.status).toBe('SUCCESS');
      const window = await eventsOf(stack.client.client, workflowId);
      const children = await Promise.all(
        s.tasks.flatMap((t) => (t.command ? [t.command.commandId] : t.invocations.map((i) => i.executionId!))).map((id) => eventsOf(stack.client.client, id)),
      );
      figures[kind] = { windowExecution: window, children: children.length, childEvents: children.reduce((a, b) => a + b, 0) };
      // The window's own history stays small whatever the fleet: a command (or a child per target) per task.
      expect(window).toBeLessThan(kind === 'RUN_COMMAND' ? 80 : 200);
    }
    console.log(`window execution history, 2 tasks x 10 targets: ${JSON.stringify(figures)}`);
  });
});
