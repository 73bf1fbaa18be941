import { describe, expect, it } from 'vitest';
import { matchesAll, parseSelection, parseTargetShorthand } from '../../../workflows/run-command/target-spec';
import { nodeQuery } from '../../../activities/run-command/resolve-targets';
import { collectParameter, parseNotificationConfig } from '../../../cli/command-args';

describe('targets', () => {
  it('normalises InstanceIds and Targets keys as SSM defines them', () => {
    expect(parseSelection({ instanceIds: ['i-1', 'i-1', 'mi-2'] })).toEqual({ criteria: [{ kind: 'ids', ids: ['i-1', 'mi-2'] }], errors: [] });
    expect(
      parseSelection({
        targets: [
          { Key: 'tag:role', Values: ['web', 'db'] },
          { Key: 'tag-key', Values: ['backup'] },
          { Key: 'instanceids', Values: ['i-1'] },
        ],
      }).criteria,
    ).toEqual([
      { kind: 'tag', key: 'role', values: ['web', 'db'] },
      { kind: 'tag-key', keys: ['backup'] },
      { kind: 'ids', ids: ['i-1'] },
    ]);
  });

  it('refuses what SendCommand refuses, each problem in words', () => {
    expect(parseSelection({}).errors).toEqual(['no targets: give InstanceIds, or Targets such as Key=tag:role,Values=web']);
    expect(parseSelection({ instanceIds: ['a'], targets: [{ Key: 'tag:a', Values: ['b'] }] }).errors).toContain('give InstanceIds or Targets, not both');
    expect(parseSelection({ targets: [{ Key: 'role', Values: ['web'] }] }).errors[0]).toMatch(/target key "role" is not one of tag:<name>, tag-key, InstanceIds/);
    expect(parseSelection({ targets: [{ Key: 'resource-groups:Name', Values: ['g'] }] }).errors[0]).toMatch(/resource groups are not supported/);
    expect(parseSelection({ targets: [{ Key: 'tag:role', Values: [] }] }).errors[0]).toMatch(/needs at least one value/);
    expect(parseSelection({ targets: Array.from({ length: 6 }, (_, i) => ({ Key: `tag:k${i}`, Values: ['v'] })) }).errors[0]).toMatch(/at most 5 keys/);
    expect(parseSelection({ instanceIds: Array.from({ length: 51 }, (_, i) => `i-${i}`) }).errors[0]).toMatch(/at most 50 ids/);
  });

  it('matches nodes: values of one key are alternatives, keys must all match', () => {
    const { criteria } = parseSelection({
      targets: [
        { Key: 'tag:role', Values: ['web', 'db'] },
        { Key: 'tag:env', Values: ['prod'] },
      ],
    });
    expect(matchesAll(criteria, 'n1', { role: 'web', env: 'prod' })).toBe(true);
    expect(matchesAll(criteria, 'n2', { role: 'db', env: 'prod' })).toBe(true);
    expect(matchesAll(criteria, 'n3', { role: 'web', env: 'test' })).toBe(false);
    expect(matchesAll(criteria, 'n4', { role: 'web' })).toBe(false);
    const keyed = parseSelection({ targets: [{ Key: 'tag-key', Values: ['a', 'b'] }] }).criteria;
    expect(matchesAll(keyed, 'n', { b: '' })).toBe(true);
    expect(matchesAll(keyed, 'n', { c: 'a' })).toBe(false);
  });

  it('asks the registry for no more than the criteria need', () => {
    const { criteria } = parseSelection({ targets: [{ Key: 'tag:role', Values: ['web'] }, { Key: 'tag-key', Values: ['backup'] }] });
    expect(nodeQuery(criteria)).toEqual({ tags: { role: ['web'] }, tagKeys: ['backup'], liveness: false });
    expect(nodeQuery(parseSelection({ instanceIds: ['a'] }).criteria)).toEqual({ nodeIds: ['a'], liveness: false });
  });
});

describe('send-command arguments', () => {
  it('reads --targets in the AWS CLI shorthand', () => {
    expect(parseTargetShorthand('Key=tag:role,Values=web,db')).toEqual({ Key: 'tag:role', Values: ['web', 'db'] });
    expect(parseTargetShorthand('Key="tag:Operating System",Values="Windows Server 2016 Nano"')).toEqual({ Key: 'tag:Operating System', Values: ['Windows Server 2016 Nano'] });
    expect(parseTargetShorthand('tag:role=web')).toMatchObject({ error: expect.stringMatching(/Key=<key>,Values=/) });
  });

  it('reads --parameters as name=value (repeatable, commas kept) or JSON', () => {
    let p = collectParameter('commands=echo a, b');
    p = collectParameter('commands=uptime', p);
    expect(p).toEqual({ commands: ['echo a, b', 'uptime'] });
    expect(collectParameter('{"commands":["ls","pwd"],"workingDirectory":"/tmp"}')).toEqual({ commands: ['ls', 'pwd'], workingDirectory: ['/tmp'] });
    expect(collectParameter('commands=["a","b"]')).toEqual({ commands: ['a', 'b'] });
    expect(() => collectParameter('nothing')).toThrow(/name=value/);
  });

  it('reads --notification-config in shorthand or JSON', () => {
    expect(parseNotificationConfig('NotificationArn=arn:aws:sns:us-east-1:1:t,NotificationEvents=Failed,TimedOut,NotificationType=Invocation')).toEqual({
      NotificationArn: 'arn:aws:sns:us-east-1:1:t',
      NotificationEvents: ['Failed', 'TimedOut'],
      NotificationType: 'Invocation',
    });
    expect(parseNotificationConfig('{"NotificationArn":"arn:x","NotificationEvents":["All"]}')).toEqual({ NotificationArn: 'arn:x', NotificationEvents: ['All'] });
    expect(() => parseNotificationConfig('NotificationEvents=All')).toThrow(/NotificationArn/);
  });
});
