// Run Command across a fleet, end to end on the dev server: simulated agents (many node
// ids per worker, each recording when invocations start and end), the real dispatcher,
// the real target resolution, SNS and SQS in moto. What SSM promises, checked: targeting
// by tag picks exactly the right nodes, MaxConcurrency is never exceeded, MaxErrors stops
// dispatch, an offline node times out, cancel cancels, continue-as-new keeps it going.
// Run Command across a fleet, end to end on the dev server, with the real dispatcher and
// target resolution. Five real `drover agent` processes (their own ids and tags, running
// real shell commands that journal when they start and end) show what SSM promises:
// targeting by tag picks exactly the right nodes, MaxConcurrency is never exceeded,
// MaxErrors stops dispatch, an offline node times out undelivered, cancel kills the
// command. Simulated nodes (many ids per in-process worker) cover the rest: percentages,
// Incomplete, continue-as-new, notifications through SNS and SQS in moto.
import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { NativeConnection } from '@temporalio/worker';
import { EC2Client, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { SNSClient } from '@aws-sdk/client-sns';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { nodeTaskQueue } from '../../agent/protocol';
import { registerNode } from '../../agent/registry';
import { CommandClient } from '../../client/commands';
import { defaultDocumentSource } from '../../activities/run-command/load-document';
import { registryDirectory } from '../../activities/run-command/registry-directory';
import type { NodeDirectory } from '../../activities/run-command';
import { startStack, type TestStack } from '../helpers/env';
import { droverEnv, runCli } from '../helpers/processes';
import { startAgentProcess, type AgentProcess } from '../helpers/agents';
import { waitForRegistered } from '../helpers/registry';
import { until } from '../helpers/wait';
import { launchInstances, subscribedQueue } from '../helpers/aws';
import { peakOverlap, simDirectory, startSimAgent, type SimAgent, type SimNode } from '../sim/sim-agent';

let stack: TestStack;
let native: NativeConnection;
let commands: CommandClient;
const agents: SimAgent[] = [];
const real: AgentProcess[] = [];
const run = randomUUID().slice(0, 6);
const id = (name: string) => `${name}-${run}`;
const journalDir = mkdtempSync(join(tmpdir(), 'drover-fleet-'));

function nodes(names: string[], tags: Record<string, string>): SimNode[] {
  return names.map((n) => ({ nodeId: id(n), tags: { fleet: run, ...tags } }));
}

function runsOf(commandId: string) {
  return agents.flatMap((a) => a.runs.filter((r) => r.commandId === commandId));
}

const fleet = (extra: { Key: string; Values: string[] }[] = []) => [{ Key: 'tag:fleet', Values: [run] }, ...extra];

/** A shell command that journals its start and end (ms) on the node, with `body` in between. */
function journaled(file: string, body: string): string[] {
  return [`echo "$AWS_SSM_INSTANCE_ID start $(date +%s%3N)" >> ${file}`, body, `echo "$AWS_SSM_INSTANCE_ID end $(date +%s%3N)" >> ${file}`];
}

function readJournal(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

/** Intervals [start, end] (ms) from a journal of `<node> start|end <epoch-ms>` lines, per node and command run. */
function intervalsOf(journal: string): { nodeId: string; start: number; end: number }[] {
  const open = new Map<string, number>();
  const out: { nodeId: string; start: number; end: number }[] = [];
  for (const line of journal.split('\n')) {
    const m = /^(\S+) (start|end) (\d+)$/.exec(line.trim());
    if (!m) continue;
    if (m[2] === 'start') open.set(m[1]!, Number(m[3]));
    else {
      const start = open.get(m[1]!);
      if (start !== undefined) out.push({ nodeId: m[1]!, start, end: Number(m[3]) });
      open.delete(m[1]!);
    }
  }
  return out;
}

beforeAll(async () => {
  // The registry needs the stack's client, made after its worker.
  const registry: { dir?: NodeDirectory } = {};
  const sims = simDirectory(() => agents);
  stack = await startStack({
    prefix: 'fleet',
    activityDeps: { runCommand: { nodes: { listNodes: async (q) => [...(await registry.dir!.listNodes(q)), ...(await sims.listNodes(q))] } } },
  });
  registry.dir = registryDirectory(stack.client.client);
  native = await NativeConnection.connect({ address: inject('temporalAddress') });
  commands = new CommandClient(stack.client.client, { taskQueue: stack.taskQueue, documents: defaultDocumentSource() });

  // Real agents: ids sort in this order; the two `fail` nodes fail every journaled command with exit 3.
  const specs: [string, Record<string, string>][] = [
    ['r1-fail', { role: 'web', env: 'prod' }],
    ['r2-fail', { role: 'web', env: 'prod' }],
    ['r3', { role: 'web', env: 'test' }],
    ['r4', { role: 'db', env: 'prod', backup: 'yes' }],
    ['r5', { role: 'web', env: 'prod' }],
  ];
  real.push(...(await Promise.all(specs.map(([name, tags]) => startAgentProcess({ nodeId: id(name), tags: { realfleet: run, ...tags }, registryQueue: stack.taskQueue, heartbeatSeconds: 5 })))));
  // A node registered once whose agent is gone: nobody polls its queue.
  await registerNode(
    stack.client.client,
    { nodeId: id('ghost'), taskQueue: nodeTaskQueue(id('ghost')), tags: { realfleet: run, role: 'ghost' }, facts: { platformType: 'Linux' }, heartbeatSeconds: 5 },
    { registryTaskQueue: stack.taskQueue },
  );
  // Registrations reach visibility a moment later.
  await waitForRegistered(stack.client.client, { realfleet: run }, 6);

  const q = (name: string) => `${stack.taskQueue}-${name}`;
  agents.push(
    await startSimAgent({
      connection: native,
      taskQueue: q('sim'),
      nodes: [
        ...nodes(['web-1', 'web-2', 'web-3', 'web-4', 'web-5'], { role: 'web' }),
        ...nodes(['db-1', 'db-2'], { role: 'db' }),
        ...nodes(['fx-1', 'fx-2', 'fx-3'], { role: 'flaky', 'sim:exit': '1' }),
        ...nodes(['fy-1', 'fy-2', 'fy-3'], { role: 'flaky' }),
        ...nodes(Array.from({ length: 12 }, (_, i) => `many-${String(i).padStart(2, '0')}`), { role: 'many' }),
      ],
    }),
  );
}, 240_000);

afterAll(async () => {
  await Promise.all(real.map((a) => a.kill()));
  await Promise.all(agents.map((a) => a.stop()));
  await native?.close();
  await stack?.stop();
});

const realFleet = (extra: { Key: string; Values: string[] }[] = []) => [{ Key: 'tag:realfleet', Values: [run] }, ...extra];
const failOnFailNodes = 'case "$AWS_SSM_INSTANCE_ID" in *fail*) echo "failing on purpose" >&2; exit 3;; esac';

describe('Run Command on real drover agents', () => {
  it('targets exactly the nodes whose tags match (values of a key OR, keys AND, tag-key, ids)', async () => {
    const expectTargets = async (targets: { Key: string; Values: string[] }[] | { instanceIds: string[] }, expected: string[]) => {
      const sent = await commands.send({
        documentName: 'AWS-RunShellScript',
        ...(Array.isArray(targets) ? { targets } : targets),
        parameters: { commands: ['echo "hello from $AWS_SSM_INSTANCE_ID"'] },
      });
      const result = await commands.result(sent.commandId);
      const invocations = await commands.invocations(sent.commandId, { details: true });
      expect(invocations.map((i) => i.instanceId)).toEqual(expected.map(id));
      for (const i of invocations) {
        expect(i.status).toBe('Success');
        expect(i.record?.standardOutputContent).toBe(`hello from ${i.instanceId}\n`);
        expect(i.record?.route).toBe('agent');
      }
      expect(result).toMatchObject({ status: 'Success', statusDetails: 'Success' });
      expect(result.counts).toMatchObject({ targetCount: expected.length, completedCount: expected.length, errorCount: 0 });
    };
    await expectTargets(realFleet([{ Key: 'tag:role', Values: ['web'] }]), ['r1-fail', 'r2-fail', 'r3', 'r5']);
    await expectTargets(realFleet([{ Key: 'tag:role', Values: ['web', 'db'] }, { Key: 'tag:env', Values: ['prod'] }]), ['r1-fail', 'r2-fail', 'r4', 'r5']);
    await expectTargets(realFleet([{ Key: 'tag-key', Values: ['backup'] }]), ['r4']);
    await expectTargets({ instanceIds: [id('r5'), id('r3')] }, ['r3', 'r5']);
  });

  it('never runs more than MaxConcurrency invocations at once (start and end times written on the nodes)', async () => {
    const journal = join(journalDir, 'concurrency');
    const sent = await commands.send({
      documentName: 'AWS-RunShellScript',
      targets: realFleet([{ Key: 'tag:role', Values: ['web', 'db'] }]),
      parameters: { commands: journaled(journal, 'sleep 0.5') },
      maxConcurrency: 2,
    });
    const result = await commands.result(sent.commandId);
    expect(result.status).toBe('Success');
    const intervals = intervalsOf(readJournal(journal));
    expect(intervals.map((i) => i.nodeId).sort()).toEqual(['r1-fail', 'r2-fail', 'r3', 'r4', 'r5'].map(id));
    expect(peakOverlap(intervals)).toBeLessThanOrEqual(2);
    // SSM's ramp (1, then 2, …) does open the window to the limit.
    expect(peakOverlap(intervals)).toBe(2);
  });

  it('with MaxErrors 1 the second failure stops dispatch; the rest are Terminated and never run', async () => {
    const journal = join(journalDir, 'max-errors');
    const sent = await commands.send({
      documentName: 'AWS-RunShellScript',
      targets: realFleet([{ Key: 'tag:role', Values: ['web'] }]),
      parameters: { commands: journaled(journal, failOnFailNodes) },
      maxConcurrency: 1,
      maxErrors: 1,
    });
    const result = await commands.result(sent.commandId);
    expect(result).toMatchObject({ status: 'Failed', statusDetails: 'Failed' });
    expect(result.counts).toMatchObject({ targetCount: 4, completedCount: 4, errorCount: 2 });
    expect(result.notStarted).toEqual({ status: 'Terminated', targets: [id('r3'), id('r5')] });
    // Only the two failing nodes ran it (each journals its start, and fails before its end).
    expect(readJournal(journal).trim().split('\n').map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual([`${id('r1-fail')} start`, `${id('r2-fail')} start`]);
    const invocations = await commands.invocations(sent.commandId, { details: true });
    expect(invocations.map((i) => [i.instanceId, i.status, i.responseCode ?? null])).toEqual([
      [id('r1-fail'), 'Failed', 3],
      [id('r2-fail'), 'Failed', 3],
      [id('r3'), 'Terminated', null],
      [id('r5'), 'Terminated', null],
    ]);
    expect(invocations[0]!.record?.standardErrorContent).toMatch(/failing on purpose/);
  });

  it("an offline node's invocation ends TimedOut (delivery) within the delivery timeout; an unknown id is Undeliverable", async () => {
    const t0 = Date.now();
    const sent = await commands.send({ documentName: 'AWS-RunShellScript', instanceIds: [id('ghost'), id('r3'), id('nowhere')], parameters: { commands: ['true'] }, timeoutSeconds: 4 });
    const result = await commands.result(sent.commandId);
    expect(Date.now() - t0).toBeLessThan(20_000);
    // One success: the command succeeds; undelivered invocations are not errors (SSM).
    expect(result).toMatchObject({ status: 'Success', statusDetails: 'Success' });
    expect(result.counts).toMatchObject({ targetCount: 3, completedCount: 3, errorCount: 0, deliveryTimedOutCount: 1 });
    const invocations = await commands.invocations(sent.commandId, { details: true });
    const ghost = invocations.find((i) => i.instanceId === id('ghost'))!;
    expect(ghost).toMatchObject({ status: 'TimedOut', statusDetails: 'DeliveryTimedOut' });
    expect(ghost.record?.standardErrorContent).toMatch(/not delivered within 4 s/);
    const nowhere = invocations.find((i) => i.instanceId === id('nowhere'))!;
    expect(nowhere.status).toBe('Undeliverable');
    expect(nowhere.record?.standardErrorContent).toMatch(/neither a node registered with a Drover agent nor an EC2 instance/);

    const alone = await commands.send({ documentName: 'AWS-RunShellScript', instanceIds: [id('ghost')], parameters: { commands: ['true'] }, timeoutSeconds: 2 });
    expect(await commands.result(alone.commandId)).toMatchObject({ status: 'TimedOut', statusDetails: 'Delivery Timed Out' });
  });

  it('cancelling stops the running command on its node (the process group is killed) and never starts the rest', async () => {
    const journal = join(journalDir, 'cancel');
    const marker = `${40 + Math.floor(Math.random() * 10)}.${run.replace(/[^0-9]/g, '1')}`;
    const sent = await commands.send({
      documentName: 'AWS-RunShellScript',
      targets: realFleet([{ Key: 'tag:role', Values: ['web'] }]),
      parameters: { commands: journaled(journal, `sleep ${marker}`) },
      maxConcurrency: 2,
    });
    // SSM's ramp: the first invocation runs alone until it ends, so exactly one is running.
    await until('the command to start', async () => (readJournal(journal).includes('start') ? true : undefined), 30_000);
    const sleeping = () => execFileSync('ps', ['-eo', 'args']).toString().split('\n').filter((l) => l.includes(`sleep ${marker}`));
    expect(sleeping()).toHaveLength(1);
    const t0 = Date.now();
    await commands.cancel(sent.commandId);
    const result = await commands.result(sent.commandId);
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(result.status).toBe('Cancelled');
    expect(result.notStarted).toEqual({ status: 'Cancelled', targets: [id('r2-fail'), id('r3'), id('r5')] });
    const invocations = await commands.invocations(sent.commandId);
    expect(invocations.map((i) => i.status)).toEqual(['Cancelled', 'Cancelled', 'Cancelled', 'Cancelled']);
    expect(sleeping()).toHaveLength(0);
    expect(readJournal(journal)).not.toMatch(/ end /);
  });
});

describe('aws:runCommand in a runbook', () => {
  it('routes agent nodes to their agents through the Run Command workflow, outputs as AWS defines them', async () => {
    const { executionId } = await stack.client.start('fleet-run-command', { parameters: { Fleet: run, Role: 'db' } });
    const result = await stack.client.result(executionId);
    expect(result.status).toBe('Success');
    const commandId = result.outputs['onAgents.CommandId'] as string;
    expect(commandId).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.outputs).toMatchObject({ 'onAgents.Status': 'Success', 'onAgents.ResponseCode': 0, 'onAgents.Output': `ran on ${id('r4')}\n` });
    expect(result.outputs['report.Message']).toBe(`command ${commandId} ended Success, first exit code 0`);
    // The command is a command like any other: listed, with its invocations.
    expect((await commands.invocations(commandId)).map((i) => [i.instanceId, i.status])).toEqual([[id('r4'), 'Success']]);
    expect((await commands.list({ commandId }))[0]).toMatchObject({ commandId, documentName: 'AWS-RunShellScript', comment: 'Drover fleet test', status: 'Success' });
  });

  it('sends a mixed fleet both ways: the agent node to its agent, the EC2 instance through SSM (moto)', async () => {
    const ec2 = new EC2Client({ maxAttempts: 1 });
    const instanceId = (await launchInstances(ec2, { instanceType: 't3.micro', tags: { ec2fleet: run } }))[0]!;
    try {
      const sent = await commands.send({ documentName: 'AWS-RunShellScript', instanceIds: [id('r4'), instanceId], parameters: { commands: ['echo mixed'] } });
      const result = await commands.result(sent.commandId);
      expect(result).toMatchObject({ status: 'Success', statusDetails: 'Success' });
      const invocations = await commands.invocations(sent.commandId, { details: true });
      expect(invocations.map((i) => [i.instanceId, i.status, i.record?.route])).toEqual(
        [
          [id('r4'), 'Success', 'agent'],
          [instanceId, 'Success', 'ssm'],
        ].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
      );
      // moto runs nothing: the SSM invocation succeeds with empty output; the agent really ran it.
      expect(invocations.find((i) => i.instanceId === id('r4'))!.record?.standardOutputContent).toBe('mixed\n');
    } finally {
      await ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] })).catch(() => undefined);
      ec2.destroy();
    }
  });

  it('fails the step, saying which invocations did not succeed, when the command fails', async () => {
    const { executionId } = await stack.client.start('fleet-run-command', { parameters: { Fleet: run, Role: 'web', Commands: [failOnFailNodes] } });
    const result = await stack.client.result(executionId);
    expect(result.status).toBe('Failed');
    const step = result.steps.find((s) => s.name === 'onAgents')!;
    expect(step).toMatchObject({ status: 'Failed', failureType: 'RunCommandFailed' });
    expect(step.failureMessage).toMatch(/^command [0-9a-f-]{36} \(AWS-RunShellScript\) ended Failed, Failed: 0 of 4 invocations succeeded \(1 Failed, 3 Terminated\)/);
  });
});

