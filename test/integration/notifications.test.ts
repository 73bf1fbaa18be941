// SNS notifications, read back from what moto delivered: each test subscribes an SQS queue
// of its own to a topic of its own (raw delivery) and reads the JSON messages Drover sent.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SNSClient } from '@aws-sdk/client-sns';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { NotificationMessage } from '../../workflows/definitions';
import { startStack, waitForState, type TestStack } from '../helpers/env';
import { subscribedQueue } from '../helpers/aws';

const UI = 'http://ui.drover.test:8080/';

let stack: TestStack;
let sns: SNSClient;
let sqs: SQSClient;

beforeAll(async () => {
  // The worker runs in this process: the link base comes from its environment.
  process.env.DROVER_UI_URL = UI;
  stack = await startStack({ prefix: 'notify' });
  sns = new SNSClient({ maxAttempts: 1 });
  sqs = new SQSClient({ maxAttempts: 1 });
});

afterAll(async () => {
  await stack?.stop();
  sns?.destroy();
  sqs?.destroy();
  delete process.env.DROVER_UI_URL;
});

interface Subscription {
  topicArn: string;
  queueUrl: string;
  received: NotificationMessage[];
}

async function topicWithQueue(what: string): Promise<Subscription> {
  return { ...(await subscribedQueue(sns, sqs, `notify-${what}-${randomUUID().slice(0, 8)}`, { raw: true })), received: [] };
}

/** Reads the queue until `done` holds for what arrived so far (in `seq` order: SNS does not keep order). */
async function readUntil(sub: Subscription, done: (ms: NotificationMessage[]) => boolean, timeoutMs = 30_000): Promise<NotificationMessage[]> {
  const deadline = Date.now() + timeoutMs;
  while (!done(sub.received)) {
    if (Date.now() > deadline) throw new Error(`timed out; received so far: ${JSON.stringify(sub.received, null, 1)}`);
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: sub.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    const msgs = out.Messages ?? [];
    for (const m of msgs) sub.received.push(JSON.parse(m.Body!) as NotificationMessage);
    sub.received.sort((a, b) => a.seq - b.seq);
    if (msgs.length) {
      await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: sub.queueUrl, Entries: msgs.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
    }
  }
  return sub.received;
}

const has = (status: string) => (ms: NotificationMessage[]) => ms.some((m) => m.event === 'ExecutionStatusChanged' && m.status === status);

async function linkOf(executionId: string): Promise<string> {
  const { runId } = await stack.client.handle(executionId).describe();
  return `http://ui.drover.test:8080/namespaces/default/workflows/${encodeURIComponent(executionId)}/${runId}`;
}

