// The agent's parts that need no Temporal: parameter checks and SSM's substitution, the
// script of a runCommand, output truncation, S3 keys and CloudWatch batches, the journal,
// the node identity, the config file and tags, and a real script run (process group,
// timeout, cancellation).
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileCommandDocument } from '../../../compiler/command';
import { checkInvocationParameters, parameterEnvironment, scriptOf, substituteParameters } from '../../../agent/invocation/parameters';
import { MAX_STDOUT_CHARS, pluginOutput, readHead, truncate } from '../../../agent/invocation/output';
import { logBatches, logStreamName, s3OutputKey } from '../../../agent/invocation/upload';
import { runShellScript } from '../../../agent/invocation/shell';
import { InvocationJournal } from '../../../agent/journal';
import { loadIdentity } from '../../../agent/identity';
import { parseTagFlag, readAgentConfig } from '../../../agent/config';
import { dedent } from '../compiler/helpers';

const tmp = () => mkdtempSync(join(tmpdir(), 'drover-agent-unit-'));

const doc = compileCommandDocument(
  dedent(`
    schemaVersion: '2.2'
    parameters:
      Mode: { type: String, allowedValues: [fast, slow], default: fast }
      Hosts: { type: StringList, interpolationType: ENV_VAR }
      Port: { type: String, allowedPattern: '^[0-9]{2,5}$', default: '8080' }
    mainSteps:
      - { action: aws:runShellScript, name: a, inputs: { runCommand: ['{{ Hosts }}', 'echo {{ Mode }} {{ Hosts }} {{ other.thing }}'] } }
  `),
  'd.yaml',
).plan!;

describe('parameters on the node', () => {
  it('are checked against the document again, defaults applied', () => {
    expect(checkInvocationParameters(doc, { Hosts: ['a', 'b'] })).toEqual({ values: { Mode: 'fast', Hosts: ['a', 'b'], Port: '8080' }, problems: [] });
    const { problems } = checkInvocationParameters(doc, { Mode: 'fastest', Port: '1', Extra: 'x' });
    expect(problems).toEqual([
      'parameter Extra: the document has no such parameter. The document\'s parameters are Mode, Hosts and Port.',
      'parameter Mode: "fastest" is not one of the allowed values "fast" or "slow".',
      'parameter Hosts: a value is required (the parameter has no default).',
      'parameter Port: "1" does not match the allowed pattern ^[0-9]{2,5}$',
    ]);
  });

  it('are substituted as SSM Agent does: a lone reference is the value, an embedded one its text', () => {
    const values = { Mode: 'fast', Hosts: ['a', 'b'] };
    const inputs = substituteParameters(doc.plugins[0]!.inputs, values) as { runCommand: unknown };
    expect(inputs.runCommand).toEqual([['a', 'b'], 'echo fast ["a","b"] {{ other.thing }}']);
    expect(scriptOf(inputs.runCommand)).toBe('a\nb\necho fast ["a","b"] {{ other.thing }}');
    expect(scriptOf('one\ntwo')).toBe('one\ntwo');
    expect(substituteParameters(' {{ Mode }}', values)).toBe(' fast');
    expect(parameterEnvironment(doc, values)).toEqual({ SSM_Hosts: 'a\nb' });
  });
});

describe('output', () => {
  it('is truncated as SSM truncates it, with a marker inside the limit', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'out'), 'é'.repeat(30_000));
    const head = await readHead(join(dir, 'out'), MAX_STDOUT_CHARS);
    expect(head.truncated).toBe(true);
    expect(head.text.length).toBe(MAX_STDOUT_CHARS);
    expect(head.text.endsWith('\n--output truncated--')).toBe(true);
    expect(await readHead(join(dir, 'missing'), 10)).toEqual({ text: '', truncated: false, bytes: 0 });
    expect(truncate('short', 10)).toBe('short');
    expect(pluginOutput('out', 'err')).toBe('out\n----------ERROR-------\nerr');
  });

  it('goes to S3 and CloudWatch Logs under SSM\'s names', () => {
    const plugin = { name: 'aws:runShellScript', action: 'aws:runShellScript', id: '0.aws:runShellScript' };
    expect(s3OutputKey('runs/', 'c1', 'mi-1', plugin, 'stdout')).toBe('runs/c1/mi-1/awsrunShellScript/0.awsrunShellScript/stdout');
    expect(s3OutputKey(undefined, 'c1', 'mi-1', { name: 'step', action: 'aws:runShellScript' }, 'stderr')).toBe('c1/mi-1/awsrunShellScript/step/stderr');
    expect(logStreamName('c1', 'mi-1', { name: 'step' }, 'stdout')).toBe('c1/mi-1/step/stdout');
    const batches = logBatches(`${'x'.repeat(200_000)}\n${'line\n'.repeat(20_000)}`, 1);
    expect(batches.flat().length).toBe(4 + 20_000);
    expect(batches.every((b) => b.length <= 10_000 && b.reduce((n, e) => n + e.message!.length + 26, 0) <= 1024 * 1024)).toBe(true);
  });
});

