// What `drover conformance --run` gives each document to act on in the sandbox: a fresh set
// of AWS resources in moto (a tagged instance with a data volume, an image of it, a
// snapshot, a spare volume, buckets, a queue, a topic, a KMS key pending deletion, a role, a
// stack…), named so that a parameters file can refer to them as `${Name}`. Fresh per
// document, so that one runbook stopping or deleting something does not spoil the next.
import { randomUUID } from 'node:crypto';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import {
  CreateImageCommand,
  CreateSnapshotCommand,
  CreateVolumeCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateKeyCommand, KMSClient, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import { CreateDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';

export type Fixtures = Record<string, string>;

/** The tag every fixture instance carries, for runbooks that pick instances by tag. */
export const FIXTURE_TAG = { key: 'chaos', value: 'ready' } as const;

export async function seedFixtures(endpoint: string): Promise<Fixtures> {
  const config = { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, maxAttempts: 2, forcePathStyle: true };
  const ec2 = new EC2Client(config);
  const s3 = new S3Client(config);
  const sqs = new SQSClient(config);
  const sns = new SNSClient(config);
  const kms = new KMSClient(config);
  const iam = new IAMClient(config);
  const cfn = new CloudFormationClient(config);
  const rds = new RDSClient(config);
  const id = randomUUID().slice(0, 8);
  try {
    const images = await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'], Filters: [{ Name: 'architecture', Values: ['x86_64'] }] }));
    const baseImage = images.Images?.[0]?.ImageId ?? 'ami-12c6146b';
    const launched = await ec2.send(
      new RunInstancesCommand({
        ImageId: baseImage,
        InstanceType: 't3.micro',
        MinCount: 1,
        MaxCount: 1,
        BlockDeviceMappings: [{ DeviceName: '/dev/sdf', Ebs: { VolumeSize: 8 } }],
        TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: FIXTURE_TAG.key, Value: FIXTURE_TAG.value }, { Key: 'Name', Value: `fixture-${id}` }] }],
      }),
    );
    const instanceId = launched.Instances![0]!.InstanceId!;
    const described = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
    const instance = described.Reservations![0]!.Instances![0]!;
    const az = instance.Placement?.AvailabilityZone ?? 'us-east-1a';
    const volumes = (instance.BlockDeviceMappings ?? []).map((m) => m.Ebs?.VolumeId).filter((v): v is string => !!v);
    const dataVolume = (instance.BlockDeviceMappings ?? []).find((m) => m.DeviceName === '/dev/sdf')?.Ebs?.VolumeId ?? volumes[0]!;
    const image = await ec2.send(new CreateImageCommand({ InstanceId: instanceId, Name: `fixture-${id}` }));
    const snapshot = await ec2.send(new CreateSnapshotCommand({ VolumeId: dataVolume, Description: `fixture ${id}` }));
    const spare = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: az, Size: 4 }));
    const vpcs = await ec2.send(new DescribeVpcsCommand({}));
    const subnets = await ec2.send(new DescribeSubnetsCommand({}));
    await s3.send(new CreateBucketCommand({ Bucket: `fixture-${id}` }));
    await s3.send(new CreateBucketCommand({ Bucket: `fixture-${id}-logs` }));
    const queue = await sqs.send(new CreateQueueCommand({ QueueName: `fixture-${id}` }));
    const topic = await sns.send(new CreateTopicCommand({ Name: `Automation-fixture-${id}` }));
    const key = await kms.send(new CreateKeyCommand({ Description: `fixture ${id}` }));
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyMetadata!.KeyId!, PendingWindowInDays: 7 }));
    const activeKey = await kms.send(new CreateKeyCommand({ Description: `fixture ${id} active` }));
    const role = await iam.send(
      new CreateRoleCommand({ RoleName: `fixture-${id}`, AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [] }) }),
    );
    const stack = await cfn.send(
      new CreateStackCommand({
        StackName: `fixture-${id}`,
        TemplateBody: JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: `fixture-stack-${id}` } } } }),
      }),
    );
    const db = await rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: `fixture-${id}`,
        DBInstanceClass: 'db.t3.micro',
        Engine: 'mysql',
        MasterUsername: 'admin',
        MasterUserPassword: 'fixture-password',
        AllocatedStorage: 20,
        Tags: [{ Key: FIXTURE_TAG.key, Value: FIXTURE_TAG.value }],
      }),
    );
    return {
      Id: id,
      DbInstanceId: db.DBInstance!.DBInstanceIdentifier!,
      SecurityGroupId: instance.SecurityGroups?.[0]?.GroupId ?? '',
      InstanceId: instanceId,
      AvailabilityZone: az,
      VolumeId: dataVolume,
      SpareVolumeId: spare.VolumeId!,
      ImageId: image.ImageId!,
      BaseImageId: baseImage,
      SnapshotId: snapshot.SnapshotId!,
      BucketName: `fixture-${id}`,
      LogBucketName: `fixture-${id}-logs`,
      QueueUrl: queue.QueueUrl!,
      TopicArn: topic.TopicArn!,
      PendingDeletionKeyId: key.KeyMetadata!.KeyId!,
      KeyId: activeKey.KeyMetadata!.KeyId!,
      RoleArn: role.Role!.Arn!,
      RoleName: role.Role!.RoleName!,
      StackName: `fixture-${id}`,
      StackId: stack.StackId!,
      VpcId: vpcs.Vpcs?.[0]?.VpcId ?? '',
      SubnetId: subnets.Subnets?.[0]?.SubnetId ?? '',
      TagName: FIXTURE_TAG.key,
      TagValue: FIXTURE_TAG.value,
    };
  } finally {
    for (const c of [ec2, s3, sqs, sns, kms, iam, cfn, rds]) c.destroy();
  }
}

/** `${Name}` placeholders of a parameters value replaced by the fixtures (lists and maps too). */
export function fillFixtures(value: unknown, fixtures: Fixtures): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(fixtures, name) ? fixtures[name]! : whole));
  }
  if (Array.isArray(value)) return value.map((v) => fillFixtures(v, fixtures));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillFixtures(v, fixtures)]));
  return value;
}
