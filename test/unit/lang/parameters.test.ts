import { describe, expect, it } from 'vitest';
import { checkParameter, coerceParameter, resolveParameters } from '../../../lang/parameters';
import type { ParameterSpec } from '../../../lang/plan';

describe('coerceParameter', () => {
  const ok = (spec: ParameterSpec, raw: unknown) => coerceParameter(spec, raw);
  it('converts API strings and string lists to the declared type', () => {
    expect(ok({ type: 'Integer' }, '42')).toEqual({ value: 42 });
    expect(ok({ type: 'Integer' }, ['7'])).toEqual({ value: 7 });
    expect(ok({ type: 'Integer' }, 3)).toEqual({ value: 3 });
    expect(ok({ type: 'Boolean' }, 'true')).toEqual({ value: true });
    expect(ok({ type: 'Boolean' }, ['false'])).toEqual({ value: false });
    expect(ok({ type: 'StringList' }, 'a, b,c')).toEqual({ value: ['a', 'b', 'c'] });
    expect(ok({ type: 'StringList' }, '["a","b"]')).toEqual({ value: ['a', 'b'] });
    expect(ok({ type: 'StringList' }, ['a', 5])).toEqual({ value: ['a', '5'] });
    expect(ok({ type: 'StringList' }, '')).toEqual({ value: [] });
    expect(ok({ type: 'StringMap' }, '{"k":"v"}')).toEqual({ value: { k: 'v' } });
    expect(ok({ type: 'StringMap' }, { k: 'v' })).toEqual({ value: { k: 'v' } });
    expect(ok({ type: 'MapList' }, '[{"k":1}]')).toEqual({ value: [{ k: 1 }] });
    expect(ok({ type: 'MapList' }, ['{"k":1}', '{"k":2}'])).toEqual({ value: [{ k: 1 }, { k: 2 }] });
    expect(ok({ type: 'AWS::EC2::Instance::Id' }, ['i-0123456789abcdef0'])).toEqual({ value: 'i-0123456789abcdef0' });
    expect(ok({ type: 'List<AWS::EC2::Instance::Id>' }, 'i-1,i-2')).toEqual({ value: ['i-1', 'i-2'] });
  });

  it('refuses values of another type, saying what it got', () => {
    expect(ok({ type: 'Integer' }, '4.5')).toEqual({ error: 'expected an Integer (a whole number), got the string "4.5"' });
    expect(ok({ type: 'Integer' }, 4.5)).toEqual({ error: 'expected an Integer (a whole number), got the number 4.5' });
    expect(ok({ type: 'Boolean' }, 'yes')).toEqual({ error: 'expected a Boolean (true or false), got the string "yes"' });
    expect(ok({ type: 'String' }, 5)).toEqual({ error: 'expected a String, got the number 5' });
    expect(ok({ type: 'StringMap' }, '[1]')).toHaveProperty('error');
    expect(ok({ type: 'MapList' }, ['x'])).toHaveProperty('error');
    expect(ok({ type: 'StringList' }, [{ a: 1 }])).toHaveProperty('error');
  });

  it('keeps a {{ ssm:/path }} value for the runtime to resolve, whatever the type', () => {
    expect(ok({ type: 'Integer' }, '{{ ssm:/app/count }}')).toEqual({ value: '{{ ssm:/app/count }}' });
  });
});

describe('checkParameter', () => {
  it('checks allowedValues, allowedPattern (search semantics), item and character limits', () => {
    expect(checkParameter('InstanceId', { type: 'String', allowedPattern: '^i-[a-z0-9]{8,17}$' }, 'foo')).toEqual([
      'parameter InstanceId: "foo" does not match the allowed pattern ^i-[a-z0-9]{8,17}$',
    ]);
    expect(checkParameter('P', { type: 'String', allowedPattern: 'abc' }, 'xxabcxx')).toEqual([]);
    expect(checkParameter('Mode', { type: 'String', allowedValues: ['fast', 'slow'] }, 'fats')).toEqual([
      'parameter Mode: "fats" is not one of the allowed values "fast" or "slow". Did you mean "fast"?',
    ]);
    expect(checkParameter('N', { type: 'Integer', allowedValues: ['1', '2'] }, 2)).toEqual([]);
    expect(checkParameter('L', { type: 'StringList', allowedValues: ['a'], maxItems: 1 }, ['a', 'b'])).toEqual([
      'parameter L: "b" is not one of the allowed values "a".',
      'parameter L: has 2 items; at most 1 are allowed.',
    ]);
    expect(checkParameter('S', { type: 'String', minChars: 3, maxChars: 4 }, 'ab')).toEqual([
      'parameter S: "ab" is shorter than the minimum of 3 characters.',
    ]);
  });

  it('converts Java patterns: Unicode classes, (?i), POSIX classes', () => {
    expect(checkParameter('T', { type: 'String', allowedPattern: '^[\\p{L}\\p{Z}\\-_]*$' }, 'Grüße aus-Köln')).toEqual([]);
    expect(checkParameter('T', { type: 'String', allowedPattern: '(?i)^yes$' }, 'YES')).toEqual([]);
    expect(checkParameter('T', { type: 'String', allowedPattern: '^\\p{Alpha}+$' }, 'abc1')).toHaveLength(1);
  });
});

describe('resolveParameters', () => {
  const specs: Record<string, ParameterSpec> = {
    InstanceId: { type: 'String', allowedPattern: '^i-[a-z0-9]{8,17}$' },
    Count: { type: 'Integer', default: 1 },
    Role: { type: 'String', default: '{{ ssm:/roles/automation }}' },
    Region: { type: 'String', default: 'placeholder', allowedValues: ['eu-west-1'] },
  };

  it('applies defaults, converts and checks given values', () => {
    const { values, errors } = resolveParameters(specs, { InstanceId: ['i-0123456789abcdef0'], Count: '3', Region: 'eu-west-1' });
    expect(errors).toEqual([]);
    expect(values).toEqual({ InstanceId: 'i-0123456789abcdef0', Count: 3, Role: '{{ ssm:/roles/automation }}', Region: 'eu-west-1' });
  });

  it('reports missing, unknown, badly typed and invalid values, and defaults that break their constraints', () => {
    const { errors } = resolveParameters(specs, { Cuont: '2', Count: 'x' });
    expect(errors).toEqual([
      {
        parameter: 'Cuont',
        kind: 'unknown',
        message: 'parameter Cuont: the runbook has no such parameter. Did you mean "Count"? The runbook\'s parameters are InstanceId, Count, Role and Region.',
      },
      { parameter: 'InstanceId', kind: 'missing', message: 'parameter InstanceId: a value is required (the parameter has no default).' },
      { parameter: 'Count', kind: 'invalid-type', message: 'parameter Count: expected an Integer (a whole number), got the string "x".' },
      {
        parameter: 'Region',
        kind: 'invalid-value',
        message: 'parameter Region: "placeholder" is not one of the allowed values "eu-west-1". (this is the default; give a value)',
      },
    ]);
    const invalid = resolveParameters(specs, { InstanceId: 'foo', Region: 'eu-west-1' }).errors;
    expect(invalid.map((e) => e.message)).toEqual(['parameter InstanceId: "foo" does not match the allowed pattern ^i-[a-z0-9]{8,17}$']);
  });
});
