import { describe, expect, it } from 'vitest';
import { formatAwsDate, interpolate, resolveReference, unresolvedReferences, type Scope } from '../../../lang/interpolate';
import { parseTemplate } from '../../../lang/template';

function scope(overrides: Partial<Scope> = {}): Scope {
  return {
    parameters: {
      InstanceId: 'i-0abc',
      InstanceIds: ['i-1', 'i-2'],
      Count: 3,
      Enabled: false,
      Empty: '',
      Tags: { env: 'prod' },
      DirectoryId: 'd-123',
    },
    variables: { NextToken: 'tok', Ids: ['v-1'] },
    stepOutputs: {
      getCloudWatchAlarms: { TotalNumberOfBatches: 4, AlarmCount: 0 },
      describe: { SecurityGroupIds: ['sg-1', 'sg-2'], InstanceType: 't3.micro' },
      launchDC1: { pdcInstanceId: 'i-pdc' },
      launchDC2: { adcInstanceId: 'i-adc' },
      script: { Payload: { a: 1, list: ['x'] } },
      loop: { CurrentIteratorValue: 'snap-1', CurrentIteration: 2 },
    },
    builtins: {
      'global:REGION': 'eu-west-1',
      'global:DATE_TIME': '2026-01-02_03.04.05',
      'automation:EXECUTION_ID': 'hello/abc',
      'ssm:latestAmi': 'ami-should-not-be-used',
    },
    ...overrides,
  };
}

describe('interpolate: a string that is exactly one reference', () => {
  it('becomes the typed value', () => {
    const s = scope();
    expect(interpolate('{{ InstanceIds }}', s)).toEqual(['i-1', 'i-2']);
    expect(interpolate('{{Tags}}', s)).toEqual({ env: 'prod' });
    expect(interpolate('{{ Count }}', s)).toBe(3);
    expect(interpolate('{{ Enabled }}', s)).toBe(false);
    expect(interpolate('{{ Empty }}', s)).toBe('');
  });

  it('allows whitespace inside and around the braces', () => {
    expect(interpolate('  {{   Count   }}\n', scope())).toBe(3);
  });

  it('passes a step output map typed (InputPayload: "{{ step.payload }}")', () => {
    expect(interpolate({ InputPayload: '{{ script.Payload }}' }, scope())).toEqual({ InputPayload: { a: 1, list: ['x'] } });
  });

  it('gives a number where a number is written as a template (MaxIterations)', () => {
    // AWS-MigrateIncidentManagerCloudWatchAlarms
    const inputs = { MaxIterations: '{{ getCloudWatchAlarms.TotalNumberOfBatches }}' };
    expect(interpolate(inputs, scope())).toEqual({ MaxIterations: 4 });
  });

  it('reads variables, builtins and loop outputs', () => {
    const s = scope();
    expect(interpolate('{{variable:NextToken}}', s)).toBe('tok');
    expect(interpolate('{{ global:REGION }}', s)).toBe('eu-west-1');
    expect(interpolate('{{ automation:EXECUTION_ID }}', s)).toBe('hello/abc');
    expect(interpolate('{{ loop.CurrentIteratorValue }}', s)).toBe('snap-1');
    expect(interpolate('{{ loop.CurrentIteration }}', s)).toBe(2);
  });
});

describe('interpolate: references inside text', () => {
  it('concatenates string forms', () => {
    const s = scope();
    // AWSEC2-CloneInstanceAndUpgradeWindows and the reference's DocumentName example
    expect(interpolate('AWSEC2_UpgradeInstance_{{ automation:EXECUTION_ID }}', s)).toBe('AWSEC2_UpgradeInstance_hello/abc');
    expect(interpolate('awsconfig_Domain_{{ DirectoryId }}_{{ describe.InstanceType }}', s)).toBe('awsconfig_Domain_d-123_t3.micro');
    expect(interpolate('backup-{{global:DATE_TIME}}', s)).toBe('backup-2026-01-02_03.04.05');
  });

  it('writes lists joined by commas, maps as JSON, numbers and booleans as text', () => {
    const s = scope();
    expect(interpolate('ids={{ InstanceIds }}', s)).toBe('ids=i-1,i-2');
    expect(interpolate('tags={{ Tags }}', s)).toBe('tags={"env":"prod"}');
    expect(interpolate('{{ Count }} items, enabled={{Enabled}}', s)).toBe('3 items, enabled=false');
  });

  it('treats two adjacent references as text, not as one typed value', () => {
    expect(interpolate('{{ InstanceId }}{{ Count }}', scope())).toBe('i-0abc3');
  });

  it('substitutes the references that resolve and keeps the others as written', () => {
    expect(interpolate('{{ InstanceId }} / {{ nope }} / {{ describe.Missing }}', scope())).toBe(
      'i-0abc / {{ nope }} / {{ describe.Missing }}',
    );
  });
});

