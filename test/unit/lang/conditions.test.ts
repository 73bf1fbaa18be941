import { describe, expect, it } from 'vitest';
import { chooseNextStep, ConditionError, conditionProblems, evaluateCondition } from '../../../lang/conditions';
import { interpolate, type Scope } from '../../../lang/interpolate';
import { corpusRunbooks, hasCorpus, mapsIn } from '../corpus';

const v = (Variable: unknown, op: string, operand: unknown) => ({ Variable, [op]: operand });

describe('string operators', () => {
  it.each([
    ['StringEquals', 'running', 'running', true],
    ['StringEquals', 'running', 'Running', false],
    ['StringEquals', '', '', true],
    ['EqualsIgnoreCase', 'False', 'false', true],
    ['EqualsIgnoreCase', 'in-use', 'IN-USE', true],
    ['EqualsIgnoreCase', 'in-use', 'in use', false],
    ['StartsWith', 'Windows Server 2019', 'Windows', true],
    ['StartsWith', 'Windows Server 2019', 'Server', false],
    ['EndsWith', 'Windows Server 2019', '2019', true],
    ['EndsWith', 'Windows Server 2019', '2016', false],
    ['Contains', 'Windows Server 2019 BYOL', 'BYOL', true],
    ['Contains', 'Windows Server 2019', 'BYOL', false],
  ])('%s(%j, %j) is %s', (op, variable, operand, expected) => {
    expect(evaluateCondition(v(variable, op, operand))).toBe(expected);
  });

  it('compare string forms of non-strings', () => {
    expect(evaluateCondition(v(true, 'StringEquals', 'true'))).toBe(true);
    expect(evaluateCondition(v(false, 'StringEquals', 'true'))).toBe(false);
    expect(evaluateCondition(v(3, 'StringEquals', '3'))).toBe(true);
    expect(evaluateCondition(v('3', 'StringEquals', 3))).toBe(true);
    expect(evaluateCondition(v(['a', 'b'], 'StringEquals', 'a,b'))).toBe(true);
    expect(evaluateCondition(v({ k: 'v' }, 'Contains', '"k"'))).toBe(true);
    expect(evaluateCondition(v(2019, 'EndsWith', '19'))).toBe(true);
  });

  it('Contains on a list means membership, not substring', () => {
    expect(evaluateCondition(v(['i-1', 'i-22'], 'Contains', 'i-22'))).toBe(true);
    expect(evaluateCondition(v(['i-1', 'i-22'], 'Contains', 'i-2'))).toBe(false);
    expect(evaluateCondition(v([1, 2], 'Contains', '2'))).toBe(true);
    expect(evaluateCondition(v([], 'Contains', ''))).toBe(false);
  });

  it('compare an unresolved reference verbatim (the "was this output set?" idiom)', () => {
    // AWSEC2-CloneInstanceAndUpgradeWindows, branchUseAlternativeKeyPair
    const choice = {
      NextStep: 'serverUpgradeInstanceWithoutKeyPair',
      Variable: '{{ describeOriginalInstanceDetails.KeyName }}',
      Contains: 'describeOriginalInstanceDetails.KeyName',
    };
    const base: Scope = { parameters: {}, variables: {}, stepOutputs: { describeOriginalInstanceDetails: {} }, builtins: {} };
    expect(evaluateCondition(interpolate(choice, base))).toBe(true);
    const withKey = { ...base, stepOutputs: { describeOriginalInstanceDetails: { KeyName: 'my-key' } } };
    expect(evaluateCondition(interpolate(choice, withKey))).toBe(false);
  });
});

