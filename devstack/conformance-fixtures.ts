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
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { AddRoleToInstanceProfileCommand, CreateInstanceProfileCommand, CreateRoleCommand, GetInstanceProfileCommand, IAMClient } from '@aws-sdk/client-iam';
import { CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { CreateKeyCommand, KMSClient, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import { CreateDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import { CreateBucketCommand, PutBucketAclCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';

export type Fixtures = Record<string, string>;

/** The tag key of fixture instances and databases (the value is `ready-<id>`, one per document), for runbooks that pick them by tag. */
export const FIXTURE_TAG = 'chaos';

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
  const cloudwatch = new CloudWatchClient(config);
  const ssm = new SSMClient(config);
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
        // The root named too: given mappings, moto creates only those.
        BlockDeviceMappings: [
          { DeviceName: '/dev/sda1', Ebs: { VolumeSize: 8, DeleteOnTermination: true } },
          { DeviceName: '/dev/sdf', Ebs: { VolumeSize: 8 } },
        ],
        TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: FIXTURE_TAG, Value: `ready-${id}` }, { Key: 'Name', Value: `fixture-${id}` }] }],
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
    // S3 server access logging needs the log delivery group allowed on the target bucket.
    await s3.send(new PutBucketAclCommand({ Bucket: `fixture-${id}-logs`, GrantWrite: 'uri="http://acs.amazonaws.com/groups/s3/LogDelivery"', GrantReadACP: 'uri="http://acs.amazonaws.com/groups/s3/LogDelivery"' }));
    const queue = await sqs.send(new CreateQueueCommand({ QueueName: `fixture-${id}` }));
    const topic = await sns.send(new CreateTopicCommand({ Name: `Automation-fixture-${id}` }));
    const key = await kms.send(new CreateKeyCommand({ Description: `fixture ${id}` }));
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyMetadata!.KeyId!, PendingWindowInDays: 7 }));
    const activeKey = await kms.send(new CreateKeyCommand({ Description: `fixture ${id} active` }));
    const role = await iam.send(
      new CreateRoleCommand({ RoleName: `fixture-${id}`, AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [] }) }),
    );
    // The instance profile AWS's AMI runbooks launch with by default.
    // Shared by every document (seeded concurrently): whoever creates it first wins.
    await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: 'ManagedInstanceProfile' })).catch(async () => {
      await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'ManagedInstanceProfile' }));
      await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'ManagedInstanceProfile', RoleName: role.Role!.RoleName! }));
    }).catch(() => undefined);
    // The bucket AWS-MigrateIncidentManagerCloudWatchAlarms insists on (its name is fixed by its pattern).
    await s3.send(new CreateBucketCommand({ Bucket: 'im-migration-logs-123456789012-us-east-1' })).catch(() => undefined);
    // An alarm in state OK, for runbooks that check one before a test.
    await cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: `fixture-cpu-${id}`,
        MetricName: 'CPUUtilization',
        Namespace: 'AWS/EC2',
        Statistic: 'Average',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 90,
        ComparisonOperator: 'GreaterThanThreshold',
        Dimensions: [{ Name: 'InstanceId', Value: instanceId }],
      }),
    );
    await cloudwatch.send(new SetAlarmStateCommand({ AlarmName: `fixture-cpu-${id}`, StateValue: 'OK', StateReason: 'fixture' }));
    // A public parameter AWS's examples read (moto has only some of AWS's).
    await ssm
      .send(new PutParameterCommand({ Name: '/aws/service/ami-windows-latest/Windows_Server-2016-English-Full-Base', Type: 'String', Value: baseImage, Overwrite: true }))
      .catch(() => undefined);
    const groups = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['default'] }] }));
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
        Tags: [{ Key: FIXTURE_TAG, Value: `ready-${id}` }],
      }),
    );
    return {
      Id: id,
      DbInstanceId: db.DBInstance!.DBInstanceIdentifier!,
      SecurityGroupId: instance.SecurityGroups?.[0]?.GroupId ?? groups.SecurityGroups?.[0]?.GroupId ?? '',
      AlarmName: `fixture-cpu-${id}`,
      // The queue's URL as AWS writes it (runbooks check its form); moto finds the queue by name.
      AwsQueueUrl: `https://sqs.us-east-1.amazonaws.com/123456789012/fixture-${id}`,
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
      TagName: FIXTURE_TAG,
      TagValue: `ready-${id}`,
    };
  } finally {
    for (const c of [ec2, s3, sqs, sns, kms, iam, cfn, rds, cloudwatch, ssm]) c.destroy();
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
