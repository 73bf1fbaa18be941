import { describe, expect, it } from 'vitest';
import { compileInputTransformer, renderInputTransformer, type CompiledTransformer } from '../../../lang/events/input-transformer';
import { evaluateEventPath, parseEventPath, type EventPath } from '../../../lang/events/json-path';

// AWS's example event (EventBridge user guide, "Amazon EventBridge input transformation").
const EVENT = {
  version: '0',
  id: '7bf73129-1428-4cd3-a780-95db273d1602',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '123456789012',
  time: '2015-11-11T21:29:54Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111'],
  detail: { 'instance-id': 'i-0123456789', state: 'RUNNING', tags: [{ Key: 'a', Value: '1' }] },
};
const PATHS = { timestamp: '$.time', instance: '$.detail.instance-id', state: '$.detail.state' };
const CTX = { ruleName: 'example', ruleArn: 'arn:aws:events:us-east-2:123456789012:rule/example', ingestionTime: '2015-11-11T21:29:55Z' };

function compiled(template: string, paths: Record<string, string> = PATHS): CompiledTransformer {
  const { transformer, problems } = compileInputTransformer(paths, template);
  expect(problems).toEqual([]);
  return transformer!;
}

const render = (template: string, paths?: Record<string, string>) => renderInputTransformer(compiled(template, paths), EVENT, CTX).text;

describe('input transformer: AWS documented outputs', () => {
  it('a simple string: bare text inside the quotes', () => {
    expect(render('"instance <instance> is in <state>"')).toBe('"instance i-0123456789 is in RUNNING"');
  });

  it('simple JSON: a placeholder outside quotes becomes a quoted JSON string', () => {
    expect(JSON.parse(render('{\n  "instance" : <instance>,\n  "state": <state>\n}'))).toEqual({ instance: 'i-0123456789', state: 'RUNNING' });
  });

  it('JSON with strings and variables', () => {
    const out = render('{"instance" : <instance>, "state": "<state>", "instanceStatus": "instance \\"<instance>\\" is in <state>"}');
    expect(JSON.parse(out)).toEqual({ instance: 'i-0123456789', state: 'RUNNING', instanceStatus: 'instance "i-0123456789" is in RUNNING' });
  });

  it('a mix of variables and static values', () => {
    expect(JSON.parse(render('{"instance" : <instance>, "state": [ 9, <state>, true ], "Transformed" : "Yes"}'))).toEqual({
      instance: 'i-0123456789',
      state: [9, 'RUNNING', true],
      Transformed: 'Yes',
    });
  });

  it('reserved variables: rule ARN and name, the event without detail, the whole event, ingestion time', () => {
    const out = JSON.parse(
      render('{"ruleArn": <aws.events.rule-arn>, "ruleName": <aws.events.rule-name>, "original": <aws.events.event>, "whole": <aws.events.event.json>, "at": <aws.events.event.ingestion-time>}'),
    ) as Record<string, unknown>;
    expect(out.ruleArn).toBe(CTX.ruleArn);
    expect(out.ruleName).toBe('example');
    expect(out.original).not.toHaveProperty('detail');
    expect(out.original).toMatchObject({ id: EVENT.id, source: 'aws.ec2' });
    expect(out.whole).toEqual(EVENT);
    expect(out.at).toBe(CTX.ingestionTime);
    expect(render('"<aws.events.rule-name> triggered"')).toBe('"example triggered"');
  });

  it('a plain-text template takes bare values everywhere', () => {
    expect(render('<instance> is in state <state>')).toBe('i-0123456789 is in state RUNNING');
  });

  it('objects and arrays are inserted as JSON; values are not escaped inside quotes', () => {
    expect(JSON.parse(render('{"tags": <tags>}', { tags: '$.detail.tags' }))).toEqual({ tags: [{ Key: 'a', Value: '1' }] });
    const quoteInValue = { ...EVENT, detail: { ...EVENT.detail, state: 'say "hi"' } };
    expect(renderInputTransformer(compiled('{"s": "<state>"}'), quoteInValue, CTX).text).toBe('{"s": "say "hi""}');
  });

  it('a path that matches nothing creates no variable: its placeholder becomes empty', () => {
    const { text, missing } = renderInputTransformer(compiled('"x=<nothing>."', { nothing: '$.detail.absent' }), EVENT, CTX);
    expect(text).toBe('"x=."');
    expect(missing).toEqual(['nothing']);
  });

  it('SSM Automation input: a map of parameter to list of strings', () => {
    expect(JSON.parse(render('{"InstanceIds": [<instance>]}'))).toEqual({ InstanceIds: ['i-0123456789'] });
  });
});

describe('input transformer: refused as PutTargets refuses it', () => {
  const problems = (paths: unknown, template: unknown) => compileInputTransformer(paths, template).problems.map((p) => p.message);

  it('a template naming an undefined variable', () => {
    expect(problems(PATHS, '{"a": <instanse>}')).toEqual([expect.stringContaining('<instanse>, which is not defined; InputPathsMap defines timestamp, instance, state')]);
  });

  it('more than 100 variables', () => {
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`v${i}`, '$.id']));
    expect(problems(many, '"x"')).toEqual([expect.stringContaining('at most 100 variables; this one has 101')]);
  });

  it('a reserved name or a bad name in InputPathsMap', () => {
    expect(problems({ 'aws.events.rule-name': '$.id' }, '"x"')).toEqual([expect.stringContaining('reserved')]);
    expect(problems({ 'a b': '$.id' }, '"x"')).toEqual([expect.stringContaining('is not a variable name')]);
  });

  it('paths EventBridge does not evaluate', () => {
    expect(problems({ a: 'detail.x' }, '"<a>"')[0]).toContain('starts with $');
    expect(problems({ a: '$..x' }, '"<a>"')[0]).toContain('deep scan');
    expect(problems({ a: "$.items[?(@.x=='1')]" }, '"<a>"')[0]).toContain('takes no filters');
  });

  it('a JSON template that is not JSON, a placeholder as a key, raw JSON inside quotes', () => {
    expect(problems(PATHS, '{"a": <instance>,}')[0]).toContain('not valid JSON');
    expect(problems(PATHS, '{<instance>: 1}')).toEqual([expect.stringContaining('cannot be an object key')]);
    expect(problems(PATHS, '{"<instance>": 1}')).toEqual([expect.stringContaining('cannot be an object key')]);
    expect(problems(PATHS, '{"e": "<aws.events.event>"}')).toEqual([expect.stringContaining('raw JSON')]);
  });

  it('a missing or empty template', () => {
    expect(problems(PATHS, undefined)[0]).toContain('InputTemplate is required');
    expect(problems(PATHS, '')[0]).toContain('InputTemplate is required');
  });
});

describe('event paths', () => {
  const path = (text: string): EventPath => parseEventPath(text) as EventPath;
  it('names, quoted names, indexes and wildcards', () => {
    expect(evaluateEventPath(path('$.detail.instance-id'), EVENT)).toBe('i-0123456789');
    expect(evaluateEventPath(path("$['detail']['state']"), EVENT)).toBe('RUNNING');
    expect(evaluateEventPath(path('$.resources[0]'), EVENT)).toBe(EVENT.resources[0]);
    expect(evaluateEventPath(path('$.detail.tags[*].Key'), EVENT)).toEqual(['a']);
    expect(evaluateEventPath(path('$'), EVENT)).toEqual(EVENT);
    expect(evaluateEventPath(path('$.detail.nothing.deeper'), EVENT)).toBeUndefined();
  });
});
