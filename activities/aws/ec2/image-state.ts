// Waiting until an AMI is available (aws:createImage, aws:copyImage).
import { DescribeImagesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { callAwsUnless } from './calls';
import { pollUntil, type PollResult } from './poll';

/** States an image never leaves for `available`. */
const FAILED_STATES = ['failed', 'invalid', 'error', 'deregistered', 'disabled'];

async function imageState(ec2: EC2Client, imageId: string): Promise<PollResult<string>> {
  // Just after CreateImage, AWS may not list the new image yet (eventual consistency).
  const out = await callAwsUnless(`describing image ${imageId}`, ['InvalidAMIID.NotFound'], () =>
    ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] })),
  );
  const image = out?.Images?.[0];
  if (!image) return { done: false, status: `${imageId} not listed yet` };
  const state = image.State ?? 'unknown';
  if (state === 'available') return { done: true, value: state };
  if (FAILED_STATES.includes(state)) {
    const reason = image.StateReason?.Message ? `: ${image.StateReason.Message}` : '';
    return { failed: `image ${imageId} is ${state}${reason}` };
  }
  return { done: false, status: `${imageId} ${state}` };
}

/** Polls until the image is available; returns its state. */
export function waitForImage(ec2: EC2Client, imageId: string): Promise<string> {
  return pollUntil(() => imageState(ec2, imageId), { imageId });
}