describe('interpolate: text that is not a reference, or does not resolve, stays verbatim', () => {
  it.each([
    // awk in AWS-ExtendEbsVolume, Python str.format in AWS-CreateDynamoDbBackup
    ["df -h | awk '{{print $2}}'"],
    ['"{{{}}}".format(name)'],
    ['{{}}'],
    ['{{ }}'],
    ['{{ foo }}'],
    ['{{ a b }}'],
    ['{{ unknown:thing }}'],
  ])('%s', (text) => {
    expect(interpolate(text, scope())).toBe(text);
    expect(interpolate({ Script: text }, scope())).toEqual({ Script: text });
  });

  it('an output of a step that ran without producing it', () => {
    expect(interpolate('{{ describe.KeyName }}', scope())).toBe('{{ describe.KeyName }}');
  });

  it('an output of a step that did not run', () => {
    expect(interpolate(' {{ skipped.Output }} ', scope())).toBe(' {{ skipped.Output }} ');
  });

  it('an output that is undefined counts as not set', () => {
    const s = scope({ stepOutputs: { loop: { CurrentIteration: 1, CurrentIteratorValue: undefined } } });
    expect(interpolate('{{ loop.CurrentIteratorValue }}', s)).toBe('{{ loop.CurrentIteratorValue }}');
  });

  it('names of Object.prototype members never resolve', () => {
    const s = scope();
    for (const text of ['{{ constructor }}', '{{ toString }}', '{{ describe.hasOwnProperty }}', '{{ __proto__.x }}']) {
      expect(interpolate(text, s)).toBe(text);
    }
  });

  it('Parameter Store references (only valid in parameter defaults) never resolve in inputs', () => {
    expect(interpolate('{{ ssm:latestAmi }}', scope())).toBe('{{ ssm:latestAmi }}');
  });
});

describe('interpolate: arrays', () => {
  it('a sole reference to a list is the list itself (["{{ InstanceIds }}"])', () => {
    expect(interpolate({ InstanceIds: ['{{ InstanceIds }}'] }, scope())).toEqual({ InstanceIds: ['i-1', 'i-2'] });
    // AWSEC2-CloneInstanceAndUpgradeWindows: a StringList output
    expect(interpolate(['{{ describe.SecurityGroupIds }}'], scope())).toEqual(['sg-1', 'sg-2']);
  });

  it('a sole reference to a single value stays one element (["{{InstanceId}}"])', () => {
    expect(interpolate(['{{InstanceId}}'], scope())).toEqual(['i-0abc']);
    expect(interpolate(['{{ Count }}'], scope())).toEqual([3]);
  });

  it('splices a list among other elements', () => {
    expect(interpolate(['{{ InstanceIds }}', 'x', '{{ variable:Ids }}'], scope())).toEqual(['i-1', 'i-2', 'x', 'v-1']);
  });

  it('keeps several single references as several elements', () => {
    // awsdocs architecture-deployment-example
    const inputs = ['{{ launchDC1.pdcInstanceId }}', '{{ launchDC2.adcInstanceId }}'];
    expect(interpolate(inputs, scope())).toEqual(['i-pdc', 'i-adc']);
  });

  it('does not splice a list referenced inside text', () => {
    expect(interpolate(['ids: {{ InstanceIds }}'], scope())).toEqual(['ids: i-1,i-2']);
  });

  it('keeps an unresolved element', () => {
    expect(interpolate(['{{ nope }}', '{{ InstanceId }}'], scope())).toEqual(['{{ nope }}', 'i-0abc']);
  });

  it('does not flatten nested arrays into their parent', () => {
    expect(interpolate([['{{ InstanceIds }}'], 'y'], scope())).toEqual([['i-1', 'i-2'], 'y']);
  });

  it('an empty list splices to nothing', () => {
    const s = scope({ parameters: { None: [] } });
    expect(interpolate(['{{ None }}', 'a'], s)).toEqual(['a']);
  });
});

