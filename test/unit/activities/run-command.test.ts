// aws:runCommand's pure parts: inputs to SendCommand, the marker that finds a sent command
// again, and the verdict on a finished command.
import { describe, expect, it } from 'vitest';
import { commandMarker, commentWithMarker, hasMarker, parseRunCommandInputs, MAX_COMMENT_CHARS } from '../../../activities/aws/run-command-input';
import { judgeCommand, MAX_OUTPUT_CHARS } from '../../../activities/aws/run-command';
import type { SsmCommandResult, SsmInvocation } from '../../../activities/aws/run-command-ssm';

function parse(inputs: Record<string, unknown>) {
  return parseRunCommandInputs(inputs);
}

function problems(inputs: Record<string, unknown>): string[] {
  const r = parse(inputs);
  if (r.ok) throw new Error(`expected problems, got ${JSON.stringify(r.request)}`);
  return r.problems;
}

describe('aws:runCommand inputs', () => {
  it('builds SendCommand from what AWS runbooks write: lists from single values, strings from numbers', () => {
    const r = parse({
      DocumentName: 'AWS-RunShellScript',
      InstanceIds: 'i-0123456789abcdef0',
      Parameters: { commands: 'uptime', workingDirectory: ['/tmp'], executionTimeout: 600, flags: { a: 1 } },
      TimeoutSeconds: '600',
      MaxConcurrency: 10,
      MaxErrors: '10%',
      DocumentVersion: 3,
      CloudWatchOutputConfig: { CloudWatchOutputEnabled: 'true', CloudWatchLogGroupName: 'g' },
      NotificationConfig: { NotificationArn: 'arn:aws:sns:us-east-1:123456789012:t', NotificationEvents: 'Failed', NotificationType: 'Command' },
      OutputS3BucketName: 'b',
      OutputS3KeyPrefix: 'p/',
      ServiceRoleArn: 'arn:aws:iam::123456789012:role/sns',
      DocumentHash: 'abc',
      DocumentHashType: 'Sha256',
      AlarmConfiguration: { Alarms: [{ Name: 'cpu' }], IgnorePollAlarmFailure: false },
    });
    expect(r).toEqual({
      ok: true,
      request: {
        DocumentName: 'AWS-RunShellScript',
        InstanceIds: ['i-0123456789abcdef0'],
        Parameters: { commands: ['uptime'], workingDirectory: ['/tmp'], executionTimeout: ['600'], flags: ['{"a":1}'] },
        TimeoutSeconds: 600,
        MaxConcurrency: '10',
        MaxErrors: '10%',
        DocumentVersion: '3',
        CloudWatchOutputConfig: { CloudWatchOutputEnabled: true, CloudWatchLogGroupName: 'g' },
        NotificationConfig: { NotificationArn: 'arn:aws:sns:us-east-1:123456789012:t', NotificationEvents: ['Failed'], NotificationType: 'Command' },
        OutputS3BucketName: 'b',
        OutputS3KeyPrefix: 'p/',
        ServiceRoleArn: 'arn:aws:iam::123456789012:role/sns',
        DocumentHash: 'abc',
        DocumentHashType: 'Sha256',
        AlarmConfiguration: { Alarms: [{ Name: 'cpu' }], IgnorePollAlarmFailure: false },
      },
    });
  });

  it('takes Targets as SSM does', () => {
    const r = parse({ DocumentName: 'D', Targets: [{ Key: 'tag:role', Values: 'web' }, { Key: 'InstanceIds', Values: ['i-1', 'i-2'] }] });
    expect(r.ok && r.request.Targets).toEqual([
      { Key: 'tag:role', Values: ['web'] },
      { Key: 'InstanceIds', Values: ['i-1', 'i-2'] },
    ]);
  });

  it('names every problem at once', () => {
    const p = problems({ InstanceIds: ['i-1'], Targets: [{ Key: 'tag:a', Values: ['b'] }], TimeoutSeconds: 5, MaxConcurrency: '0', Bogus: 1 });
    expect(p).toEqual([
      'Bogus is not an input of aws:runCommand',
      'DocumentName is required (the name or ARN of a Command document)',
      'give either InstanceIds or Targets (exactly one of them)',
      'TimeoutSeconds must be a whole number from 30 to 2592000; got 5',
      'MaxConcurrency must be a number from 1 or a percentage from 1% to 100%; got "0"',
    ]);
  });

  it.each([
    [{ DocumentName: 'D' }, 'give either InstanceIds or Targets (exactly one of them)'],
    [{ DocumentName: 'D', InstanceIds: [] }, 'InstanceIds is empty'],
    [{ DocumentName: 'D', InstanceIds: ['{{ RESOURCE_ID }}'] }, 'InstanceIds has unresolved references: {{ RESOURCE_ID }}'],
    [{ DocumentName: 'D', InstanceIds: Array.from({ length: 51 }, (_, i) => `i-${i}`) }, 'InstanceIds holds 51 ids; SSM takes at most 50 (use Targets for more)'],
    [{ DocumentName: 'D', Targets: [{ Key: 'tag:a' }] }, 'Targets[0] must be {Key: string, Values: [string, ...]}; got {"Key":"tag:a"}'],
    [{ DocumentName: 'D', InstanceIds: ['i-1'], Parameters: 'x' }, 'Parameters must be a map of parameter names to values; got "x"'],
    [{ DocumentName: 'D', InstanceIds: ['i-1'], MaxErrors: '-1' }, 'MaxErrors must be a number from 0 or a percentage from 0% to 100%; got "-1"'],
    [{ DocumentName: 'D', InstanceIds: ['i-1'], DocumentHashType: 'Md5' }, 'DocumentHashType must be Sha256 or Sha1; got "Md5"'],
    [{ DocumentName: 'D', InstanceIds: ['i-1'], Comment: 'x'.repeat(101) }, 'Comment has 101 characters; SSM takes at most 100'],
    [
      { DocumentName: 'D', InstanceIds: ['i-1'], NotificationConfig: { NotificationArn: 'a', NotificationEvents: ['Sometimes'] } },
      'NotificationConfig must be {NotificationArn: string, NotificationEvents: [All|InProgress|Success|TimedOut|Cancelled|Failed], NotificationType: Command|Invocation}; got {"NotificationArn":"a","NotificationEvents":["Sometimes"]}',
    ],
  ])('refuses %j', (inputs, problem) => {
    expect(problems(inputs)).toEqual([problem]);
  });
});

