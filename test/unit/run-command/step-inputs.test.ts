import { describe, expect, it } from 'vitest';
import { readRunCommandInputs } from '../../../workflows/run-command/step-inputs';

describe("aws:runCommand's inputs, read for the Run Command workflow", () => {
  it('takes what runbooks write loosely: one id for a list, numbers for strings, nested lists flattened', () => {
    const r = readRunCommandInputs({
      DocumentName: 'AWS-RunShellScript',
      InstanceIds: [['i-1', 'mi-2']],
      Parameters: { commands: ['uptime', 'df -h'], executionTimeout: 600 },
      MaxConcurrency: 10,
      MaxErrors: '10%',
      TimeoutSeconds: '120',
      Comment: 'x',
      NotificationConfig: { NotificationArn: 'arn:aws:sns:us-east-1:1:t', NotificationEvents: 'Failed', NotificationType: 'Invocation' },
    });
    expect(r).toEqual({
      ok: true,
      value: {
        documentName: 'AWS-RunShellScript',
        selection: { instanceIds: ['i-1', 'mi-2'] },
        parameters: { commands: ['uptime', 'df -h'], executionTimeout: '600' },
        maxConcurrency: '10',
        maxErrors: '10%',
        timeoutSeconds: 120,
        comment: 'x',
        notificationConfig: { NotificationArn: 'arn:aws:sns:us-east-1:1:t', NotificationEvents: ['Failed'], NotificationType: 'Invocation' },
      },
    });
    expect(readRunCommandInputs({ DocumentName: 'D', Targets: [{ Key: 'tag:role', Values: 'web' }] })).toMatchObject({ ok: true, value: { selection: { targets: [{ Key: 'tag:role', Values: ['web'] }] } } });
  });

  it('names every problem', () => {
    const r = readRunCommandInputs({ InstanceIds: [{}], Parameters: 'x', TimeoutSeconds: 'soon', MaxErrors: true, NotificationConfig: {} });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems).toEqual([
      'DocumentName is required (the name of a Command document)',
      'InstanceIds must be a list of node ids; got [{}]',
      'Parameters must be a map of names to values; got "x"',
      'MaxErrors must be a number or a percentage; got true',
      'TimeoutSeconds must be a whole number of seconds; got "soon"',
      'NotificationConfig needs a NotificationArn',
    ]);
  });
});
