// Run Command's agent invocations as activities of the command, checked where scale makes
// them matter: no workflow per invocation, every run of the command within its event
// budget although activities cannot outlive a run, each invocation listed with its own
// record whichever run ran it, and the command's new histories replay (continue-as-new and
// cancel included). Simulated agents (test/sim) serve many node ids each.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { CommandClient } from '../../client/commands';
import { defaultDocumentSource } from '../../activities/run-command/load-document';
import { RUN_INVOCATIONS_MEMO, type InvocationEntry } from '../../workflows/run-command/contract';
import { startStack, type TestStack } from '../helpers/env';
import { peakOverlap, simDirectory, startSimAgent, type SimAgent } from '../sim/sim-agent';

const run = randomUUID().slice(0, 6);
const NODES = 30;
const node = (i: number) => `scale-${run}-${String(i).padStart(2, '0')}`;
let stack: TestStack;
let native: NativeConnection;
let commands: CommandClient;
const agents: SimAgent[] = [];

beforeAll(async () => {
  const sims = simDirectory(() => agents);
  stack = await startStack({ prefix: 'scale', activityDeps: { runCommand: { nodes: sims } } });
  native = await NativeConnection.connect({ address: inject('temporalAddress') });
  for (const half of [0, 1]) {
    const nodes = Array.from({ length: NODES }, (_, i) => i)
      .filter((i) => i % 2 === half)
      .map((i) => ({ nodeId: node(i), tags: { scale: run } }));
    agents.push(await startSimAgent({ connection: native, taskQueue: `${stack.taskQueue}-agents-${half}`, nodes }));
  }
  commands = new CommandClient(stack.client.client, { taskQueue: stack.taskQueue, documents: defaultDocumentSource() });
}, 120_000);

afterAll(async () => {
  await Promise.all(agents.map((a) => a.stop()));
  await native?.close();
  await stack?.stop();
});

const runsOf = (commandId: string) => agents.flatMap((a) => a.runs.filter((r) => r.commandId === commandId));

/** Every run of a command (newest first, as visibility lists them), once visibility shows `count` closed ones. */
async function closedRuns(client: Client, commandId: string, count: number) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const runs = [];
    for await (const wf of client.workflow.list({ query: `WorkflowId = '${commandId}'` })) runs.push(wf);
    if (runs.filter((r) => r.status.name !== 'RUNNING').length >= count || Date.now() > deadline) return runs;
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function replays(client: Client, commandId: string, runId: string): Promise<void> {
  const history = await client.workflow.getHandle(commandId, runId).fetchHistory();
  await Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, commandId);
}

describe('agent invocations as activities of the command', () => {
  const BUDGET = 60;
  const CONCURRENCY = 5;
  let commandId: string;

  it('runs each once with no workflow per invocation, every run within its budget, each listed with its own record', async () => {
    ({ commandId } = await commands.send({
      documentName: 'AWS-RunShellScript',
      targets: [{ Key: 'tag:scale', Values: [run] }],
      parameters: { commands: ['echo ran on $NODE'] },
      maxConcurrency: CONCURRENCY,
      continueAsNewAfterEvents: BUDGET,
    }));
    const result = await commands.result(commandId);
    expect(result).toMatchObject({ status: 'Success', counts: { targetCount: NODES, completedCount: NODES, errorCount: 0 } });
    // aws:runCommand's Output: the first target's, from its activity's result.
    expect(result.first?.output).toMatch(new RegExp(`^ran on scale-${run}-\\d\\d\\n$`));
    const ran = runsOf(commandId);
    expect(ran.map((r) => r.nodeId).sort()).toEqual(Array.from({ length: NODES }, (_, i) => node(i)));
    expect(peakOverlap(ran)).toBeLessThanOrEqual(CONCURRENCY);

    // No child workflow: each invocation lived in the command's own history.
    for (let i = 0; i < NODES; i += 7) {
      await expect(stack.client.client.workflow.getHandle(`${commandId}/${node(i)}`).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    }

    // Several runs, each within the budget: a run stops starting once what it runs would pass it (at worst
    // five events each: started, completed, a workflow task of its own), and lets them end before it continues.
    const runs = await closedRuns(stack.client.client, commandId, 3);
    expect(runs.length).toBeGreaterThanOrEqual(3);
    const lengths = await Promise.all(runs.map(async (r) => (await stack.client.client.workflow.getHandle(commandId, r.runId).describe()).historyLength));
    // What a run adds after its last invocation ended: its memo, a workflow task, the continue-as-new.
    for (const length of lengths) expect(length).toBeLessThanOrEqual(BUDGET + 8);

    // Each closed run's memo holds how its own invocations ended, no other run's: together, every target once.
    const indexed = runs.flatMap((r) => Object.keys((r.memo?.[RUN_INVOCATIONS_MEMO] ?? {}) as Record<string, InvocationEntry>));
    expect(indexed.sort()).toEqual(Array.from({ length: NODES }, (_, i) => node(i)));

    const listed = await commands.invocations(commandId, { details: true });
    expect(listed).toHaveLength(NODES);
    for (const row of listed) {
      expect(row).toMatchObject({ status: 'Success', statusDetails: 'Success', responseCode: 0 });
      // The node's own result, read back from the history of the run that ran it.
      expect(row.record).toMatchObject({ commandId, nodeId: row.instanceId, route: 'agent', documentName: 'AWS-RunShellScript', standardOutputContent: `ran on ${row.instanceId}\n` });
    }
    expect(await commands.invocationRecord(commandId, node(17))).toMatchObject({ status: 'Success', standardOutputContent: `ran on ${node(17)}\n` });
    await expect(commands.invocationRecord(commandId, 'no-such-node')).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });

  it("replays every run of that command's history", async () => {
    const runs = await closedRuns(stack.client.client, commandId, 3);
    for (const r of runs) await replays(stack.client.client, commandId, r.runId);
  });

  it('cancelled: the running invocations are cancelled on their nodes and recorded Cancelled, the rest never start; it replays', async () => {
    const sent = await commands.send({
      documentName: 'AWS-RunShellScript',
      instanceIds: [node(0), node(1), node(2), node(3)],
      parameters: { commands: ['sleep 30'] },
      maxConcurrency: 2,
    });
    const deadline = Date.now() + 30_000;
    while (agents.reduce((n, a) => n + [...a.active].filter((k) => k.startsWith(`${sent.commandId}/`)).length, 0) < 1) {
      if (Date.now() > deadline) throw new Error('no invocation started');
      await new Promise((r) => setTimeout(r, 100));
    }
    await commands.cancel(sent.commandId);
    const result = await commands.result(sent.commandId);
    expect(result.status).toBe('Cancelled');
    expect(result.notStarted).toMatchObject({ status: 'Cancelled' });
    const ran = runsOf(sent.commandId);
    expect(ran.length).toBeGreaterThanOrEqual(1);
    expect(ran.every((r) => r.status === 'Cancelled' && r.end - r.start < 20_000)).toBe(true);
    const listed = await commands.invocations(sent.commandId, { details: true });
    expect(listed.map((r) => r.status)).toEqual(['Cancelled', 'Cancelled', 'Cancelled', 'Cancelled']);
    for (const row of listed.filter((r) => ran.some((x) => x.nodeId === r.instanceId))) expect(row.record).toMatchObject({ status: 'Cancelled', route: 'agent' });
    const [last] = await closedRuns(stack.client.client, sent.commandId, 1);
    await replays(stack.client.client, sent.commandId, last!.runId);
  });
});
