// aws:deleteImage: deregisters an AMI and deletes the EBS snapshots behind it, as AWS's
// action does. An image or snapshot that is already gone counts as deleted, so a retry
// after a crash between the two finishes the job: the snapshot ids are heartbeated before
// the image is deregistered (afterwards DescribeImages no longer names them).
import { DeleteSnapshotCommand, DeregisterImageCommand, DescribeImagesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { heartbeat } from '@temporalio/activity';
import type { ActionRequest, ActionResult } from '../../../workflows/definitions';
import type { ResolvedAwsDeps } from '../deps';
import { callAwsUnless, resumedDetails } from './calls';
import { InputReader } from './inputs';

const IMAGE_GONE = ['InvalidAMIID.NotFound', 'InvalidAMIID.Unavailable'];
const SNAPSHOT_GONE = ['InvalidSnapshot.NotFound'];

interface Details {
  snapshotIds: string[];
}

export function createDeleteImage(deps: ResolvedAwsDeps) {
  return async function deleteImage(req: ActionRequest): Promise<ActionResult> {
    const imageId = new InputReader('aws:deleteImage', req.inputs).string('ImageId');
    const ec2 = deps.clients.get(EC2Client, req.assumeRole);

    let snapshotIds = resumedDetails<Details>().snapshotIds;
    if (!snapshotIds) {
      const out = await callAwsUnless(`describing image ${imageId}`, IMAGE_GONE, () => ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] })));
      const image = out?.Images?.find((i) => i.ImageId === imageId);
      snapshotIds = (image?.BlockDeviceMappings ?? []).flatMap((m) => (m.Ebs?.SnapshotId ? [m.Ebs.SnapshotId] : []));
      heartbeat({ snapshotIds } satisfies Details);
      if (image) {
        await callAwsUnless(`deregistering image ${imageId}`, IMAGE_GONE, () => ec2.send(new DeregisterImageCommand({ ImageId: imageId })));
        await deps.afterSideEffect?.({ request: req, service: 'ec2', api: 'DeregisterImage' });
      }
    } else {
      await callAwsUnless(`deregistering image ${imageId}`, IMAGE_GONE, () => ec2.send(new DeregisterImageCommand({ ImageId: imageId })));
    }
    for (const snapshotId of snapshotIds) {
      await callAwsUnless(`deleting snapshot ${snapshotId} of image ${imageId}`, SNAPSHOT_GONE, () =>
        ec2.send(new DeleteSnapshotCommand({ SnapshotId: snapshotId })),
      );
    }
    return { outputs: {} };
  };
}
