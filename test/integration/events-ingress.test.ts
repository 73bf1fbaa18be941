// The ingress, end to end on the dev server with moto: the HTTP endpoint for API destinations
// (API keys with rotation, signatures, the replay window, 4xx for bad input, 503 when
// Temporal cannot confirm) and the SQS poller (moto's SQS; deleted only once the start is
// durable; poison messages to the dead-letter queue with a reason).
import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { WorkflowNotFoundError, Client, Connection } from '@temporalio/client';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { DroverClient } from '../../client';
import type { EventRouter } from '../../client/events/router';
import { ApiKeyAuthenticator, signRequest } from '../../ingress/auth';
import { startHttpIngress, type HttpIngress } from '../../ingress/http-server';
import { REASON_ATTRIBUTE, SqsPoller } from '../../ingress/sqs-poller';
import { sandboxAwsEnv } from '../../devstack/moto';
import { FIXTURE_RUNBOOKS, REPO_RUNBOOKS, startStack, type TestStack } from '../helpers/env';
import { routerFor, ruleOf } from '../helpers/events';
import { eventually } from '../helpers/wait';

const suffix = randomUUID().slice(0, 8);
const KEYS = [
  { id: 'old', secret: 'old-secret-0123456789' },
  { id: 'new', secret: 'new-secret-0123456789', signingSecret: 'signing-secret-0123456789' },
];

let stack: TestStack;
let router: EventRouter;
let ingress: HttpIngress;
let sqs: SQSClient;

/** A rule whose target (hello) says who it greets: the event's detail.name. */
const rule = () =>
  ruleOf(
    `ingress-${suffix}`,
    `EventPattern: { source: [drover.test], detail-type: [ingress-${suffix}] }
Targets:
  - Id: greet
    Arn: arn:aws:ssm:us-east-1:123456789012:automation-definition/hello:$DEFAULT
    InputTransformer:
      InputPathsMap: { name: $.detail.name }
      InputTemplate: '{"Name": [<name>]}'
`,
  );

const event = (name = 'ingress', id = randomUUID()) => ({
  version: '0',
  id,
  'detail-type': `ingress-${suffix}`,
  source: 'drover.test',
  account: '123456789012',
  time: new Date().toISOString(),
  region: 'us-east-1',
  resources: [],
  detail: { name },
});

const executionOf = (eventId: string) => `hello/event:ingress-${suffix}:greet:${eventId}`;

async function exists(id: string): Promise<boolean> {
  try {
    await stack.client.handle(id).describe();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

beforeAll(async () => {
  stack = await startStack({ prefix: 'ingress', runbookDirs: [REPO_RUNBOOKS, FIXTURE_RUNBOOKS] });
  router = routerFor(stack, [rule()]);
  ingress = await startHttpIngress({ router, authenticator: new ApiKeyAuthenticator({ keys: KEYS }) });
  sqs = new SQSClient({ ...awsOptions(), maxAttempts: 1 });
});

afterAll(async () => {
  await ingress?.close();
  sqs?.destroy();
  await stack?.stop();
});

function awsOptions() {
  const env = sandboxAwsEnv(inject('motoEndpoint'));
  return { endpoint: env.AWS_ENDPOINT_URL, region: env.AWS_REGION, credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! } };
}

function post(body: string, headers: Record<string, string>): Promise<Response> {
  return fetch(ingress.url, { method: 'POST', body, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } });
}

