// The AWS API actions end to end: whole runbooks on the dev server with a real worker,
// calling moto over HTTP. Every resource is created here, tagged or named uniquely, so
// tests running in parallel against the shared moto never see each other's.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityInfo } from '@temporalio/activity';
import {
  CreateTagsCommand,
  CreateVolumeCommand,
  DescribeSnapshotsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateKeyCommand, KMSClient, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SideEffectEvent } from '../../activities/aws';
import type { WaitProgress } from '../../activities/aws/api/activities';
import { TAG_EXECUTION } from '../../activities/aws/idempotency';
import type { ExecutionResult } from '../../workflows/definitions';
import { startStack, type TestStack } from '../helpers/env';
import { until } from '../helpers/wait';
import { runToEnd, step } from '../helpers/plans';
import { launchInstances } from '../helpers/aws';
import { CORPUS_DIR, hasCorpus } from '../unit/corpus';

// The worker runs in this process: wait polls every 200 ms instead of 1 s growing to 15 s.
process.env.DROVER_POLL_INTERVAL_MS = '200';

/** Every AWS call the worker's AWS API actions made, with what the activity knew then. */
const calls: (SideEffectEvent & { attempt: number; heartbeat?: WaitProgress })[] = [];

// A crash right after an AWS call, on the first try only, for the runbooks that ask for it.
function crashOnce(e: SideEffectEvent): void {
  const info = activityInfo();
  calls.push({ ...e, attempt: info.attempt, heartbeat: info.heartbeatDetails as WaitProgress | undefined });
  if (info.attempt > 1) return;
  if (e.request.runbook === 'aws-api-snapshot' && e.api === 'CreateSnapshot') throw new Error('injected crash after CreateSnapshot');
  const polls = calls.filter((c) => c.request.executionId === e.request.executionId).length;
  if (e.request.runbook === 'aws-api-wait' && polls === 2) throw new Error('injected crash during the wait');
}

let stack: TestStack;
let ec2: EC2Client;
beforeAll(async () => {
  stack = await startStack({ prefix: 'aws-api', activityDeps: { aws: { afterSideEffect: crashOnce } } });
  ec2 = new EC2Client({});
});
afterAll(async () => {
  ec2?.destroy();
  await stack?.stop();
});

const run = (runbook: string, parameters: Record<string, unknown>) => runToEnd(stack.client, runbook, parameters);

/** Attempt and last failure of every activity that started, from the execution's history. */
async function activityAttempts(executionId: string): Promise<{ attempt: number; lastFailure?: string }[]> {
  const history = await stack.client.handle(executionId).fetchHistory();
  return (history.events ?? [])
    .filter((e) => e.activityTaskStartedEventAttributes)
    .map((e) => ({
      attempt: e.activityTaskStartedEventAttributes!.attempt ?? 0,
      ...(e.activityTaskStartedEventAttributes!.lastFailure?.message ? { lastFailure: e.activityTaskStartedEventAttributes!.lastFailure.message } : {}),
    }));
}

function launch(tags: Record<string, string>, count = 1): Promise<string[]> {
  return launchInstances(ec2, { tags, count });
}

