// aws:copyImage: copies an AMI from SourceRegion into the worker's region and waits until
// the copy is available; outputs ImageId and ImageState. A ClientToken derived from the
// execution, step and run (unless the runbook gives one) makes AWS return the same copy
// on a retry; the copy is also tagged like aws:createImage's and looked up first, since
// emulators ignore the token (both from ../idempotency).
import { CopyImageCommand, EC2Client } from '@aws-sdk/client-ec2';
import { heartbeat } from '@temporalio/activity';
import type { ActionRequest, ActionResult } from '../../../workflows/definitions';
import { callAws } from '../errors';
import type { ResolvedAwsDeps } from '../deps';
import { resumedDetails } from './calls';
import { clientToken, findImageId, idempotencyKey, withIdempotencyTags } from '../idempotency';
import { waitForImage } from './image-state';
import { InputReader } from './inputs';

interface Details {
  imageId: string;
}

export function createCopyImage(deps: ResolvedAwsDeps) {
  return async function copyImage(req: ActionRequest): Promise<ActionResult> {
    const input = new InputReader('aws:copyImage', req.inputs);
    const sourceRegion = input.string('SourceRegion');
    const sourceImageId = input.string('SourceImageId');
    const name = input.string('ImageName');
    const ec2 = deps.clients.get(EC2Client, req.assumeRole);

    const key = idempotencyKey(req);
    let imageId = resumedDetails<Details>().imageId ?? (await findImageId(ec2, key));
    if (!imageId) {
      const out = await callAws(`copying image ${sourceImageId} from ${sourceRegion}`, () =>
        ec2.send(
          new CopyImageCommand({
            SourceRegion: sourceRegion,
            SourceImageId: sourceImageId,
            Name: name,
            Description: input.optionalString('ImageDescription'),
            Encrypted: input.optionalBool('Encrypted'),
            KmsKeyId: input.optionalString('KmsKeyId'),
            ClientToken: input.optionalString('ClientToken') ?? clientToken(key),
            TagSpecifications: withIdempotencyTags(undefined, 'image', key),
          }),
        ),
      );
      if (!out.ImageId) throw new Error(`CopyImage of ${sourceImageId} returned no ImageId`);
      imageId = out.ImageId;
      await deps.afterSideEffect?.({ request: req, service: 'ec2', api: 'CopyImage' });
    }
    heartbeat({ imageId } satisfies Details);
    const state = await waitForImage(ec2, imageId);
    return { outputs: { ImageId: imageId, ImageState: state } };
  };
}
