// Whole runbooks on the real dev server with a real worker: the shipped examples and the
// step semantics (attempts, onFailure, isCritical, approvals, child runbooks, parameters).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowNotFoundError } from '@temporalio/client';
import { InvalidParametersError } from '../../client';
import type { ExecutionState } from '../../workflows/definitions';
import { startStack, type TestStack } from '../helpers/env';
import { eventually, waitForState } from '../helpers/wait';
import { step } from '../helpers/plans';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ prefix: 'runbooks' });
});
afterAll(async () => {
  await stack?.stop();
});

function waitFor(id: string, pred: (s: ExecutionState) => boolean): Promise<ExecutionState> {
  return waitForState(stack.client, id, pred);
}

describe('shipped runbooks', () => {
  it('hello greets by name, with typed outputs and every step Success', async () => {
    const { executionId } = await stack.client.start('hello', { parameters: { Name: 'Ada' } });
    expect(executionId).toMatch(/^hello\//);
    const result = await stack.client.result(executionId);
    expect(result.status).toBe('Success');
    expect(result.outputs['makeGreeting.Greeting']).toBe('Hello, Ada!');
    expect(result.outputs['sayIt.Message']).toMatch(/^Hello, Ada! \(3 letters; execution hello\/[0-9a-f-]+ at \d{4}-\d\d-\d\d_\d\d\.\d\d\.\d\d\)$/);
    expect(result.steps.map((s) => [s.name, s.status, s.attempts])).toEqual([
      ['makeGreeting', 'Success', 1],
      ['takeABreath', 'Success', 1],
      ['sayIt', 'Success', 1],
    ]);
    const desc = await stack.client.handle(executionId).describe();
    expect(desc.type).toBe('hello');
    expect((await desc.memo)?.parameters).toEqual({ Name: 'Ada' });
  });

  it.each([
    [{ Environment: 'prod' }, 'careful', ['fastPath', 'normalPath']],
    [{ Environment: 'dev' }, 'fast', ['carefulPath', 'normalPath']],
    [{ Environment: 'staging' }, 'normal', ['carefulPath', 'fastPath']],
    [{ Environment: 'staging', Instances: '50' }, 'careful', ['fastPath', 'normalPath']],
  ])('branch %j takes the %s path; skipped steps stay Pending', async (parameters, path, skipped) => {
    const { executionId } = await stack.client.start('branch', { parameters });
    const result = await stack.client.result(executionId);
    expect(result.status).toBe('Success');
    expect(result.outputs['report.Message']).toContain(`takes the ${path} path`);
    for (const s of skipped) expect(step(result.steps, s).status).toBe('Pending');
  });

  it('loop visits every item and counts them', async () => {
    const { executionId } = await stack.client.start('loop', { parameters: { Items: 'a,b,c,d' } });
    const result = await stack.client.result(executionId);
    expect(result.status).toBe('Success');
    expect(result.outputs['finished.Message']).toBe('visited all 4 items');
    expect(step(result.steps, 'count').runs).toBe(4);
    expect(step(result.steps, 'stoppedEarly').status).toBe('Pending');
  });

  it('loop leaves early through a branch to an outer step', async () => {
    const { executionId } = await stack.client.start('loop', { parameters: { Items: ['a', 'b', 'c'], StopAt: 'b' } });
    const result = await stack.client.result(executionId);
    expect(result.status).toBe('Success');
    expect(result.outputs['stoppedEarly.Message']).toBe('stopped at b after 1 items');
    expect(step(result.steps, 'finished').status).toBe('Pending');
    expect(step(result.steps, 'count').runs).toBe(1);
  });

  it('approval: a non-approver is refused, the approver is recorded, the change goes ahead', async () => {
    const { executionId } = await stack.client.start('approval', { parameters: { Approvers: ['alice', 'arn:aws:iam::123456789012:user/bob'] } });
    const waiting = await waitFor(executionId, (s) => s.status === 'Waiting');
    expect(waiting.waiting).toMatchObject({ kind: 'approve', step: 'askForApproval', approvers: ['alice', 'arn:aws:iam::123456789012:user/bob'] });
    expect(step(waiting.steps, 'askForApproval').status).toBe('Waiting');
    await expect(stack.client.approve(executionId, { approver: 'mallory' })).rejects.toThrow(/mallory is not an approver of step askForApproval/);
    await expect(stack.client.resume(executionId, 'alice')).rejects.toThrow(/nothing to resume/);
    const after = await stack.client.approve(executionId, { approver: 'bob', comment: 'looks good' });
    // The update answers with the state as of the decision, before the step moves on.
    expect(after.waiting?.decisions).toEqual([expect.objectContaining({ approver: 'bob', decision: 'Approved' })]);
    const result = await stack.client.result(executionId);
    expect(result.status).toBe('Success');
    expect(result.outputs['askForApproval.ApprovalStatus']).toBe('Approved');
    const decisions = step(result.steps, 'askForApproval').outputs?.ApproverDecisions as Array<Record<string, string>>;
    expect(decisions).toEqual([expect.objectContaining({ approver: 'bob', decision: 'Approved', comment: 'looks good' })]);
  });

  it('approval: a rejection fails the step and the execution', async () => {
    const { executionId } = await stack.client.start('approval');
    await waitFor(executionId, (s) => s.status === 'Waiting');
    await stack.client.reject(executionId, { approver: 'ops-lead', comment: 'not today' });
    const result = await stack.client.result(executionId);
    expect(result.status).toBe('Failed');
    expect(result.failureMessage).toBe('step askForApproval failed: rejected by ops-lead: not today');
    expect(step(result.steps, 'goAhead').status).toBe('Pending');
  });
});

describe('step semantics', () => {
  it('maxAttempts retries a failing step; a critical failure fails the run even after onFailure recovers', async () => {
    const counter = join(mkdtempSync(join(tmpdir(), 'drover-retries-')), 'count');
    const { executionId } = await stack.client.start('retries', { parameters: { CounterFile: counter } });
    const result = await stack.client.result(executionId);
    expect(readFileSync(counter, 'utf8')).toBe('3');
    expect(step(result.steps, 'flaky')).toMatchObject({ status: 'Success', attempts: 3 });
    expect(step(result.steps, 'broken')).toMatchObject({ status: 'Failed', attempts: 1 });
    expect(step(result.steps, 'broken').failureMessage).toContain('ValueError: broken on purpose');
    expect(step(result.steps, 'skipped').status).toBe('Pending');
    expect(step(result.steps, 'recover').status).toBe('Success');
    expect(result.outputs['recover.Message']).toBe('recovered after 3 attempts');
    expect(result.status).toBe('Failed');
    expect(result.failureMessage).toMatch(/^step broken failed: .*ValueError: broken on purpose/);
  });

  it('a step with onFailure Continue is not critical', async () => {
    const result = await stack.client.result((await stack.client.start('tolerant')).executionId);
    expect(step(result.steps, 'mayFail').status).toBe('Failed');
    expect(result.status).toBe('Success');
  });

  it('aws:executeAutomation runs a child runbook by name', async () => {
    const { executionId } = await stack.client.start('parent', { parameters: { Who: 'Grace' } });
    const result = await stack.client.result(executionId);
    expect(result.status).toBe('Success');
    expect(result.outputs['runHello.Status']).toBe('Success');
    expect(result.outputs['runHello.Output']).toContain('Hello, Grace!');
    const childId = step(result.steps, 'runHello').outputs?.ExecutionId as string;
    expect(childId).toMatch(/^hello\//);
    const child = await stack.client.handle(childId).describe();
    expect(child.type).toBe('hello');
    expect(child.parentExecution?.workflowId).toBe(executionId);
  });

  it('lists executions by runbook and status through visibility', async () => {
    const ok = await stack.client.start('branch', { parameters: { Environment: 'dev' } });
    await stack.client.result(ok.executionId);
    const failed = await stack.client.start('approval');
    await waitFor(failed.executionId, (s) => s.status === 'Waiting');
    await stack.client.reject(failed.executionId, { approver: 'ops-lead' });
    await stack.client.result(failed.executionId);
    // Visibility is eventually consistent: poll until both are indexed with their final status.
    const [successes, failures] = await eventually(
      'both executions in the listing',
      () => Promise.all([stack.client.list({ runbook: 'branch', status: 'Success', limit: 500 }), stack.client.list({ runbook: 'approval', status: 'Failed', limit: 500 })]),
      ([s, f]) => s.some((e) => e.executionId === ok.executionId) && f.some((e) => e.executionId === failed.executionId),
    );
    expect(successes.every((e) => e.runbook === 'branch' && e.status === 'Success')).toBe(true);
    expect(failures.find((e) => e.executionId === failed.executionId)).toMatchObject({ trigger: 'client', status: 'Failed' });
  });

  it('a bad parameter is refused before anything starts', async () => {
    const key = `bad-param-${Date.now()}`;
    await expect(stack.client.start('branch', { parameters: { Environment: 'qa' }, idempotencyKey: key })).rejects.toThrow(InvalidParametersError);
    await expect(stack.client.handle(`branch/${key}`).describe()).rejects.toThrow(WorkflowNotFoundError);
    await expect(stack.client.start('hello', { parameters: { Name: 'x'.repeat(100) } })).rejects.toThrow(/Name/);
    await expect(stack.client.start('hello', { parameters: { Nme: 'typo' } })).rejects.toThrow(/Nme/);
  });

  it('an idempotency key starts one execution only', async () => {
    const key = `once-${Date.now()}`;
    const a = await stack.client.start('hello', { idempotencyKey: key });
    const b = await stack.client.start('hello', { idempotencyKey: key });
    expect(a).toMatchObject({ executionId: `hello/${key}`, started: true });
    expect(b).toMatchObject({ executionId: `hello/${key}`, started: false });
    await stack.client.result(a.executionId);
    const c = await stack.client.start('hello', { idempotencyKey: key });
    expect(c.started).toBe(false);
  });

  it('cancelling runs the running step’s onCancel path and ends Cancelled', async () => {
    const { executionId } = await stack.client.start('cancel-cleanup');
    await waitFor(executionId, (s) => step(s.steps, 'longWork').status === 'InProgress');
    await stack.client.cancel(executionId);
    const result = await stack.client.result(executionId);
    expect(result.status).toBe('Cancelled');
    expect(step(result.steps, 'longWork').status).toBe('Cancelled');
    expect(step(result.steps, 'cleanUp').status).toBe('Success');
    expect(step(result.steps, 'finish').status).toBe('Pending');
    expect(result.outputs['cleanUp.Message']).toBe('cleaned up after preparing');
    const desc = await stack.client.handle(executionId).describe();
    expect(desc.status.name).toBe('CANCELLED');
  });
});