describe('aws:executeAwsApi', () => {
  it('DescribeInstances: the selectors of AWS runbooks find their values', async () => {
    const testTag = randomUUID();
    const ids = await launch({ 'aws-api-test': testTag }, 2);
    const { result } = await run('aws-api-describe', { TestTag: testTag });
    expect(result.status).toBe('Success');
    const out = step(result, 'describe').outputs!;
    expect([...(out.InstanceIds as string[])].sort()).toEqual([...ids].sort());
    expect(out.State).toBe('running');
    expect(out.AvailabilityZone).toMatch(/^us-east-1[a-f]$/);
    expect(out.InstanceType).toBe('m1.small');
    expect(out.RootDeviceName).toBe('/dev/sda1');
    // Timestamps as ISO-8601 text; whole structures as maps with boto3's PascalCase keys.
    expect(out.LaunchTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(out.Reservation).toMatchObject({ ReservationId: expect.stringMatching(/^r-/), Instances: expect.any(Array) });
    expect(out.Reservation).not.toHaveProperty('$metadata');
    expect(step(result, 'assertRunning').status).toBe('Success');
  });

  it('SSM PutParameter/GetParameter, SNS CreateTopic, S3 CreateBucket/ListBuckets, STS GetCallerIdentity', async () => {
    const name = randomUUID().slice(0, 18);
    const { result } = await run('aws-api-services', { Name: name });
    expect(result.status).toBe('Success');
    expect(step(result, 'putParameter').outputs).toEqual({ Version: 1 });
    // `Value: 42` in YAML is a number; PutParameter takes text.
    expect(step(result, 'getParameter').outputs).toEqual({ Value: '42', Modified: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(step(result, 'createTopic').outputs).toEqual({ TopicArn: `arn:aws:sns:us-east-1:123456789012:aws-api-${name}` });
    expect(step(result, 'createBucket').outputs).toEqual({ Location: `/aws-api-${name}` });
    expect(step(result, 'listBuckets').outputs!.Names).toContain(`aws-api-${name}`);
    expect(step(result, 'listBuckets').outputs!.Created).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(step(result, 'whoAmI').outputs).toEqual({ Account: '123456789012', Arn: 'arn:aws:sts::123456789012:user/moto' });
  });

  it('acts as the runbook’s assumeRole; an empty AutomationAssumeRole means the worker itself', async () => {
    const iam = new IAMClient({});
    const roleName = `aws-api-${randomUUID().slice(0, 8)}`;
    try {
      const role = await iam.send(
        new CreateRoleCommand({
          RoleName: roleName,
          AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }] }),
        }),
      );
      const assumed = await run('aws-api-assume-role', { AutomationAssumeRole: role.Role!.Arn });
      expect(assumed.result.status).toBe('Success');
      expect(step(assumed.result, 'whoAmI').outputs!.Arn).toMatch(new RegExp(`^arn:aws:sts::123456789012:assumed-role/${roleName}/`));
      const own = await run('aws-api-assume-role', {});
      expect(step(own.result, 'whoAmI').outputs!.Arn).toBe('arn:aws:sts::123456789012:user/moto');
    } finally {
      iam.destroy();
    }
  });

  it('CreateSnapshot under a crash right after the call leaves exactly one snapshot, tagged with the execution', async () => {
    const volume = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 1 }));
    const { executionId, result } = await run('aws-api-snapshot', { VolumeId: volume.VolumeId });
    expect(result.status).toBe('Success');
    expect(await activityAttempts(executionId)).toEqual([{ attempt: 2, lastFailure: 'injected crash after CreateSnapshot' }]);
    const snapshots = await ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: [{ Name: `tag:${TAG_EXECUTION}`, Values: [executionId] }] }));
    expect(snapshots.Snapshots?.map((s) => s.SnapshotId)).toEqual([step(result, 'createSnapshot').outputs!.SnapshotId]);
    const tags = Object.fromEntries((snapshots.Snapshots![0]!.Tags ?? []).map((t) => [t.Key, t.Value]));
    expect(tags).toEqual({ team: 'ops', 'drover:execution': executionId, 'drover:step': 'createSnapshot', 'drover:run': '1' });
    expect(step(result, 'createSnapshot').attempts).toBe(1);
  });
});

describe('errors are classified once, in activities/aws/errors.ts', () => {
  it('a not-found error fails the step at once with AWS’s code and message, without a Temporal retry', async () => {
    const { executionId, result } = await run('aws-api-errors', { Kind: 'notFound' });
    expect(result.status).toBe('Failed');
    const failed = step(result, 'notFound');
    expect(failed.status).toBe('Failed');
    expect(failed.attempts).toBe(1);
    expect(failed.failureMessage).toBe("ec2 DescribeInstances: InvalidInstanceID.NotFound: The instance ID 'i-0123456789abcdef0' does not exist");
    expect(await activityAttempts(executionId)).toEqual([{ attempt: 1 }]);
  });

  it('an HTTP 500 is retried by Temporal until the step times out', async () => {
    const { executionId, result } = await run('aws-api-errors', { Kind: 'serverError' });
    expect(result.status).toBe('TimedOut');
    expect(step(result, 'serverError').status).toBe('TimedOut');
    expect(step(result, 'serverError').failureMessage).toBe(
      'the step timed out retrying: ssm DescribeInstanceInformation: HTTP500: the service answered HTTP 500 without an AWS error',
    );
    const [tried] = await activityAttempts(executionId);
    expect(tried!.attempt).toBeGreaterThan(1);
    expect(tried!.lastFailure).toMatch(/HTTP500/);
  });
});