describe('the journal', () => {
  it('remembers what started; what never ended was interrupted by the agent dying', () => {
    const dir = tmp();
    const j = InvocationJournal.open(dir);
    j.start('c1/n');
    j.end('c1/n', 'Success', 0);
    j.start('c2/n');
    j.close();
    // The agent dies here (c2 never ends); a new one opens the journal.
    const again = InvocationJournal.open(dir);
    expect(again.lookup('c1/n')).toMatchObject({ status: 'Success', responseCode: 0 });
    expect(again.lookup('c2/n')).toMatchObject({ interrupted: true });
    expect(again.lookup('c2/n')!.endedAt).toBeUndefined();
    expect(again.lookup('c3/n')).toBeUndefined();
    again.close();
  });

  it('stays bounded', () => {
    const dir = tmp();
    const j = InvocationJournal.open(dir);
    for (let i = 0; i < 1600; i++) {
      j.start(`c${i}`);
      j.end(`c${i}`, 'Success', 0);
    }
    j.close();
    const lines = readFileSync(join(dir, 'invocations.jsonl'), 'utf8').trim().split('\n').length;
    expect(lines).toBeLessThanOrEqual(3001);
    const reopened = InvocationJournal.open(dir);
    expect(reopened.lookup('c1599')).toBeDefined();
    expect(reopened.lookup('c0')).toBeUndefined();
    reopened.close();
  });
});

describe('identity and configuration', () => {
  it('keeps a stable mi- id; --node-id registers under another and keeps it', () => {
    const dir = tmp();
    const first = loadIdentity(dir);
    expect(first).toMatchObject({ created: true });
    expect(first.nodeId).toMatch(/^mi-[0-9a-f]{17}$/);
    expect(loadIdentity(dir)).toEqual({ nodeId: first.nodeId, created: false });
    expect(loadIdentity(dir, 'i-0123456789abcdef0')).toEqual({ nodeId: 'i-0123456789abcdef0', created: true });
    expect(loadIdentity(dir)).toEqual({ nodeId: 'i-0123456789abcdef0', created: false });
    expect(() => loadIdentity(dir, 'bad id!')).toThrow(/not a valid node id/);
  });

  it('reads tags from flags and from YAML or JSON config files, with clear errors', () => {
    expect(parseTagFlag('role=web=1')).toEqual(['role', 'web=1']);
    expect(() => parseTagFlag('role')).toThrow(/Key=Value/);
    expect(() => parseTagFlag('aws:x=1')).toThrow(/reserved/);
    const dir = tmp();
    writeFileSync(join(dir, 'a.yaml'), 'nodeId: mi-00000000000000001\ntags:\n  role: web\n  tier: 2\n');
    expect(readAgentConfig(join(dir, 'a.yaml'))).toEqual({ nodeId: 'mi-00000000000000001', tags: { role: 'web', tier: '2' } });
    writeFileSync(join(dir, 'b.json'), JSON.stringify({ tags: [{ Key: 'env', Value: 'prod' }] }));
    expect(readAgentConfig(join(dir, 'b.json'))).toEqual({ tags: { env: 'prod' } });
    writeFileSync(join(dir, 'c.yaml'), 'tagz: {}\n');
    expect(() => readAgentConfig(join(dir, 'c.yaml'))).toThrow(/unknown setting tagz/);
  });
});

describe('a script run', () => {
  const run = (script: string, extra: { timeoutMs?: number; signal?: AbortSignal; workingDirectory?: string } = {}) => {
    const dir = tmp();
    return runShellScript({ script, dir, timeoutMs: extra.timeoutMs ?? 10_000, env: process.env, signal: extra.signal ?? new AbortController().signal, ...(extra.workingDirectory ? { workingDirectory: extra.workingDirectory } : {}) });
  };

  it('captures stdout, stderr and the exit code; honours a #! line and the working directory', async () => {
    const dir = tmp();
    const outcome = await run('pwd\necho oops >&2\nexit 7', { workingDirectory: dir });
    expect([outcome.exitCode, outcome.timedOut, outcome.cancelled]).toEqual([7, false, false]);
    expect(readFileSync(outcome.stdoutPath, 'utf8')).toBe(`${dir}\n`);
    expect(readFileSync(outcome.stderrPath, 'utf8')).toBe('oops\n');
    const py = await run('#!/bin/sh\necho "$0"');
    expect(readFileSync(py.stdoutPath, 'utf8')).toMatch(/_script\.sh\n$/);
    const missing = await run('true', { workingDirectory: '/nope/nowhere' });
    expect(missing.startError).toMatch(/does not exist/);
  });

  it('kills the whole process group on timeout and on cancel', async () => {
    const dir = tmp();
    const timed = await run(`sleep 30 & echo $! > ${dir}/pid; wait`, { timeoutMs: 500 });
    expect([timed.timedOut, timed.exitCode]).toEqual([true, undefined]);
    const pid = Number(readFileSync(`${dir}/pid`, 'utf8'));
    await new Promise((r) => setTimeout(r, 200));
    expect(existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ')).toBe(false);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const cancelled = await run('sleep 30', { signal: controller.signal });
    expect(cancelled.cancelled).toBe(true);
  });
});
