// aws:runCommand through SSM against moto: what is sent, what comes back, and that a
// retry never sends a second command. moto runs nothing (every invocation reports Success
// with empty output), adds every instance of the region to a command sent with InstanceIds,
// and ships no AWS documents: each test creates its own Command document and instances.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EC2Client, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateDocumentCommand, ListCommandsCommand, SSMClient, type Command } from '@aws-sdk/client-ssm';
import type { SideEffectEvent } from '../../activities/aws';
import { commandMarker, commentWithMarker, hasMarker } from '../../activities/aws/run-command-input';
import { runSsmCommand } from '../../activities/aws/run-command-ssm';
import { startStack, useSandboxAws, type TestStack } from '../helpers/env';
import { launchInstances } from '../helpers/aws';

const RUNBOOK = 'rc-run-command';
const tag = `rc-${randomUUID().slice(0, 8)}`;

/** Crashes to inject: execution id → the SSM call after which its activity fails once. */
const crashAfter = new Map<string, string>();
const crashed: string[] = [];

function injectCrash(e: SideEffectEvent): void {
  if (e.service !== 'ssm' || crashAfter.get(e.request.executionId) !== e.api) return;
  crashAfter.delete(e.request.executionId);
  crashed.push(`${e.request.executionId} after ${e.api}`);
  throw new Error(`injected crash after ${e.api}`);
}

let stack: TestStack;
let ec2: EC2Client;
let ssm: SSMClient;
let documentName: string;
let instanceIds: string[];

beforeAll(async () => {
  stack = await startStack({ prefix: 'rc', activityDeps: { aws: { afterSideEffect: injectCrash } } });
  ec2 = new EC2Client({ maxAttempts: 1 });
  ssm = new SSMClient({ maxAttempts: 1 });
  documentName = `rc-shell-${randomUUID().slice(0, 8)}`;
  await ssm.send(
    new CreateDocumentCommand({
      Name: documentName,
      DocumentType: 'Command',
      DocumentFormat: 'YAML',
      Content: [
        "schemaVersion: '2.2'",
        'description: Runs shell commands (Drover tests).',
        'parameters:',
        '  commands: { type: StringList }',
        'mainSteps:',
        '  - action: aws:runShellScript',
        '    name: runShellScript',
        "    inputs: { runCommand: ['{{ commands }}'] }",
      ].join('\n'),
    }),
  );
  instanceIds = (await launchInstances(ec2, { count: 2, instanceType: 't3.micro', tags: { 'rc-test': tag } })).sort();
  expect(instanceIds).toHaveLength(2);
});

afterAll(async () => {
  await stack?.stop();
  if (instanceIds?.length) await ec2.send(new TerminateInstancesCommand({ InstanceIds: instanceIds })).catch(() => undefined);
  ec2?.destroy();
  ssm?.destroy();
});

/** Every command in moto whose Comment carries this marker. */
async function commandsMarked(marker: string): Promise<Command[]> {
  const out = await ssm.send(new ListCommandsCommand({}));
  return (out.Commands ?? []).filter((c) => hasMarker(c.Comment, marker));
}

function markerOf(executionId: string, step = 'runShell', attempt = 1): string {
  return commandMarker({ executionId, step, run: 1, attempt });
}