describe('numeric operators', () => {
  it.each([
    ['NumericEquals', 0, 0, true],
    ['NumericEquals', '0', 0, true],
    ['NumericEquals', '2.50', 2.5, true],
    ['NumericEquals', 1, 2, false],
    ['NumericGreater', 3, 0, true],
    ['NumericGreater', 0, 0, false],
    ['NumericGreater', ' 12 ', '9', true],
    ['NumericLesser', -1, 0, true],
    ['NumericLesser', 0, 0, false],
    ['NumericGreaterOrEquals', 0, 0, true],
    ['NumericGreaterOrEquals', -0.5, 0, false],
    ['NumericLesserOrEquals', 0, 0, true],
    ['NumericLesserOrEquals', '1e3', 999, false],
  ])('%s(%j, %j) is %s', (op, variable, operand, expected) => {
    expect(evaluateCondition(v(variable, op, operand))).toBe(expected);
  });

  it.each([['abc'], [''], ['  '], [true], [['1']], [{ n: 1 }], ['0x10'], ['1,000'], [Number.NaN]])(
    'reject a Variable that is not a number: %j',
    (variable) => {
      expect(() => evaluateCondition(v(variable, 'NumericGreater', 0))).toThrow(ConditionError);
      expect(() => evaluateCondition(v(variable, 'NumericGreater', 0))).toThrow(/NumericGreater needs a number as Variable/);
    },
  );

  it('reject a non-numeric operand', () => {
    expect(() => evaluateCondition(v(1, 'NumericEquals', 'one'))).toThrow(/needs a number as its value, got the string "one"/);
  });

  it('explain an unresolved reference', () => {
    expect(() => evaluateCondition(v('{{ getCloudWatchAlarms.AlarmCount }}', 'NumericGreater', 0))).toThrow(
      /the reference \{\{ getCloudWatchAlarms.AlarmCount \}\} did not resolve/,
    );
  });
});

describe('BooleanEquals', () => {
  it.each([
    [true, true, true],
    [false, false, true],
    [true, false, false],
    ['true', true, true],
    ['False', false, true],
    [' TRUE ', 'true', true],
    [false, 'false', true],
    ['false', true, false],
  ])('BooleanEquals(%j, %j) is %s', (variable, operand, expected) => {
    expect(evaluateCondition(v(variable, 'BooleanEquals', operand))).toBe(expected);
  });

  it.each([['yes'], [1], [0], [''], [['true']]])('rejects %j', (variable) => {
    expect(() => evaluateCondition(v(variable, 'BooleanEquals', true))).toThrow(/BooleanEquals needs true or false as Variable/);
  });

  it('explains an unresolved reference', () => {
    expect(() => evaluateCondition(v('{{ ExportReportStep.Completed }}', 'BooleanEquals', false))).toThrow(/did not resolve/);
  });
});

describe('combinators', () => {
  const T = v('a', 'StringEquals', 'a');
  const F = v('a', 'StringEquals', 'b');

  it('And, Or, Not', () => {
    expect(evaluateCondition({ And: [T, T] })).toBe(true);
    expect(evaluateCondition({ And: [T, F] })).toBe(false);
    expect(evaluateCondition({ Or: [F, T] })).toBe(true);
    expect(evaluateCondition({ Or: [F, F] })).toBe(false);
    expect(evaluateCondition({ Or: [T] })).toBe(true);
    expect(evaluateCondition({ Not: T })).toBe(false);
    expect(evaluateCondition({ Not: F })).toBe(true);
  });

  it('nest', () => {
    expect(evaluateCondition({ Not: { And: [{ Or: [F, T] }, { Not: F }] } })).toBe(false);
    expect(evaluateCondition({ And: [{ Not: { Or: [F, F] } }, { Or: [F, { And: [T, T] }] }] })).toBe(true);
  });

  it('short-circuit: values are checked only where evaluation reaches them', () => {
    const bad = v('not a number', 'NumericGreater', 0);
    expect(evaluateCondition({ Or: [T, bad] })).toBe(true);
    expect(evaluateCondition({ And: [F, bad] })).toBe(false);
    expect(() => evaluateCondition({ And: [T, bad] })).toThrow(/condition.And\[1\]: NumericGreater/);
  });
});