describe('notifications to the execution topic', () => {
  it('a successful run: InProgress then Success, each with the runbook, the id, the time and a UI link', async () => {
    const sub = await topicWithQueue('ok');
    const { executionId } = await stack.client.start('notify-ok', { notifyTopicArn: sub.topicArn });
    expect((await stack.client.result(executionId)).status).toBe('Success');
    const messages = await readUntil(sub, has('Success'));
    const link = await linkOf(executionId);
    expect(messages).toEqual([
      { event: 'ExecutionStatusChanged', seq: 1, runbook: 'notify-ok', executionId, status: 'InProgress', time: expect.any(String), link },
      { event: 'ExecutionStatusChanged', seq: 2, runbook: 'notify-ok', executionId, status: 'Success', time: expect.any(String), link },
    ]);
    for (const m of messages) expect(new Date(m.time).toISOString()).toBe(m.time);
  });

  it('a failing run: the step failure, then Failed, and a secret parameter never shows', async () => {
    const sub = await topicWithQueue('fail');
    const plan = await stack.client.compile('notify-fail');
    plan.parameters.Token!.secret = true;
    const secret = 'S3cr3tT0ken';
    const { executionId } = await stack.client.start(plan, { notifyTopicArn: sub.topicArn, parameters: { Token: secret } });
    const result = await stack.client.result(executionId);
    expect(result.status).toBe('Failed');
    // The execution itself keeps the real message (it is the operator's record)…
    expect(result.failureMessage).toContain(secret);
    // …what leaves for SNS does not.
    const messages = await readUntil(sub, has('Failed'));
    expect(JSON.stringify(messages)).not.toContain(secret);
    expect(messages.map((m) => [m.seq, m.event, m.status, m.step])).toEqual([
      [1, 'ExecutionStatusChanged', 'InProgress', undefined],
      [2, 'StepFailed', 'Failed', 'breaks'],
      [3, 'ExecutionStatusChanged', 'Failed', undefined],
    ]);
    expect(messages[1]!.failureMessage).toMatch(/^not an ISO-8601 duration: "PT\*\*\*" \(e\.g\. /);
    expect(messages[2]!.failureMessage).toBe(`step breaks failed: ${messages[1]!.failureMessage}`);
  });

  it('a topic that does not exist costs one failed publish per message and never fails the execution', async () => {
    const topicArn = `arn:aws:sns:us-east-1:123456789012:notify-missing-${randomUUID().slice(0, 8)}`;
    const { executionId } = await stack.client.start('notify-ok', { notifyTopicArn: topicArn });
    expect((await stack.client.result(executionId)).status).toBe('Success');
    const events = (await stack.client.handle(executionId).fetchHistory()).events ?? [];
    const notifies = events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'drover:notify');
    const failed = events.filter((e) => e.activityTaskFailedEventAttributes);
    expect(notifies).toHaveLength(2);
    // AWS said no (NotFound): not retried, and nothing else failed.
    expect(failed).toHaveLength(2);
    expect(failed[0]!.activityTaskFailedEventAttributes!.failure!.message).toContain('NotFound');
  });
});

describe('aws:approve NotificationArn', () => {
  it('publishes the approval request there; the execution topic hears Waiting and the end', async () => {
    const execution = await topicWithQueue('exec');
    const approvals = await topicWithQueue('approvals');
    const { executionId } = await stack.client.start('notify-approval', {
      notifyTopicArn: execution.topicArn,
      parameters: { ApprovalTopic: approvals.topicArn },
    });
    const [request] = await readUntil(approvals, (ms) => ms.length > 0);
    expect(request).toEqual({
      event: 'ApprovalRequested',
      seq: expect.any(Number),
      runbook: 'notify-approval',
      executionId,
      status: 'Waiting',
      step: 'askForApproval',
      message: 'Please approve the restart of the web tier',
      approvers: ['alice', 'bob'],
      minRequiredApprovals: 1,
      time: expect.any(String),
      link: await linkOf(executionId),
    });
    await waitForState(stack.client, executionId, (s) => s.status === 'Waiting');
    await stack.client.approve(executionId, { approver: 'bob', comment: 'go' });
    expect((await stack.client.result(executionId)).status).toBe('Success');
    const statuses = (await readUntil(execution, has('Success'))).map((m) => m.status);
    expect(statuses).toEqual(['InProgress', 'Waiting', 'InProgress', 'Success']);
    expect(approvals.received).toHaveLength(1);
  });

  it('a cancelled execution still tells its topic Cancelling and Cancelled', async () => {
    const execution = await topicWithQueue('cancel');
    const approvals = await topicWithQueue('cancel-approvals');
    const { executionId } = await stack.client.start('notify-approval', {
      notifyTopicArn: execution.topicArn,
      parameters: { ApprovalTopic: approvals.topicArn },
    });
    await waitForState(stack.client, executionId, (s) => s.status === 'Waiting');
    await stack.client.cancel(executionId);
    const statuses = (await readUntil(execution, has('Cancelled'))).map((m) => m.status);
    expect(statuses).toEqual(['InProgress', 'Waiting', 'InProgress', 'Cancelling', 'Cancelled']);
  });
});
