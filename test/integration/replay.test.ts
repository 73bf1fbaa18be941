// Recorded histories replayed against today's interpreter. A failure here means a change
// to workflows/ would break executions already running (guard such changes with patched()),
// and also that the bundle still builds from workflow-safe code (global setup bundles it).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { quietRuntime } from '../helpers/env';

const DIR = fileURLToPath(new URL('../fixtures/histories', import.meta.url));
const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();

/** record.ts starts each recording as `<runbook>/record-<name>`; ids derived from it (children) must match. */
function recordedId(file: string): string {
  const name = file.replace(/\.json$/, '');
  return `${name}/record-${name}`;
}

describe('replay of recorded histories', () => {
  it('has recordings to replay', () => {
    expect(files).toEqual(expect.arrayContaining(['approval.json', 'cancel-cleanup.json', 'hello.json', 'loop.json', 'parent.json', 'retries.json']));
  });

  it.each(files)('%s replays without nondeterminism', async (file) => {
    quietRuntime();
    const history = historyFromJSON(JSON.parse(readFileSync(join(DIR, file), 'utf8')));
    await expect(
      Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, recordedId(file)),
    ).resolves.toBeUndefined();
  });
});
