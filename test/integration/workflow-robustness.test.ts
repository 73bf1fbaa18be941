// What a workflow does with input it did not expect, and with cancellation on every path.
// In the TypeScript SDK a handler or workflow that throws a plain Error fails the workflow
// *task*, which Temporal retries for ever: the execution hangs. Anyone who can reach
// Temporal can signal or update a workflow, so a malformed payload must be refused or
// ignored, and a bug must end the execution with a message. Real worker, real dev server.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { NativeConnection } from '@temporalio/worker';
import { createDroverWorker } from '../../worker';
import { resumeUpdate, type ExecutionResult, type ExecutionState } from '../../workflows/definitions';
import { NODE_WORKFLOW_TYPE, nodeRegistrationQuery, nodeWorkflowId, registerNodeSignal, type NodeRegistration } from '../../workflows/node-contract';
import { PATCH_STATE_WORKFLOW_TYPE, patchStateQuery, patchStateSignal, patchStateWorkflowId } from '../../workflows/patch-state-contract';
import {
  commandStatusQuery,
  INVOCATION_WORKFLOW,
  invocationDoneSignal,
  RUN_COMMAND_WORKFLOW,
  type InvocationRecord,
  type RunCommandInput,
} from '../../workflows/run-command/contract';
import { FIXTURE_RUNBOOKS, REPO_RUNBOOKS, startStack, uniqueQueue, type TestStack } from '../helpers/env';
import { patchRecord } from '../helpers/patch-state';
import { CANCEL_LEAVES_LOOP, compilePlan, step } from '../helpers/plans';
import { eventually, waitForState, within } from '../helpers/wait';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ prefix: 'robust' });
});
afterAll(async () => {
  await stack?.stop();
});

const temporal = () => stack.client.client;

/** A workflow task that failed is the symptom: the execution is stuck retrying it. */
async function failedTasks(handle: WorkflowHandle): Promise<string[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).filter((e) => e.workflowTaskFailedEventAttributes).map((e) => e.workflowTaskFailedEventAttributes?.failure?.message ?? '?');
}

/** A Drover worker on a task queue of the test's choosing, stopped by the returned function. */
async function workerOn(taskQueue: string): Promise<() => Promise<void>> {
  const connection = await NativeConnection.connect({ address: inject('temporalAddress') });
  const { worker } = await createDroverWorker({
    connection,
    namespace: 'default',
    taskQueue,
    runbookDirs: [REPO_RUNBOOKS, FIXTURE_RUNBOOKS],
    workflowBundlePath: inject('workflowBundlePath'),
  });
  const running = worker.run();
  return async () => {
    worker.shutdown();
    await running;
    await connection.close();
  };
}

