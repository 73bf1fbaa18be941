import { describe, expect, it } from 'vitest';
import { selectOutputs, selectValue } from '../../../activities/outputs';
import type { OutputSpec } from '../../../lang/plan';
import { corpusRunbooks, hasCorpus, mapsIn } from '../corpus';

// Trimmed boto3 responses, shaped like the real ones the corpus selectors read.
const describeInstances = {
  Reservations: [
    {
      Instances: [
        {
          InstanceId: 'i-0abc',
          InstanceType: 't3.micro',
          RootDeviceName: '/dev/xvda',
          Placement: { AvailabilityZone: 'eu-west-1a' },
          SecurityGroups: [
            { GroupId: 'sg-1', GroupName: 'a' },
            { GroupId: 'sg-2', GroupName: 'b' },
          ],
          BlockDeviceMappings: [
            { DeviceName: '/dev/xvda', Ebs: { VolumeId: 'vol-1', DeleteOnTermination: true } },
            { DeviceName: '/dev/sdf', Ebs: { VolumeId: 'vol-2', DeleteOnTermination: false } },
          ],
          MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2 },
          State: { Name: 'running' },
          // no KeyName: boto3 omits it when the instance has no key pair
        },
      ],
    },
    { Instances: [{ InstanceId: 'i-0def' }] },
  ],
};

const describeVolumes = {
  Volumes: [{ VolumeId: 'vol-1', Iops: 3000, State: 'in-use', Attachments: [{ VolumeId: 'vol-1', DeleteOnTermination: true }] }],
};

const describeStacks = {
  Stacks: [
    {
      Outputs: [
        { OutputKey: 'VpcId', OutputValue: 'vpc-1' },
        { OutputKey: 'InstanceId', OutputValue: 'i-0stack' },
      ],
    },
  ],
};

const getAutomationExecution = {
  AutomationExecution: {
    Outputs: { 'preUpgradeBackup.ImageId': ['ami-0pre'], 'runScriptForLinux.Output': ['ok'] },
  },
};

const scriptResult = {
  Payload: {
    InstanceIds: ['i-1', 'i-2'],
    Count: '5',
    Completed: 'true',
    Nothing: null,
    Items: [
      { Key: 'a', Value: 1 },
      { Key: 'b', Value: 2 },
    ],
    Only: ['x'],
    Map: { a: '1' },
  },
};

const spec = (Name: string, Selector: string, Type?: OutputSpec['Type']): OutputSpec => (Type ? { Name, Selector, Type } : { Name, Selector });