describe('drover send-command, list-commands, command-invocations', () => {
  it('sends like aws ssm send-command, waits, lists, and shows invocations in the AWS CLI shapes', async () => {
    const env = droverEnv(stack.taskQueue);
    const sent = await runCli(
      ['send-command', '--document-name', 'AWS-RunShellScript', '--targets', `Key=tag:realfleet,Values=${run}`, 'Key=tag:role,Values=db,ghost', '--parameters', 'commands=echo "a, b on $AWS_SSM_INSTANCE_ID"', '--timeout-seconds', '3', '--comment', 'cli test', '--wait'],
      env,
    );
    // The ghost node never answers: the command is not a clean success (exit 1), the db node ran it.
    expect(sent.stderr).toMatch(/^sent command [0-9a-f-]{36} \(AWS-RunShellScript\)$/m);
    const commandId = /sent command ([0-9a-f-]{36})/.exec(sent.stderr)![1]!;
    expect(sent.stdout).toMatch(new RegExp(`${commandId}  Success \\(Success\\)  targets 2, completed 2, errors 0, delivery timeouts 1`));
    expect(sent.stdout).toMatch(new RegExp(`${id('r4')}\\s+Success\\s+Success\\s+0`));
    expect(sent.stdout).toMatch(new RegExp(`${id('ghost')}\\s+TimedOut\\s+DeliveryTimedOut`));
    expect(sent.stdout).toContain(`a, b on ${id('r4')}`);
    expect(sent.code).toBe(1);

    const listed = await runCli(['list-commands', '--command-id', commandId, '--json'], env);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject({
      Commands: [{ CommandId: commandId, DocumentName: 'AWS-RunShellScript', Comment: 'cli test', Status: 'Success', TargetCount: 2, CompletedCount: 2, ErrorCount: 0, DeliveryTimedOutCount: 1 }],
    });
    const table = await runCli(['list-commands'], env);
    expect(table.stdout).toMatch(new RegExp(`${commandId}\\s+AWS-RunShellScript\\s+Success`));

    const invocations = await runCli(['command-invocations', commandId, '--details', '--json'], env);
    expect(invocations.code).toBe(0);
    const parsed = JSON.parse(invocations.stdout) as { CommandInvocations: Record<string, unknown>[] };
    expect(parsed.CommandInvocations.map((i) => [i.InstanceId, i.Status, i.StatusDetails])).toEqual([
      [id('ghost'), 'TimedOut', 'DeliveryTimedOut'],
      [id('r4'), 'Success', 'Success'],
    ]);
    expect(parsed.CommandInvocations[1]).toMatchObject({ CommandId: commandId, DocumentName: 'AWS-RunShellScript', ResponseCode: 0, StandardOutputContent: `a, b on ${id('r4')}\n` });
    expect((parsed.CommandInvocations[1]!.CommandPlugins as unknown[]).length).toBeGreaterThan(0);
  });

  it('refuses bad arguments with exit 2 and starts nothing', async () => {
    const env = droverEnv(stack.taskQueue);
    const bad = await runCli(['send-command', '--document-name', 'AWS-RunShellScript', '--targets', 'Key=tag:role,Values=web', '--max-errors', 'lots'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/MaxErrors "lots" is not valid/);
    const badParam = await runCli(['send-command', '--document-name', 'AWS-RunShellScript', '--instance-ids', 'x', '--parameters', 'comands=ls'], env);
    expect(badParam.code).toBe(2);
    expect(badParam.stderr).toMatch(/comands/);
    const noDoc = await runCli(['send-command', '--document-name', 'Nope-Doc', '--instance-ids', id('r3'), '--parameters', 'commands=ls', '--wait'], env);
    expect(noDoc.code).toBe(1);
    expect(noDoc.stdout).toMatch(/Failed \(Failed\).*\n.*no Command document named Nope-Doc/);
    const unknown = await runCli(['command-invocations', randomUUID()], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error: no command [0-9a-f-]{36} \(see drover list-commands\)$/m);
  });
});

describe('Run Command over a simulated fleet', () => {
  it('a percentage MaxConcurrency is a share of the targets', async () => {
    const sent = await commands.send({
      documentName: 'AWS-RunShellScript',
      targets: fleet([{ Key: 'tag:role', Values: ['many'] }]),
      parameters: { commands: ['sleep 0.3'] },
      maxConcurrency: '25%',
    });
    expect((await commands.result(sent.commandId)).status).toBe('Success');
    expect(peakOverlap(runsOf(sent.commandId))).toBe(3);
  });

  it('within MaxErrors the command succeeds, Incomplete', async () => {
    const sent = await commands.send({
      documentName: 'AWS-RunShellScript',
      targets: fleet([{ Key: 'tag:role', Values: ['flaky'] }]),
      parameters: { commands: ['true'] },
      maxErrors: '50%',
    });
    const result = await commands.result(sent.commandId);
    expect(result).toMatchObject({ status: 'Success', statusDetails: 'Incomplete' });
    expect(result.counts).toMatchObject({ targetCount: 6, errorCount: 3, completedCount: 6 });
  });

  it('continues as new on long fleets and loses no invocation', async () => {
    const sent = await commands.send({
      documentName: 'AWS-RunShellScript',
      targets: fleet([{ Key: 'tag:role', Values: ['many', 'web', 'db'] }]),
      parameters: { commands: ['true'] },
      maxConcurrency: 4,
    });
    // A tiny history budget forces several continue-as-new.
    const small = await commands.send({
      documentName: 'AWS-RunShellScript',
      targets: fleet([{ Key: 'tag:role', Values: ['many', 'web', 'db'] }]),
      parameters: { commands: ['true'] },
      maxConcurrency: 4,
      continueAsNewAfterEvents: 40,
    });
    for (const c of [sent, small]) {
      const r = await commands.result(c.commandId);
      expect(r.status).toBe('Success');
      expect(r.counts).toMatchObject({ targetCount: 19, completedCount: 19 });
      expect(runsOf(c.commandId)).toHaveLength(19);
      expect(peakOverlap(runsOf(c.commandId))).toBeLessThanOrEqual(4);
    }
    // Its memo and search attributes survive continue-as-new: it lists like any command.
    expect((await commands.list({ commandId: small.commandId }))[0]).toMatchObject({ documentName: 'AWS-RunShellScript', status: 'Success', targetCount: 19, completedCount: 19, errorCount: 0 });
    let runsOfSmall = 0;
    for await (const _ of stack.client.client.workflow.list({ query: `WorkflowId = '${small.commandId}'` })) runsOfSmall++;
    expect(runsOfSmall).toBeGreaterThan(1);
  });

  it('publishes Command notifications to SNS (delivered to SQS)', async () => {
    const sns = new SNSClient({});
    const sqs = new SQSClient({});
    const { topicArn, queueUrl } = await subscribedQueue(sns, sqs, `fleet-${run}`, { raw: true });
    const sent = await commands.send({
      documentName: 'AWS-RunShellScript',
      instanceIds: [id('web-1')],
      parameters: { commands: ['true'] },
      notificationConfig: { NotificationArn: topicArn, NotificationEvents: ['All'], NotificationType: 'Command' },
    });
    expect((await commands.result(sent.commandId)).status).toBe('Success');
    const seen: string[] = [];
    const deadline = Date.now() + 20_000;
    while (seen.length < 2 && Date.now() < deadline) {
      const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      for (const m of got.Messages ?? []) {
        const body = JSON.parse(m.Body!) as { commandId: string; status: string; documentName: string };
        expect(body).toMatchObject({ commandId: sent.commandId, documentName: 'AWS-RunShellScript' });
        seen.push(body.status);
      }
    }
    expect(seen.sort()).toEqual(['InProgress', 'Success']);

    // Per invocation, only the events asked for: here Failed (fx-1 fails, fy-1 succeeds).
    const perInvocation = await commands.send({
      documentName: 'AWS-RunShellScript',
      instanceIds: [id('fx-1'), id('fy-1')],
      parameters: { commands: ['true'] },
      maxErrors: 1,
      notificationConfig: { NotificationArn: topicArn, NotificationEvents: ['Failed'], NotificationType: 'Invocation' },
    });
    await commands.result(perInvocation.commandId);
    const failed: { instanceId: string; status: string }[] = [];
    const until = Date.now() + 10_000;
    while (Date.now() < until) {
      const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      for (const m of got.Messages ?? []) failed.push(JSON.parse(m.Body!) as { instanceId: string; status: string });
      if (failed.length && !got.Messages?.length) break;
    }
    expect(failed.map((f) => [f.instanceId, f.status])).toEqual([[id('fx-1'), 'Failed']]);
    sns.destroy();
    sqs.destroy();
  });

  it('refuses bad input before anything starts', async () => {
    await expect(commands.send({ documentName: 'AWS-RunShellScript', targets: [{ Key: 'tag:role', Values: ['web'] }], maxConcurrency: '0' })).rejects.toThrow(/MaxConcurrency "0" is not valid/);
    await expect(commands.send({ documentName: 'AWS-RunShellScript', targets: [{ Key: 'role', Values: ['web'] }] })).rejects.toThrow(/target key "role" is not one of/);
    await expect(commands.send({ documentName: 'AWS-RunShellScript', instanceIds: ['a'], targets: [{ Key: 'tag:role', Values: ['web'] }] })).rejects.toThrow(/not both/);
    await expect(commands.send({ documentName: 'AWS-RunShellScript', instanceIds: ['a'], parameters: { comands: ['x'] } })).rejects.toThrow(/comands/);
  });
});
