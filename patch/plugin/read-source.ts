// Reads what AWS-RunPatchBaseline's URL parameters point at (InstallOverrideList,
// BaselineOverride): `s3://bucket/key` (through the node's AWS credentials), `https://…`,
// `file://…` or a plain absolute path on the node.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { AwsClients } from '../../activities/aws/clients';

const MAX_BYTES = 1024 * 1024;

export async function readSource(location: string, aws?: AwsClients): Promise<string> {
  const s3 = /^s3:\/\/([^/]+)\/(.+)$/.exec(location);
  if (s3) {
    if (!aws) throw new Error(`cannot read ${location}: this node has no AWS access configured`);
    const out = await aws.get(S3Client).send(new GetObjectCommand({ Bucket: s3[1], Key: s3[2] }));
    const text = (await out.Body?.transformToString('utf8')) ?? '';
    return limit(location, text);
  }
  if (/^https:\/\//.test(location)) {
    const response = await fetch(location, { signal: AbortSignal.timeout(30_000) });
    if (!response.ok) throw new Error(`cannot read ${location}: HTTP ${response.status}`);
    return limit(location, await response.text());
  }
  const path = location.startsWith('file://') ? fileURLToPath(location) : location;
  if (!path.startsWith('/')) throw new Error(`${location} is not an s3://, https:// or file:// URL, nor an absolute path`);
  return limit(location, await readFile(path, 'utf8'));
}

function limit(location: string, text: string): string {
  if (Buffer.byteLength(text) > MAX_BYTES) throw new Error(`${location} is larger than 1 MiB`);
  return text;
}
