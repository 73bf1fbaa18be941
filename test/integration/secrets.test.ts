// SecureStrings end to end: a `{{ssm-secure:…}}` reference travels through the workflow
// as text, and its value is read only where it leaves Drover — by the script activity, by
// the AWS API activity, by the agent on its node — against moto's Parameter Store. Then the
// whole history of every workflow involved (payloads decoded) and every log line (the
// worker's Runtime logger in this process, the agent process's stdout and stderr) are
// searched for the plaintext: it must be nowhere, and the reference text must be there.
import { createHash, randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { EC2Client, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { DeleteParameterCommand, GetParameterCommand, ListCommandsCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { CommandClient } from '../../client/commands';
import { defaultDocumentSource } from '../../activities/run-command/load-document';
import { FIXTURE_RUNBOOKS, REPO_RUNBOOKS, startStack, useSandboxAws, type TestStack } from '../helpers/env';
import { startAgentProcess, type AgentProcess } from '../helpers/agents';
import { waitForRegistered } from '../helpers/registry';
import { launchInstances } from '../helpers/aws';

const run = randomUUID().slice(0, 8);
const prefix = `/drover-test/secret-${run}`;
const PASSWORD = `pw-${randomUUID()}`;
const LITERAL = `literal-${randomUUID()}`;
const PASSWORD_REF = `{{ssm-secure:${prefix}/password}}`;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const logs: string[] = [];
let stack: TestStack;
let agent: AgentProcess;
let ssm: SSMClient;
const made: string[] = [];

/** Every event of a workflow's history as text, its payloads decoded (through the client's codecs, if any). */
async function historyText(client: Client, workflowId: string): Promise<string> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const codecs = (client.options as unknown as { loadedDataConverter: { payloadCodecs: PayloadCodec[] } }).loadedDataConverter.payloadCodecs;
  const payloads: Payload[] = [];
  const collect = (v: unknown): void => {
    if (!v || typeof v !== 'object' || v instanceof Uint8Array) return;
    if ('data' in v && (v as Payload).data instanceof Uint8Array && 'metadata' in v) payloads.push(v as Payload);
    for (const x of Object.values(v)) collect(x);
  };
  collect(history);
  for (const p of payloads) {
    let decoded = [p];
    for (const codec of [...codecs].reverse()) decoded = await codec.decode(decoded);
    Object.assign(p, decoded[0]);
  }
  // Every string and every byte field as UTF-8 text (JSON.stringify would show bytes as base64).
  const parts: string[] = [];
  const dump = (v: unknown): void => {
    if (typeof v === 'string') parts.push(v);
    else if (v instanceof Uint8Array) parts.push(Buffer.from(v).toString('utf8'));
    else if (v && typeof v === 'object') for (const x of Object.values(v)) dump(x);
  };
  dump(history);
  return parts.join('\n');
}

/** Asserts the plaintext secrets are nowhere in `text`. */
function expectNoSecret(text: string, where: string): void {
  for (const secret of [PASSWORD, LITERAL]) expect(text.includes(secret), `${where} holds a secret in clear`).toBe(false);
}

beforeAll(async () => {
  // Before startStack: this runtime (and its logger) is the one the worker uses.
  Runtime.install({ logger: new DefaultLogger('DEBUG', (e) => logs.push(`${e.level} ${e.message} ${inspect(e.meta, { depth: 8, breakLength: Infinity })}`)) });
  useSandboxAws();
  ssm = new SSMClient({ maxAttempts: 1 });
  for (const [name, value] of [
    [`${prefix}/password`, PASSWORD],
    ['/drover-test/secret-use/literal', LITERAL],
  ] as const) {
    await ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: 'SecureString', Overwrite: true }));
    made.push(name);
  }
  stack = await startStack({ prefix: 'secrets', runbookDirs: [FIXTURE_RUNBOOKS, REPO_RUNBOOKS] });
  agent = await startAgentProcess({ nodeId: `secret-node-${run}`, tags: { secrets: run }, registryQueue: stack.taskQueue, heartbeatSeconds: 5 });
  await waitForRegistered(stack.client.client, { secrets: run }, 1);
}, 180_000);

afterAll(async () => {
  await agent?.kill();
  await stack?.stop();
  for (const name of made) await ssm?.send(new DeleteParameterCommand({ Name: name })).catch(() => undefined);
  ssm?.destroy();
});

