// The pure parts of the AWS API actions, on the SDK's real operation schemas: fitting
// runbook values to a request, shaping a response like boto3's, DesiredValues, and the
// idempotency tokens and tags.
import { describe, expect, it } from 'vitest';
import { resolveOperation } from '../../../activities/aws/api/operation';
import { idempotencyTokenMembers, shapeRequest } from '../../../activities/aws/api/request-shape';
import { shapeResponse } from '../../../activities/aws/api/response-shape';
import { desiredValues, matchesDesired } from '../../../activities/aws/api/desired-values';
import { clientToken, withIdempotencyTags } from '../../../activities/aws/idempotency';
import { pollInterval } from '../../../activities/aws/api/activities';

const inputOf = async (service: string, api: string) => {
  const { input } = await resolveOperation(service, api);
  if (!input) throw new Error(`${service} ${api} has no schema`);
  return input;
};
const shape = async (service: string, api: string, params: Record<string, unknown>) => shapeRequest(await inputOf(service, api), params);

describe('resolveOperation', () => {
  it('maps boto3 names onto the installed client and command', async () => {
    const op = await resolveOperation('EC2', 'DescribeInstances');
    expect([op.service, op.api, op.Client.name, op.Command.name]).toEqual(['ec2', 'DescribeInstances', 'EC2Client', 'DescribeInstancesCommand']);
  });

  it('finds an operation written in another case or in snake_case, as SSM does', async () => {
    for (const api of ['rebootInstances', 'REBOOTINSTANCES', 'reboot_instances']) expect((await resolveOperation('ec2', api)).api).toBe('RebootInstances');
    expect((await resolveOperation('iam', 'add_role_to_instance_profile')).Command.name).toBe('AddRoleToInstanceProfileCommand');
  });

  it('resolves boto3 aliases and clients published before operation schemas (requests go as written)', async () => {
    expect((await resolveOperation('elbv2', 'DescribeLoadBalancers')).Client.name).toBe('ElasticLoadBalancingV2Client');
    expect((await resolveOperation('autoscaling', 'DescribeAutoScalingGroups')).Client.name).toBe('AutoScalingClient');
    const mwaa = await resolveOperation('mwaa', 'GetEnvironment');
    expect([mwaa.Client.name, mwaa.input]).toEqual(['MWAAClient', undefined]);
  });

  it.each([
    ['pinpoint', 'GetApps', /Service "pinpoint" is not installed.*`npm i @aws-sdk\/client-pinpoint` adds it/],
    ['ec2', 'DescribeInstance', /ec2 has no operation "DescribeInstance"\. Did you mean "DescribeInstances"\?/],
    ['s3', 'GetObject', /s3 GetObject returns a stream/],
    [42, 'X', /Service must be a service name/],
  ])('refuses %s %s as a step failure', async (service, api, message) => {
    await expect(resolveOperation(service, api)).rejects.toMatchObject({ type: 'DroverActionFailed', nonRetryable: true, message: expect.stringMatching(message) });
  });
});

describe('shapeRequest', () => {
  it('converts what YAML and interpolation give into what the operation takes', async () => {
    const { request, problems } = await shape('ec2', 'DescribeInstances', {
      MaxResults: '5',
      DryRun: 'False',
      InstanceIds: 'i-1',
      Filters: { Name: 'tag:x', Values: 'y' },
    });
    expect(problems).toEqual([]);
    expect(request).toEqual({ MaxResults: 5, DryRun: false, InstanceIds: ['i-1'], Filters: [{ Name: 'tag:x', Values: ['y'] }] });
  });

  it('gives strings their text and unwraps a one-element list', async () => {
    const { request, problems } = await shape('ssm', 'PutParameter', { Name: ['/a'], Value: 5, Overwrite: true, Type: 'String' });
    expect(problems).toEqual([]);
    expect(request).toEqual({ Name: '/a', Value: '5', Overwrite: true, Type: 'String' });
    const policy = await shape('iam', 'CreatePolicy', { PolicyName: 'p', PolicyDocument: { Version: '2012-10-17', Statement: [] } });
    expect(policy.request.PolicyDocument).toBe('{"Version":"2012-10-17","Statement":[]}');
  });

  it('reads timestamps from ISO-8601 text or epoch seconds', async () => {
    const { request } = await shape('cloudwatch', 'GetMetricStatistics', { StartTime: '2024-01-02T03:04:05Z', EndTime: 1704164645 });
    expect((request.StartTime as Date).toISOString()).toBe('2024-01-02T03:04:05.000Z');
    expect((request.EndTime as Date).toISOString()).toBe('2024-01-02T03:04:05.000Z');
  });

  it('names every problem, with did-you-mean, and never repeats a sensitive value', async () => {
    const { problems } = await shape('ec2', 'DescribeInstances', { Filterz: [], MaxResults: 'many', DryRun: 'perhaps', Filters: 'x' });
    expect(problems).toEqual([
      'Filterz is not a parameter of DescribeInstancesRequest. Did you mean "Filters"?',
      'MaxResults must be a number; got "many"',
      'DryRun must be true or false; got "perhaps"',
      'Filters[0] must be a map of Filter; got "x"',
    ]);
    const secret = await shape('kms', 'Encrypt', { KeyId: 'k', Plaintext: { not: 'text' } });
    expect(secret.problems).toEqual(['Plaintext must be text; got a sensitive value']);
  });

  it('finds the members that carry an idempotency token', async () => {
    expect(idempotencyTokenMembers(await inputOf('ec2', 'RunInstances'))).toEqual(['ClientToken']);
    expect(idempotencyTokenMembers(await inputOf('ec2', 'CreateSnapshot'))).toEqual([]);
  });
});

