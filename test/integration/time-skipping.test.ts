// Whole runbooks in Temporal's time-skipping test server: days of waiting pass in
// seconds, so long sleeps and approval timeouts are tested as they are written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { DroverClient } from '../../client';
import { createActivities } from '../../activities';
import { findTool } from '../../devstack/tools';
import { FIXTURE_RUNBOOKS, quietRuntime, REPO_RUNBOOKS, uniqueQueue } from '../helpers/env';
import { waitForState } from '../helpers/wait';
import { step } from '../helpers/plans';

let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
let client: DroverClient;

beforeAll(async () => {
  quietRuntime();
  env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: findTool('temporal-test-server') } },
  });
  const taskQueue = uniqueQueue('time-skipping');
  const runbookDirs = [REPO_RUNBOOKS, FIXTURE_RUNBOOKS];
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    activities: createActivities({ runbookDirs }),
  });
  running = worker.run();
  // The time-skipping server cannot register search attributes, so these executions are not indexed.
  client = new DroverClient(env.client, { taskQueue, runbookDirs, searchAttributes: false });
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
});

describe('time-skipping', () => {
  it('sleeps three days', async () => {
    const started = Date.now();
    const { executionId } = await client.start('long-sleep');
    const result = await client.result(executionId);
    expect(result.status).toBe('Success');
    const sleep = step(result.steps, 'waitThreeDays');
    const slept = Date.parse(sleep.endTime!) - Date.parse(sleep.startTime!);
    expect(slept).toBeGreaterThanOrEqual(3 * 86_400_000);
    expect(slept).toBeLessThan(3 * 86_400_000 + 60_000);
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it('an approval nobody answers times out after a day and takes the onFailure path', async () => {
    const { executionId } = await client.start('approval-timeout');
    const result = await client.result(executionId);
    const ask = step(result.steps, 'askForApproval');
    expect(ask.status).toBe('TimedOut');
    expect(Date.parse(ask.endTime!) - Date.parse(ask.startTime!)).toBeGreaterThanOrEqual(86_400_000);
    expect(step(result.steps, 'proceed').status).toBe('Pending');
    expect(result.outputs['escalate.Message']).toBe('nobody decided: Waiting');
    // isCritical: 'false' (a string, as AWS's documents write it): the timeout does not fail the run.
    expect(result.status).toBe('Success');
  });

  it('a do-while loop is left through a branch to an outer step', async () => {
    const { executionId } = await client.start('loop-break');
    const result = await client.result(executionId);
    expect(result.status).toBe('Success');
    expect(result.outputs['done.Message']).toBe('left the loop at iteration 3 with Count=3');
    expect(step(result.steps, 'wait').runs).toBe(2);
    expect(step(result.steps, 'unreachedAfterLoop').status).toBe('Pending');
  });

  it('onFailure step:X recovers and the runbook goes on', async () => {
    const { executionId } = await client.start('retries', { parameters: { CounterFile: `/tmp/drover-ts-${Date.now()}` } });
    const result = await client.result(executionId);
    expect(step(result.steps, 'recover').status).toBe('Success');
    expect(step(result.steps, 'skipped').status).toBe('Pending');
  });

  it('cancelling a six-hour step runs its clean-up', async () => {
    const { executionId } = await client.start('cancel-cleanup');
    // Time does not skip while nobody awaits the result, so the six hours wait for us.
    await waitForState(client, executionId, (s) => step(s.steps, 'longWork').status === 'InProgress');
    await client.cancel(executionId);
    const result = await client.result(executionId);
    expect(result.status).toBe('Cancelled');
    expect(result.outputs['cleanUp.Message']).toBe('cleaned up after preparing');
  });
});
