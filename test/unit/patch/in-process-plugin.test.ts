// The agent's adapter for plugins run in its own process (drover:runPatchBaseline): output
// to the same files a script's goes to, exit codes kept (194 included), and a timeout or a
// cancellation that aborts the plugin's signal and ends the step at once.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcessPlugin, type InProcessPlugin } from '../../../agent/invocation/in-process';

const dir = () => mkdtempSync(join(tmpdir(), 'in-process-'));
const base = { nodeId: 'mi-1', commandId: 'c-1', timeoutMs: 5000 };

describe('runInProcessPlugin', () => {
  it('writes the output where a script would, and keeps the exit code', async () => {
    const plugin: InProcessPlugin = async (inputs, ctx) => ({ exitCode: 194, stdout: `op ${String(inputs.Operation)} on ${ctx.nodeId}\n`, stderr: 'reboot\n' });
    const outcome = await runInProcessPlugin({ ...base, plugin, inputs: { Operation: 'Install' }, dir: dir(), signal: new AbortController().signal });
    expect(outcome).toMatchObject({ exitCode: 194, timedOut: false, cancelled: false });
    expect(readFileSync(outcome.stdoutPath, 'utf8')).toBe('op Install on mi-1\n');
    expect(readFileSync(outcome.stderrPath, 'utf8')).toBe('reboot\n');
  });

  it('times out: the plugin sees its signal aborted, the step ends TimedOut without an exit code', async () => {
    let aborted = false;
    const plugin: InProcessPlugin = (_inputs, ctx) =>
      new Promise((resolve) => {
        ctx.signal.addEventListener('abort', () => {
          aborted = true;
          setTimeout(() => resolve({ exitCode: 0, stdout: 'too late', stderr: '' }), 50);
        });
      });
    const t0 = Date.now();
    const outcome = await runInProcessPlugin({ ...base, timeoutMs: 100, plugin, inputs: {}, dir: dir(), signal: new AbortController().signal });
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(aborted).toBe(true);
    expect(outcome).toMatchObject({ timedOut: true, cancelled: false });
    expect(outcome.exitCode).toBeUndefined();
  });

  it('is cancelled with the invocation, and reports a thrown error as a start error', async () => {
    const cancel = new AbortController();
    const plugin: InProcessPlugin = () => new Promise(() => {});
    setTimeout(() => cancel.abort(new Error('cancelled')), 50);
    expect(await runInProcessPlugin({ ...base, plugin, inputs: {}, dir: dir(), signal: cancel.signal })).toMatchObject({ cancelled: true, timedOut: false });
    const broken: InProcessPlugin = async () => {
      throw new Error('boom');
    };
    const outcome = await runInProcessPlugin({ ...base, plugin: broken, inputs: {}, dir: dir(), signal: new AbortController().signal });
    expect(outcome).toMatchObject({ startError: 'boom' });
    expect(readFileSync(outcome.stderrPath, 'utf8')).toBe('boom\n');
  });
});
