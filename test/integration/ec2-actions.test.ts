// The EC2 actions against moto through a real worker: instance states, images, tags,
// launches, and idempotency under a crash right after the AWS call. moto changes states
// and finishes images at once, so what is tested is what each action asks of EC2 and what
// it reports, not how long it waits. Every test makes its own instances, tagged uniquely.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateImageCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeSnapshotsCommand,
  EC2Client,
  StartInstancesCommand,
  StopInstancesCommand,
  type Instance,
} from '@aws-sdk/client-ec2';
import { DeleteParameterCommand, ListTagsForResourceCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { activityInfo } from '@temporalio/activity';
import { defaultPayloadConverter } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { SideEffectEvent } from '../../activities/aws';
import { AwsClients } from '../../activities/aws/clients';
import { createEc2Activities } from '../../activities/aws/ec2';
import { TAG_EXECUTION } from '../../activities/aws/idempotency';
import type { ActionRequest } from '../../workflows/definitions';
import { startStack, type TestStack } from '../helpers/env';
import { until } from '../helpers/wait';
import { runToEnd, step } from '../helpers/plans';
import { amazonImageId, launchInstances, tagsOf } from '../helpers/aws';

let stack: TestStack;
let ec2: EC2Client;
let imageId: string;
/** Side effects the fault hook failed, by execution: what the crash test expects to see retried. */
const crashed: SideEffectEvent[] = [];

// A crash between an AWS side effect and the activity's return, on the first try only,
// for the ec2-idempotent-* runbooks: Temporal retries the activity, which must find what
// the first try created instead of creating it again.
function crashOnce(event: SideEffectEvent): void {
  if (!event.request.runbook.startsWith('ec2-idempotent') || activityInfo().attempt > 1) return;
  crashed.push(event);
  throw new Error(`injected crash after ${event.api}`);
}

beforeAll(async () => {
  stack = await startStack({ prefix: 'ec2-actions', activityDeps: { aws: { afterSideEffect: crashOnce } } });
  ec2 = new EC2Client({});
  imageId = await amazonImageId(ec2);
});
afterAll(async () => {
  ec2?.destroy();
  await stack?.stop();
});

/** Launches `count` instances tagged with a fresh test tag; returns their ids. */
function launch(count = 1): Promise<string[]> {
  return launchInstances(ec2, { count, imageId, instanceType: 't3.micro', tags: { 'ec2-test': randomUUID() } });
}

async function instances(filters: { Name: string; Values: string[] }[]): Promise<Instance[]> {
  const out = await ec2.send(new DescribeInstancesCommand({ Filters: filters }));
  return (out.Reservations ?? []).flatMap((r) => r.Instances ?? []);
}

async function states(ids: string[]): Promise<string[]> {
  const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: ids }));
  const byId = new Map((out.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => [i.InstanceId!, i.State!.Name!]));
  return ids.map((id) => byId.get(id)!);
}

/** The `status` of the running activity's latest heartbeat, once there is one. */
async function waitForHeartbeat(executionId: string): Promise<unknown> {
  const payload = await until(`a heartbeat from ${executionId}`, async () => (await stack.client.handle(executionId).describe()).raw.pendingActivities?.[0]?.heartbeatDetails?.payloads?.[0], 30_000);
  return (defaultPayloadConverter.fromPayload(payload) as { status?: unknown }).status;
}

const run = (runbook: string, parameters: Record<string, unknown>) => runToEnd(stack.client, runbook, parameters);

