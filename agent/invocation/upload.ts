// The whole output of a plugin, where the command asked for it: S3 (OutputS3BucketName and
// OutputS3KeyPrefix, keys laid out as SSM lays them out:
// `<prefix>/<commandId>/<nodeId>/awsrunShellScript/<step>/stdout`) and CloudWatch Logs
// (CloudWatchOutputConfig: group `/aws/ssm/<document>` unless named, stream
// `<commandId>/<nodeId>/<step>/stdout`). Through AwsClients and callAws like every other
// AWS call. A failed upload never changes the command's status (as in SSM); it is reported
// in stderr instead.
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
  type InputLogEvent,
} from '@aws-sdk/client-cloudwatch-logs';
import type { AwsClients } from '../../activities/aws/clients';
import { callAws } from '../../activities/aws/errors';
import { pluginPathName } from '../../lang/command-plugins';
import type { OutputDestination } from '../protocol';

export interface PluginOutputFiles {
  /** The step name (2.x) or the plugin name (1.2). */
  name: string;
  action: string;
  /** 1.2: the property id, which names the folder instead of the step. */
  id?: string;
  stdoutPath: string;
  stderrPath: string;
}

export interface UploadedOutput {
  stdoutUrl?: string;
  stderrUrl?: string;
  problems: string[];
}

/** Where a plugin's stream goes in S3 (without the bucket). */
export function s3OutputKey(prefix: string | undefined, commandId: string, nodeId: string, plugin: Pick<PluginOutputFiles, 'name' | 'action' | 'id'>, stream: 'stdout' | 'stderr'): string {
  const folder = pluginPathName(plugin.id ?? plugin.name);
  return [prefix?.replace(/^\/+|\/+$/g, ''), commandId, nodeId, pluginPathName(plugin.action), folder, stream].filter(Boolean).join('/');
}

export function logStreamName(commandId: string, nodeId: string, plugin: Pick<PluginOutputFiles, 'name' | 'id'>, stream: 'stdout' | 'stderr'): string {
  return `${commandId}/${nodeId}/${pluginPathName(plugin.id ?? plugin.name)}/${stream}`;
}

const size = async (path: string): Promise<number> => (await stat(path).catch(() => undefined))?.size ?? 0;

export async function uploadOutput(
  clients: AwsClients,
  dest: OutputDestination,
  who: { commandId: string; nodeId: string; documentName: string },
  plugin: PluginOutputFiles,
): Promise<UploadedOutput> {
  const result: UploadedOutput = { problems: [] };
  const streams = [
    ['stdout', plugin.stdoutPath],
    ['stderr', plugin.stderrPath],
  ] as const;
  if (dest.outputS3BucketName) {
    const bucket = dest.outputS3BucketName;
    const s3 = clients.get(S3Client);
    for (const [stream, path] of streams) {
      const length = await size(path);
      if (length === 0) continue;
      const key = s3OutputKey(dest.outputS3KeyPrefix, who.commandId, who.nodeId, plugin, stream);
      try {
        await callAws(`writing ${stream} to s3://${bucket}/${key}`, () =>
          s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: createReadStream(path), ContentLength: length, ContentType: 'text/plain; charset=utf-8' })),
        );
        result[stream === 'stdout' ? 'stdoutUrl' : 'stderrUrl'] = `s3://${bucket}/${key}`;
      } catch (e) {
        result.problems.push((e as Error).message);
      }
    }
  }
  const cw = dest.cloudWatchOutputConfig;
  if (cw?.CloudWatchOutputEnabled === true) {
    const group = cw.CloudWatchLogGroupName || `/aws/ssm/${who.documentName}`;
    const logs = clients.get(CloudWatchLogsClient);
    try {
      await callAws(`creating log group ${group}`, () => logs.send(new CreateLogGroupCommand({ logGroupName: group }))).catch(ignoreExists);
      for (const [stream, path] of streams) {
        if ((await size(path)) === 0) continue;
        const name = logStreamName(who.commandId, who.nodeId, plugin, stream);
        await callAws(`creating log stream ${name}`, () => logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: name }))).catch(ignoreExists);
        for (const batch of logBatches(await readFile(path, 'utf8'))) {
          await callAws(`writing ${stream} to CloudWatch Logs ${group}`, () => logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: name, logEvents: batch })));
        }
        const url = `cloudwatch-logs://${group}/${name}`;
        if (stream === 'stdout') result.stdoutUrl ??= url;
        else result.stderrUrl ??= url;
      }
    } catch (e) {
      result.problems.push((e as Error).message);
    }
  }
  return result;
}

function ignoreExists(e: unknown): void {
  if (!/ResourceAlreadyExists/.test(String((e as Error).message))) throw e;
}

// CloudWatch Logs: an event holds at most 256 KB, a batch 1 MB and 10,000 events.
const EVENT_CHARS = 64 * 1024;
const BATCH_BYTES = 900 * 1024;
const BATCH_EVENTS = 10_000;

/** The text as log events (by lines, long lines split), in batches PutLogEvents accepts. */
export function logBatches(text: string, now = Date.now()): InputLogEvent[][] {
  const events: InputLogEvent[] = [];
  for (const line of text.replace(/\n$/, '').split('\n')) {
    for (let i = 0; i === 0 || i < line.length; i += EVENT_CHARS) events.push({ timestamp: now, message: line.slice(i, i + EVENT_CHARS) || ' ' });
  }
  const batches: InputLogEvent[][] = [];
  let batch: InputLogEvent[] = [];
  let bytes = 0;
  for (const event of events) {
    const b = Buffer.byteLength(event.message!) + 26;
    if (batch.length && (bytes + b > BATCH_BYTES || batch.length >= BATCH_EVENTS)) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(event);
    bytes += b;
  }
  if (batch.length) batches.push(batch);
  return batches;
}
