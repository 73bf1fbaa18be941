// The shipped EC2 runbooks (restart-instances, create-ami, snapshot-volumes) and AWS's own
// EC2 runbooks, unchanged, end to end: a real worker, moto over HTTP. moto changes states
// and finishes images and snapshots at once, so the tests check what was selected, what
// was changed and what was reported. Each test makes its own instances, tagged uniquely.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateSnapshotCommand,
  CreateVolumeCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeSnapshotsCommand,
  DescribeVolumesCommand,
  EC2Client,
  StopInstancesCommand,
  type Snapshot,
  type Tag,
} from '@aws-sdk/client-ec2';
import { DeleteTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { DeleteQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { ExecutionResult } from '../../workflows/definitions';
import { startStack, type TestStack } from '../helpers/env';
import { runToEnd, step } from '../helpers/plans';
import { amazonImageId, launchInstances, subscribedQueue, tagsOf } from '../helpers/aws';

/**
 * AWS's published runbooks are read where the shared corpus is checked out, next to the
 * repository, or from DROVER_SSM_CORPUS. They are never copied into the repository, and a
 * missing folder fails these tests (saying where they looked) rather than skipping them.
 */
const CORPUS_DIR = process.env.DROVER_SSM_CORPUS ?? fileURLToPath(new URL('../../../shared/ssm-corpus/automation', import.meta.url));

function corpusRunbook(name: string): string {
  const path = join(CORPUS_DIR, `${name}.json`);
  if (!existsSync(path)) {
    throw new Error(`AWS's runbook ${name} is read from ${path}, which does not exist: check out the shared SSM corpus there or set DROVER_SSM_CORPUS to its automation folder`);
  }
  return path;
}

let stack: TestStack;
let ec2: EC2Client;
let imageId: string;

beforeAll(async () => {
  stack = await startStack({ prefix: 'ec2-runbooks' });
  ec2 = new EC2Client({});
  imageId = await amazonImageId(ec2);
});
afterAll(async () => {
  ec2?.destroy();
  await stack?.stop();
});

/** Launches instances with `tags` and a data volume each; returns their ids. */
function launch(count: number, tags: Tag[] = [{ Key: 'ec2-test', Value: randomUUID() }]): Promise<string[]> {
  return launchInstances(ec2, { count, imageId, instanceType: 't3.micro', dataVolume: true, tags });
}

async function states(ids: string[]): Promise<Record<string, string>> {
  const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: ids }));
  return Object.fromEntries((out.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => [i.InstanceId!, i.State!.Name!]));
}

function statuses(result: ExecutionResult): Record<string, string> {
  return Object.fromEntries(result.steps.map((s) => [s.name, s.status]));
}

const run = (runbook: string, parameters: Record<string, unknown>) => runToEnd(stack.client, runbook, parameters);