describe('HTTP ingress (EventBridge API destinations)', () => {
  it('202 with what started, for either of two keys (rotation); the execution runs', async () => {
    const e = event('api-destination');
    const res = await post(JSON.stringify(e), { 'x-api-key': KEYS[0]!.secret });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ eventId: e.id, matched: [{ rule: `ingress-${suffix}`, target: 'greet', status: 'started', executionId: executionOf(e.id) }], remediations: [] });
    const result = await stack.client.result(executionOf(e.id));
    expect(result.status).toBe('Success');
    const started = await stack.client.handle(executionOf(e.id)).describe();
    expect(started.memo?.event).toMatchObject({ via: 'http', principal: 'api-key:old' });

    const basic = Buffer.from(`new:${KEYS[1]!.secret}`).toString('base64');
    const again = await post(JSON.stringify(e), { authorization: `Basic ${basic}` });
    expect(again.status).toBe(202);
    expect((await again.json()) as unknown).toMatchObject({ matched: [{ status: 'duplicate', executionId: executionOf(e.id) }] });
  });

  it('a signed request passes; a bad signature, a stale timestamp or an unknown key get 401 and start nothing', async () => {
    const signed = event('signed');
    const body = JSON.stringify(signed);
    const now = Math.floor(Date.now() / 1000);
    const ok = await post(body, { 'x-api-key': KEYS[1]!.secret, 'x-drover-timestamp': String(now), 'x-drover-signature': signRequest(KEYS[1]!.signingSecret!, now, body) });
    expect(ok.status).toBe(202);

    const refused: Array<[string, Record<string, string>, string]> = [];
    const bad = event('bad-signature');
    refused.push([JSON.stringify(bad), { 'x-api-key': KEYS[1]!.secret, 'x-drover-timestamp': String(now), 'x-drover-signature': signRequest('wrong-secret', now, JSON.stringify(bad)) }, bad.id]);
    const stale = event('stale');
    const old = now - 3600;
    refused.push([JSON.stringify(stale), { 'x-api-key': KEYS[1]!.secret, 'x-drover-timestamp': String(old), 'x-drover-signature': signRequest(KEYS[1]!.signingSecret!, old, JSON.stringify(stale)) }, stale.id]);
    const unknown = event('unknown-key');
    refused.push([JSON.stringify(unknown), { 'x-api-key': 'not-a-key-of-ours-0123' }, unknown.id]);
    const none = event('no-key');
    refused.push([JSON.stringify(none), {}, none.id]);
    const tampered = event('tampered');
    refused.push([JSON.stringify({ ...tampered, detail: { name: 'evil' } }), { 'x-api-key': KEYS[1]!.secret, 'x-drover-timestamp': String(now), 'x-drover-signature': signRequest(KEYS[1]!.signingSecret!, now, JSON.stringify(tampered)) }, tampered.id]);
    for (const [b, headers, id] of refused) {
      const res = await post(b, headers);
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(await exists(executionOf(id))).toBe(false);
    }
    const reasons = await Promise.all(refused.slice(0, 2).map(async ([b, h]) => ((await (await post(b, h)).json()) as { message: string }).message));
    expect(reasons).toEqual(['bad signature', 'the request timestamp is outside the replay window']);
    // The signed one did start.
    expect(await exists(executionOf(signed.id))).toBe(true);
  });

  it('4xx for what can never be delivered: not JSON, not an event, too large, not JSON content', async () => {
    const key = { 'x-api-key': KEYS[0]!.secret };
    expect((await post('{not json', key)).status).toBe(400);
    const notEvent = await post(JSON.stringify({ hello: 'world' }), key);
    expect(notEvent.status).toBe(400);
    expect(((await notEvent.json()) as { message: string }).message).toContain('"id" must be a non-empty string');
    expect((await post(JSON.stringify({ ...event(), detail: { blob: 'x'.repeat(300_000) } }), key)).status).toBe(413);
    const text = await fetch(ingress.url, { method: 'POST', body: 'hello', headers: { 'content-type': 'text/plain', ...key } });
    expect(text.status).toBe(415);
  });

  it('503 (retryable) when Temporal cannot confirm the start; a retry then starts it once', async () => {
    // A router whose Temporal connection is closed: every start fails as when the server is out of reach.
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    const broken = new DroverClient(new Client({ connection }), { taskQueue: stack.taskQueue, runbookDirs: [REPO_RUNBOOKS] });
    const brokenIngress = await startHttpIngress({ router: routerFor({ client: broken, taskQueue: stack.taskQueue }, [rule()]), authenticator: new ApiKeyAuthenticator({ keys: KEYS }) });
    await connection.close();
    try {
      const e = event('retry');
      const res = await fetch(brokenIngress.url, { method: 'POST', body: JSON.stringify(e), headers: { 'content-type': 'application/json', 'x-api-key': KEYS[0]!.secret } });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(await exists(executionOf(e.id))).toBe(false);
      const retried = await post(JSON.stringify(e), { 'x-api-key': KEYS[0]!.secret });
      expect(retried.status).toBe(202);
      expect(await exists(executionOf(e.id))).toBe(true);
    } finally {
      await brokenIngress.close();
    }
  });

  it('serves HTTPS with a certificate (API destinations call HTTPS endpoints)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drover-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
    const tlsIngress = await startHttpIngress({ router, authenticator: new ApiKeyAuthenticator({ keys: KEYS }), tls: { cert: readFileSync(join(dir, 'cert.pem')), key: readFileSync(join(dir, 'key.pem')) } });
    try {
      expect(tlsIngress.url).toMatch(/^https:\/\//);
      const e = event('tls');
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(tlsIngress.url, { method: 'POST', ca: readFileSync(join(dir, 'cert.pem')), checkServerIdentity: () => undefined, headers: { 'content-type': 'application/json', 'x-api-key': KEYS[0]!.secret } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end(JSON.stringify(e));
      });
      expect(status).toBe(202);
      expect(await exists(executionOf(e.id))).toBe(true);
    } finally {
      await tlsIngress.close();
    }
  });
});

