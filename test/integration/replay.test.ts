// Recorded histories replayed against today's workflow code: the interpreter (with
// notifications, continue-as-new, the cancel path, aws:runCommand), the Run Command
// dispatcher and its invocations, the node registry and the patch state. A failure here
// means a change to workflows/ would break executions already running (guard such changes
// with patched()), and also that the bundle still builds from workflow-safe code (global
// setup bundles it). test/fixtures/histories/record.ts records them; index.json gives each
// file's workflow id (a child's id derives from its parent's, so it cannot be guessed).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { quietRuntime } from '../helpers/env';

const DIR = fileURLToPath(new URL('../fixtures/histories', import.meta.url));
const index = JSON.parse(readFileSync(join(DIR, 'index.json'), 'utf8')) as Record<string, { workflowId: string; workflowType: string }>;
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.json') && f !== 'index.json')
  .sort();
const entries = Object.entries(index).sort(([a], [b]) => a.localeCompare(b));

/** What must stay covered: each workflow of the bundle and each path that a patched() guards. */
const EXPECTED = [
  // The interpreter, as first recorded.
  'approval.json',
  'branch.json',
  'cancel-cleanup.json',
  'hello.json',
  'loop.json',
  'parent.json',
  'retries.json',
  // drover-notifications
  'notify.json',
  // drover-continue-as-new: the first run, a resumed run that continues again, the last
  'continue-as-new.json',
  'continue-as-new-resumed.json',
  'continue-as-new-last.json',
  // drover-cancel-path
  'cancel-leaves-loop.json',
  // aws:runCommand routed to an agent: the step, its command, the invocation
  'run-command-step.json',
  'run-command-step-command.json',
  'run-command-step-invocation.json',
  // drover send-command: MaxConcurrency 1, MaxErrors 0 exceeded; a failed invocation
  'send-command.json',
  'send-command-failed-invocation.json',
  // a command that continues as new
  'run-command-continued.json',
  'run-command-continued-resumed.json',
  'run-command-continued-last.json',
  // the node registry (a tag change) and the patch state
  'node-registration.json',
  'patch-state.json',
  'patch-state-continued.json',
  // a maintenance window execution (a command, runbooks per target, by priority), one skipped as overlapping, its lock
  'window-execution.json',
  'window-skipped.json',
  'window-lock.json',
  // events: a rule's log (continue-as-new), remediation into an exception and again, under ExecutionControls (continue-as-new), its coordinator
  'events-log.json',
  'remediation-exception.json',
  'remediation-controlled.json',
  'remediation-control.json',
];

describe('replay of recorded histories', () => {
  it('has every recording, each in the index', () => {
    expect(files).toEqual(expect.arrayContaining(EXPECTED));
    expect(Object.keys(index).sort()).toEqual(files);
  });

  it.each(entries)('%s replays without nondeterminism', async (file, { workflowId, workflowType }) => {
    quietRuntime();
    const history = historyFromJSON(JSON.parse(readFileSync(join(DIR, file), 'utf8')));
    expect(history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name, `${file}: workflow type`).toBe(workflowType);
    try {
      await Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, workflowId);
    } catch (err) {
      const e = err as Error;
      throw new Error(`${file} (${workflowType} ${workflowId}) does not replay: ${e.name}: ${e.message}`, { cause: err });
    }
  });
});
