// The actions that reach other AWS services and the outside, run end to end by a real
// worker: aws:createStack and aws:deleteStack against moto's CloudFormation,
// aws:executeStateMachine against moto's Step Functions (moto runs the state machine),
// aws:invokeWebhook against a local HTTP server, and aws:invokeLambdaFunction against a
// local HTTP stub of Lambda's Invoke API (moto's Lambda runs functions in Docker, which this
// machine lacks): the worker's real LambdaClient reaches the stub through
// AWS_ENDPOINT_URL_LAMBDA, so what is tested is the request Drover sends and how it reads
// Lambda's answer (status, X-Amz-Function-Error, X-Amz-Log-Result, payload).
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudFormationClient, DescribeStacksCommand, ListStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateStateMachineCommand, SFNClient } from '@aws-sdk/client-sfn';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { activityInfo } from '@temporalio/activity';
import type { SideEffectEvent } from '../../activities/aws';
import { WEBHOOK_NAMESPACE } from '../../activities/aws/webhook/invoke-webhook';
import { startStack, type TestStack } from '../helpers/env';
import { compilePlan, step } from '../helpers/plans';
import { tagsOf } from '../helpers/aws';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A local HTTP server answering each request with `answer`, recording what it received. */
async function recordingServer(answer: (r: Received, res: ServerResponse) => void): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const r = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      received.push(r);
      answer(r, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, server };
}

let stack: TestStack;
let lambda: Awaited<ReturnType<typeof recordingServer>>;
const crashed: SideEffectEvent[] = [];

// A crash right after the side effect, on the first try only, for runbooks named crash-*.
function crashOnce(event: SideEffectEvent): void {
  if (!event.request.runbook.startsWith('crash-') || activityInfo().attempt > 1) return;
  crashed.push(event);
  throw new Error(`injected crash after ${event.api}`);
}

beforeAll(async () => {
  // The Lambda stub: Invoke is POST /2015-03-31/functions/{name}/invocations.
  lambda = await recordingServer((r, res) => {
    const name = decodeURIComponent(/\/functions\/([^/]+)\/invocations/.exec(r.url)?.[1] ?? '');
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST' };
    if (r.headers['x-amz-log-type'] === 'Tail') headers['x-amz-log-result'] = Buffer.from(`START ${name}\nEND`).toString('base64');
    if (name === 'broken') {
      res.writeHead(200, { ...headers, 'x-amz-function-error': 'Unhandled' });
      res.end(JSON.stringify({ errorType: 'NotReady', errorMessage: 'installation still running' }));
      return;
    }
    const event = r.body ? (JSON.parse(r.body) as Record<string, unknown>) : {};
    res.writeHead(200, headers);
    res.end(JSON.stringify({ is_error: false, echoed: event, function: name }));
  });
  process.env.AWS_ENDPOINT_URL_LAMBDA = lambda.url;
  stack = await startStack({ prefix: 'aws-integrations', activityDeps: { aws: { afterSideEffect: crashOnce } } });
});
afterAll(async () => {
  delete process.env.AWS_ENDPOINT_URL_LAMBDA;
  await stack?.stop();
  lambda?.server.close();
});

const run = async (name: string, text: string, parameters: Record<string, unknown> = {}) => {
  const { executionId } = await stack.client.start(compilePlan(name, text), { parameters });
  return { executionId, ...(await stack.client.result(executionId)) };
};

const QUEUE_TEMPLATE = JSON.stringify({
  Parameters: { QueueName: { Type: 'String' } },
  Resources: { Queue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: { Ref: 'QueueName' } } } },
  Outputs: { QueueUrl: { Value: { Ref: 'Queue' } } },
});

const stackRunbook = `schemaVersion: '0.3'
parameters:
  StackName: { type: String }
  QueueName: { type: String }
  Template: { type: String }
mainSteps:
  - name: create
    action: aws:createStack
    inputs:
      StackName: '{{ StackName }}'
      TemplateBody: '{{ Template }}'
      Parameters: [{ ParameterKey: QueueName, ParameterValue: '{{ QueueName }}' }]
      TimeoutInMinutes: '10'
      Tags: [{ Key: team, Value: ops }]
    outputs:
      - { Name: Id, Selector: $.StackId, Type: String }
  - name: remove
    action: aws:deleteStack
    inputs: { StackName: '{{ create.Id }}' }
  - name: removeAgain
    action: aws:deleteStack
    inputs: { StackName: '{{ StackName }}' }
outputs: [create.StackId, create.StackStatus, create.Id]
`;