describe('SQS poller (EventBridge → SQS → Drover)', () => {
  async function queues(visibilityTimeout: number) {
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `drover-dlq-${suffix}-${visibilityTimeout}` }));
    const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    const q = await sqs.send(
      new CreateQueueCommand({
        QueueName: `drover-events-${suffix}-${visibilityTimeout}`,
        Attributes: { VisibilityTimeout: String(visibilityTimeout), RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: '5' }) },
      }),
    );
    return { queueUrl: q.QueueUrl!, dlqUrl: dlq.QueueUrl! };
  }

  it('starts what the event asks, deletes it once durable, and sets a poison message aside with its reason', async () => {
    const { queueUrl, dlqUrl } = await queues(30);
    const e = event('sqs');
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(e) }));
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{"not": "an event"}' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'garbage' }));
    const poller = new SqsPoller({ sqs, queueUrl, router, waitTimeSeconds: 1 });
    expect(await poller.init()).toBe(dlqUrl);
    const totals = { delivered: 0, poisoned: 0, retried: 0 };
    await eventually(
      'every message handled',
      async () => {
        const o = await poller.pollOnce();
        totals.delivered += o.delivered;
        totals.poisoned += o.poisoned;
        totals.retried += o.retried;
        return totals;
      },
      (t) => t.delivered + t.poisoned === 3,
    );
    expect(totals).toEqual({ delivered: 1, poisoned: 2, retried: 0 });
    expect((await stack.client.result(executionOf(e.id))).status).toBe('Success');
    const left = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
    expect(left.Attributes).toMatchObject({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
    const dead = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'], WaitTimeSeconds: 1 }));
    const reasons = (dead.Messages ?? []).map((m) => [m.Body, m.MessageAttributes?.[REASON_ATTRIBUTE]?.StringValue]);
    expect(reasons).toEqual(
      expect.arrayContaining([
        ['{"not": "an event"}', expect.stringContaining('not an EventBridge event: "id" must be a non-empty string')],
        ['garbage', expect.stringContaining('the body is not JSON')],
      ]),
    );
  });

  it('keeps a message whose start is not confirmed; the next delivery starts it once', async () => {
    const { queueUrl } = await queues(1);
    const e = event('sqs-retry');
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(e) }));
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    const broken = new DroverClient(new Client({ connection }), { taskQueue: stack.taskQueue, runbookDirs: [REPO_RUNBOOKS] });
    await connection.close();
    const failing = new SqsPoller({ sqs, queueUrl, router: routerFor({ client: broken, taskQueue: stack.taskQueue }, [rule()]), waitTimeSeconds: 1 });
    const first = await eventually('the message received', () => failing.pollOnce(), (o) => o.received > 0);
    expect(first).toEqual({ received: 1, delivered: 0, poisoned: 0, retried: 1 });
    expect(await exists(executionOf(e.id))).toBe(false);
    // After its visibility timeout the message is there again, and a working poller takes it.
    const poller = new SqsPoller({ sqs, queueUrl, router, waitTimeSeconds: 1 });
    await eventually('the message delivered again', () => poller.pollOnce(), (o) => o.delivered === 1);
    expect((await stack.client.result(executionOf(e.id))).status).toBe('Success');
  });
});
