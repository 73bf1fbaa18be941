// Durable means durable: SIGKILL the worker while a remediation's runbook runs, start another,
// and the remediation ends SUCCEEDED with one attempt and one execution: nothing lost,
// nothing started twice.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { DroverClient } from '../../client';
import { RemediationClient } from '../../client/events/remediations';
import { FIXTURE_RUNBOOKS, REPO_RUNBOOKS, uniqueQueue } from '../helpers/env';
import { complianceChange, remediationOf, routerFor } from '../helpers/events';
import { startWorkerProcess, type WorkerProcess } from '../helpers/processes';
import { eventually, until } from '../helpers/wait';

const taskQueue = uniqueQueue('remediation-durable');
const dirs = [REPO_RUNBOOKS, FIXTURE_RUNBOOKS];
const workers: WorkerProcess[] = [];
let connection: Connection;
let client: DroverClient;

beforeAll(async () => {
  connection = await Connection.connect({ address: inject('temporalAddress') });
  client = new DroverClient(new Client({ connection }), { taskQueue, runbookDirs: dirs });
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.kill('SIGKILL')));
  await connection?.close();
});

it('a worker killed in the middle of a remediation loses nothing and starts nothing twice', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'drover-remediation-durable-'));
  const journal = join(dir, 'journal');
  const go = join(dir, 'go');
  const lines = () => (existsSync(journal) ? readFileSync(journal, 'utf8').trim().split('\n') : []);
  const config = remediationOf(`ConfigRuleName: durable-${randomUUID().slice(0, 8)}
TargetType: SSM_DOCUMENT
TargetId: remediation-journal
Automatic: true
Parameters:
  InstanceIds: { ResourceValue: { Value: RESOURCE_ID } }
  Journal: { StaticValue: { Values: ['${journal}'] } }
  GoFile: { StaticValue: { Values: ['${go}'] } }
`);
  const router = routerFor({ client, taskQueue }, [], [config]);
  const remediations = new RemediationClient(client.client, { taskQueue, remediations: [config] });
  const resource = 'i-0d0d0d0d0d0d0d0d0';

  workers.push(await startWorkerProcess(taskQueue, dirs));
  await router.deliver(complianceChange(config.configRuleName, resource, 'NON_COMPLIANT'), { via: 'sqs' });
  await until('the runbook to start remediating', async () => (lines().includes(`start ${resource}`) ? true : undefined), 90_000);
  expect((await remediations.status(config.configRuleName, resource)).state).toBe('IN_PROGRESS');

  await workers[0]!.kill('SIGKILL');
  // The change delivered again while no worker runs: taken once.
  await router.deliver(complianceChange(config.configRuleName, resource, 'NON_COMPLIANT'), { via: 'sqs' });
  workers.push(await startWorkerProcess(taskQueue, dirs));
  // The script's activity is retried on the new worker once its heartbeat is missed.
  await until('the step to run again', async () => (lines().filter((l) => l.startsWith('start')).length === 2 ? true : undefined), 120_000);
  writeFileSync(go, 'go');

  const done = await eventually('SUCCEEDED', () => remediations.status(config.configRuleName, resource), (s) => s.state === 'SUCCEEDED', 120_000);
  expect(done.totalAttempts).toBe(1);
  expect(done.attempts).toEqual([expect.objectContaining({ attempt: 1, state: 'SUCCEEDED', executionId: `remediation-journal/remediation:${config.configRuleName}:${resource}:1` })]);
  expect(lines()).toEqual([`start ${resource}`, `start ${resource}`, 'end']);
  expect((await client.result(done.attempts[0]!.executionId!)).status).toBe('Success');
  const children = (await client.client.workflow.getHandle(`drover-remediation/${config.configRuleName}/${resource}`).fetchHistory()).events!.filter((e) => e.startChildWorkflowExecutionInitiatedEventAttributes);
  expect(children).toHaveLength(1);
}, 300_000);
