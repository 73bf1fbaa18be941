import { startMoto } from './devstack/moto.ts';
import { seedFixtures } from './devstack/conformance-fixtures.ts';
import { EC2Client, DescribeInstancesCommand, DescribeVolumesCommand } from '@aws-sdk/client-ec2';
const moto = await startMoto({ logFile: '/tmp/probe-moto.log' });
try {
  const f = await seedFixtures(moto.endpoint);
  const ec2 = new EC2Client({ endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  const i = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [f.InstanceId] }))).Reservations[0].Instances[0];
  console.log(i.RootDeviceName, JSON.stringify(i.BlockDeviceMappings));
  const v = await ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: [f.InstanceId] }] }));
  console.log(JSON.stringify(v.Volumes.map((x) => x.Attachments)));
} finally { await moto.stop(); }