describe('shapeResponse', () => {
  it('drops $metadata, writes dates as ISO-8601 and blobs as base64, keeps PascalCase', () => {
    const out = shapeResponse({
      $metadata: { httpStatusCode: 200 },
      Reservations: [{ Instances: [{ InstanceId: 'i-1', LaunchTime: new Date('2024-01-02T03:04:05Z'), Gone: undefined }] }],
      CiphertextBlob: new Uint8Array([104, 105]),
    });
    expect(out).toEqual({ Reservations: [{ Instances: [{ InstanceId: 'i-1', LaunchTime: '2024-01-02T03:04:05.000Z' }] }], CiphertextBlob: 'aGk=' });
  });
});

describe('DesiredValues', () => {
  const sel = (value: unknown) => ({ found: true as const, value });
  it('compares as text; booleans match True/False in any case', () => {
    expect(matchesDesired(sel('running'), desiredValues(['running', 'stopped']))).toBe(true);
    expect(matchesDesired(sel('pending'), desiredValues(['running']))).toBe(false);
    expect(matchesDesired(sel(true), desiredValues(['True']))).toBe(true);
    expect(matchesDesired(sel(false), desiredValues([true]))).toBe(false);
    expect(matchesDesired(sel('True'), desiredValues(['true']))).toBe(true);
    expect(matchesDesired(sel('Running'), desiredValues(['running']))).toBe(false);
    expect(matchesDesired(sel(8), desiredValues(['8']))).toBe(true);
    expect(matchesDesired({ found: false }, desiredValues(['']))).toBe(false);
  });
  it('a list matches when every value is desired', () => {
    expect(matchesDesired(sel(['running', 'running']), desiredValues(['running']))).toBe(true);
    expect(matchesDesired(sel(['running', 'pending']), desiredValues(['running']))).toBe(false);
  });
  it('a whole list written as text matches (AWSSupport-RestoreEC2InstanceFromSnapshot asserts "[]")', () => {
    expect(matchesDesired(sel([]), desiredValues(['[]']))).toBe(true);
    expect(matchesDesired(sel([]), desiredValues(['running']))).toBe(false);
    expect(matchesDesired(sel(['vol-1']), desiredValues(['[]']))).toBe(false);
  });
  it('refuses an empty or structured DesiredValues', () => {
    expect(() => desiredValues([])).toThrow(/at least one/);
    expect(() => desiredValues([{ a: 1 }])).toThrow(/text values/);
  });
});

describe('idempotency', () => {
  const key = { executionId: 'rb/1', step: 's', run: 1 };
  it('derives the same UUID-shaped token for the same step run, another for another run', () => {
    expect(clientToken(key)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(clientToken(key)).toBe(clientToken({ ...key }));
    expect(clientToken({ ...key, run: 2 })).not.toBe(clientToken(key));
    expect(clientToken(key, 'other')).not.toBe(clientToken(key));
  });
  it('merges its tags into the runbook’s TagSpecifications', () => {
    const specs = withIdempotencyTags(
      [
        { ResourceType: 'snapshot', Tags: [{ Key: 'team', Value: 'ops' }, { Key: 'drover:step', Value: 'forged' }] },
        { ResourceType: 'volume', Tags: [{ Key: 'x', Value: 'y' }] },
      ],
      'snapshot',
      key,
    );
    expect(specs).toEqual([
      {
        ResourceType: 'snapshot',
        Tags: [
          { Key: 'team', Value: 'ops' },
          { Key: 'drover:execution', Value: 'rb/1' },
          { Key: 'drover:step', Value: 's' },
          { Key: 'drover:run', Value: '1' },
        ],
      },
      { ResourceType: 'volume', Tags: [{ Key: 'x', Value: 'y' }] },
    ]);
    expect(withIdempotencyTags(undefined, 'image', key)).toEqual([{ ResourceType: 'image', Tags: withIdempotencyTags([], 'image', key)[0]!.Tags }]);
  });
});

describe('wait polling', () => {
  it('starts at 1 s and grows by half up to 15 s; DROVER_POLL_INTERVAL_MS fixes it', () => {
    const saved = process.env.DROVER_POLL_INTERVAL_MS;
    try {
      delete process.env.DROVER_POLL_INTERVAL_MS;
      const seen = [pollInterval()];
      while (seen.length < 10) seen.push(pollInterval(seen.at(-1)));
      expect(seen).toEqual([1000, 1500, 2250, 3375, 5063, 7595, 11393, 15000, 15000, 15000]);
      process.env.DROVER_POLL_INTERVAL_MS = '200';
      expect([pollInterval(), pollInterval(5000)]).toEqual([200, 200]);
    } finally {
      if (saved === undefined) delete process.env.DROVER_POLL_INTERVAL_MS;
      else process.env.DROVER_POLL_INTERVAL_MS = saved;
    }
  });
});
