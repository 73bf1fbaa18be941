// The interpreter against Temporal's limits: a payload may not exceed 2 MiB (an execution
// whose result is larger would fail its last workflow task again and again, for ever), and
// a history stops at 51,200 events (an aws:loop of 100 passes over a body of activities, or
// nested loops, gets there). Real worker, real dev server.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../lang/plan';
import { SA_RUNBOOK, SA_STATUS, type ExecutionResult } from '../../workflows/definitions';
import { startStack, type TestStack } from '../helpers/env';
import { compilePlan, NESTED_LOOPS, startWithEventBudget, step } from '../helpers/plans';
import { waitForState, within } from '../helpers/wait';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ prefix: 'limits' });
});
afterAll(async () => {
  await stack?.stop();
});

/** The result, or a clear failure when the execution does not end in time (it would hang before the fixes). */
function resultWithin(executionId: string, ms: number): Promise<ExecutionResult> {
  return within(`the end of ${executionId}`, stack.client.result(executionId), ms);
}

/** Starts a plan the way the client does, with the interpreter's tuning knob for continue-as-new. */
async function startTuned(plan: Plan, parameters: Record<string, unknown>, continueAsNewAfterEvents: number): Promise<string> {
  const executionId = `${plan.name}/${randomUUID()}`;
  await startWithEventBudget(stack.client.client, { workflowId: executionId, taskQueue: stack.taskQueue, plan, parameters, trigger: 'test', continueAsNewAfterEvents });
  return executionId;
}

async function runIds(executionId: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const wf of stack.client.client.workflow.list({ query: `WorkflowId = '${executionId}'` })) ids.push(wf.runId);
  return ids;
}