describe('malformed conditions', () => {
  it.each([
    ['no operator', { Variable: 'x' }, /no operator/],
    ['an empty map', {}, /no operator/],
    ['two operators', { Variable: 'x', StringEquals: 'x', Contains: 'x' }, /one operator or combinator per condition, found StringEquals, Contains/],
    ['operator and combinator', { Variable: 'x', StringEquals: 'x', Not: { Variable: 'y', StringEquals: 'y' } }, /found StringEquals, Not/],
    ['no Variable', { StringEquals: 'x' }, /StringEquals needs a Variable/],
    ['no value', { Variable: 'x', StringEquals: null }, /StringEquals needs a value/],
    ['a misspelt operator', { Variable: 'x', stringEquals: 'x' }, /unknown key stringEquals \(did you mean StringEquals\?\)/],
    ['an unknown operator', { Variable: 'x', Equals: 'x' }, /unknown key Equals \(operators: StringEquals/],
    ['And not a list', { And: { Variable: 'x', StringEquals: 'x' } }, /condition.And: must be a non-empty list/],
    ['an empty Or', { Or: [] }, /condition.Or: must be a non-empty list/],
    ['Not with a list', { Not: [{ Variable: 'x', StringEquals: 'x' }] }, /condition.Not: a condition must be a map, got a list/],
    ['Variable beside And', { Variable: 'x', And: [{ Variable: 'x', StringEquals: 'x' }] }, /Variable does not go with And/],
    ['NextStep nested', { Not: { NextStep: 's', Variable: 'x', StringEquals: 'x' } }, /condition.Not: unknown key NextStep/],
    ['not a map', 'x == y', /a condition must be a map, got the string "x == y"/],
    ['null', null, /a condition must be a map, got null/],
  ])('%s', (_name, cond, message) => {
    expect(() => evaluateCondition(cond)).toThrow(ConditionError);
    expect(() => evaluateCondition(cond)).toThrow(message);
  });

  it('report every problem with its path', () => {
    const problems = conditionProblems({ And: [{ Variable: 'x' }, { Or: [] }, { Not: { StringEquals: 'x' } }] });
    expect(problems).toEqual([
      expect.stringMatching(/^condition.And\[0\]: no operator/),
      expect.stringMatching(/^condition.And\[1\].Or: must be a non-empty list/),
      expect.stringMatching(/^condition.And\[2\].Not: StringEquals needs a Variable/),
    ]);
  });

  it('conditionProblems accepts a choice and templates still in place', () => {
    expect(conditionProblems({ NextStep: 's', Variable: '{{ a.b }}', NumericGreater: '{{ limit }}' })).toEqual([]);
  });
});

describe('chooseNextStep', () => {
  const choice = (NextStep: string, Variable: unknown, StringEquals: string) => ({ NextStep, Variable, StringEquals });

  it('takes the first choice that holds, in order', () => {
    // awssamples ssm-automation-domainjoinunjoin
    const Choices = [choice('joinDomain', 'Join', 'Join'), choice('unjoinDomain', 'Join', 'Unjoin'), choice('late', 'Join', 'Join')];
    expect(chooseNextStep({ Choices })).toBe('joinDomain');
    expect(chooseNextStep({ Choices: [choice('a', 'x', 'y'), ...Choices.slice(1)] })).toBe('late');
  });

  it('falls back to Default, then to undefined', () => {
    const Choices = [choice('a', 'x', 'y')];
    expect(chooseNextStep({ Choices, Default: 'fallback' })).toBe('fallback');
    expect(chooseNextStep({ Choices })).toBeUndefined();
    expect(chooseNextStep({ Choices: [] })).toBeUndefined();
  });

  it('checks every choice before evaluating any', () => {
    const Choices = [choice('a', 'x', 'x'), { NextStep: 'b', Variable: 'x', StringEqual: 'x' }];
    expect(() => chooseNextStep({ Choices })).toThrow(/Choices\[1\]: unknown key StringEqual/);
  });

  it.each([
    ['a choice without NextStep', { Choices: [{ Variable: 'x', StringEquals: 'x' }] }, /Choices\[0\]: NextStep must be a step name, got nothing/],
    ['an empty NextStep', { Choices: [{ NextStep: '', Variable: 'x', StringEquals: 'x' }] }, /NextStep must be a step name/],
    ['Choices not a list', { Choices: 'x' }, /Choices: must be a list of choices/],
    ['a choice not a map', { Choices: ['x'] }, /Choices\[0\]: a condition must be a map/],
    ['Default not a string', { Choices: [], Default: 3 }, /Default: must be a step name, got the number 3/],
  ])('rejects %s', (_name, inputs, message) => {
    expect(() => chooseNextStep(inputs as never)).toThrow(ConditionError);
    expect(() => chooseNextStep(inputs as never)).toThrow(message);
  });
});

describe('branches and loop conditions from published runbooks', () => {
  const scope = (parameters: Record<string, unknown>, stepOutputs: Scope['stepOutputs'] = {}): Scope => ({
    parameters,
    variables: {},
    stepOutputs,
    builtins: {},
  });
  const branch = (inputs: unknown, s: Scope) => chooseNextStep(interpolate(inputs, s) as never);

  it('AWS-ConfigureS3BucketLogging: Not StringEquals "" and Or', () => {
    const prefix = {
      Choices: [{ NextStep: 'GetPutBucketLoggingPayload', Not: { Variable: '{{ TargetObjectKeyPrefix }}', StringEquals: '' } }],
      Default: 'CheckGrantee',
    };
    expect(branch(prefix, scope({ TargetObjectKeyPrefix: '' }))).toBe('CheckGrantee');
    expect(branch(prefix, scope({ TargetObjectKeyPrefix: 'logs/' }))).toBe('GetPutBucketLoggingPayload');
    const grant = {
      Choices: [
        {
          NextStep: 'PutBucketLogging',
          Or: [
            { Variable: '{{GrantedPermission}}', StringEquals: '' },
            { Variable: '{{GranteeType}}', StringEquals: '' },
          ],
        },
      ],
      Default: 'PutBucketLoggingByUri',
    };
    expect(branch(grant, scope({ GrantedPermission: 'READ', GranteeType: '' }))).toBe('PutBucketLogging');
    expect(branch(grant, scope({ GrantedPermission: 'READ', GranteeType: 'Group' }))).toBe('PutBucketLoggingByUri');
  });

  it('AWSConfigRemediation-EnforceEC2InstanceIMDSv2: NumericEquals 0 on an Integer parameter', () => {
    const inputs = {
      Choices: [{ NextStep: 'ModifyInstanceMetadataOptionsNoEditHop', Variable: '{{HttpPutResponseHopLimit}}', NumericEquals: 0 }],
      Default: 'ModifyInstanceMetadataOptionsEditHop',
    };
    expect(branch(inputs, scope({ HttpPutResponseHopLimit: 0 }))).toBe('ModifyInstanceMetadataOptionsNoEditHop');
    expect(branch(inputs, scope({ HttpPutResponseHopLimit: 2 }))).toBe('ModifyInstanceMetadataOptionsEditHop');
  });

  it('AWSSupport-CopyEC2Instance: BooleanEquals on a script output returned as text', () => {
    const inputs = {
      Choices: [
        { NextStep: 'branchOnIsSameRegionWithKeyPair', Variable: '{{ evalInputParameters.IsSameRegion }}', BooleanEquals: true },
        { NextStep: 'copyImageCrossRegion', Variable: '{{ evalInputParameters.IsSameRegion }}', BooleanEquals: false },
      ],
      Default: 'copyImageCrossRegion',
    };
    expect(branch(inputs, scope({}, { evalInputParameters: { IsSameRegion: true } }))).toBe('branchOnIsSameRegionWithKeyPair');
    expect(branch(inputs, scope({}, { evalInputParameters: { IsSameRegion: 'True' } }))).toBe('branchOnIsSameRegionWithKeyPair');
    expect(branch(inputs, scope({}, { evalInputParameters: { IsSameRegion: false } }))).toBe('copyImageCrossRegion');
  });

  it('AWSSupport-RestoreEC2InstanceFromSnapshot: And of a Boolean parameter and a step output', () => {
    const inputs = {
      Choices: [
        {
          NextStep: 'CreateVolumeReplacementTask',
          And: [
            { Variable: '{{ InplaceSwap }}', BooleanEquals: true },
            { Variable: '{{ ValidateTargetInstance.InstanceState }}', StringEquals: 'running' },
          ],
        },
        {
          NextStep: 'StartTargetForInplaceSwap',
          And: [
            { Variable: '{{ InplaceSwap }}', BooleanEquals: true },
            { Variable: '{{ ValidateTargetInstance.InstanceState }}', StringEquals: 'stopped' },
          ],
        },
      ],
      Default: 'GenerateRecoveryStatus',
    };
    const state = (s: string) => ({ ValidateTargetInstance: { InstanceState: s } });
    expect(branch(inputs, scope({ InplaceSwap: true }, state('running')))).toBe('CreateVolumeReplacementTask');
    expect(branch(inputs, scope({ InplaceSwap: true }, state('stopped')))).toBe('StartTargetForInplaceSwap');
    expect(branch(inputs, scope({ InplaceSwap: false }, state('stopped')))).toBe('GenerateRecoveryStatus');
  });

  it('AWSResilienceHub-InjectCpuLoadInEc2Test: an operand that is itself a reference', () => {
    const inputs = {
      Choices: [
        { NextStep: 'CancelCommandExecution', Variable: '{{ GetPreviousExecutionInstanceId.InstanceId }}', StringEquals: '{{ InstanceId }}' },
      ],
    };
    const prev = (id: string) => ({ GetPreviousExecutionInstanceId: { InstanceId: id } });
    expect(branch(inputs, scope({ InstanceId: 'i-1' }, prev('i-1')))).toBe('CancelCommandExecution');
    expect(branch(inputs, scope({ InstanceId: 'i-1' }, prev('i-2')))).toBeUndefined();
  });

  it('AWS-MigrateIncidentManagerCloudWatchAlarms: NumericGreater 0 loop condition on a count', () => {
    const cond = { Variable: '{{ getCloudWatchAlarms.AlarmCount }}', NumericGreater: 0 };
    const count = (n: unknown) => evaluateCondition(interpolate(cond, scope({}, { getCloudWatchAlarms: { AlarmCount: n } })));
    expect(count(5)).toBe(true);
    expect(count('5')).toBe(true);
    expect(count(0)).toBe(false);
  });

  it('AWS-ExportNodes: BooleanEquals false loop condition', () => {
    const cond = { Variable: '{{ExportReportStep.Completed}}', BooleanEquals: false };
    const done = (c: unknown) => evaluateCondition(interpolate(cond, scope({}, { ExportReportStep: { Completed: c } })));
    expect(done(false)).toBe(true);
    expect(done(true)).toBe(false);
  });

  it.skipIf(!hasCorpus)('every Choices entry and LoopCondition in the corpus is well formed', () => {
    let count = 0;
    for (const { file, doc } of corpusRunbooks()) {
      for (const { map, path } of mapsIn(doc)) {
        if (map.action === 'aws:branch') {
          const inputs = map.inputs as { Choices: unknown[] };
          inputs.Choices.forEach((c, i) => {
            count++;
            expect(conditionProblems(c, `${file} ${path}.Choices[${i}]`)).toEqual([]);
          });
        }
        if (map.action === 'aws:loop' && (map.inputs as Record<string, unknown>).LoopCondition) {
          count++;
          expect(conditionProblems((map.inputs as Record<string, unknown>).LoopCondition, `${file} ${path}`)).toEqual([]);
        }
      }
    }
    expect(count).toBeGreaterThan(30);
  });
});
