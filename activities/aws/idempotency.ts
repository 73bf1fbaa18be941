// A retry never doubles a side effect. Temporal runs an activity again after a crash or a
// transient error, possibly after its AWS call already went through, so:
// - APIs that take a client token get one derived from the execution, step and run (the
//   same on every retry of the same step run, different for another run of a loop);
// - APIs without one (EC2 CreateImage, CreateSnapshot, CreateSnapshots) tag what they create
//   with the execution, step and run, and look for a resource with those tags before
//   creating again. Tags given at creation are atomic with it, so a resource that exists is
//   always found. (AWS's describe calls are eventually consistent for a few seconds; the
//   retry backoff starts at one second, which covers what moto and AWS show in practice.)
// Used by aws:executeAwsApi and by the dedicated EC2 actions (aws:createImage).
import { createHash } from 'node:crypto';
import {
  CreateImageCommand,
  CreateSnapshotCommand,
  CreateSnapshotsCommand,
  DescribeImagesCommand,
  DescribeSnapshotsCommand,
  type CreateImageCommandInput,
  type CreateSnapshotCommandInput,
  type CreateSnapshotsCommandInput,
  type EC2Client,
  type Filter,
  type ResourceType,
  type Snapshot,
  type SnapshotInfo,
  type Tag,
  type TagSpecification,
} from '@aws-sdk/client-ec2';
import type { ActionRequest } from '../../workflows/definitions';
import { callAws } from './errors';

/** What makes one side effect one: the step's run within an execution. */
export interface IdempotencyKey {
  executionId: string;
  step: string;
  /** The run of the step (loops run inner steps once per iteration). */
  run: number;
}

export const idempotencyKey = (req: Pick<ActionRequest, 'executionId' | 'step' | 'run'>): IdempotencyKey => ({
  executionId: req.executionId,
  step: req.step,
  run: req.run,
});

export const TAG_EXECUTION = 'drover:execution';
export const TAG_STEP = 'drover:step';
export const TAG_RUN = 'drover:run';

/**
 * A client token for the key, shaped as a UUID (the strictest format any AWS API asks for;
 * EC2 takes up to 64 characters). `purpose` tells apart two tokens of one step.
 */
export function clientToken(key: IdempotencyKey, purpose = ''): string {
  const hex = createHash('sha256').update(JSON.stringify([key.executionId, key.step, key.run, purpose])).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The tags that mark what a step run created. */
export function idempotencyTags(key: IdempotencyKey): Tag[] {
  return [
    { Key: TAG_EXECUTION, Value: key.executionId },
    { Key: TAG_STEP, Value: key.step },
    { Key: TAG_RUN, Value: String(key.run) },
  ];
}

/** The runbook's own TagSpecifications with the idempotency tags added for `resourceType`. */
export function withIdempotencyTags(specs: TagSpecification[] | undefined, resourceType: ResourceType, key: IdempotencyKey): TagSpecification[] {
  const ours = idempotencyTags(key);
  const oursKeys = new Set(ours.map((t) => t.Key));
  const list = (specs ?? []).map((s) => ({ ...s }));
  const spec = list.find((s) => s.ResourceType === resourceType);
  if (spec) spec.Tags = [...(spec.Tags ?? []).filter((t) => !oursKeys.has(t.Key)), ...ours];
  else list.push({ ResourceType: resourceType, Tags: ours });
  return list;
}

/** EC2 describe filters selecting what the key's step run created. */
export function idempotencyFilters(key: IdempotencyKey): Filter[] {
  return idempotencyTags(key).map((t) => ({ Name: `tag:${t.Key}`, Values: [t.Value!] }));
}

type Send = { abortSignal?: AbortSignal };

/** The AMI this step run created, if any (a failed or deregistered one does not count). */
export async function findImageId(ec2: EC2Client, key: IdempotencyKey, opts: Send = {}): Promise<string | undefined> {
  const out = await callAws('looking for an image this step already created', () =>
    ec2.send(new DescribeImagesCommand({ Owners: ['self'], Filters: idempotencyFilters(key) }), opts),
  );
  return out.Images?.find((i) => i.ImageId && i.State !== 'failed' && i.State !== 'deregistered' && i.State !== 'error')?.ImageId;
}

/** Snapshots this step run created (of `volumeId` only, when given), in error state excluded. */
export async function findSnapshots(ec2: EC2Client, key: IdempotencyKey, volumeId?: string, opts: Send = {}): Promise<Snapshot[]> {
  const filters = idempotencyFilters(key);
  if (volumeId) filters.push({ Name: 'volume-id', Values: [volumeId] });
  const out = await callAws('looking for snapshots this step already created', () =>
    ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: filters }), opts),
  );
  return (out.Snapshots ?? []).filter((s) => s.State !== 'error');
}

