// AWS resources that tests make for themselves in the shared moto: instances tagged so that
// nothing else matches them, and an SNS topic with an SQS queue subscribed to read back what
// was published. Clients come from the caller (pointed at moto by useSandboxAws()).
import { DescribeImagesCommand, RunInstancesCommand, type _InstanceType, type EC2Client, type Tag } from '@aws-sdk/client-ec2';
import { CreateTopicCommand, SubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** An Amazon-owned x86_64 image of moto's. */
export async function amazonImageId(ec2: EC2Client): Promise<string> {
  const images = await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'], Filters: [{ Name: 'architecture', Values: ['x86_64'] }] }));
  return images.Images![0]!.ImageId!;
}

/** Launches `count` instances (default 1) with `tags`; returns their ids in launch order. */
export async function launchInstances(
  ec2: EC2Client,
  opts: {
    /** Tag them so that nothing else (moto is shared) matches them. */
    tags?: Record<string, string> | Tag[];
    count?: number;
    /** Default moto's ami-12c6146b. */
    imageId?: string;
    /** Default EC2's own (moto: m1.small). */
    instanceType?: _InstanceType;
    /** An 8 GiB EBS data volume on /dev/sdf besides the root. */
    dataVolume?: boolean;
  },
): Promise<string[]> {
  const count = opts.count ?? 1;
  const tags = !opts.tags || Array.isArray(opts.tags) ? opts.tags : Object.entries(opts.tags).map(([Key, Value]) => ({ Key, Value }));
  const out = await ec2.send(
    new RunInstancesCommand({
      ImageId: opts.imageId ?? 'ami-12c6146b',
      ...(opts.instanceType ? { InstanceType: opts.instanceType } : {}),
      MinCount: count,
      MaxCount: count,
      ...(opts.dataVolume ? { BlockDeviceMappings: [{ DeviceName: '/dev/sdf', Ebs: { VolumeSize: 8 } }] } : {}),
      ...(tags ? { TagSpecifications: [{ ResourceType: 'instance' as const, Tags: tags }] } : {}),
    }),
  );
  return (out.Instances ?? []).map((i) => i.InstanceId!);
}

/** `Key → Value` of an AWS tag list. */
export function tagsOf(tags: { Key?: string; Value?: string }[] | undefined): Record<string, string | undefined> {
  return Object.fromEntries((tags ?? []).map((t) => [t.Key, t.Value]));
}

/**
 * A topic named `name` with a queue of the same name subscribed to it. With `raw` the
 * queue receives the published message itself; without, SNS's envelope (Subject, Message).
 */
export async function subscribedQueue(sns: SNSClient, sqs: SQSClient, name: string, opts: { raw: boolean }): Promise<{ topicArn: string; queueUrl: string }> {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name }));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  await sns.send(
    new SubscribeCommand({
      TopicArn,
      Protocol: 'sqs',
      Endpoint: attrs.Attributes!.QueueArn,
      ...(opts.raw ? { Attributes: { RawMessageDelivery: 'true' } } : {}),
    }),
  );
  return { topicArn: TopicArn!, queueUrl: QueueUrl! };
}