describe('aws:createStack and aws:deleteStack', () => {
  it('creates a stack in CloudFormation, waits for it, outputs its id and status; deletes it; a second delete of what is gone succeeds', async () => {
    const cfn = new CloudFormationClient({});
    const sqs = new SQSClient({});
    const name = `stack-${randomUUID().slice(0, 8)}`;
    // The create alone first, to look at the stack while it exists.
    const createOnly = stackRunbook.replace(/ {2}- name: remove[\s\S]*?(?=outputs:)/, '');
    const created = await run('stack-create', createOnly, { StackName: name, QueueName: `${name}-q`, Template: QUEUE_TEMPLATE });
    expect(created.status).toBe('Success');
    const stackId = created.outputs['create.StackId'] as string;
    expect(stackId).toMatch(new RegExp(`^arn:aws:cloudformation:us-east-1:\\d{12}:stack/${name}/`));
    expect(created.outputs['create.StackStatus']).toBe('CREATE_COMPLETE');
    expect(created.outputs['create.Id']).toBe(stackId);
    const described = (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks![0]!;
    expect(described.StackStatus).toBe('CREATE_COMPLETE');
    expect(described.Parameters).toEqual([{ ParameterKey: 'QueueName', ParameterValue: `${name}-q` }]);
    expect(tagsOf(described.Tags)).toMatchObject({ team: 'ops', 'drover:step': 'create', 'drover:run': '1' });
    expect((await sqs.send(new GetQueueUrlCommand({ QueueName: `${name}-q` }))).QueueUrl).toContain(`${name}-q`);

    const other = `stack-${randomUUID().slice(0, 8)}`;
    const all = await run('stack-all', stackRunbook, { StackName: other, QueueName: `${other}-q`, Template: QUEUE_TEMPLATE });
    expect(all.status).toBe('Success');
    expect(step(all, 'remove').status).toBe('Success');
    expect(step(all, 'removeAgain').status).toBe('Success');
    const gone = await cfn.send(new DescribeStacksCommand({ StackName: all.outputs['create.StackId'] as string }));
    expect(gone.Stacks![0]!.StackStatus).toBe('DELETE_COMPLETE');
    await expect(sqs.send(new GetQueueUrlCommand({ QueueName: `${other}-q` }))).rejects.toThrow();
    cfn.destroy();
    sqs.destroy();
  });

  it('a stack name that is taken by another fails the step with AWS\'s code', async () => {
    const name = `stack-${randomUUID().slice(0, 8)}`;
    const createOnly = stackRunbook.replace(/ {2}- name: remove[\s\S]*?(?=outputs:)/, '');
    expect((await run('stack-first', createOnly, { StackName: name, QueueName: `${name}-a`, Template: QUEUE_TEMPLATE })).status).toBe('Success');
    const second = await run('stack-second', createOnly, { StackName: name, QueueName: `${name}-b`, Template: QUEUE_TEMPLATE });
    expect(second.status).toBe('Failed');
    expect(step(second, 'create').failureMessage).toBe(`stack ${name} already exists`);
  });

  it('a crash right after CreateStack reached CloudFormation leaves exactly one stack, which the retry waits for', async () => {
    const cfn = new CloudFormationClient({});
    const name = `stack-${randomUUID().slice(0, 8)}`;
    const createOnly = stackRunbook.replace(/ {2}- name: remove[\s\S]*?(?=outputs:)/, '');
    const result = await run('crash-stack', createOnly, { StackName: name, QueueName: `${name}-q`, Template: QUEUE_TEMPLATE });
    expect(result.status).toBe('Success');
    expect(crashed.some((e) => e.api === 'CreateStack' && e.request.executionId === result.executionId)).toBe(true);
    const listed = (await cfn.send(new ListStacksCommand({}))).StackSummaries!.filter((s) => s.StackName === name);
    expect(listed.map((s) => s.StackStatus)).toEqual(['CREATE_COMPLETE']);
    cfn.destroy();
  });
});

describe('aws:executeStateMachine', () => {
  it('starts an execution, waits for it, outputs AWS\'s fields; a failed execution fails the step with its error and cause', async () => {
    const sfn = new SFNClient({});
    const role = 'arn:aws:iam::123456789012:role/sfn';
    const ok = await sfn.send(
      new CreateStateMachineCommand({
        name: `ok-${randomUUID().slice(0, 8)}`,
        roleArn: role,
        definition: JSON.stringify({ StartAt: 'Greet', States: { Greet: { Type: 'Pass', Parameters: { 'greeting.$': '$.name' }, End: true } } }),
      }),
    );
    const bad = await sfn.send(
      new CreateStateMachineCommand({
        name: `bad-${randomUUID().slice(0, 8)}`,
        roleArn: role,
        definition: JSON.stringify({ StartAt: 'Boom', States: { Boom: { Type: 'Fail', Error: 'Broken', Cause: 'nothing works' } } }),
      }),
    );
    const text = `schemaVersion: '0.3'
parameters:
  Machine: { type: String }
mainSteps:
  - name: execute
    action: aws:executeStateMachine
    inputs: { stateMachineArn: '{{ Machine }}', input: '{"name": "world"}' }
    outputs:
      - { Name: Status, Selector: $.status, Type: String }
outputs: [execute.status, execute.output, execute.executionArn, execute.Status]
`;
    const result = await run('sfn-ok', text, { Machine: ok.stateMachineArn });
    expect(result.status).toBe('Success');
    expect(result.outputs['execute.status']).toBe('SUCCEEDED');
    expect(result.outputs['execute.Status']).toBe('SUCCEEDED');
    expect(JSON.parse(result.outputs['execute.output'] as string)).toEqual({ greeting: 'world' });
    expect(result.outputs['execute.executionArn']).toMatch(/:execution:ok-[0-9a-f]{8}:drover-/);

    const failed = await run('sfn-bad', text, { Machine: bad.stateMachineArn });
    expect(failed.status).toBe('Failed');
    expect(step(failed, 'execute').failureMessage).toMatch(/ended FAILED: Broken: nothing works$/);
    sfn.destroy();
  });

  it('a crash right after StartExecution reached Step Functions waits for that execution instead of starting another', async () => {
    const sfn = new SFNClient({});
    const machine = await sfn.send(
      new CreateStateMachineCommand({
        name: `once-${randomUUID().slice(0, 8)}`,
        roleArn: 'arn:aws:iam::123456789012:role/sfn',
        definition: JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Succeed' } } }),
      }),
    );
    const text = `schemaVersion: '0.3'
mainSteps:
  - name: execute
    action: aws:executeStateMachine
    inputs: { stateMachineArn: '${machine.stateMachineArn}' }
`;
    const result = await run('crash-sfn', text);
    expect(result.status).toBe('Success');
    expect(crashed.some((e) => e.api === 'StartExecution' && e.request.executionId === result.executionId)).toBe(true);
    const { ListExecutionsCommand } = await import('@aws-sdk/client-sfn');
    const executions = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machine.stateMachineArn }));
    expect(executions.executions!.length).toBe(1);
    sfn.destroy();
  });
});