describe('aws:changeInstanceState', () => {
  it('stops, starts and terminates instances, waiting until each state is reached', async () => {
    const ids = await launch(2);
    const stopped = await run('ec2-change-state', { InstanceIds: ids, DesiredState: 'stopped', Force: true });
    expect(stopped.result.status).toBe('Success');
    expect(await states(ids)).toEqual(['stopped', 'stopped']);

    const started = await run('ec2-change-state', { InstanceIds: ids, DesiredState: 'running' });
    expect(started.result.status).toBe('Success');
    expect(await states(ids)).toEqual(['running', 'running']);

    // Already in the desired state: nothing to change, and still Success.
    expect((await run('ec2-change-state', { InstanceIds: ids, DesiredState: 'running' })).result.status).toBe('Success');

    const terminated = await run('ec2-change-state', { InstanceIds: ids, DesiredState: 'terminated' });
    expect(terminated.result.status).toBe('Success');
    expect(await states(ids)).toEqual(['terminated', 'terminated']);
  });

  it('CheckStateOnly only waits: it succeeds once someone else has changed the state', async () => {
    const ids = await launch();
    await run('ec2-change-state', { InstanceIds: ids, DesiredState: 'stopped' });
    const { executionId } = await stack.client.start('ec2-change-state', {
      parameters: { InstanceIds: ids, DesiredState: 'running', CheckStateOnly: true },
    });
    // It polls without acting: once it has seen the instance stopped (its heartbeat says
    // so), the instance is still stopped and the step still waits.
    const status = await waitForHeartbeat(executionId);
    expect(status).toBe(`${ids[0]} stopped`);
    expect(await states(ids)).toEqual(['stopped']);
    expect((await stack.client.state(executionId)).status).toBe('InProgress');
    await ec2.send(new StartInstancesCommand({ InstanceIds: ids }));
    const result = await stack.client.result(executionId);
    expect(result.status).toBe('Success');
  });

  it('fails clearly, at once, when an instance does not exist', async () => {
    const [real] = await launch();
    const missing = 'i-0123456789abcdef0';
    const { result } = await run('ec2-change-state', { InstanceIds: [real, missing], DesiredState: 'stopped' });
    expect(result.status).toBe('Failed');
    const s = step(result.steps, 'changeState');
    expect(s.attempts).toBe(1);
    expect(s.failureMessage).toContain('InvalidInstanceID.NotFound');
    expect(s.failureMessage).toContain(missing);
    // Nothing was changed: the call that would have stopped the real one never went out.
    expect(await states([real!])).toEqual(['running']);
  });

  it('refuses to start a terminated instance, naming it', async () => {
    const ids = await launch();
    await run('ec2-change-state', { InstanceIds: ids, DesiredState: 'terminated' });
    const { result } = await run('ec2-change-state', { InstanceIds: ids, DesiredState: 'running' });
    expect(result.status).toBe('Failed');
    expect(step(result.steps, 'changeState').failureMessage).toBe(`${ids[0]} is terminated: it cannot be made running`);
  });
});

describe('image actions', () => {
  it('create, copy and tag: outputs, names, tags', async () => {
    const [instanceId] = await launch();
    const name = `ec2-test-${randomUUID()}`;
    const { executionId, result } = await run('ec2-images', { InstanceId: instanceId, ImageName: name, CopyName: `${name}-copy` });
    expect(result.status).toBe('Success');
    const original = result.outputs['createImage.ImageId'] as string;
    const copy = result.outputs['copyImage.ImageId'] as string;
    expect(original).toMatch(/^ami-/);
    expect(copy).toMatch(/^ami-/);
    expect(copy).not.toBe(original);
    expect(result.outputs['createImage.ImageState']).toBe('available');
    expect(result.outputs['copyImage.ImageState']).toBe('available');

    const [made] = (await ec2.send(new DescribeImagesCommand({ ImageIds: [original] }))).Images!;
    expect(made).toMatchObject({ Name: name, Description: 'made by the ec2-actions test', SourceInstanceId: instanceId });
    // Tagged with its step run: what a retry looks for before creating another.
    expect(tagsOf(made!.Tags)).toMatchObject({ [TAG_EXECUTION]: executionId, 'drover:step': 'createImage', 'drover:run': '1' });

    const [copied] = (await ec2.send(new DescribeImagesCommand({ ImageIds: [copy] }))).Images!;
    expect(copied).toMatchObject({ Name: `${name}-copy`, Description: 'a copy' });
    expect(tagsOf(copied!.Tags)).toMatchObject({ purpose: 'ec2-actions-test', source: original });
  });

  it('a failing createImage fails the step with AWS’s error; later steps do not run', async () => {
    const missing = 'i-0123456789abcdef0';
    const { result } = await run('ec2-images', { InstanceId: missing, ImageName: `ec2-test-${randomUUID()}`, CopyName: 'never' });
    expect(result.status).toBe('Failed');
    expect(step(result.steps, 'createImage').failureMessage).toContain('InvalidInstanceID.NotFound');
    expect(step(result.steps, 'copyImage').status).toBe('Pending');
  });

  it('deleteImage deregisters the image and deletes its snapshots; deleting it again succeeds', async () => {
    const [instanceId] = await launch();
    const made = await ec2.send(new CreateImageCommand({ InstanceId: instanceId, Name: `ec2-test-${randomUUID()}`, NoReboot: true }));
    const [image] = (await ec2.send(new DescribeImagesCommand({ ImageIds: [made.ImageId!] }))).Images!;
    const snapshotIds = image!.BlockDeviceMappings!.flatMap((m) => (m.Ebs?.SnapshotId ? [m.Ebs.SnapshotId] : []));
    expect(snapshotIds.length).toBeGreaterThan(0);

    const { result } = await run('ec2-delete-image', { ImageId: made.ImageId });
    expect(result.status).toBe('Success');
    expect(result.steps.map((s) => s.status)).toEqual(['Success', 'Success']);
    expect((await ec2.send(new DescribeImagesCommand({ ImageIds: [made.ImageId!] }))).Images ?? []).toEqual([]);
    const snapshots = await ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'] }));
    expect((snapshots.Snapshots ?? []).filter((s) => snapshotIds.includes(s.SnapshotId!))).toEqual([]);
  });
});

