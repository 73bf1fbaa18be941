// The pure parts of window executions: statuses from what happened (SSM's names), the
// pseudo parameters, and the ids derived from names and times.
import { describe, expect, it } from 'vitest';
import { emptyTally, invocationStatus, tallyCommand, taskStatus, windowStatus, type TaskTally } from '../../../workflows/windows/status';
import { pseudoReferences, substitutePseudo, upperCaseReferences } from '../../../lang/windows/pseudo-parameters';
import { stableUuid, windowIdOf } from '../../../lang/windows/stable-id';
import { priorityGroups } from '../../../lang/windows/plan';
import { windowExecutionWorkflowId } from '../../../workflows/window-contract';

const tally = (t: Partial<TaskTally>): TaskTally => ({ ...emptyTally(), ...t });

describe('statuses', () => {
  it.each([
    [{ succeeded: 3 }, 'SUCCESS'],
    [{}, 'SUCCESS'],
    [{ succeeded: 2, failed: 1 }, 'FAILED'],
    [{ succeeded: 2, timedOut: 1 }, 'TIMED_OUT'],
    [{ failed: 1, timedOut: 1 }, 'FAILED'],
    [{ succeeded: 1, cancelled: 1 }, 'CANCELLED'],
    [{ succeeded: 1, failed: 1, stoppedByTime: 1 }, 'TIMED_OUT'],
  ] as const)('a task with %j is %s', (t, status) => {
    expect(taskStatus(tally(t))).toBe(status);
  });

  it.each([
    [['SUCCESS', 'SUCCESS'], false, 'SUCCESS'],
    [['SUCCESS', 'FAILED'], false, 'FAILED'],
    [['FAILED', 'TIMED_OUT'], false, 'TIMED_OUT'],
    [['SUCCESS', 'CANCELLED'], false, 'CANCELLED'],
    [['SUCCESS'], true, 'CANCELLED'],
    [[], false, 'SUCCESS'],
  ] as const)('a window whose tasks are %j (cancelled: %s) is %s', (tasks, cancelled, status) => {
    expect(windowStatus(tasks.map((s) => ({ status: s })), cancelled)).toBe(status);
  });

  it('maps Run Command and Automation statuses to SSM window statuses', () => {
    expect(['Success', 'Failed', 'Undeliverable', 'TimedOut', 'Cancelled', 'Terminated', 'InProgress', 'Pending', 'Cancelling'].map(invocationStatus)).toEqual([
      'SUCCESS',
      'FAILED',
      'FAILED',
      'TIMED_OUT',
      'CANCELLED',
      'CANCELLED',
      'IN_PROGRESS',
      'PENDING',
      'CANCELLING',
    ]);
  });

  it('tallies a command from its counters, and as stopped by the clock when the cutoff cancelled it', () => {
    const counts = { targetCount: 4, completedCount: 4, errorCount: 1, deliveryTimedOutCount: 0, byStatus: { Success: 2, Failed: 1, Terminated: 1 } };
    expect(tallyCommand(counts, 'Failed', false)).toEqual(tally({ succeeded: 2, failed: 1, cancelled: 1 }));
    expect(taskStatus(tallyCommand(undefined, undefined, true))).toBe('TIMED_OUT');
  });
});

describe('pseudo parameters', () => {
  it('replaces the ones given, leaves other references as written', () => {
    const value = { commands: ['echo {{TARGET_ID}} {{ WINDOW_ID }} {{ssm:/x}} {{ commands }} {{UNKNOWN}}'], n: 3 };
    expect(substitutePseudo(value, { TARGET_ID: 'i-1', WINDOW_ID: 'mw-1' })).toEqual({ commands: ['echo i-1 mw-1 {{ssm:/x}} {{ commands }} {{UNKNOWN}}'], n: 3 });
    expect([...pseudoReferences(value)].sort()).toEqual(['TARGET_ID', 'WINDOW_ID']);
    expect(upperCaseReferences(value).map((r) => r.name)).toEqual(['TARGET_ID', 'WINDOW_ID', 'UNKNOWN']);
  });
});

describe('ids', () => {
  it('are derived, stable and distinct', () => {
    expect(windowIdOf('patch-web')).toMatch(/^mw-[0-9a-f]{17}$/);
    expect(windowIdOf('patch-web')).toBe(windowIdOf('patch-web'));
    expect(windowIdOf('patch-web')).not.toBe(windowIdOf('patch-db'));
    const ids = new Set(Array.from({ length: 2000 }, (_, i) => stableUuid('task', String(i))));
    expect(ids.size).toBe(2000);
    for (const id of [...ids].slice(0, 20)) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(stableUuid('a', 'bc')).not.toBe(stableUuid('ab', 'c'));
  });

  it('an execution is named by its window and its nominal second, as Temporal Schedules name them', () => {
    expect(windowExecutionWorkflowId('patch', new Date('2030-01-05T01:00:00.750Z'))).toBe('drover-window/patch-2030-01-05T01:00:00Z');
  });

  it('groups tasks by priority, lowest first', () => {
    const groups = priorityGroups([{ priority: 2, n: 'c' }, { priority: 0, n: 'a' }, { priority: 2, n: 'd' }, { priority: 1, n: 'b' }]);
    expect(groups.map((g) => g.map((t) => t.n))).toEqual([['a'], ['b'], ['c', 'd']]);
  });
});