describe('restart-instances', () => {
  it('by id: stops and starts exactly those instances', async () => {
    const ids = await launch(2);
    const [stoppedBefore] = await launch(1);
    await ec2.send(new StopInstancesCommand({ InstanceIds: [stoppedBefore!] }));
    const { result } = await run('restart-instances', { InstanceIds: [ids[0], stoppedBefore] });
    expect(result.status).toBe('Success');
    expect([...(result.outputs['describeByIds.InstanceIds'] as string[])].sort()).toEqual([ids[0], stoppedBefore].sort());
    expect(statuses(result)).toMatchObject({ describeByIds: 'Success', stopInstances: 'Success', startInstances: 'Success', describeByTag: 'Pending', notify: 'Pending' });
    // The one that was stopped is running again; the one not named was left alone.
    expect(await states([ids[0]!, ids[1]!, stoppedBefore!])).toEqual({ [ids[0]!]: 'running', [ids[1]!]: 'running', [stoppedBefore!]: 'running' });
  });

  it('by tag: restarts the tagged instances only', async () => {
    const value = randomUUID();
    const tagged = await launch(2, [{ Key: 'ec2-restart', Value: value }]);
    const [other] = await launch(1, [{ Key: 'ec2-restart', Value: `not-${value}` }]);
    await ec2.send(new StopInstancesCommand({ InstanceIds: [tagged[1]!, other!] }));
    const { result } = await run('restart-instances', { TagKey: 'ec2-restart', TagValue: value });
    expect(result.status).toBe('Success');
    expect([...(result.outputs['describeByTag.InstanceIds'] as string[])].sort()).toEqual([...tagged].sort());
    expect(statuses(result)).toMatchObject({ describeByIds: 'Pending', describeByTag: 'Success', stopInstances: 'Success', startInstances: 'Success' });
    expect(await states([...tagged, other!])).toEqual({ [tagged[0]!]: 'running', [tagged[1]!]: 'running', [other!]: 'stopped' });
  });

  it('fails before stopping anything when an instance does not exist', async () => {
    const [real] = await launch(1);
    const missing = 'i-0123456789abcdef0';
    const { result } = await run('restart-instances', { InstanceIds: [real, missing] });
    expect(result.status).toBe('Failed');
    expect(step(result, 'describeByIds').failureMessage).toContain('InvalidInstanceID.NotFound');
    expect(step(result, 'describeByIds').failureMessage).toContain(missing);
    expect(step(result, 'stopInstances').status).toBe('Pending');
    expect(result.failureMessage).toContain('InvalidInstanceID.NotFound');
  });

  it.each([
    [{}, 'choose the instances either by InstanceIds or by TagKey and TagValue'],
    [{ InstanceIds: ['i-0123456789abcdef0'], TagKey: 'k', TagValue: 'v' }, 'choose the instances either by InstanceIds or by TagKey and TagValue'],
    [{ TagKey: 'ec2-restart', TagValue: 'nobody-has-this' }, 'no pending, running, stopping or stopped instance is tagged ec2-restart=nobody-has-this'],
  ])('%j fails clearly: %s', async (parameters, message) => {
    const { result } = await run('restart-instances', parameters);
    expect(result.status).toBe('Failed');
    expect(step(result, 'explainNoTargets').failureMessage).toContain(message);
    expect(step(result, 'stopInstances').status).toBe('Pending');
  });

  it('publishes to NotificationTopicArn when the instances are back', async () => {
    const sns = new SNSClient({});
    const sqs = new SQSClient({});
    // SNS's envelope (not raw): the Subject is part of what is checked.
    const { topicArn, queueUrl } = await subscribedQueue(sns, sqs, `ec2-restart-${randomUUID().slice(0, 8)}`, { raw: false });
    try {
      const ids = await launch(1);
      const { executionId, result } = await run('restart-instances', { InstanceIds: ids, NotificationTopicArn: topicArn });
      expect(result.status).toBe('Success');
      expect(step(result, 'notify').status).toBe('Success');
      const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 5 }));
      const bodies = (received.Messages ?? []).map((m) => JSON.parse(m.Body!) as { Subject?: string; Message: string });
      expect(bodies).toEqual([
        expect.objectContaining({ Subject: 'Instances restarted', Message: `restart-instances (${executionId}) restarted ${ids[0]}; they are running.` }),
      ]);
    } finally {
      await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl })).catch(() => undefined);
      await sns.send(new DeleteTopicCommand({ TopicArn: topicArn })).catch(() => undefined);
      sns.destroy();
      sqs.destroy();
    }
  });

  it('refuses a NotificationTopicArn that is not an SNS topic ARN before starting', async () => {
    await expect(stack.client.start('restart-instances', { parameters: { InstanceIds: ['i-0123456789abcdef0'], NotificationTopicArn: 'my-topic' } })).rejects.toThrow(
      /NotificationTopicArn/,
    );
  });
});