describe('aws:invokeLambdaFunction (a local stub of the Lambda Invoke API)', () => {
  const text = (fn: string, extra = '') => `schemaVersion: '0.3'
parameters:
  Instance: { type: String, default: i-0123 }
mainSteps:
  - name: invoke
    action: aws:invokeLambdaFunction
    maxAttempts: 2
    inputs:
      FunctionName: ${fn}
      Qualifier: live
      LogType: Tail
      InputPayload: { InstanceId: '{{ Instance }}', Count: 2 }${extra}
    outputs:
      - { Name: IsError, Selector: $.is_error, Type: Boolean }
      - { Name: Instance, Selector: $.echoed.InstanceId, Type: String }
outputs: [invoke.StatusCode, invoke.Payload, invoke.LogResult, invoke.IsError, invoke.Instance]
`;

  it('sends the event and options through the SDK client and reads the answer: StatusCode, Payload, LogResult, selected outputs', async () => {
    const before = lambda.received.length;
    const result = await run('lambda-ok', text('check-health'));
    expect(result.status).toBe('Success');
    const request = lambda.received.slice(before);
    expect(request).toHaveLength(1);
    expect(request[0]!.method).toBe('POST');
    expect(request[0]!.url).toBe('/2015-03-31/functions/check-health/invocations?Qualifier=live');
    expect(request[0]!.headers['x-amz-log-type']).toBe('Tail');
    expect(request[0]!.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 .*\/lambda\/aws4_request/);
    expect(JSON.parse(request[0]!.body)).toEqual({ InstanceId: 'i-0123', Count: 2 });
    expect(result.outputs['invoke.StatusCode']).toBe(200);
    expect(JSON.parse(result.outputs['invoke.Payload'] as string)).toEqual({ is_error: false, echoed: { InstanceId: 'i-0123', Count: 2 }, function: 'check-health' });
    expect(result.outputs['invoke.LogResult']).toBe('START check-health\nEND');
    expect(result.outputs['invoke.IsError']).toBe(false);
    expect(result.outputs['invoke.Instance']).toBe('i-0123');
  });

  it('a function error fails the step with the function\'s message, each attempt invoking once', async () => {
    const before = lambda.received.length;
    const result = await run('lambda-broken', text('broken'));
    expect(result.status).toBe('Failed');
    const s = step(result, 'invoke');
    expect(s.attempts).toBe(2);
    expect(s.failureMessage).toBe('function broken failed (Unhandled): NotReady: installation still running');
    expect(lambda.received.length - before).toBe(2);
  });

  it('never invokes twice within an attempt: a crash after Invoke fails that attempt instead of invoking again', async () => {
    const before = lambda.received.length;
    // The fault hook crashes the activity after every Invoke of this runbook (each step
    // attempt is a new activity): Temporal must not retry it.
    const result = await run('crash-lambda', text('check-health'));
    expect(crashed.filter((e) => e.api === 'Invoke' && e.request.executionId === result.executionId)).toHaveLength(2);
    expect(result.status).toBe('Failed');
    const s = step(result, 'invoke');
    expect(s.attempts).toBe(2);
    expect(s.failureMessage).toContain('injected crash after Invoke');
    // One invocation per step attempt, none from a retry.
    expect(lambda.received.length - before).toBe(2);
  });
});