describe('aws:runCommand through SSM', () => {
  it('sends the command as the runbook says and outputs what SSM reports', async () => {
    const { executionId } = await stack.client.start(RUNBOOK, { parameters: { InstanceIds: instanceIds, DocumentName: documentName } });
    const result = await stack.client.result(executionId);
    expect(result.status).toBe('Success');
    const commandId = result.outputs['runShell.CommandId'] as string;
    expect(commandId).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.outputs).toMatchObject({ 'runShell.Status': 'Success', 'runShell.ResponseCode': 0, 'runShell.Output': '' });
    expect(result.outputs['report.Message']).toBe(`command ${commandId} ended Success with code 0`);

    const [command, ...others] = await commandsMarked(markerOf(executionId));
    expect(others).toEqual([]);
    expect(command).toMatchObject({
      CommandId: commandId,
      DocumentName: documentName,
      Comment: commentWithMarker('Drover integration test', markerOf(executionId)),
      Parameters: { commands: ['echo hello from drover'] },
      TimeoutSeconds: 600,
      MaxConcurrency: '2',
      MaxErrors: '0',
    });
    expect(command!.InstanceIds).toEqual(expect.arrayContaining(instanceIds));
  });

  it('sends exactly one command when the activity crashes between SendCommand and its first heartbeat', async () => {
    const key = randomUUID();
    const executionId = `${RUNBOOK}/${key}`;
    crashAfter.set(executionId, 'SendCommand');
    await stack.client.start(RUNBOOK, { idempotencyKey: key, parameters: { InstanceIds: [instanceIds[0]!], DocumentName: documentName } });
    const result = await stack.client.result(executionId);
    expect(crashed).toContain(`${executionId} after SendCommand`);
    expect(result.status).toBe('Success');
    // One step attempt: Temporal retried the activity within it, and the retry found the command by its marker.
    expect(result.steps.find((s) => s.name === 'runShell')).toMatchObject({ status: 'Success', attempts: 1 });
    const commands = await commandsMarked(markerOf(executionId));
    expect(commands.map((c) => c.CommandId)).toEqual([result.outputs['runShell.CommandId']]);
  });

  it('sends exactly one command when the activity crashes while following it (resumed from its heartbeat)', async () => {
    const key = randomUUID();
    const executionId = `${RUNBOOK}/${key}`;
    crashAfter.set(executionId, 'GetCommandInvocation');
    await stack.client.start(RUNBOOK, { idempotencyKey: key, parameters: { InstanceIds: instanceIds, DocumentName: documentName } });
    const result = await stack.client.result(executionId);
    expect(crashed).toContain(`${executionId} after GetCommandInvocation`);
    expect(result.status).toBe('Success');
    const commands = await commandsMarked(markerOf(executionId));
    expect(commands.map((c) => c.CommandId)).toEqual([result.outputs['runShell.CommandId']]);
  });

  it('runs on the instances Targets select', async () => {
    const { executionId } = await stack.client.start('rc-targets', { parameters: { TagKey: 'rc-test', TagValue: tag, DocumentName: documentName } });
    const result = await stack.client.result(executionId);
    expect(result.status).toBe('Success');
    const [command] = await commandsMarked(markerOf(executionId));
    expect(command).toMatchObject({ CommandId: result.outputs['runShell.CommandId'], Targets: [{ Key: 'tag:rc-test', Values: [tag] }] });
    expect([...(command!.InstanceIds ?? [])].sort()).toEqual(instanceIds);
  });

  it('fails clearly, and sends nothing, when an instance does not exist', async () => {
    const ghost = `i-0${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    const { executionId } = await stack.client.start(RUNBOOK, { parameters: { InstanceIds: [instanceIds[0]!, ghost], DocumentName: documentName } });
    const result = await stack.client.result(executionId);
    expect(result.status).toBe('Failed');
    const step = result.steps.find((s) => s.name === 'runShell')!;
    expect(step).toMatchObject({ status: 'Failed', failureType: 'DroverActionFailed' });
    expect(step.failureMessage).toBe(`aws:runCommand: instance ${ghost} does not exist`);
    expect(result.failureMessage).toBe(`step runShell failed: aws:runCommand: instance ${ghost} does not exist`);
    expect(await commandsMarked(markerOf(executionId))).toEqual([]);
  });
});

describe('runSsmCommand (the SSM part on its own)', () => {
  const fast = { first: 20, max: 100 };
  const hooks = (events: string[]) => ({
    heartbeat: () => {},
    sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
    pollMs: fast,
    onCommand: (e: { kind: string; via?: string }) => {
      events.push(e.via ? `${e.kind} via ${e.via}` : e.kind);
    },
  });

  it('reports only the instances asked for, though moto adds every instance of the region', async () => {
    useSandboxAws();
    const marker = `drover:rc-direct/${randomUUID()}`;
    const send = { DocumentName: documentName, InstanceIds: [instanceIds[1]!], Comment: marker };
    const events: string[] = [];
    const result = await runSsmCommand(ssm, { send, marker, notBefore: new Date(Date.now() - 60_000) }, hooks(events));
    expect(events).toEqual(['sent']);
    const [command] = await commandsMarked(marker);
    expect(command!.InstanceIds!.length).toBeGreaterThan(1);
    expect(result).toMatchObject({ commandId: command!.CommandId, status: 'Success' });
    expect(result.invocations).toEqual([{ instanceId: instanceIds[1], status: 'Success', statusDetails: 'Success', responseCode: 0, output: '', error: '' }]);
  });

  it('a second try finds the first one command by its marker, or by the id from its heartbeat, and sends none', async () => {
    const marker = `drover:rc-direct/${randomUUID()}`;
    const request = { send: { DocumentName: documentName, InstanceIds: instanceIds, Comment: `again ${marker}` }, marker, notBefore: new Date(Date.now() - 60_000) };
    const events: string[] = [];
    const first = await runSsmCommand(ssm, request, hooks(events));
    const byMarker = await runSsmCommand(ssm, request, hooks(events));
    const byHeartbeat = await runSsmCommand(ssm, request, { ...hooks(events), resumeCommandId: first.commandId });
    expect(events).toEqual(['sent', 'found via marker', 'found via heartbeat']);
    expect([byMarker.commandId, byHeartbeat.commandId]).toEqual([first.commandId, first.commandId]);
    expect((await commandsMarked(marker)).length).toBe(1);
  });
});