describe('selectOutputs with selectors from published runbooks', () => {
  it('DescribeInstances: child, index, deep scan, maps', () => {
    const { outputs, problems } = selectOutputs(describeInstances, [
      spec('InstanceType', '$.Reservations[0].Instances[0].InstanceType', 'String'),
      spec('AvailabilityZone', '$.Reservations[0].Instances[0].Placement.AvailabilityZone', 'String'),
      spec('SecurityGroupIds', '$.Reservations[0].Instances[0].SecurityGroups..GroupId', 'StringList'),
      spec('BlockDeviceMappings', '$.Reservations[0].Instances[0].BlockDeviceMappings..DeviceName', 'StringList'),
      spec('MetadataOptions', '$.Reservations[0].Instances[0].MetadataOptions', 'StringMap'),
      spec('RootVolumeId', '$.Reservations[0].Instances[0].BlockDeviceMappings[0].Ebs.VolumeId', 'String'),
      spec('AllInstanceIds', '$.Reservations..Instances..InstanceId', 'StringList'),
      spec('State', '$.Reservations[0].Instances[0].State.Name', 'String'),
    ]);
    expect(problems).toEqual([]);
    expect(outputs).toEqual({
      InstanceType: 't3.micro',
      AvailabilityZone: 'eu-west-1a',
      SecurityGroupIds: ['sg-1', 'sg-2'],
      BlockDeviceMappings: ['/dev/xvda', '/dev/sdf'],
      MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2 },
      RootVolumeId: 'vol-1',
      AllInstanceIds: ['i-0abc', 'i-0def'],
      State: 'running',
    });
  });

  it('leaves an output unset when its selector matches nothing (KeyName of an instance without a key)', () => {
    const { outputs, problems } = selectOutputs(describeInstances, [
      spec('KeyName', '$.Reservations[0].Instances[0].KeyName', 'String'),
      spec('InstanceType', '$.Reservations[0].Instances[0].InstanceType', 'String'),
    ]);
    expect(outputs).toEqual({ InstanceType: 't3.micro' });
    expect(Object.hasOwn(outputs, 'KeyName')).toBe(false);
    expect(problems).toEqual([
      'output KeyName (String, selector $.Reservations[0].Instances[0].KeyName): matched nothing in the result, so the output is not set',
    ]);
  });

  it('DescribeVolumes: Integer and Boolean', () => {
    const { outputs, problems } = selectOutputs(describeVolumes, [
      spec('Iops', '$.Volumes[0].Iops', 'Integer'),
      spec('DeleteOnTermination', '$.Volumes[0].Attachments[0].DeleteOnTermination', 'Boolean'),
      spec('IopsText', '$.Volumes[0].Iops', 'String'),
    ]);
    expect(problems).toEqual([]);
    expect(outputs).toEqual({ Iops: 3000, DeleteOnTermination: true, IopsText: '3000' });
  });

  it('DescribeStacks: a String-typed output from a one-element filter result', () => {
    const { outputs, problems } = selectOutputs(describeStacks, [
      spec('InstanceId', "$.Stacks[0].Outputs[?(@.OutputKey=='InstanceId')].OutputValue", 'String'),
      spec('ByIndex', '$.Stacks[0].Outputs[1].OutputValue', 'String'),
      spec('Missing', "$.Stacks[0].Outputs[?(@.OutputKey=='Nope')].OutputValue", 'String'),
      spec('AllValues', '$.Stacks[0].Outputs[*].OutputValue', 'String'),
    ]);
    expect(outputs).toEqual({ InstanceId: 'i-0stack', ByIndex: 'i-0stack' });
    expect(problems).toEqual([
      expect.stringMatching(/^output Missing .*: matched nothing/),
      expect.stringMatching(/^output AllValues .*: expected a String, got a list of 2 items$/),
    ]);
  });

  it('GetAutomationExecution: a quoted output name holding a dot', () => {
    // AWSEC2-CloneInstanceAndUpgradeWindows
    const { outputs, problems } = selectOutputs(getAutomationExecution, [
      spec('ImageId', "$.AutomationExecution.Outputs.'preUpgradeBackup.ImageId'[0]", 'String'),
      spec('Output', "$.AutomationExecution.Outputs['runScriptForLinux.Output'][0]", 'String'),
      spec('DoubleQuoted', '$.AutomationExecution.Outputs."preUpgradeBackup.ImageId"', 'String'),
    ]);
    expect(problems).toEqual([]);
    expect(outputs).toEqual({ ImageId: 'ami-0pre', Output: 'ok', DoubleQuoted: 'ami-0pre' });
  });

  it('executeScript Payload: conversions from text, lists and maps', () => {
    const { outputs, problems } = selectOutputs(scriptResult, [
      spec('FirstId', '$.Payload.InstanceIds[0]', 'String'),
      spec('Ids', '$.Payload.InstanceIds', 'StringList'),
      spec('Count', '$.Payload.Count', 'Integer'),
      spec('Completed', '$.Payload.Completed', 'Boolean'),
      spec('Items', '$.Payload.Items', 'MapList'),
      spec('Only', '$.Payload.Only', 'String'),
      spec('OnlyList', '$.Payload.Only', 'StringList'),
      spec('Map', '$.Payload.Map', 'StringMap'),
      spec('Payload', '$.Payload', 'StringMap'),
      spec('Keys', '$.Payload.Items..Key', 'StringList'),
      spec('Match', "$.Payload.Items[?(@.Value > 1)]", 'MapList'),
    ]);
    expect(problems).toEqual([]);
    expect(outputs).toEqual({
      FirstId: 'i-1',
      Ids: ['i-1', 'i-2'],
      Count: 5,
      Completed: true,
      Items: scriptResult.Payload.Items,
      Only: 'x',
      OnlyList: ['x'],
      Map: { a: '1' },
      Payload: scriptResult.Payload,
      Keys: ['a', 'b'],
      Match: [{ Key: 'b', Value: 2 }],
    });
  });

  it('defaults a missing Type to String', () => {
    const { outputs } = selectOutputs(describeVolumes, [spec('VolumeId', '$.Volumes[0].VolumeId')]);
    expect(outputs).toEqual({ VolumeId: 'vol-1' });
  });

  it('keeps a deep scan with one match a list when the type is a list', () => {
    const { outputs } = selectOutputs({ a: [{ id: 'x' }] }, [spec('Ids', '$..id', 'StringList'), spec('Id', '$..id', 'String')]);
    expect(outputs).toEqual({ Ids: ['x'], Id: 'x' });
  });

  it('explains a value that cannot take the declared type', () => {
    const { outputs, problems } = selectOutputs(scriptResult, [
      spec('Map', '$.Payload.Map', 'String'),
      spec('Ids', '$.Payload.InstanceIds', 'Integer'),
      spec('Count', '$.Payload.Count', 'Boolean'),
    ]);
    expect(outputs).toEqual({});
    expect(problems).toEqual([
      'output Map (String, selector $.Payload.Map): expected a String, got a map',
      'output Ids (Integer, selector $.Payload.InstanceIds): expected an Integer, got a list of 2 items',
      'output Count (Boolean, selector $.Payload.Count): expected a Boolean, got the string "5"',
    ]);
  });

  it('treats a selected null as nothing', () => {
    const { outputs, problems } = selectOutputs(scriptResult, [spec('Nothing', '$.Payload.Nothing', 'String')]);
    expect(outputs).toEqual({});
    expect(problems).toEqual([expect.stringMatching(/matched nothing/)]);
  });

  it('sets nothing from an empty or missing result', () => {
    for (const result of [null, undefined, {}, []]) {
      const { outputs, problems } = selectOutputs(result, [spec('A', '$.a'), spec('B', '$..b', 'StringList')]);
      expect(outputs).toEqual({});
      expect(problems).toHaveLength(2);
    }
  });

  it('reads a selector without $ from the root, as AWS documents write them', () => {
    // AWS-CreateSnapshot and AWSSupport-RestoreEC2InstanceFromSnapshot
    const { outputs, problems } = selectOutputs(
      { SnapshotId: 'snap-1', Payload: { KeyName: 'k' }, Volumes: [{ VolumeId: 'vol-1' }] },
      [spec('Payload', 'SnapshotId', 'String'), spec('KeyName', 'Payload.KeyName', 'String'), spec('V', "['Volumes'][0].VolumeId")],
    );
    expect(problems).toEqual([]);
    expect(outputs).toEqual({ Payload: 'snap-1', KeyName: 'k', V: 'vol-1' });
  });

  it('reports an empty selector', () => {
    const { outputs, problems } = selectOutputs(describeVolumes, [spec('V', ' ')]);
    expect(outputs).toEqual({});
    expect(problems).toEqual(['output V (String, selector  ): selector " " must be a JSONPath such as $.Payload.Name']);
  });

  it('keeps an output named __proto__ an ordinary key', () => {
    const { outputs } = selectOutputs({ a: 'x' }, [spec('__proto__', '$.a')]);
    expect(Object.getPrototypeOf(outputs)).toBe(Object.prototype);
    expect(Object.hasOwn(outputs, '__proto__')).toBe(true);
  });
});

