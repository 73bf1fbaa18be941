import { describe, expect, it } from 'vitest';
import { fitState, jsonSize, utf8Length } from '../../../workflows/payload-budget';
import { restoreState, stateToCarry } from '../../../workflows/continue-as-new';
import type { ExecutionState, StepRecord } from '../../../workflows/definitions';
import { isNodeRegistration } from '../../../workflows/node-contract';
import { isInvocationDone } from '../../../workflows/run-command/contract';
import { isPatchStateRecord } from '../../../workflows/patch-state-contract';

function state(steps: StepRecord[], outputs: Record<string, unknown> = {}): ExecutionState {
  return { executionId: 'r/k', runbook: 'r', planHash: 'h', status: 'InProgress', startTime: '2026-01-01T00:00:00.000Z', steps, outputs };
}

const rec = (name: string, extra: Partial<StepRecord> = {}): StepRecord => ({ name, action: 'drover:log', status: 'Success', attempts: 1, runs: 1, ...extra });

describe('payload budget', () => {
  it('measures UTF-8 as the JSON payload converter writes it', () => {
    for (const s of ['', 'plain', 'é', '€ and 漢字', '🙂 emoji', 'x'.repeat(1000)]) expect(utf8Length(s)).toBe(Buffer.byteLength(s, 'utf8'));
    expect(jsonSize({ a: 'é' })).toBe(Buffer.byteLength(JSON.stringify({ a: 'é' })));
  });

  it('leaves a state that fits alone (the same object)', () => {
    const s = state([rec('a', { outputs: { Message: 'hi' } })], { 'a.Message': 'hi' });
    expect(fitState(s, 1000)).toBe(s);
  });

  it('drops the steps’ outputs first, then the largest runbook outputs, never touching the original', () => {
    const big = 'y'.repeat(400);
    const s = state([rec('a', { outputs: { M: big } }), rec('b', { outputs: { M: big } }), rec('c', { outputs: { M: 'small' } })], {
      'a.M': big,
      'b.M': big,
      'c.M': 'small',
    });
    const onlySteps = fitState(s, 2000);
    expect(onlySteps.steps.every((r) => r.outputs === undefined && r.outputsOmitted === true)).toBe(true);
    expect(onlySteps.outputs).toEqual(s.outputs);
    expect(onlySteps.truncated).toMatch(/left out: the steps' outputs/);

    const fitted = fitState(s, 1500);
    expect(jsonSize(fitted)).toBeLessThanOrEqual(1500);
    expect(fitted.outputs['a.M']).toMatch(/^\[omitted by Drover: 402 bytes; the output of step a /);
    expect(fitted.outputs['b.M']).toBe(big);
    expect(fitted.outputs['c.M']).toBe('small');
    expect(fitted.truncated).toMatch(/runbook outputs a\.M$/);
    expect(s.steps[0]!.outputs).toEqual({ M: big });
    expect(s.outputs['a.M']).toBe(big);
  });

  it('cuts long failure messages last', () => {
    const s = state([rec('a', { status: 'Failed', failureMessage: 'e'.repeat(5000) })]);
    s.failureMessage = `step a failed: ${'e'.repeat(5000)}`;
    const fitted = fitState(s, 4000);
    expect(fitted.steps[0]!.failureMessage).toMatch(/^e{2000}… \[cut by Drover\]$/);
    expect(fitted.failureMessage!.length).toBeLessThan(2100);
    expect(fitted.truncated).toMatch(/failure messages beyond 2000 characters/);
  });
});

describe('what a continue-as-new carries', () => {
  it('leaves out a Success step’s outputs and restores them from stepOutputs; other records stay as they are', () => {
    const stepOutputs = { a: { M: 'one' }, b: { ApprovalStatus: 'Rejected' } };
    const s = state([rec('a', { outputs: { M: 'one' } }), rec('b', { status: 'Failed', failureMessage: 'rejected' }), rec('c', { status: 'Pending', runs: 0, attempts: 0 })]);
    const carried = stateToCarry(s);
    expect(carried.steps[0]!.outputs).toBeUndefined();
    expect(s.steps[0]!.outputs).toEqual({ M: 'one' });
    const back = restoreState(JSON.parse(JSON.stringify(carried)) as ExecutionState, stepOutputs);
    expect(back).toEqual(s);
  });
});

describe('signal payloads recognised before they are used', () => {
  it('node registrations', () => {
    const ok = { nodeId: 'mi-1', taskQueue: 'q', hash: 'h', tags: { role: 'web' }, facts: { platformType: 'Linux' }, heartbeatSeconds: 30, registeredAt: 't' };
    expect(isNodeRegistration(ok)).toBe(true);
    for (const bad of [null, undefined, 'x', {}, { ...ok, tags: { role: 1 } }, { ...ok, facts: null }, { ...ok, facts: { platformType: 3 } }, { ...ok, hash: undefined }]) {
      expect(isNodeRegistration(bad)).toBe(false);
    }
  });

  it('invocation reports', () => {
    const ok = { target: 'mi-1', status: 'Success', statusDetails: 'Success', responseCode: 0 };
    expect(isInvocationDone(ok)).toBe(true);
    expect(isInvocationDone({ ...ok, output: 'out' })).toBe(true);
    for (const bad of [null, { target: 'mi-1' }, { ...ok, responseCode: '0' }, { ...ok, output: 5 }]) expect(isInvocationDone(bad)).toBe(false);
  });

  it('patch state records', () => {
    const ok = { nodeId: 'n', operationEndTime: 't', compliance: 'COMPLIANT', tags: {} };
    expect(isPatchStateRecord(ok)).toBe(true);
    for (const bad of [null, { nodeId: 'n' }, { ...ok, compliance: 'MAYBE' }, { ...ok, tags: [] }, { ...ok, tags: { a: 1 } }]) expect(isPatchStateRecord(bad)).toBe(false);
  });
});