describe('create-ami', () => {
  async function image(id: string) {
    return (await ec2.send(new DescribeImagesCommand({ ImageIds: [id] }))).Images![0]!;
  }

  it('creates the image, tags it and its snapshots, and outputs the ImageId', async () => {
    const [instanceId] = await launch(1);
    const name = `create-ami-${randomUUID()}`;
    const { executionId, result } = await run('create-ami', { InstanceId: instanceId, ImageName: name, NoReboot: true });
    expect(result.status).toBe('Success');
    const id = result.outputs['createImage.ImageId'] as string;
    expect(id).toMatch(/^ami-/);
    expect(result.outputs['createImage.ImageState']).toBe('available');
    expect(statuses(result)).toMatchObject({ reboot: 'Pending', stopInstance: 'Pending', startInstance: 'Pending', tagSnapshots: 'Success' });
    const made = await image(id);
    expect(made).toMatchObject({ Name: name, State: 'available', SourceInstanceId: instanceId });
    const expected = { Name: name, SourceInstanceId: instanceId, CreatedBy: 'drover create-ami', AutomationExecutionId: executionId };
    expect(tagsOf(made.Tags)).toMatchObject(expected);
    const snapshotIds = made.BlockDeviceMappings!.flatMap((m) => (m.Ebs?.SnapshotId ? [m.Ebs.SnapshotId] : []));
    expect(snapshotIds.length).toBeGreaterThan(0);
    const snapshots = await ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: snapshotIds }));
    for (const s of snapshots.Snapshots!) expect(tagsOf(s.Tags)).toMatchObject(expected);
  });

  it('PrepareInstance Stop stops the instance first and starts it again afterwards', async () => {
    const [instanceId] = await launch(1);
    const { result } = await run('create-ami', { InstanceId: instanceId, ImageName: `create-ami-${randomUUID()}`, PrepareInstance: 'Stop' });
    expect(result.status).toBe('Success');
    expect(statuses(result)).toMatchObject({ reboot: 'Pending', stopInstance: 'Success', createImage: 'Success', startInstance: 'Success' });
    expect(await states([instanceId!])).toEqual({ [instanceId!]: 'running' });
  });

  it('PrepareInstance Reboot reboots and waits for the status checks', async () => {
    const [instanceId] = await launch(1);
    const { result } = await run('create-ami', { InstanceId: instanceId, ImageName: `create-ami-${randomUUID()}`, PrepareInstance: 'Reboot' });
    expect(result.status).toBe('Success');
    expect(statuses(result)).toMatchObject({ reboot: 'Success', waitUntilRunning: 'Success', stopInstance: 'Pending', startInstance: 'Pending' });
  });

  it('checks its parameters before starting', async () => {
    await expect(stack.client.start('create-ami', { parameters: { InstanceId: 'web-1', ImageName: 'x' } })).rejects.toThrow(/InstanceId/);
  });
});

describe('snapshot-volumes', () => {
  async function snapshotsOf(instanceIds: string[]): Promise<Snapshot[]> {
    const out = await ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: [{ Name: 'tag:InstanceId', Values: instanceIds }] }));
    return out.Snapshots ?? [];
  }

  it('snapshots every attached volume with tags, then deletes its own expired snapshots only', async () => {
    const value = randomUUID();
    const ids = await launch(2, [{ Key: 'ec2-snap', Value: value }]);
    const volumes = await ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: ids }] }));
    const attached = (volumes.Volumes ?? []).map((v) => ({ volume: v.VolumeId!, instance: v.Attachments![0]!.InstanceId!, device: v.Attachments![0]!.Device! }));
    expect(attached.length).toBeGreaterThanOrEqual(2);

    // A snapshot of one of the instances that this runbook did not take: never deleted.
    const foreign = await ec2.send(
      new CreateSnapshotCommand({
        VolumeId: attached[0]!.volume,
        TagSpecifications: [{ ResourceType: 'snapshot', Tags: [{ Key: 'InstanceId', Value: attached[0]!.instance }] }],
      }),
    );

    const first = await run('snapshot-volumes', { TagKey: 'ec2-snap', TagValue: value });
    expect(first.result.status).toBe('Success');
    const firstIds = first.result.outputs['listNewSnapshots.SnapshotIds'] as string[];
    expect(firstIds).toHaveLength(attached.length);
    expect(first.result.outputs['selectExpired.ExpiredSnapshotIds']).toEqual([]);
    const taken = (await snapshotsOf(ids)).filter((s) => firstIds.includes(s.SnapshotId!));
    expect(taken.map((s) => ({ volume: s.VolumeId, state: s.State, ...tagsOf(s.Tags) })).sort((a, b) => a.volume!.localeCompare(b.volume!))).toEqual(
      attached
        .map((a) => ({
          volume: a.volume,
          state: 'completed',
          CreatedBy: 'drover snapshot-volumes',
          InstanceId: a.instance,
          Device: a.device,
          AutomationExecutionId: first.executionId,
          'drover:execution': first.executionId,
          'drover:step': 'createSnapshot',
          'drover:run': expect.stringMatching(/^\d$/),
        }))
        .sort((a, b) => a.volume.localeCompare(b.volume)),
    );

    // Kept for 7 days: a second run deletes nothing. With RetentionDays 0, everything the
    // runbook took before is expired; this run's own snapshots are kept.
    const second = await run('snapshot-volumes', { InstanceIds: ids, RetentionDays: 7 });
    expect(second.result.status).toBe('Success');
    expect(second.result.outputs['selectExpired.ExpiredSnapshotIds']).toEqual([]);
    const secondIds = second.result.outputs['listNewSnapshots.SnapshotIds'] as string[];

    const third = await run('snapshot-volumes', { InstanceIds: ids, RetentionDays: 0 });
    expect(third.result.status).toBe('Success');
    const thirdIds = third.result.outputs['listNewSnapshots.SnapshotIds'] as string[];
    expect(third.result.outputs['selectExpired.ExpiredSnapshotIds']).toEqual([...firstIds, ...secondIds].sort());
    const left = (await snapshotsOf(ids)).map((s) => s.SnapshotId!).sort();
    expect(left).toEqual([...thirdIds, foreign.SnapshotId!].sort());
  });

  it('fails before snapshotting anything when an instance does not exist', async () => {
    const { result } = await run('snapshot-volumes', { InstanceIds: ['i-0123456789abcdef0'] });
    expect(result.status).toBe('Failed');
    expect(step(result, 'describeByIds').failureMessage).toContain('InvalidInstanceID.NotFound');
    expect(step(result, 'snapshotEach').status).toBe('Pending');
  });
});

