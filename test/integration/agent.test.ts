// drover agent end to end: real agent processes on this machine (each with its own state
// directory, id and tags) running real shell commands, the registry listing them by tag
// with who is online, output truncated in the result and whole in S3 (moto), cancellation
// killing the process group, and an agent killed mid-command: the invocation fails, the
// command ran once and is never run again. The dispatching side is a Temporal client
// starting the agent activity on the node's task queue with maximumAttempts 1, as the Run
// Command dispatcher does.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActivityExecutionFailedError, Client, Connection } from '@temporalio/client';
import { TimeoutFailure } from '@temporalio/common';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { compileCommandDocument } from '../../compiler/command';
import { loadCommandDocument } from '../../compiler/command/find-document';
import { listNodes } from '../../agent/registry';
import { AGENT_ACTIVITIES, nodeTaskQueue, type CommandDocumentPlan, type InvocationRequest, type InvocationResult } from '../../agent/protocol';
import { nodeWorkflowId } from '../../workflows/node-contract';
import { startStack, useSandboxAws, type TestStack } from '../helpers/env';
import { droverEnv, runCli } from '../helpers/processes';
import { isAlive, startAgentProcess, type AgentProcess } from '../helpers/agents';
import { until } from '../helpers/wait';
import { dedent } from '../unit/compiler/helpers';

const suite = randomUUID().slice(0, 8);
const dir = mkdtempSync(join(tmpdir(), 'drover-agent-'));
let stack: TestStack;
let client: Client;
let connection: Connection;
let runShellScript: CommandDocumentPlan;
const agents: Record<string, AgentProcess> = {};

beforeAll(async () => {
  useSandboxAws();
  stack = await startStack({ prefix: 'agent' });
  connection = await Connection.connect({ address: droverEnv(stack.taskQueue).TEMPORAL_ADDRESS! });
  client = new Client({ connection });
  runShellScript = await loadCommandDocument('AWS-RunShellScript');
  const start = (name: string, role: string) =>
    startAgentProcess({ registryQueue: stack.taskQueue, stateDir: join(dir, name), tags: { role, suite } }).then((a) => (agents[name] = a));
  await Promise.all([start('web1', 'web'), start('web2', 'web'), start('db1', 'db')]);
}, 180_000);

afterAll(async () => {
  await Promise.all(Object.values(agents).map((a) => a.kill('SIGKILL')));
  await connection?.close();
  await stack?.stop();
});

let invocations = 0;
function request(agent: AgentProcess, document: CommandDocumentPlan, parameters: InvocationRequest['parameters'], extra: Partial<InvocationRequest> = {}): InvocationRequest {
  return { commandId: `cmd-${suite}-${++invocations}`, nodeId: agent.nodeId, document, parameters, executionTimeoutSeconds: 120, ...extra };
}

/** The dispatcher's side: the agent activity on the node's queue, attempted once. */
function dispatch(req: InvocationRequest, heartbeatTimeout = '5s') {
  return client.activity.start(AGENT_ACTIVITIES.runInvocation, {
    id: `${req.commandId}/${req.nodeId}/${randomUUID().slice(0, 6)}`,
    taskQueue: nodeTaskQueue(req.nodeId),
    args: [req],
    scheduleToStartTimeout: '60s',
    startToCloseTimeout: `${req.executionTimeoutSeconds + 60}s`,
    heartbeatTimeout,
    retry: { maximumAttempts: 1 },
  });
}

const run = async (req: InvocationRequest): Promise<InvocationResult> => (await dispatch(req)).result() as Promise<InvocationResult>;

async function nodesJson(...tags: string[]): Promise<Array<{ nodeId: string; online: boolean }>> {
  const res = await runCli(['nodes', ...tags.flatMap((t) => ['--tag', t]), '--json'], droverEnv(stack.taskQueue));
  expect(res.code, res.stderr).toBe(0);
  return JSON.parse(res.stdout) as Array<{ nodeId: string; online: boolean }>;
}

