// Seeds the sandbox AWS (moto) with a small demo fleet, so the shipped runbooks have
// something to act on: tagged instances, each with a data volume besides its root.
import { EC2Client, DescribeImagesCommand, RunInstancesCommand, DescribeInstancesCommand, type Tag } from '@aws-sdk/client-ec2';

export interface DemoInstance {
  name: string;
  role: string;
  environment: string;
  /** More tags (web-2 restarts itself when it stops: rules/ec2-stopped-autorestart.yaml). */
  tags?: Record<string, string>;
}

export const DEMO_FLEET: readonly DemoInstance[] = [
  { name: 'web-1', role: 'web', environment: 'dev' },
  { name: 'web-2', role: 'web', environment: 'dev', tags: { AutoRestart: 'true' } },
  { name: 'db-1', role: 'db', environment: 'dev' },
];

export function sandboxEc2(endpoint: string): EC2Client {
  return new EC2Client({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    maxAttempts: 2,
  });
}

/** Launches the demo fleet unless instances tagged drover:demo already exist; returns their ids. */
export async function seedSandbox(endpoint: string): Promise<string[]> {
  const ec2 = sandboxEc2(endpoint);
  try {
    const existing = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:drover:demo', Values: ['true'] }] }));
    const have = (existing.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId!);
    if (have.length > 0) return have;
    const images = await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'], Filters: [{ Name: 'architecture', Values: ['x86_64'] }] }));
    const imageId = images.Images?.[0]?.ImageId ?? 'ami-12c6146b';
    const ids: string[] = [];
    for (const m of DEMO_FLEET) {
      const tags: Tag[] = [
        { Key: 'Name', Value: m.name },
        { Key: 'role', Value: m.role },
        { Key: 'Environment', Value: m.environment },
        { Key: 'drover:demo', Value: 'true' },
        ...Object.entries(m.tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
      ];
      const r = await ec2.send(
        new RunInstancesCommand({
          ImageId: imageId,
          InstanceType: 't3.micro',
          MinCount: 1,
          MaxCount: 1,
          ClientToken: `drover-demo-${m.name}`,
          BlockDeviceMappings: [{ DeviceName: '/dev/sdf', Ebs: { VolumeSize: 8, VolumeType: 'gp3' } }],
          TagSpecifications: [{ ResourceType: 'instance', Tags: tags }],
        }),
      );
      ids.push(...(r.Instances ?? []).map((i) => i.InstanceId!));
    }
    return ids;
  } finally {
    ec2.destroy();
  }
}