describe('malformed messages', () => {
  it('a resume update without who resumes is refused, and the execution goes on', async () => {
    const plan = compilePlan('pause-malformed', `schemaVersion: '0.3'\nmainSteps:\n  - name: hold\n    action: aws:pause\n    inputs: {}\n  - name: after\n    action: drover:log\n    inputs: { Message: resumed }\noutputs:\n  - after.Message\n`);
    const { executionId } = await stack.client.start(plan);
    await waitForState(stack.client, executionId, (s) => s.status === 'Waiting');
    const handle = stack.client.handle(executionId);
    await expect(within('the malformed update', handle.executeUpdate(resumeUpdate, { args: [undefined as never] }))).rejects.toThrow(/update/i);
    await expect(within('a second malformed update', stack.client.resume(executionId, ''))).rejects.toThrow(/who resumes is required/);
    await within('the resume', stack.client.resume(executionId, 'carol'));
    const result = await within('the result', stack.client.result(executionId));
    expect(result.status).toBe('Success');
    expect(result.outputs['after.Message']).toBe('resumed');
    expect(await failedTasks(handle)).toEqual([]);
  });

  it('the node registry ignores a malformed registration signal', async () => {
    const nodeId = `mi-robust${randomUUID().slice(0, 8)}`;
    const registration = (hash: string): NodeRegistration => ({
      nodeId,
      taskQueue: `drover-node-${nodeId}`,
      tags: { role: 'web' },
      facts: { hostname: 'h', platformType: 'Linux' },
      heartbeatSeconds: 30,
      registeredAt: new Date().toISOString(),
      hash,
    });
    const handle = await temporal().workflow.start(NODE_WORKFLOW_TYPE, { workflowId: nodeWorkflowId(nodeId), taskQueue: stack.taskQueue, args: [registration('h1')] });
    await handle.signal(registerNodeSignal, null as never);
    await handle.signal(registerNodeSignal, { ...registration('h2'), tags: { role: 42 } } as never);
    await handle.signal(registerNodeSignal, registration('h3'));
    await eventually('the valid registration', () => handle.query(nodeRegistrationQuery), (r) => r.hash === 'h3');
    expect(await failedTasks(handle)).toEqual([]);
    await handle.terminate('test done');
  });

  it('the patch state ignores a malformed record', async () => {
    const nodeId = `robust-${randomUUID().slice(0, 8)}`;
    const record = (minute: number) => patchRecord(nodeId, minute, 'COMPLIANT');
    const handle = await temporal().workflow.start(PATCH_STATE_WORKFLOW_TYPE, { workflowId: patchStateWorkflowId(nodeId), taskQueue: stack.taskQueue, args: [record(1)] });
    await handle.signal(patchStateSignal, undefined as never);
    await handle.signal(patchStateSignal, { nodeId } as never);
    await handle.signal(patchStateSignal, record(2));
    await eventually('the newer record', () => handle.query(patchStateQuery), (r) => r.operationEndTime.endsWith('00:02:00.000Z'));
    expect(await failedTasks(handle)).toEqual([]);
    await handle.terminate('test done');
  });

  it('a command ignores a malformed invocation report and can still be cancelled', async () => {
    const commandId = randomUUID();
    const input: RunCommandInput = {
      commandId,
      documentName: 'AWS-RunShellScript',
      parameters: { commands: ['true'] },
      selection: { instanceIds: ['mi-00000000000000001'] },
      // An agent nobody runs: the invocation waits for delivery.
      resolved: { routes: [{ kind: 'agent', taskQueue: uniqueQueue('nobody') }], targets: [['mi-00000000000000001', 0]] },
      timeoutSeconds: 600,
      trigger: 'test',
    };
    const handle = await temporal().workflow.start(RUN_COMMAND_WORKFLOW, { workflowId: commandId, taskQueue: stack.taskQueue, args: [input] });
    await eventually('the invocation to start', () => handle.query(commandStatusQuery), (s) => s.running.length === 1);
    await handle.signal(invocationDoneSignal, { target: 'mi-00000000000000001' } as never);
    await handle.signal(invocationDoneSignal, null as never);
    await handle.cancel();
    const err = await within('the cancelled command', handle.result().then(() => undefined, (e: unknown) => e));
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    expect(await failedTasks(handle)).toEqual([]);
  });
});

describe('unexpected errors end the execution', () => {
  it('an invocation that cannot run reports Failed instead of failing its tasks for ever', async () => {
    const handle = await temporal().workflow.start(INVOCATION_WORKFLOW, {
      workflowId: `${randomUUID()}/mi-00000000000000002`,
      taskQueue: stack.taskQueue,
      // No route: a bug upstream, not something the invocation can do anything about.
      args: [{ commandId: 'c', documentName: 'AWS-RunShellScript', target: 'mi-00000000000000002', parentId: `gone-${randomUUID()}` } as never],
    });
    const record = (await within('the invocation', handle.result())) as InvocationRecord;
    expect(record).toMatchObject({ status: 'Failed', statusDetails: 'Failed' });
    expect(record.standardErrorContent).toMatch(/^Drover failed to run the invocation: Cannot read properties of undefined/);
    expect(await failedTasks(handle)).toEqual([]);
  });

  it('a node registration that is not one fails the registry workflow with a message', async () => {
    const handle = await temporal().workflow.start(NODE_WORKFLOW_TYPE, { workflowId: nodeWorkflowId(`mi-bad${randomUUID().slice(0, 8)}`), taskQueue: stack.taskQueue, args: [{ nodeId: 7 } as never] });
    const err = await within('the registry workflow', handle.result().then(() => undefined, (e: unknown) => e));
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(ApplicationFailure);
    expect((err as WorkflowFailedError).cause?.message).toMatch(/a node registration needs nodeId/);
  });
});