describe('payloads over Temporal’s limit', () => {
  const BLOB = 'x'.repeat(200_000);
  const twelveSteps = Array.from({ length: 12 }, (_, i) => `  - name: s${i}\n    action: drover:log\n    inputs: { Message: '{{ Blob }}' }\n`).join('');

  it('a result of 2.4 MB is cut to fit: the execution ends, and says what it left out', async () => {
    const plan = compilePlan(
      'big-outputs',
      `schemaVersion: '0.3'\nparameters:\n  Blob: { type: String }\nmainSteps:\n${twelveSteps}outputs:\n${Array.from({ length: 12 }, (_, i) => `  - s${i}.Message\n`).join('')}`,
    );
    const { executionId } = await stack.client.start(plan, { parameters: { Blob: BLOB } });
    const result = await resultWithin(executionId, 90_000);
    expect(result.status).toBe('Success');
    expect(JSON.stringify(result).length).toBeLessThan(1_000_000);
    expect(result.truncated).toMatch(/more than Temporal takes in one answer; left out: the steps' outputs.*runbook outputs s\d+\.Message/);
    expect(result.steps.every((s) => s.status === 'Success' && s.outputsOmitted === true && s.outputs === undefined)).toBe(true);
    // The largest outputs give way first; those that fit are whole.
    const whole = Object.values(result.outputs).filter((v) => v === BLOB);
    const noted = Object.values(result.outputs).filter((v) => typeof v === 'string' && v.startsWith('[omitted by Drover: 200002 bytes'));
    expect(whole.length).toBeGreaterThan(0);
    expect(whole.length + noted.length).toBe(12);
    // The state query answers within the limit too.
    const state = await stack.client.state(executionId);
    expect(state.status).toBe('Success');
    expect(state.truncated).toBeDefined();
  });

  it('a step whose interpolated inputs exceed the limit fails, saying so, instead of hanging', async () => {
    const plan = compilePlan(
      'big-inputs',
      `schemaVersion: '0.3'\nparameters:\n  Blob: { type: String }\nmainSteps:\n  - name: huge\n    action: drover:log\n    inputs: { Message: '${'{{ Blob }}'.repeat(11)}' }\n`,
    );
    const { executionId } = await stack.client.start(plan, { parameters: { Blob: BLOB } });
    const result = await resultWithin(executionId, 60_000);
    expect(result.status).toBe('Failed');
    expect(step(result.steps, 'huge')).toMatchObject({ status: 'Failed', failureType: 'PayloadTooLarge' });
    expect(result.failureMessage).toMatch(/^step huge failed: the step's inputs take 2200\d+ bytes once interpolated, more than Temporal carries/);
  });
});

describe('continue-as-new', () => {
  it('nested loops go on in a fresh run with the same pass, variables and outputs, each step run once', async () => {
    const plan = compilePlan('nested-loops', NESTED_LOOPS);
    const executionId = await startTuned(plan, {}, 15);
    const result = await resultWithin(executionId, 90_000);
    expect(result.status).toBe('Success');
    expect(result.outputs['report.Message']).toBe('seen a1,a2,b1,b2,c1,c2, last c2');
    expect(step(result.steps, 'say')).toMatchObject({ status: 'Success', runs: 6, attempts: 1 });
    expect(step(result.steps, 'inner')).toMatchObject({ status: 'Success', runs: 3 });
    expect(step(result.steps, 'outer')).toMatchObject({ status: 'Success', runs: 1, outputs: { CurrentIteration: 3, CurrentIteratorValue: 'c' } });
    // It did continue as new, and no run's history passed the budget by much.
    const runs = await runIds(executionId);
    expect(runs.length).toBeGreaterThan(1);
    const last = await stack.client.handle(executionId).describe();
    expect(last.historyLength).toBeLessThan(60);
    // What visibility knows carries over: memo, runbook and final status.
    expect((await last.memo)?.parameters).toEqual({});
    expect(last.typedSearchAttributes.get(SA_RUNBOOK)).toBe('nested-loops');
    expect(last.typedSearchAttributes.get(SA_STATUS)).toBe('Success');
  });

  it('a cancel after continuing as new still runs the onCancel path, once', async () => {
    const plan = compilePlan(
      'loop-cancel-after-can',
      `schemaVersion: '0.3'
mainSteps:
  - name: loop
    action: aws:loop
    inputs:
      Iterators: ['1', '2', '3', '4', '5', '6']
      Steps:
        - name: say
          action: drover:log
          inputs: { Message: 'pass {{ loop.CurrentIteratorValue }}' }
        - name: check
          action: aws:branch
          inputs:
            Choices:
              - NextStep: longWait
                Variable: '{{ loop.CurrentIteration }}'
                NumericEquals: 5
            Default: endOfPass
        - name: endOfPass
          action: drover:log
          isEnd: true
          inputs: { Message: 'pass {{ loop.CurrentIteratorValue }} done' }
        - name: longWait
          action: aws:sleep
          onCancel: step:cleanUp
          inputs: { Duration: PT6H }
  - name: finish
    action: drover:log
    isEnd: true
    inputs: { Message: finished }
  - name: cleanUp
    action: drover:log
    inputs: { Message: 'cleaned up after {{ say.Message }}' }
outputs:
  - cleanUp.Message
`,
    );
    const executionId = await startTuned(plan, {}, 25);
    await waitForState(stack.client, executionId, (s) => step(s.steps, 'longWait').status === 'InProgress');
    expect((await runIds(executionId)).length).toBeGreaterThan(1);
    await stack.client.cancel(executionId);
    const result = await resultWithin(executionId, 60_000);
    expect(result.status).toBe('Cancelled');
    expect(result.outputs['cleanUp.Message']).toBe('cleaned up after pass 5');
    expect(step(result.steps, 'cleanUp')).toMatchObject({ status: 'Success', runs: 1 });
    expect(step(result.steps, 'longWait')).toMatchObject({ status: 'Cancelled', runs: 1 });
    expect(step(result.steps, 'say').runs).toBe(5);
    expect(step(result.steps, 'finish').status).toBe('Pending');
    expect((await stack.client.handle(executionId).describe()).status.name).toBe('CANCELLED');
  });
});