describe('selectValue', () => {
  const list = { items: ['a', 'b', 'c'] };

  it('selects the value at a definite path, even a list', () => {
    expect(selectValue(list, '$.items')).toEqual({ found: true, value: ['a', 'b', 'c'] });
    expect(selectValue(list, '$.items[1]')).toEqual({ found: true, value: 'b' });
    expect(selectValue(list, '$')).toEqual({ found: true, value: list });
  });

  it('selects the list of matches of any other path', () => {
    expect(selectValue(list, '$.items[*]')).toEqual({ found: true, value: ['a', 'b', 'c'] });
    expect(selectValue(list, '$.items[0:2]')).toEqual({ found: true, value: ['a', 'b'] });
    expect(selectValue(list, '$.items[0,2]')).toEqual({ found: true, value: ['a', 'c'] });
    expect(selectValue({ x: { items: ['a'] } }, '$..items')).toEqual({ found: true, value: [['a']] });
  });

  it('reads a negative index from the end', () => {
    expect(selectValue(list, '$.items[-1]')).toEqual({ found: true, value: 'c' });
    expect(selectValue({ a: [{ b: 1 }, { b: 2 }] }, '$.a[-2].b')).toEqual({ found: true, value: 1 });
  });

  it('finds nothing for a missing key, an index out of range and prototype members', () => {
    expect(selectValue(list, '$.other')).toEqual({ found: false });
    expect(selectValue(list, '$.items[5]')).toEqual({ found: false });
    expect(selectValue(list, '$.constructor')).toEqual({ found: false });
  });

  it('keeps going past a filter error on one item', () => {
    const value = { xs: [null, { k: 'a', v: 1 }, 'text', { k: 'b', v: 2 }] };
    expect(selectValue(value, "$.xs[?(@.k=='b')].v")).toEqual({ found: true, value: [2] });
  });

  it('never runs code from a filter', () => {
    const g = globalThis as { pwned?: unknown };
    delete g.pwned;
    const attack = "$.xs[?(@.constructor.constructor('globalThis.pwned = 1')())]";
    expect(selectValue({ xs: [{ a: 1 }] }, attack)).toEqual({ found: false });
    expect(g.pwned).toBeUndefined();
  });

  it('rejects an empty selector', () => {
    expect(() => selectValue({}, '')).toThrow(/must be a JSONPath such as/);
    expect(() => selectValue({}, undefined as never)).toThrow(/must be a JSONPath such as/);
  });

  it.skipIf(!hasCorpus)('accepts every Selector of the corpus', () => {
    let count = 0;
    for (const { file, doc } of corpusRunbooks()) {
      for (const { map, path } of mapsIn(doc)) {
        if (typeof map.Selector !== 'string') continue;
        count++;
        expect(() => selectValue({}, map.Selector as string), `${file} ${path}`).not.toThrow();
      }
    }
    expect(count).toBeGreaterThan(100);
  });
});