describe('drover agent', () => {
  it('registers each node once; `drover nodes --tag` lists exactly the tagged ones, online', async () => {
    const ids = new Set(Object.values(agents).map((a) => a.nodeId));
    expect(ids.size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^mi-[0-9a-f]{17}$/);
    const web = await until('both web nodes listed online', async () => {
      const nodes = await nodesJson('role=web', `suite=${suite}`);
      return nodes.length === 2 && nodes.every((n) => n.online) ? nodes : undefined;
    });
    expect(web.map((n) => n.nodeId).sort()).toEqual([agents.web1!.nodeId, agents.web2!.nodeId].sort());
    const db = await listNodes(client, { tags: { suite, role: ['db', 'cache'] } });
    expect(db.map((n) => [n.nodeId, n.taskQueue, n.facts.platformType])).toEqual([[agents.db1!.nodeId, nodeTaskQueue(agents.db1!.nodeId), 'Linux']]);
    expect(await listNodes(client, { nodeIds: [agents.web2!.nodeId], tagKeys: ['suite'] })).toHaveLength(1);
    expect(await listNodes(client, { tags: { suite, role: 'nope' } })).toEqual([]);
  });

  it('runs a real shell command: output over 24,000 characters is truncated in the result and whole in S3', async () => {
    const s3 = new S3Client({ forcePathStyle: true });
    const bucket = `drover-agent-${suite}`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    // 3,000 lines of 11 characters: 33,000 characters of stdout, and a line of stderr.
    const req = request(agents.web1!, runShellScript, { commands: ['yes 0123456789 | head -n 3000', 'echo "on $AWS_SSM_INSTANCE_ID" >&2'] }, {
      outputS3BucketName: bucket,
      outputS3KeyPrefix: 'runs/',
    });
    const result = await run(req);
    expect([result.status, result.statusDetails, result.responseCode]).toEqual(['Success', 'Success', 0]);
    expect(result.standardOutputContent.length).toBeLessThanOrEqual(24_000);
    expect(result.standardOutputContent.startsWith('0123456789\n0123456789\n')).toBe(true);
    expect(result.standardOutputContent.endsWith('--output truncated--')).toBe(true);
    expect(result.standardErrorContent).toBe(`on ${agents.web1!.nodeId}\n`);
    const key = `runs/${req.commandId}/${req.nodeId}/awsrunShellScript/0.awsrunShellScript/stdout`;
    expect(result.standardOutputUrl).toBe(`s3://${bucket}/${key}`);
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const whole = await object.Body!.transformToString();
    expect(whole.length).toBe(33_000);
    expect(whole).toBe('0123456789\n'.repeat(3000));
    expect(result.plugins.map((p) => [p.name, p.status, p.responseCode])).toEqual([['aws:runShellScript', 'Success', 0]]);
    s3.destroy();
  });

  it('sends the whole output to CloudWatch Logs when asked', async () => {
    const group = `/drover/test/${suite}`;
    const req = request(agents.web1!, runShellScript, { commands: ['echo one', 'echo two', 'echo three >&2'] }, {
      cloudWatchOutputConfig: { CloudWatchOutputEnabled: true, CloudWatchLogGroupName: group },
    });
    const result = await run(req);
    expect(result.status).toBe('Success');
    const logs = new CloudWatchLogsClient({});
    const read = async (stream: string) =>
      (await logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: `${req.commandId}/${req.nodeId}/0.awsrunShellScript/${stream}`, startFromHead: true }))).events!.map((e) => e.message);
    expect(await read('stdout')).toEqual(['one', 'two']);
    expect(await read('stderr')).toEqual(['three']);
    expect(result.standardOutputUrl).toBe(`cloudwatch-logs://${group}/${req.commandId}/${req.nodeId}/0.awsrunShellScript/stdout`);
    logs.destroy();
  });

  it('runs a 2.2 document as SSM does: parameters checked first, preconditions, exit codes, onFailure', async () => {
    const { plan, diagnostics } = compileCommandDocument(
      dedent(`
        schemaVersion: '2.2'
        parameters:
          Greeting: { type: String, allowedValues: [hello, hi] }
          Names: { type: StringList, default: [ann, bob] }
        mainSteps:
          - action: aws:runShellScript
            name: windowsOnly
            precondition: { StringEquals: [platformType, Windows] }
            inputs: { runCommand: [exit 9] }
          - action: aws:runShellScript
            name: greet
            inputs:
              runCommand: ["echo '{{ Greeting }} {{ Names }}'", 'exit 3']
              onFailure: exit
          - action: aws:runShellScript
            name: never
            inputs: { runCommand: [echo never] }
      `),
      'greet.yaml',
    );
    expect(diagnostics).toEqual([]);
    const bad = await run(request(agents.web2!, plan!, { Greeting: 'howdy' }));
    expect([bad.status, bad.plugins.length]).toEqual(['Failed', 0]);
    expect(bad.standardErrorContent).toContain('"howdy" is not one of the allowed values');

    const result = await run(request(agents.web2!, plan!, { Greeting: 'hi' }));
    expect([result.status, result.responseCode]).toEqual(['Failed', 3]);
    expect(result.plugins.map((p) => [p.name, p.status, p.statusDetails, p.responseCode])).toEqual([
      ['windowsOnly', 'Success', 'Skipped', 0],
      ['greet', 'Failed', 'Failed', 3],
      ['never', 'Success', 'NotRun', 0],
    ]);
    expect(result.standardOutputContent).toBe('hi ["ann","bob"]\n');
  });

  it('cancelling an invocation kills its whole process group', async () => {
    const pidFile = join(dir, 'cancel.pid');
    const handle = await dispatch(request(agents.web2!, runShellScript, { commands: [`sleep 300 & echo $! > ${pidFile}`, 'wait'] }));
    const pid = await until('the script to start its child', async () => (existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() ? Number(readFileSync(pidFile, 'utf8')) : undefined));
    expect(isAlive(pid)).toBe(true);
    await handle.cancel('test');
    const result = (await handle.result()) as InvocationResult;
    expect([result.status, result.statusDetails]).toEqual(['Cancelled', 'Cancelled']);
    await until('the background sleep to be gone', async () => (isAlive(pid) ? undefined : true), 10_000);
  });

  it('an agent killed mid-command: the invocation fails, the command ran once, the node goes offline, and a restart (same id) never runs it again', async () => {
    const db1 = agents.db1!;
    const journal = join(dir, 'ran-once.txt');
    const pidFile = join(dir, 'killed.pid');
    const req = request(db1, runShellScript, { commands: [`echo ran >> ${journal}`, `sleep 300 & echo $! > ${pidFile}`, 'wait'] });
    const handle = await dispatch(req);
    const pid = await until('the command to run', async () => (existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() ? Number(readFileSync(pidFile, 'utf8')) : undefined));
    await db1.kill('SIGKILL');
    // The agent's watchdog kills the command's process group when the agent dies.
    await until('the command to die with its agent', async () => (isAlive(pid) ? undefined : true), 10_000);
    const failure = await handle.result().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(ActivityExecutionFailedError);
    expect((failure as ActivityExecutionFailedError).cause).toBeInstanceOf(TimeoutFailure);
    expect(((failure as ActivityExecutionFailedError).cause as TimeoutFailure).timeoutType).toBe('HEARTBEAT');
    await until('db1 to be listed offline', async () => {
      const nodes = await nodesJson(`suite=${suite}`);
      return nodes.find((n) => n.nodeId === db1.nodeId)?.online === false ? true : undefined;
    });

    // Same state directory: same node id, online again, and the invocation is not run again.
    const again = await startAgentProcess({ registryQueue: stack.taskQueue, stateDir: db1.stateDir, tags: { role: 'db', suite } });
    agents.db1 = again;
    expect(again.nodeId).toBe(db1.nodeId);
    const redelivered = await run(req);
    expect([redelivered.status, redelivered.statusDetails]).toEqual(['Failed', 'Failed']);
    expect(redelivered.standardErrorContent).toContain('the agent restarted while the command ran');
    expect(readFileSync(journal, 'utf8')).toBe('ran\n');
    await until('db1 to be listed online again', async () => {
      const nodes = await nodesJson(`suite=${suite}`, 'role=db');
      return nodes.length === 1 && nodes[0]!.online ? true : undefined;
    });
  });

  it('costs no history while a node is idle or restarts unchanged; a changed registration costs one signal', async () => {
    const web1 = agents.web1!;
    const handle = client.workflow.getHandle(nodeWorkflowId(web1.nodeId));
    const length = async () => (await handle.describe()).historyLength;
    const first = await until('the registration to be processed', async () => ((await length()) >= 5 ? length() : undefined));
    await web1.kill('SIGTERM');
    agents.web1 = await startAgentProcess({ registryQueue: stack.taskQueue, stateDir: web1.stateDir, tags: { role: 'web', suite } });
    expect(agents.web1.output()).toContain('registration unchanged');
    expect(await length()).toBe(first);
    await agents.web1.kill('SIGTERM');
    agents.web1 = await startAgentProcess({ registryQueue: stack.taskQueue, stateDir: web1.stateDir, tags: { role: 'web', suite, tier: 'gold' } });
    const changed = await until('the new tags to be listed', async () => {
      const [node] = await listNodes(client, { tags: { suite, tier: 'gold' }, liveness: false });
      return node ? length() : undefined;
    });
    console.log(`node registry history: first registration ${first} events; unchanged restart +0; changed tags +${changed - first}`);
    expect(changed - first).toBeLessThanOrEqual(8);
  });
});