describe('interpolate: maps and scalars', () => {
  it('walks maps recursively and never interpolates keys', () => {
    const inputs = {
      '{{ InstanceId }}': '{{ InstanceId }}',
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'x-{{ InstanceId }}' }] }],
    };
    expect(interpolate(inputs, scope())).toEqual({
      '{{ InstanceId }}': 'i-0abc',
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'x-i-0abc' }] }],
    });
  });

  it('passes non-string scalars through', () => {
    expect(interpolate({ a: 1, b: true, c: null, d: [2, false] }, scope())).toEqual({ a: 1, b: true, c: null, d: [2, false] });
  });

  it('does not modify its input', () => {
    const inputs = { InstanceIds: ['{{ InstanceIds }}'], Nested: { V: '{{ Count }}' } };
    const copy = structuredClone(inputs);
    interpolate(inputs, scope());
    expect(inputs).toEqual(copy);
  });

  it('keeps a __proto__ key an ordinary key', () => {
    const inputs = JSON.parse('{"__proto__": "{{ InstanceId }}"}') as unknown;
    const out = interpolate(inputs, scope()) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
    expect(out['__proto__']).toBe('i-0abc');
  });
});

describe('resolveReference', () => {
  const ref = (text: string) => {
    const part = parseTemplate(text)[0];
    if (!part || typeof part === 'string') throw new Error(`not a reference: ${text}`);
    return part;
  };

  it('finds falsy values', () => {
    const s = scope();
    expect(resolveReference(ref('{{ Enabled }}'), s)).toEqual({ found: true, value: false });
    expect(resolveReference(ref('{{ Empty }}'), s)).toEqual({ found: true, value: '' });
    expect(resolveReference(ref('{{ getCloudWatchAlarms.AlarmCount }}'), s)).toEqual({ found: true, value: 0 });
  });

  it('reports what it cannot find', () => {
    const s = scope();
    expect(resolveReference(ref('{{ Missing }}'), s)).toEqual({ found: false });
    expect(resolveReference(ref('{{ variable:Missing }}'), s)).toEqual({ found: false });
    expect(resolveReference(ref('{{ global:ACCOUNT_ID }}'), s)).toEqual({ found: false });
    expect(resolveReference(ref('{{ nostep.Out }}'), s)).toEqual({ found: false });
  });
});

describe('unresolvedReferences', () => {
  it('lists each unresolved reference once, as written, in order', () => {
    const inputs = {
      A: '{{ nope }}',
      B: ['{{ InstanceId }}', '{{ describe.KeyName }}'],
      C: { D: 'x {{ nope }} {{ global:ACCOUNT_ID }}' },
      Script: "awk '{{print $2}}'; '{{{}}}'.format(1)",
    };
    expect(unresolvedReferences(inputs, scope())).toEqual(['{{ nope }}', '{{ describe.KeyName }}', '{{ global:ACCOUNT_ID }}']);
  });

  it('is empty when everything resolves', () => {
    expect(unresolvedReferences({ a: ['{{ InstanceIds }}'], b: 'r={{global:REGION}}', c: 1 }, scope())).toEqual([]);
  });

  it('ignores keys, which are never interpolated', () => {
    expect(unresolvedReferences({ '{{ nope }}': 1 }, scope())).toEqual([]);
  });
});

describe('formatAwsDate', () => {
  it('formats yyyy-MM-dd and yyyy-MM-dd_HH.mm.ss in UTC', () => {
    expect(formatAwsDate(Date.UTC(2026, 0, 2, 3, 4, 5, 999))).toEqual({ DATE: '2026-01-02', DATE_TIME: '2026-01-02_03.04.05' });
    expect(formatAwsDate(Date.UTC(1999, 11, 31, 23, 59, 59))).toEqual({ DATE: '1999-12-31', DATE_TIME: '1999-12-31_23.59.59' });
    expect(formatAwsDate(0)).toEqual({ DATE: '1970-01-01', DATE_TIME: '1970-01-01_00.00.00' });
  });

  it("does not depend on the worker's time zone", () => {
    const saved = process.env.TZ;
    process.env.TZ = 'Pacific/Kiritimati'; // UTC+14: every local field differs from UTC here
    try {
      expect(new Date(Date.UTC(2026, 0, 1, 12)).getHours()).not.toBe(12); // the zone took effect
      expect(formatAwsDate(Date.UTC(2026, 0, 1, 12))).toEqual({ DATE: '2026-01-01', DATE_TIME: '2026-01-01_12.00.00' });
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('rejects an invalid instant', () => {
    expect(() => formatAwsDate(Number.NaN)).toThrow(RangeError);
  });
});