/** CreateImage, once per step run. The result is CreateImage's ({ ImageId }). */
export async function createImageOnce(
  ec2: EC2Client,
  key: IdempotencyKey,
  input: CreateImageCommandInput,
  opts: Send = {},
): Promise<{ output: { ImageId?: string }; created: boolean }> {
  const existing = await findImageId(ec2, key, opts);
  if (existing) return { output: { ImageId: existing }, created: false };
  // Only the image is tagged: tagging its snapshots at creation is refused by moto (HTTP 500).
  const tagged = { ...input, TagSpecifications: withIdempotencyTags(input.TagSpecifications, 'image', key) };
  const { $metadata: _m, ...output } = await callAws(`creating an image of ${input.InstanceId}`, () => ec2.send(new CreateImageCommand(tagged), opts));
  return { output, created: true };
}

/** CreateSnapshot, once per step run. The result is CreateSnapshot's (the Snapshot). */
export async function createSnapshotOnce(
  ec2: EC2Client,
  key: IdempotencyKey,
  input: CreateSnapshotCommandInput,
  opts: Send = {},
): Promise<{ output: Snapshot; created: boolean }> {
  const [existing] = await findSnapshots(ec2, key, input.VolumeId, opts);
  if (existing) return { output: existing, created: false };
  const tagged = { ...input, TagSpecifications: withIdempotencyTags(input.TagSpecifications, 'snapshot', key) };
  const { $metadata: _m, ...output } = await callAws(`creating a snapshot of ${input.VolumeId}`, () => ec2.send(new CreateSnapshotCommand(tagged), opts));
  return { output, created: true };
}

const SNAPSHOT_INFO_FIELDS = [
  'Description',
  'Tags',
  'Encrypted',
  'VolumeId',
  'State',
  'VolumeSize',
  'StartTime',
  'Progress',
  'OwnerId',
  'SnapshotId',
  'OutpostArn',
  'SseType',
  'AvailabilityZone',
] as const satisfies readonly (keyof SnapshotInfo & keyof Snapshot)[];

/** CreateSnapshots (every volume of an instance), once per step run. The result is CreateSnapshots' ({ Snapshots }). */
export async function createSnapshotsOnce(
  ec2: EC2Client,
  key: IdempotencyKey,
  input: CreateSnapshotsCommandInput,
  opts: Send = {},
): Promise<{ output: { Snapshots?: SnapshotInfo[] }; created: boolean }> {
  const existing = await findSnapshots(ec2, key, undefined, opts);
  if (existing.length) {
    const infos = existing.map((s) => Object.fromEntries(SNAPSHOT_INFO_FIELDS.filter((f) => s[f] !== undefined).map((f) => [f, s[f]])) as SnapshotInfo);
    return { output: { Snapshots: infos }, created: false };
  }
  const tagged = { ...input, TagSpecifications: withIdempotencyTags(input.TagSpecifications, 'snapshot', key) };
  const { $metadata: _m, ...output } = await callAws(`creating snapshots of ${input.InstanceSpecification?.InstanceId}`, () =>
    ec2.send(new CreateSnapshotsCommand(tagged), opts),
  );
  return { output, created: true };
}