describe('aws:runInstances', () => {
  it('launches the requested count with the runbook’s tags and the execution’s, and waits until running', async () => {
    const testTag = randomUUID();
    const { executionId, result } = await run('ec2-run-instances', { ImageId: imageId, TestTag: testTag, Count: 2 });
    expect(result.status).toBe('Success');
    const ids = result.outputs['launch.InstanceIds'] as string[];
    expect(ids).toHaveLength(2);
    expect(result.outputs['launch.InstanceStates']).toEqual(['running', 'running']);
    const found = await instances([{ Name: 'tag:ec2-test', Values: [testTag] }]);
    expect(found.map((i) => i.InstanceId).sort()).toEqual([...ids].sort());
    for (const i of found) {
      expect(tagsOf(i.Tags)).toMatchObject({ Name: 'launched-by-drover', [TAG_EXECUTION]: executionId, 'drover:step': 'launch', 'drover:run': '1' });
      expect(i.InstanceType).toBe('t3.micro');
      expect(i.Monitoring?.State).toBe('enabled');
    }
  });

  it('refuses a bad count before launching anything', async () => {
    // (moto launches from AMIs that do not exist, so AWS's own refusals cannot be shown here.)
    const testTag = randomUUID();
    const { result } = await run('ec2-run-instances', { ImageId: imageId, TestTag: testTag, Count: 0 });
    expect(result.status).toBe('Failed');
    const s = step(result.steps, 'launch');
    expect(s.attempts).toBe(1);
    expect(s.failureMessage).toBe('aws:runInstances input MinInstanceCount must be an integer of at least 1; got the number 0');
    expect(await instances([{ Name: 'tag:ec2-test', Values: [testTag] }])).toEqual([]);
  });
});

describe('actions in a row, as AWS-UpdateLinuxAmi chains them', () => {
  it('launch, stop, image (a one-item InstanceIds list as InstanceId), terminate', async () => {
    const testTag = randomUUID();
    const name = `ec2-test-${randomUUID()}`;
    const { result } = await run('ec2-launch-image-terminate', { ImageId: imageId, ImageName: name, TestTag: testTag });
    expect(result.status).toBe('Success');
    const [instanceId] = result.outputs['launch.InstanceIds'] as string[];
    const [made] = (await ec2.send(new DescribeImagesCommand({ ImageIds: [result.outputs['image.ImageId'] as string] }))).Images!;
    expect(made).toMatchObject({ Name: name, SourceInstanceId: instanceId, State: 'available' });
    expect(await states([instanceId!])).toEqual(['terminated']);
  });
});

describe('aws:createTags', () => {
  it('tags a Systems Manager parameter through SSM', async () => {
    const ssm = new SSMClient({});
    const name = `/drover/ec2-test/${randomUUID()}`;
    try {
      await ssm.send(new PutParameterCommand({ Name: name, Value: 'v', Type: 'String' }));
      const { result } = await run('ec2-tag-parameter', { ParameterName: name });
      expect(result.status).toBe('Success');
      const tags = await ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: name }));
      expect(tags.TagList).toEqual([{ Key: 'owner', Value: 'drover' }]);
    } finally {
      await ssm.send(new DeleteParameterCommand({ Name: name })).catch(() => undefined);
      ssm.destroy();
    }
  });
});

describe('idempotency: a crash right after the AWS call, then Temporal’s retry', () => {
  async function attemptsOf(executionId: string): Promise<{ attempt: number; lastFailure?: string }[]> {
    const history = await stack.client.handle(executionId).fetchHistory();
    return (history.events ?? [])
      .filter((e) => e.activityTaskStartedEventAttributes)
      .map((e) => ({
        attempt: e.activityTaskStartedEventAttributes!.attempt ?? 0,
        lastFailure: e.activityTaskStartedEventAttributes!.lastFailure?.message ?? undefined,
      }));
  }

  it('aws:createImage leaves exactly one image', async () => {
    const [instanceId] = await launch();
    const { executionId, result } = await run('ec2-idempotent-image', { InstanceId: instanceId, ImageName: `ec2-test-${randomUUID()}` });
    expect(result.status).toBe('Success');
    expect(crashed.some((e) => e.request.executionId === executionId && e.api === 'CreateImage')).toBe(true);
    expect(await attemptsOf(executionId)).toEqual([{ attempt: 2, lastFailure: 'injected crash after CreateImage' }]);
    const images = await ec2.send(new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: `tag:${TAG_EXECUTION}`, Values: [executionId] }] }));
    expect(images.Images?.map((i) => i.ImageId)).toEqual([result.outputs['createImage.ImageId']]);
    expect(step(result.steps, 'createImage').attempts).toBe(1);
  });

  it('aws:runInstances launches exactly one instance', async () => {
    const testTag = randomUUID();
    const { executionId, result } = await run('ec2-idempotent-instances', { ImageId: imageId, TestTag: testTag });
    expect(result.status).toBe('Success');
    expect(crashed.some((e) => e.request.executionId === executionId && e.api === 'RunInstances')).toBe(true);
    expect(await attemptsOf(executionId)).toEqual([{ attempt: 2, lastFailure: 'injected crash after RunInstances' }]);
    const found = await instances([{ Name: 'tag:ec2-test', Values: [testTag] }]);
    expect(found.map((i) => i.InstanceId)).toEqual(result.outputs['launch.InstanceIds']);
    expect(found).toHaveLength(1);
  });
});