describe("AWS's own runbooks, unchanged", () => {
  it('AWS-RestartEC2Instance', async () => {
    const ids = await launch(2);
    await ec2.send(new StopInstancesCommand({ InstanceIds: [ids[1]!] }));
    const { result } = await run(corpusRunbook('AWS-RestartEC2Instance'), { InstanceId: ids });
    expect(result.status).toBe('Success');
    expect(statuses(result)).toEqual({ stopInstances: 'Success', startInstances: 'Success' });
    expect(await states(ids)).toEqual({ [ids[0]!]: 'running', [ids[1]!]: 'running' });
  });

  it('AWS-StopEC2Instance', async () => {
    const ids = await launch(2);
    const { result } = await run(corpusRunbook('AWS-StopEC2Instance'), { InstanceId: ids });
    expect(result.status).toBe('Success');
    expect(statuses(result)).toEqual({ stopInstances: 'Success', forceStopInstances: 'Success' });
    expect(await states(ids)).toEqual({ [ids[0]!]: 'stopped', [ids[1]!]: 'stopped' });
  });

  it('AWS-CreateImage', async () => {
    const [instanceId] = await launch(1);
    const { executionId, result } = await run(corpusRunbook('AWS-CreateImage'), { InstanceId: instanceId, NoReboot: true });
    expect(result.status).toBe('Success');
    const id = result.outputs['createImage.ImageId'] as string;
    const [made] = (await ec2.send(new DescribeImagesCommand({ ImageIds: [id] }))).Images!;
    expect(made).toMatchObject({ Name: `${instanceId}_${executionId}`, State: 'available', SourceInstanceId: instanceId });
  });

  it('AWS-CreateSnapshot, then AWS-DeleteSnapshot', async () => {
    const volume = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 1 }));
    const created = await run(corpusRunbook('AWS-CreateSnapshot'), { VolumeId: volume.VolumeId, Description: 'made by AWS-CreateSnapshot' });
    expect(created.result.status).toBe('Success');
    expect(statuses(created.result)).toEqual({ createSnapshot: 'Success', verifySnapshot: 'Success' });
    const snapshotId = created.result.outputs['createSnapshot.Payload'] as string;
    expect(snapshotId).toMatch(/^snap-/);
    const [snapshot] = (await ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [snapshotId] }))).Snapshots!;
    expect(snapshot).toMatchObject({ VolumeId: volume.VolumeId, Description: 'made by AWS-CreateSnapshot', State: 'completed' });

    const deleted = await run(corpusRunbook('AWS-DeleteSnapshot'), { SnapshotId: snapshotId });
    expect(deleted.result.status).toBe('Success');
    const left = await ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: [{ Name: 'volume-id', Values: [volume.VolumeId!] }] }));
    expect(left.Snapshots ?? []).toEqual([]);
  });

  it('AWS-DeleteImage', async () => {
    const [instanceId] = await launch(1);
    const made = await run(corpusRunbook('AWS-CreateImage'), { InstanceId: instanceId, NoReboot: true });
    const id = made.result.outputs['createImage.ImageId'] as string;
    const { result } = await run(corpusRunbook('AWS-DeleteImage'), { ImageId: id });
    expect(result.status).toBe('Success');
    expect((await ec2.send(new DescribeImagesCommand({ ImageIds: [id] }))).Images ?? []).toEqual([]);
  });
});