describe('aws:waitForAwsResourceProperty and aws:assertAwsResourceProperty', () => {
  it('waits until a tag set later appears, and carries on after a crash from its heartbeat', async () => {
    const [instanceId] = await launch({ 'aws-api-test': randomUUID() });
    const { executionId } = await stack.client.start('aws-api-wait', { parameters: { InstanceId: instanceId } });
    const mine = () => calls.filter((c) => c.request.executionId === executionId);
    // Polls before the tag exists, through the injected crash on the second, into the retry.
    await until('the retry after the injected crash', async () => (mine().some((c) => c.attempt === 2) ? true : undefined), 60_000);
    expect((await stack.client.state(executionId)).status).toBe('InProgress');
    await ec2.send(new CreateTagsCommand({ Resources: [instanceId!], Tags: [{ Key: 'drover-ready', Value: 'yes' }] }));
    const result = await stack.client.result(executionId);
    expect(result.status).toBe('Success');
    const retried = mine().filter((c) => c.attempt === 2);
    expect(retried[0]?.heartbeat).toMatchObject({ polls: 1, last: 'nothing' });
    expect(mine().length).toBeGreaterThanOrEqual(3);
    expect(await activityAttempts(executionId)).toEqual([{ attempt: 2, lastFailure: 'injected crash during the wait' }]);
  });

  it('ends TimedOut at the step’s timeoutSeconds when the value never comes', async () => {
    const [instanceId] = await launch({ 'aws-api-test': randomUUID() });
    const started = Date.now();
    const { result } = await run('aws-api-wait-timeout', { InstanceId: instanceId });
    expect(result.status).toBe('TimedOut');
    expect(step(result, 'waitForTag').status).toBe('TimedOut');
    expect(Date.now() - started).toBeGreaterThanOrEqual(3000);
  });

  it('an assert that does not hold fails with what it saw and what it wanted', async () => {
    const [instanceId] = await launch({ 'aws-api-test': randomUUID() });
    const { result } = await run('aws-api-assert-fails', { InstanceId: instanceId });
    expect(result.status).toBe('Failed');
    expect(step(result, 'assertStopped').failureMessage).toBe('$.Reservations[0].Instances[0].State.Name is "running", not one of the desired values stopped');
  });
});

describe.skipIf(!hasCorpus)('AWS’s own runbooks on the AWS API actions, unchanged', () => {
  const iam = new IAMClient({});
  let roleArn: string;
  beforeAll(async () => {
    const role = await iam.send(new CreateRoleCommand({ RoleName: `aws-api-corpus-${randomUUID().slice(0, 8)}`, AssumeRolePolicyDocument: '{}' }));
    roleArn = role.Role!.Arn!;
  });
  afterAll(() => iam.destroy());

  async function runCorpus(file: string, parameters: Record<string, unknown>): Promise<ExecutionResult> {
    const { executionId } = await stack.client.start(join(CORPUS_DIR, file), { parameters });
    return stack.client.result(executionId);
  }

  it('AWSConfigRemediation-EnforceEC2InstanceIMDSv2, as an assumed role', async () => {
    const [instanceId] = await launch({ 'aws-api-test': randomUUID() });
    const result = await runCorpus('AWSConfigRemediation-EnforceEC2InstanceIMDSv2.json', { AutomationAssumeRole: roleArn, InstanceId: instanceId, HttpPutResponseHopLimit: 2 });
    expect(result.status).toBe('Success');
    expect(result.outputs['GetInstanceMetadataOptions.Output']).toMatchObject({ HttpTokens: 'required', HttpPutResponseHopLimit: 2 });
    expect(step(result, 'ModifyInstanceMetadataOptionsNoEditHop').status).toBe('Pending');
  });

  it('AWSConfigRemediation-CancelKeyDeletion: a deep-scan PropertySelector', async () => {
    const kms = new KMSClient({});
    try {
      const key = await kms.send(new CreateKeyCommand({ Description: 'aws-api test' }));
      const keyId = key.KeyMetadata!.KeyId!;
      await kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
      const result = await runCorpus('AWSConfigRemediation-CancelKeyDeletion.json', { AutomationAssumeRole: roleArn, KeyId: keyId });
      expect(result.status).toBe('Success');
      expect(result.outputs['CancelKeyDeletion.CancelKeyDeletionResponse']).toEqual({ KeyId: expect.stringContaining(keyId) });
      expect(step(result, 'VerifyKeyDeletion').attempts).toBe(1);
    } finally {
      kms.destroy();
    }
  });

  it('awslabs aws-EnableSQSEncryption: SSE-SQS, asserted as text', async () => {
    const sqs = new SQSClient({});
    try {
      const name = `aws-api-${randomUUID().slice(0, 8)}`;
      await sqs.send(new CreateQueueCommand({ QueueName: name }));
      // The runbook's pattern wants AWS's form of queue URL; with AWS_ENDPOINT_URL set the
      // SQS client still sends to moto (the endpoint wins over the URL's host).
      const result = await runCorpus('awslabs__aws-EnableSQSEncryption.yaml', { QueueUrl: `https://sqs.us-east-1.amazonaws.com/123456789012/${name}` });
      expect(result.status).toBe('Success');
      expect(step(result, 'VerifySqsEncryptionDefault').status).toBe('Success');
    } finally {
      sqs.destroy();
    }
  });

  it('awslabs aws-EnableS3BucketKeys: a boolean asserted as True', async () => {
    const s3 = new S3Client({});
    try {
      const bucket = `aws-api-${randomUUID().slice(0, 8)}`;
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      const result = await runCorpus('awslabs__aws-EnableS3BucketKeys.yaml', { BucketName: bucket });
      expect(result.status).toBe('Success');
      expect(step(result, 'VerifyS3BucketKeysEnabled').status).toBe('Success');
    } finally {
      s3.destroy();
    }
  });
});