describe('SecureString references', () => {
  it('reach the script, the AWS API and the agent as values, and history and logs only as references', async () => {
    const copyName = `${prefix}/copy`;
    made.push(copyName);
    const { executionId } = await stack.client.start('secret-use', { parameters: { Password: PASSWORD_REF, CopyName: copyName, NodeId: agent.nodeId } });
    const result = await stack.client.result(executionId);
    expect(result.status, JSON.stringify(result.steps)).toBe('Success');

    // The script had the real values: it hashed one and printed and returned both.
    expect(result.outputs['script.Sha256']).toBe(sha256(PASSWORD));
    expect(result.outputs['script.Raw']).toBe('***');
    expect(result.outputs['script.Literal']).toBe('***');
    // PutParameter sent the real value: the copy reads back as the plaintext.
    const copy = await ssm.send(new GetParameterCommand({ Name: copyName, WithDecryption: true }));
    expect(copy.Parameter).toMatchObject({ Type: 'SecureString', Value: PASSWORD });
    // The agent resolved it on the node: the command hashed the real value, and its echo came back blanked out.
    expect(result.outputs['echo.Output']).toBe(`the node got ***\n${sha256(PASSWORD)}  -\n`);

    const commandId = result.steps.find((s) => s.name === 'echo')!.outputs!.CommandId as string;
    expect(commandId).toMatch(/^[0-9a-f-]{36}$/);
    // The agent's invocation is an activity of the command: its request and result are in the command's history.
    const histories = {
      execution: await historyText(stack.client.client, executionId),
      command: await historyText(stack.client.client, commandId),
    };
    for (const [name, text] of Object.entries(histories)) expectNoSecret(text, `the ${name} history`);
    // What was there instead: the references (parameter, memo, activity inputs, the command's parameters).
    expect(histories.execution).toContain(PASSWORD_REF);
    expect(histories.execution).toContain('{{ssm-secure:/drover-test/secret-use/literal}}');
    expect(histories.command).toContain(`pw=\\"${PASSWORD_REF}\\"`);
    expect(histories.command).toContain(`the node got ***`);

    const workerLog = logs.join('\n');
    expect(workerLog).toContain('the script got *** and ***');
    expectNoSecret(workerLog, "the worker's log");
    expectNoSecret(agent.output(), "the agent's output");
  });

  it('blank the value out of a failure that repeats it: message, stack, logs', async () => {
    const { executionId } = await stack.client.start('secret-fail', { parameters: { Password: PASSWORD_REF } });
    const result = await stack.client.result(executionId);
    expect(result.status).toBe('Failed');
    expect(result.steps[0]!.failureMessage).toBe('the script raised ValueError: rejected ***');
    expectNoSecret(await historyText(stack.client.client, executionId), 'the failed execution history');
    expect(logs.some((l) => l.includes('rejected ***'))).toBe(true);
    expectNoSecret(logs.join('\n'), "the worker's log");
  });

  it('blank the value out of an AWS error that repeats the request', async () => {
    const { executionId } = await stack.client.start('secret-api-error', { parameters: { Password: PASSWORD_REF } });
    const result = await stack.client.result(executionId);
    expect(result.status).toBe('Failed');
    // moto names the parameter it did not find: the name was built from the secret.
    expect(result.steps[0]!.failureMessage).toMatch(/^ssm GetParameter: ParameterNotFound: .*\/drover-test\/no-such\/\*\*\*/);
    expectNoSecret(await historyText(stack.client.client, executionId), 'the failed execution history');
    expectNoSecret(logs.join('\n'), "the worker's log");
  });

  it("fail the step naming a missing parameter, with AWS's code", async () => {
    const missing = `${prefix}/missing`;
    const { executionId } = await stack.client.start('secret-fail', { parameters: { Password: `{{ssm-secure:${missing}}}` } });
    const result = await stack.client.result(executionId);
    expect(result.status).toBe('Failed');
    expect(result.steps[0]!.failureMessage).toMatch(new RegExp(`^reading SecureString parameter ${missing}: ParameterNotFound\\b`));
  });

  it('missing on an agent node: the invocation fails before anything runs, saying which', async () => {
    const commands = new CommandClient(stack.client.client, { taskQueue: stack.taskQueue, documents: defaultDocumentSource() });
    const missing = `${prefix}/missing-on-node`;
    const sent = await commands.send({ documentName: 'AWS-RunShellScript', instanceIds: [agent.nodeId], parameters: { commands: [`echo {{ssm-secure:${missing}}}`] } });
    await commands.result(sent.commandId);
    const [invocation] = await commands.invocations(sent.commandId, { details: true });
    expect(invocation).toMatchObject({ status: 'Failed' });
    expect(invocation!.record?.standardErrorContent).toMatch(new RegExp(`reading SecureString parameter ${missing}: ParameterNotFound.*; nothing was run`));
  });

  it('go to SSM as written when an EC2 instance runs the command through SSM', async () => {
    const ec2 = new EC2Client({ maxAttempts: 1 });
    const instanceId = (await launchInstances(ec2, { instanceType: 't3.micro', tags: { secrets: run } }))[0]!;
    try {
      const { executionId } = await stack.client.start('secret-ssm', { parameters: { Password: PASSWORD_REF, InstanceId: instanceId } });
      const result = await stack.client.result(executionId);
      expect(result.status, JSON.stringify(result.steps)).toBe('Success');
      const commandId = result.outputs['viaSsm.CommandId'] as string;
      const listed = await ssm.send(new ListCommandsCommand({ CommandId: commandId }));
      expect(listed.Commands?.[0]?.Parameters).toEqual({ commands: [`echo "${PASSWORD_REF}"`] });
      expectNoSecret(await historyText(stack.client.client, executionId), 'the SSM execution history');
    } finally {
      await ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] })).catch(() => undefined);
      ec2.destroy();
    }
  });
});
