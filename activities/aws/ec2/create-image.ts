// aws:createImage: an AMI from an instance, waited for until available; outputs ImageId
// and ImageState. CreateImage takes no client token, so the image is created through the
// shared idempotency module (tagged with the execution, step and run; looked for before
// creating again), and its id is heartbeated so a retry after that goes straight to waiting.
import { EC2Client, type BlockDeviceMapping } from '@aws-sdk/client-ec2';
import { heartbeat } from '@temporalio/activity';
import type { ActionRequest, ActionResult } from '../../../workflows/definitions';
import type { ResolvedAwsDeps } from '../deps';
import { resumedDetails } from './calls';
import { createImageOnce, idempotencyKey } from '../idempotency';
import { waitForImage } from './image-state';
import { InputReader } from './inputs';

interface Details {
  imageId: string;
}

export function createCreateImage(deps: ResolvedAwsDeps) {
  return async function createImage(req: ActionRequest): Promise<ActionResult> {
    const input = new InputReader('aws:createImage', req.inputs);
    const instanceId = input.string('InstanceId');
    const name = input.string('ImageName');
    const description = input.optionalString('ImageDescription');
    const noReboot = input.optionalBool('NoReboot');
    // AWS documents a map; the API takes a list of mappings: accept both.
    const mappings = input.optionalMapList('BlockDeviceMappings') as BlockDeviceMapping[] | undefined;
    const ec2 = deps.clients.get(EC2Client, req.assumeRole);

    let imageId = resumedDetails<Details>().imageId;
    if (!imageId) {
      const { output, created } = await createImageOnce(ec2, idempotencyKey(req), {
        InstanceId: instanceId,
        Name: name,
        Description: description,
        NoReboot: noReboot,
        BlockDeviceMappings: mappings,
      });
      if (!output.ImageId) throw new Error(`CreateImage for ${instanceId} returned no ImageId`);
      imageId = output.ImageId;
      if (created) await deps.afterSideEffect?.({ request: req, service: 'ec2', api: 'CreateImage' });
    }
    heartbeat({ imageId } satisfies Details);
    const state = await waitForImage(ec2, imageId);
    return { outputs: { ImageId: imageId, ImageState: state } };
  };
}
