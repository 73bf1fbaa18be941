import { describe, expect, it } from 'vitest';
import { concurrencyLimit, errorAllowance, parseRate, widenWindow } from '../../../workflows/run-command/rate-control';
import { commandStatus, emptyCounts, recordDone, recordNotStarted } from '../../../workflows/run-command/command-status';
import { executionTimeoutSeconds } from '../../../workflows/run-command/execution-timeout';
import type { CommandDocumentPlan } from '../../../agent/protocol';

describe('MaxConcurrency and MaxErrors', () => {
  it('takes numbers and percentages as SendCommand does, and says what is wrong otherwise', () => {
    expect(parseRate('MaxConcurrency', '10')).toEqual({ kind: 'count', n: 10 });
    expect(parseRate('MaxConcurrency', '10%')).toEqual({ kind: 'percent', p: 10 });
    expect(parseRate('MaxConcurrency', 7)).toEqual({ kind: 'count', n: 7 });
    expect(parseRate('MaxErrors', '0')).toEqual({ kind: 'count', n: 0 });
    expect(parseRate('MaxErrors', '0%')).toEqual({ kind: 'percent', p: 0 });
    for (const bad of ['0', '0%', '101%', '-1', '1.5', 'ten', '']) {
      expect(parseRate('MaxConcurrency', bad)).toMatchObject({ error: expect.stringContaining('MaxConcurrency') });
    }
    expect(parseRate('MaxErrors', '101%')).toMatchObject({ error: expect.stringMatching(/MaxErrors "101%" is not valid/) });
  });

  it('resolves percentages against the target count (SSM: 10% of 50 stops at the sixth error)', () => {
    expect(errorAllowance({ kind: 'percent', p: 10 }, 50)).toBe(5);
    expect(errorAllowance({ kind: 'percent', p: 10 }, 15)).toBe(1);
    expect(errorAllowance({ kind: 'count', n: 3 }, 50)).toBe(3);
    expect(concurrencyLimit({ kind: 'percent', p: 25 }, 12)).toBe(3);
    expect(concurrencyLimit({ kind: 'percent', p: 1 }, 10)).toBe(1);
    expect(concurrencyLimit({ kind: 'count', n: 50 }, 3)).toBe(50);
  });

  it('ramps the window up exponentially to the limit', () => {
    const seen = [1];
    while (seen.at(-1)! < 50) seen.push(widenWindow(seen.at(-1)!, 50));
    expect(seen).toEqual([1, 2, 4, 8, 16, 32, 50]);
  });
});

describe('command status', () => {
  const done = (status: string, statusDetails = status) => ({ status: status as 'Success', statusDetails });
  const final = { pending: false, cancelling: false, cancelled: false, finished: true, exceeded: false };

  it('counts errors as SSM does: Failed and execution timeouts, not delivery timeouts or Undeliverable', () => {
    const c = emptyCounts(5);
    recordDone(c, done('Success'));
    recordDone(c, done('Failed'));
    recordDone(c, done('TimedOut', 'ExecutionTimedOut'));
    recordDone(c, done('TimedOut', 'DeliveryTimedOut'));
    recordDone(c, done('Undeliverable'));
    expect(c).toMatchObject({ completedCount: 5, errorCount: 2, deliveryTimedOutCount: 1 });
    expect(c.byStatus).toEqual({ Success: 1, Failed: 1, TimedOut: 2, Undeliverable: 1 });
  });

  it('is Success when all succeeded, Incomplete within MaxErrors, Failed beyond', () => {
    const ok = emptyCounts(2);
    recordDone(ok, done('Success'));
    recordDone(ok, done('Success'));
    expect(commandStatus(ok, final)).toEqual({ status: 'Success', statusDetails: 'Success' });
    const some = emptyCounts(2);
    recordDone(some, done('Success'));
    recordDone(some, done('Failed'));
    expect(commandStatus(some, final)).toEqual({ status: 'Success', statusDetails: 'Incomplete' });
    expect(commandStatus(some, { ...final, exceeded: true })).toEqual({ status: 'Failed', statusDetails: 'Failed' });
    const slow = emptyCounts(3);
    recordDone(slow, done('TimedOut', 'ExecutionTimedOut'));
    recordDone(slow, done('TimedOut', 'ExecutionTimedOut'));
    recordNotStarted(slow, 'Terminated', 1);
    expect(commandStatus(slow, { ...final, exceeded: true })).toEqual({ status: 'TimedOut', statusDetails: 'Execution Timed Out' });
  });

  it('succeeds despite undelivered invocations when one succeeded; fails when none did', () => {
    const c = emptyCounts(5);
    for (let i = 0; i < 4; i++) recordDone(c, done('Undeliverable'));
    recordDone(c, done('Success'));
    expect(commandStatus(c, final)).toEqual({ status: 'Success', statusDetails: 'Success' });
    const none = emptyCounts(2);
    recordDone(none, done('Undeliverable'));
    recordDone(none, done('TimedOut', 'DeliveryTimedOut'));
    expect(commandStatus(none, final)).toEqual({ status: 'TimedOut', statusDetails: 'Delivery Timed Out' });
    const lost = emptyCounts(1);
    recordDone(lost, done('Undeliverable'));
    expect(commandStatus(lost, final)).toEqual({ status: 'Failed', statusDetails: 'Failed' });
  });

  it('reports the live phases and an empty target set', () => {
    expect(commandStatus(emptyCounts(3), { ...final, finished: false, pending: true })).toEqual({ status: 'Pending', statusDetails: 'Pending' });
    expect(commandStatus(emptyCounts(3), { ...final, finished: false })).toEqual({ status: 'InProgress', statusDetails: 'In Progress' });
    expect(commandStatus(emptyCounts(3), { ...final, cancelling: true })).toEqual({ status: 'Cancelling', statusDetails: 'Cancelling' });
    expect(commandStatus(emptyCounts(0), final)).toEqual({ status: 'Success', statusDetails: 'No Instances In Tag' });
  });
});

describe('execution timeout', () => {
  const doc = (timeouts: unknown[], def?: string): CommandDocumentPlan => ({
    name: 'd',
    schemaVersion: '2.2',
    hash: 'h',
    parameters: { executionTimeout: { type: 'String', ...(def ? { default: def } : {}) } },
    plugins: timeouts.map((t, i) => ({ name: `p${i}`, action: 'aws:runShellScript', inputs: t === undefined ? {} : { timeoutSeconds: t } })),
  });

  it('adds the plugins up, reading {{ executionTimeout }} from the parameters or the default', () => {
    expect(executionTimeoutSeconds(doc(['{{ executionTimeout }}'], '3600'), {})).toBe(3600);
    expect(executionTimeoutSeconds(doc(['{{ executionTimeout }}'], '3600'), { executionTimeout: '120' })).toBe(120);
    expect(executionTimeoutSeconds(doc([60, '30']), {})).toBe(90);
    expect(executionTimeoutSeconds(doc([undefined]), {})).toBe(3600);
    expect(executionTimeoutSeconds(undefined, {})).toBe(3600);
  });
});