describe('the marker of a step attempt', () => {
  it('is readable when short, a digest when long, and different for each attempt and run', () => {
    const m = commandMarker({ executionId: 'patch/abc', step: 'run', run: 1, attempt: 2 });
    expect(m).toBe('drover:patch/abc/run/1/2');
    const long = commandMarker({ executionId: `patch/${'0'.repeat(36)}`, step: 'runTheCommandOnTheFleet', run: 1, attempt: 1 });
    expect(long).toMatch(/^drover:[0-9a-f]{32}$/);
    expect(commandMarker({ executionId: `patch/${'0'.repeat(36)}`, step: 'runTheCommandOnTheFleet', run: 1, attempt: 2 })).not.toBe(long);
    expect(commandMarker({ executionId: 'patch/abc', step: 'run', run: 2, attempt: 2 })).not.toBe(m);
  });

  it('follows the runbook comment within SSM 100 characters, and only the exact marker matches', () => {
    const m = 'drover:x/step/1/1';
    expect(commentWithMarker(undefined, m)).toBe(m);
    expect(commentWithMarker('restart web', m)).toBe(`restart web ${m}`);
    const long = commentWithMarker('c'.repeat(100), m);
    expect(long.length).toBe(MAX_COMMENT_CHARS);
    expect(long.endsWith(`… ${m}`)).toBe(true);
    expect(hasMarker(`restart web ${m}`, m)).toBe(true);
    expect(hasMarker(m, m)).toBe(true);
    expect(hasMarker(`${m}1`, m)).toBe(false);
    expect(hasMarker(`drover:y/${m}`, m)).toBe(false);
    expect(hasMarker(`x${m}`, m)).toBe(false);
    expect(hasMarker(undefined, m)).toBe(false);
  });
});

describe('the verdict on a finished command', () => {
  const inv = (instanceId: string, status: string, more: Partial<SsmInvocation> = {}): SsmInvocation => ({
    instanceId,
    status,
    statusDetails: status,
    responseCode: status === 'Success' ? 0 : 1,
    output: '',
    error: '',
    ...more,
  });
  const result = (status: string, invocations: SsmInvocation[]): SsmCommandResult => ({ commandId: 'c-1', status, statusDetails: status, invocations });

  it('succeeds with the first invocation output (24,000 characters at most) and response code', () => {
    const v = judgeCommand(result('Success', [inv('i-b', 'Success', { output: 'x'.repeat(30_000), responseCode: 0 }), inv('i-a', 'Success', { output: 'other' })]), 'D');
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    expect(v.outputs).toEqual({ CommandId: 'c-1', Status: 'Success', ResponseCode: 0, Output: 'x'.repeat(MAX_OUTPUT_CHARS) });
  });

  it('fails naming each node that did not succeed, with status, details, exit code and stderr', () => {
    const v = judgeCommand(
      result('Failed', [
        inv('i-a', 'Success'),
        inv('i-b', 'Failed', { responseCode: 2, error: 'no such file\n' }),
        inv('i-c', 'TimedOut', { statusDetails: 'DeliveryTimedOut', responseCode: -1 }),
        inv('i-d', 'NotFound', { statusDetails: 'InvocationDoesNotExist', responseCode: -1 }),
      ]),
      'AWS-RunShellScript',
    );
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.message).toBe(
      'command c-1 (AWS-RunShellScript) ended Failed on 3 of 4 nodes: i-b: Failed, exit code 2: no such file; i-c: TimedOut (DeliveryTimedOut); ' +
        'i-d: no invocation (SSM did not deliver the command: is the node managed by SSM and online?)',
    );
    expect(v.invocations.map((i) => i.status)).toEqual(['Success', 'Failed', 'TimedOut', 'NotFound']);
  });

  it('fails when the command itself did not succeed, even if no invocation says why', () => {
    const v = judgeCommand({ commandId: 'c-2', status: 'Cancelled', statusDetails: 'Cancelled', invocations: [] }, 'D');
    expect(v).toMatchObject({ ok: false, message: 'command c-2 (D) ended Cancelled: Cancelled' });
  });
});
