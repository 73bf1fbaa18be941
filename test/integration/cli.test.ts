// The drover command end to end, as a user types it, against the dev server.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, waitForState, type TestStack } from '../helpers/env';
import { droverEnv, runCli } from '../helpers/processes';

let stack: TestStack;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  stack = await startStack({ prefix: 'cli' });
  env = droverEnv(stack.taskQueue);
});
afterAll(async () => {
  await stack?.stop();
});

describe('drover CLI', () => {
  it('run --wait shows the steps go by and exits 0 on Success', async () => {
    const r = await runCli(['run', 'runbooks/hello.yaml', '-p', 'Name=world', '--wait'], env);
    expect(r.stderr).toMatch(/^started hello\/[0-9a-f-]+$/m);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => l.replace(/^\d\d:\d\d:\d\d /, ''));
    for (const expected of ['makeGreeting InProgress', 'makeGreeting Success', 'takeABreath Success', 'sayIt Success']) {
      expect(lines).toContain(expected);
    }
    expect(lines).toContainEqual(expect.stringMatching(/^execution hello\/[0-9a-f-]+ Success$/));
    expect(lines).toContain('output makeGreeting.Greeting = Hello, world!');
  });

  it('run --wait exits 1 when the execution fails', async () => {
    const r = await runCli(['run', 'tolerant', '--wait'], { ...env, DROVER_RUNBOOKS: 'test/fixtures/runbooks' });
    expect(r.code).toBe(0);
    const f = await runCli(['run', 'retries', '-p', `CounterFile=${join(mkdtempSync(join(tmpdir(), 'cli-')), 'c')}`, '--wait'], { ...env, DROVER_RUNBOOKS: 'test/fixtures/runbooks' });
    expect(f.code).toBe(1);
    expect(f.stdout).toMatch(/broken Failed: .*ValueError: broken on purpose/);
  });

  it('a bad parameter is a usage error (exit 2) and starts nothing', async () => {
    const r = await runCli(['run', 'hello', '-p', 'Nme=x'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Nme/);
    expect(r.stderr).not.toMatch(/started/);
  });

  it('approve through the CLI, as a named approver, then status shows the decision', async () => {
    const started = await runCli(['run', 'approval', '-p', 'Approvers=alice', '--json'], env);
    expect(started.code).toBe(0);
    const { executionId } = JSON.parse(started.stdout) as { executionId: string };
    await waitForState(stack.client, executionId, (s) => s.status === 'Waiting');
    const refused = await runCli(['approve', executionId, '--as', 'mallory'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/mallory is not an approver/);
    const ok = await runCli(['approve', executionId, '--as', 'alice', '--comment', 'ship it'], env);
    expect(ok.code).toBe(0);
    const result = await stack.client.result(executionId);
    expect(result.status).toBe('Success');
    const status = await runCli(['status', executionId, '--json'], env);
    const state = JSON.parse(status.stdout);
    expect(state.status).toBe('Success');
    expect(state.steps[0].outputs.ApproverDecisions[0]).toMatchObject({ approver: 'alice', comment: 'ship it', decision: 'Approved' });
  }, 60_000);

  it('validate points at line and column of a broken runbook, exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drover-validate-'));
    const file = join(dir, 'broken.yaml');
    writeFileSync(
      file,
      ["schemaVersion: '0.3'", 'mainSteps:', '  - name: one', '    action: aws:sleeep', '    inputs:', '      Duration: PT1S', ''].join('\n'),
    );
    const r = await runCli(['validate', file], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:4:13: error unknown-action: .*aws:sleep`, 'm'));
    const good = await runCli(['validate', 'runbooks/'], env);
    expect(good.code).toBe(0);
  });

  it('compile prints the plan with its hash', async () => {
    const r = await runCli(['compile', 'runbooks/hello.yaml'], env);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan).toMatchObject({ formatVersion: 1, name: 'hello', entry: 'makeGreeting' });
    expect(plan.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('usage errors exit 2', async () => {
    expect((await runCli(['run'], env)).code).toBe(2);
    expect((await runCli(['frobnicate'], env)).code).toBe(2);
    expect((await runCli(['--help'], env)).code).toBe(0);
  });
});
