// Durable means durable, for a maintenance window too: SIGKILL the worker while a window's
// first task runs on real agents, start another worker, and the window finishes — its
// running command completes, the next priority runs — with every command run exactly once
// on every node (journaled by the nodes' shells).
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inject } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { WindowsClient } from '../../client/windows';
import { loadWindowText } from '../../compiler/window/load';
import { FIXTURE_RUNBOOKS, REPO_RUNBOOKS, uniqueQueue } from '../helpers/env';
import { startWorkerProcess, type WorkerProcess } from '../helpers/processes';
import { startAgentProcess, type AgentProcess } from '../helpers/agents';
import { waitForRegistered } from '../helpers/registry';
import { until } from '../helpers/wait';

const run = randomUUID().slice(0, 6);
const taskQueue = uniqueQueue('windows-durable');
const dirs = [REPO_RUNBOOKS, FIXTURE_RUNBOOKS];
let connection: Connection;
let temporal: Client;
const workers: WorkerProcess[] = [];
const agents: AgentProcess[] = [];

beforeAll(async () => {
  connection = await Connection.connect({ address: inject('temporalAddress') });
  temporal = new Client({ connection });
  workers.push(await startWorkerProcess(taskQueue, dirs));
  agents.push(...(await Promise.all(['a', 'b'].map((n) => startAgentProcess({ nodeId: `mw-durable-${run}-${n}`, tags: { durable: run }, registryQueue: taskQueue, heartbeatSeconds: 5 })))));
  await waitForRegistered(temporal, { durable: run }, 2);
}, 240_000);

afterAll(async () => {
  await Promise.all([...workers, ...agents].map((p) => p.kill('SIGKILL')));
  await connection?.close();
});

it('a window finishes after SIGKILL of its worker mid-task, nothing run twice', async () => {
  const journal = join(mkdtempSync(join(tmpdir(), 'drover-window-durable-')), 'journal');
  const line = (label: string, what: string) => `echo "$AWS_SSM_INSTANCE_ID ${label} ${what}" >> ${journal}`;
  const { plan, diagnostics } = await loadWindowText(
    `Name: durable-${run}
Schedule: cron(0 3 1 1 ? 2099)
Duration: 2
Cutoff: 1
Targets:
  - Name: nodes
    Targets: [{ Key: 'tag:durable', Values: ['${run}'] }]
Tasks:
  - Name: slow
    TaskType: RUN_COMMAND
    TaskArn: AWS-RunShellScript
    Priority: 1
    Targets: [{ Key: WindowTargetIds, Values: [nodes] }]
    MaxConcurrency: '2'
    MaxErrors: '0'
    TaskInvocationParameters:
      RunCommand:
        Parameters:
          commands: ${JSON.stringify([line('slow', 'start'), 'sleep 8', line('slow', 'end')])}
  - Name: after
    TaskType: RUN_COMMAND
    TaskArn: AWS-RunShellScript
    Priority: 2
    Targets: [{ Key: WindowTargetIds, Values: [nodes] }]
    MaxConcurrency: '2'
    MaxErrors: '0'
    TaskInvocationParameters:
      RunCommand:
        Parameters:
          commands: ${JSON.stringify([line('after', 'ran')])}
`,
    'durable.yaml',
  );
  expect(diagnostics).toEqual([]);
  const windows = new WindowsClient(temporal, { taskQueue });
  const lines = () => (existsSync(journal) ? readFileSync(journal, 'utf8').trim().split('\n').sort() : []);
  const { workflowId } = await windows.start(plan!, { trigger: 'test' });
  await until('both nodes to start the slow task', async () => (lines().filter((l) => l.endsWith('slow start')).length === 2 ? true : undefined), 90_000);

  await workers[0]!.kill('SIGKILL');
  workers.push(await startWorkerProcess(taskQueue, dirs));

  const s = await windows.result(workflowId);
  expect([s.status, ...s.tasks.map((t) => t.status)]).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
  const nodes = [`mw-durable-${run}-a`, `mw-durable-${run}-b`];
  expect(lines()).toEqual(nodes.flatMap((n) => [`${n} after ran`, `${n} slow end`, `${n} slow start`]).sort());
  // The worker's crash cost the window its cached state, not its work: the window's history holds one command per task.
  const history = await temporal.workflow.getHandle(workflowId).fetchHistory();
  const children = (history.events ?? []).filter((e) => e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowType?.name === 'drover:runCommand');
  expect(children).toHaveLength(2);
}, 240_000);
