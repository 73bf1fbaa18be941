// Durable means durable: SIGKILL the worker while a step runs, start another, and the
// execution finishes with no earlier step run again. Twice: once inside an activity (the
// script is killed with its worker and runs again on the new one), once inside a timer.
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inject } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { DroverClient } from '../../client';
import { FIXTURE_RUNBOOKS, REPO_RUNBOOKS, uniqueQueue } from '../helpers/env';
import { droverEnv, spawnUntilReady, startWorkerProcess, type WorkerProcess } from '../helpers/processes';
import { until } from '../helpers/wait';
import { amazonImageId, launchInstances } from '../helpers/aws';
import { fileURLToPath } from 'node:url';
import { DescribeImagesCommand } from '@aws-sdk/client-ec2';
import { sandboxEc2 } from '../../devstack/sandbox';

const PAUSED_WORKER = fileURLToPath(new URL('../helpers/paused-worker.ts', import.meta.url));
import type { ExecutionState } from '../../workflows/definitions';

let connection: Connection;
let client: DroverClient;
const taskQueue = uniqueQueue('durable');
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  connection = await Connection.connect({ address: inject('temporalAddress') });
  client = new DroverClient(new Client({ connection }), { taskQueue, runbookDirs: [FIXTURE_RUNBOOKS] });
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.kill('SIGKILL')));
  await connection?.close();
});

function stepStatus(s: ExecutionState, name: string): string | undefined {
  return s.steps.find((r) => r.name === name)?.status;
}

it('survives SIGKILL of the worker in an activity and in a timer, re-running no finished step', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'drover-durable-'));
  const journal = join(dir, 'journal');
  const go = join(dir, 'go');
  const dirs = [REPO_RUNBOOKS, FIXTURE_RUNBOOKS];
  const lines = () => (existsSync(journal) ? readFileSync(journal, 'utf8').trim().split('\n') : []);

  workers.push(await startWorkerProcess(taskQueue, dirs));
  const { executionId } = await client.start('durable', { parameters: { Journal: journal, GoFile: go } });
  await until('the blocking step to start', async () => (lines().includes('blockUntilGo-start') ? true : undefined));

  // 1. Kill the worker in the middle of an activity; its script dies with it.
  await workers[0]!.kill('SIGKILL');
  workers.push(await startWorkerProcess(taskQueue, dirs));
  // The attempt is retried on the new worker once its heartbeat is missed.
  await until('the blocking step to run again', async () => (lines().filter((l) => l === 'blockUntilGo-start').length === 2 ? true : undefined));
  writeFileSync(go, 'go');

  // 2. Kill it again while the execution sleeps (a durable timer).
  await until('the nap step', async () => ((await client.state(executionId)).steps.some((r) => r.name === 'nap' && r.status === 'InProgress') ? true : undefined));
  await workers[1]!.kill('SIGKILL');
  workers.push(await startWorkerProcess(taskQueue, dirs));

  const result = await client.result(executionId);
  expect(result.status).toBe('Success');
  expect(result.outputs['last.Waited']).toBe(true);
  expect(lines()).toEqual(['first', 'blockUntilGo-start', 'blockUntilGo-start', 'blockUntilGo-end', 'last']);
  const state = await client.state(executionId);
  expect(['first', 'blockUntilGo', 'nap', 'last'].map((n) => stepStatus(state, n))).toEqual(['Success', 'Success', 'Success', 'Success']);
  expect(state.steps.find((r) => r.name === 'first')?.runs).toBe(1);
}, 180_000);

it('an AWS side effect happens once when the worker is SIGKILLed right after the call reached AWS', async () => {
  const ec2 = sandboxEc2(inject('motoEndpoint'));
  try {
    const instanceId = (await launchInstances(ec2, { imageId: await amazonImageId(ec2), instanceType: 't3.micro' }))[0]!;
    const dir = mkdtempSync(join(tmpdir(), 'drover-durable-aws-'));
    const paused = join(dir, 'paused');
    const queue = uniqueQueue('durable-aws');
    const awsClient = new DroverClient(new Client({ connection }), { taskQueue: queue, runbookDirs: [FIXTURE_RUNBOOKS] });

    const pausedWorker = await spawnUntilReady(
      'paused worker',
      ['--import', 'tsx', PAUSED_WORKER],
      { ...droverEnv(queue), DROVER_RUNBOOKS: FIXTURE_RUNBOOKS, PAUSE_AFTER_API: 'CreateImage', PAUSED_FILE: paused },
      /polling task queue/,
    );
    workers.push(pausedWorker);
    const imageName = `durable-${Date.now()}`;
    const { executionId } = await awsClient.start('ec2-durable-image', { parameters: { InstanceId: instanceId, ImageName: imageName } });
    await until('CreateImage to reach AWS', async () => (existsSync(paused) ? true : undefined), 90_000);
    await pausedWorker.kill('SIGKILL');

    workers.push(await startWorkerProcess(queue, [FIXTURE_RUNBOOKS]));
    const result = await awsClient.result(executionId);
    expect(result.status).toBe('Success');
    const created = await ec2.send(new DescribeImagesCommand({ Filters: [{ Name: 'tag:drover:execution', Values: [executionId] }] }));
    expect(created.Images?.map((i) => i.ImageId)).toEqual([result.outputs['createImage.ImageId']]);
    expect(created.Images?.[0]?.Name).toBe(imageName);
    expect(created.Images?.[0]?.Tags).toEqual(expect.arrayContaining([{ Key: 'checked', Value: 'yes' }]));
    // The first attempt died with its worker; the second found the image instead of making another.
    const history = await awsClient.handle(executionId).fetchHistory();
    const starts = (history.events ?? []).filter((e) => e.activityTaskStartedEventAttributes);
    expect(starts.some((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1)).toBe(true);
  } finally {
    ec2.destroy();
  }
}, 180_000);