describe('approvals', () => {
  it('two decisions in one workflow task: the first decides, the late rejection is refused', async () => {
    const taskQueue = uniqueQueue('race');
    let stop = await workerOn(taskQueue);
    const { executionId } = await stack.client.start('approval', { taskQueue, parameters: { Approvers: ['alice', 'bob'] } });
    await waitForState(stack.client, executionId, (s) => s.status === 'Waiting');
    // With no worker, both updates wait on the server and reach the next worker together.
    await stop();
    const approved = stack.client.approve(executionId, { approver: 'alice', comment: 'go' });
    await new Promise((r) => setTimeout(r, 300));
    const rejected = stack.client.reject(executionId, { approver: 'bob', comment: 'too late' }).then(
      () => 'accepted',
      (e: unknown) => (e instanceof Error ? e.message : String(e)),
    );
    await new Promise((r) => setTimeout(r, 1000));
    stop = await workerOn(taskQueue);
    try {
      await within('the approval', approved);
      expect(await within('the rejection', rejected)).toMatch(/already decided/);
      const result = await within('the result', stack.client.result(executionId));
      expect(result.status).toBe('Success');
      expect(result.outputs['askForApproval.ApprovalStatus']).toBe('Approved');
    } finally {
      await stop();
    }
  });
});

describe('cancellation ends Cancelled, the onCancel path run once', () => {
  it('before the first step (a runbook that asks for global:REGION first)', async () => {
    const plan = compilePlan(
      'cancel-at-start',
      `schemaVersion: '0.3'\nmainSteps:\n  - name: where\n    action: drover:log\n    onCancel: step:cleanUp\n    inputs: { Message: 'in {{ global:REGION }}' }\n  - name: cleanUp\n    action: drover:log\n    inputs: { Message: cleaned }\n`,
    );
    const taskQueue = uniqueQueue('early-cancel');
    // Started and cancelled before any worker polls: its first task sees the cancel.
    const { executionId } = await stack.client.start(plan, { taskQueue });
    await stack.client.cancel(executionId);
    const stop = await workerOn(taskQueue);
    try {
      const result = await within('the result', stack.client.result(executionId));
      expect(result.status).toBe('Cancelled');
      const state = await stack.client.state(executionId);
      expect(state.status).toBe('Cancelled');
      expect(step(state.steps, 'where').status).toBe('Pending');
    } finally {
      await stop();
    }
  });

  it('while waiting for an approval: later decisions are refused', async () => {
    const plan = compilePlan(
      'cancel-approval',
      `schemaVersion: '0.3'\nmainSteps:\n  - name: ask\n    action: aws:approve\n    onCancel: step:cleanUp\n    inputs: { Approvers: [alice] }\n  - name: go\n    action: drover:log\n    isEnd: true\n    inputs: { Message: go }\n  - name: cleanUp\n    action: drover:log\n    inputs: { Message: cleaned }\n`,
    );
    const { executionId } = await stack.client.start(plan);
    await waitForState(stack.client, executionId, (s) => s.status === 'Waiting');
    await stack.client.cancel(executionId);
    const result = await within('the result', stack.client.result(executionId));
    expect(result.status).toBe('Cancelled');
    expect(step(result.steps, 'ask').status).toBe('Cancelled');
    expect(step(result.steps, 'cleanUp')).toMatchObject({ status: 'Success', runs: 1 });
    expect(step(result.steps, 'go').status).toBe('Pending');
    const state: ExecutionState = await stack.client.state(executionId);
    expect(state.waiting).toBeUndefined();
  });

  it('inside a loop: the inner step’s onCancel, then Cancelled', async () => {
    const plan = compilePlan(
      'cancel-in-loop',
      `schemaVersion: '0.3'\nmainSteps:\n  - name: loop\n    action: aws:loop\n    inputs:\n      Iterators: [a, b, c]\n      Steps:\n        - name: nap\n          action: aws:sleep\n          onCancel: step:cleanUp\n          inputs: { Duration: PT6H }\n  - name: done\n    action: drover:log\n    isEnd: true\n    inputs: { Message: done }\n  - name: cleanUp\n    action: drover:log\n    inputs: { Message: 'cleaned at {{ loop.CurrentIteratorValue }}' }\noutputs:\n  - cleanUp.Message\n`,
    );
    const { executionId } = await stack.client.start(plan);
    await waitForState(stack.client, executionId, (s) => step(s.steps, 'nap').status === 'InProgress');
    await stack.client.cancel(executionId);
    const result: ExecutionResult = await within('the result', stack.client.result(executionId));
    expect(result.status).toBe('Cancelled');
    expect(result.outputs['cleanUp.Message']).toBe('cleaned at a');
    expect(step(result.steps, 'nap').status).toBe('Cancelled');
    expect(step(result.steps, 'loop').status).toBe('Cancelled');
    expect(step(result.steps, 'cleanUp').runs).toBe(1);
    expect(step(result.steps, 'done').status).toBe('Pending');
  });

  it('a step of the onCancel path that times out is TimedOut, and the path goes on', async () => {
    const plan = compilePlan(
      'cancel-path-timeout',
      `schemaVersion: '0.3'
mainSteps:
  - name: work
    action: aws:sleep
    onCancel: step:undo
    inputs: { Duration: PT6H }
  - name: done
    action: drover:log
    isEnd: true
    inputs: { Message: done }
  - name: undo
    action: drover:log
    inputs: { Message: undoing }
  - name: settle
    action: aws:sleep
    timeoutSeconds: 1
    onFailure: Continue
    inputs: { Duration: PT1H }
  - name: report
    action: drover:log
    inputs: { Message: reported }
`,
    );
    const { executionId } = await stack.client.start(plan);
    await waitForState(stack.client, executionId, (s) => step(s.steps, 'work').status === 'InProgress');
    await stack.client.cancel(executionId);
    const result = await within('the result', stack.client.result(executionId));
    expect(result.status).toBe('Cancelled');
    expect(step(result.steps, 'settle')).toMatchObject({ status: 'TimedOut', failureType: 'TimedOut' });
    expect(step(result.steps, 'report').status).toBe('Success');
  });

  it('an onCancel path that leaves a loop goes on outside it', async () => {
    const plan = compilePlan('cancel-path-leaves-loop', CANCEL_LEAVES_LOOP);
    const { executionId } = await stack.client.start(plan);
    await waitForState(stack.client, executionId, (s) => step(s.steps, 'work').status === 'InProgress');
    await stack.client.cancel(executionId);
    const result = await within('the result', stack.client.result(executionId));
    expect(result.status).toBe('Cancelled');
    expect(result.outputs['report.Message']).toBe('reported after undo a');
    expect(step(result.steps, 'undo').runs).toBe(1);
    expect(step(result.steps, 'done').status).toBe('Pending');
  });

  it('while a child runbook runs: the child ends Cancelled too', async () => {
    const plan = compilePlan(
      'cancel-child',
      `schemaVersion: '0.3'\nmainSteps:\n  - name: child\n    action: aws:executeAutomation\n    onCancel: step:cleanUp\n    inputs: { DocumentName: long-sleep }\n  - name: done\n    action: drover:log\n    isEnd: true\n    inputs: { Message: done }\n  - name: cleanUp\n    action: drover:log\n    inputs: { Message: cleaned }\n`,
    );
    const { executionId } = await stack.client.start(plan);
    await waitForState(stack.client, executionId, (s) => step(s.steps, 'child').status === 'InProgress');
    const childId = `long-sleep/${executionId.slice(executionId.indexOf('/') + 1)}.child.1.1`;
    await eventually('the child to run', () => stack.client.state(childId), (s) => s.status === 'InProgress');
    await stack.client.cancel(executionId);
    const result = await within('the result', stack.client.result(executionId));
    expect(result.status).toBe('Cancelled');
    expect(step(result.steps, 'cleanUp')).toMatchObject({ status: 'Success', runs: 1 });
    expect((await stack.client.handle(childId).describe()).status.name).toBe('CANCELLED');
    expect((await stack.client.state(childId)).status).toBe('Cancelled');
  });
});