describe('aws:invokeWebhook (a local HTTP server)', () => {
  it('reads the integration from Parameter Store, posts the Body with its headers, outputs Response and ResponseCode; 429 is retried, 500 fails', async () => {
    let answers = [429, 200];
    const hook = await recordingServer((r, res) => {
      const status = r.url === '/broken' ? 500 : (answers.shift() ?? 200);
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status === 200 ? `ok: ${r.body.length} bytes` : `status ${status}`);
    });
    const ssm = new SSMClient({});
    const name = `hook${randomUUID().slice(0, 8)}`;
    const put = (n: string, value: object) => ssm.send(new PutParameterCommand({ Name: `${WEBHOOK_NAMESPACE}${n}`, Type: 'SecureString', Value: JSON.stringify(value) }));
    await put(name, { description: 'test', url: `${hook.url}/hook`, headers: { 'x-token': 's3cr3t' }, payload: 'default body' });
    await put(`${name}broken`, { url: `${hook.url}/broken` });
    const text = (integration: string, body: string) => `schemaVersion: '0.3'
mainSteps:
  - name: notify
    action: aws:invokeWebhook
    inputs: { IntegrationName: ${integration}${body} }
outputs: [notify.Response, notify.ResponseCode]
`;
    const result = await run('webhook-ok', text(name, `, Body: '{"text": "patched {{ automation:EXECUTION_ID }}"}'`));
    expect(result.status).toBe('Success');
    expect(result.outputs['notify.ResponseCode']).toBe(200);
    const posts = hook.received.filter((r) => r.url === '/hook');
    expect(posts).toHaveLength(2);
    expect(posts.map((p) => p.method)).toEqual(['POST', 'POST']);
    expect(JSON.parse(posts[1]!.body)).toEqual({ text: `patched ${result.executionId}` });
    expect(posts[1]!.headers['x-token']).toBe('s3cr3t');
    expect(posts[1]!.headers['content-type']).toBe('application/json');
    expect(result.outputs['notify.Response']).toBe(`ok: ${posts[1]!.body.length} bytes`);

    answers = [200];
    const byDefault = await run('webhook-default', text(name, ''));
    expect(byDefault.status).toBe('Success');
    expect(hook.received.at(-1)!.body).toBe('default body');

    const broken = await run('webhook-broken', text(`${name}broken`, ''));
    expect(broken.status).toBe('Failed');
    expect(step(broken, 'notify').failureMessage).toBe(`integration ${name}broken answered HTTP 500: status 500`);
    // The URL (webhook URLs carry credentials) is not in the failure.
    expect(step(broken, 'notify').failureMessage).not.toContain(hook.url);

    const missing = await run('webhook-missing', text('nosuchhook', ''));
    expect(step(missing, 'notify').failureMessage).toMatch(/^there is no webhook integration named nosuchhook/);
    ssm.destroy();
    hook.server.close();
  });
});