// What a retry does with the heartbeat details of a try that crashed mid-wait, shown one
// activity at a time in Temporal's activity test environment (the real activity code
// against moto; only the activity context is Temporal's test double).
describe('resuming from heartbeat details', () => {
  const activities = createEc2Activities({ clients: new AwsClients() });
  const request = (action: string, inputs: Record<string, unknown>): ActionRequest => ({
    executionId: `ec2-resume/${randomUUID()}`,
    runbook: 'ec2-resume',
    step: 'step',
    action,
    attempt: 1,
    run: 1,
    inputs,
    outputs: [],
  });

  it('changeInstanceState, after the change was made, only waits: it does not act again', async () => {
    const ids = await launch();
    const env = new MockActivityEnvironment({ heartbeatDetails: { changed: true }, attempt: 2 });
    const beats: unknown[] = [];
    env.on('heartbeat', (d: unknown) => beats.push(d));
    const done = env.run(activities['aws:changeInstanceState']!, request('aws:changeInstanceState', { InstanceIds: ids, DesiredState: 'stopped' }));
    try {
      // Had it acted again, it would have finished without a heartbeat (moto stops at once).
      let finished = false;
      const first = await Promise.race([
        done.then(() => ((finished = true), 'finished')),
        (async () => {
          while (beats.length === 0 && !finished) await new Promise((r) => setTimeout(r, 50));
          return 'heartbeat';
        })(),
      ]);
      expect(first).toBe('heartbeat');
      expect(beats[0]).toEqual({ changed: true, status: `${ids[0]} running` });
      expect(await states(ids)).toEqual(['running']);
      await ec2.send(new StopInstancesCommand({ InstanceIds: ids }));
      await expect(done).resolves.toEqual({ outputs: {} });
    } finally {
      env.cancel();
      await done.catch(() => undefined);
    }
  });

  it('createImage with an image id in its details waits for that image instead of creating one', async () => {
    const [instanceId] = await launch();
    const made = await ec2.send(new CreateImageCommand({ InstanceId: instanceId, Name: `ec2-test-${randomUUID()}`, NoReboot: true }));
    const env = new MockActivityEnvironment({ heartbeatDetails: { imageId: made.ImageId }, attempt: 2 });
    const req = request('aws:createImage', { InstanceId: instanceId, ImageName: `ec2-test-${randomUUID()}` });
    await expect(env.run(activities['aws:createImage']!, req)).resolves.toEqual({ outputs: { ImageId: made.ImageId, ImageState: 'available' } });
    const ofInstance = await ec2.send(new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'name', Values: [req.inputs.ImageName as string] }] }));
    expect(ofInstance.Images ?? []).toEqual([]);
  });

  it('deleteImage after a crash between deregistering and deleting snapshots deletes the snapshots', async () => {
    const [instanceId] = await launch();
    const made = await ec2.send(new CreateImageCommand({ InstanceId: instanceId, Name: `ec2-test-${randomUUID()}`, NoReboot: true }));
    const [image] = (await ec2.send(new DescribeImagesCommand({ ImageIds: [made.ImageId!] }))).Images!;
    const snapshotIds = image!.BlockDeviceMappings!.flatMap((m) => (m.Ebs?.SnapshotId ? [m.Ebs.SnapshotId] : []));
    await ec2.send(new DeregisterImageCommand({ ImageId: made.ImageId }));
    const env = new MockActivityEnvironment({ heartbeatDetails: { snapshotIds }, attempt: 2 });
    await env.run(activities['aws:deleteImage']!, request('aws:deleteImage', { ImageId: made.ImageId }));
    const snapshots = await ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'] }));
    expect((snapshots.Snapshots ?? []).filter((s) => snapshotIds.includes(s.SnapshotId!))).toEqual([]);
  });
});
