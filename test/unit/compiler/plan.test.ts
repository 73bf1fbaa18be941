// The Plan a runbook compiles to: control flow resolved, values normalised, content hashed.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { planHash } from '../../../compiler/emit';
import { canonicalJson } from '../../../compiler/hash';
import { compileRunbook } from '../../../compiler/index';
import type { Plan } from '../../../lang/plan';
import { ALL_ACTIONS, dedent } from './helpers';

const RUNBOOK = `
  schemaVersion: '0.3'
  description: Plan shape
  assumeRole: '{{ Role }}'
  parameters:
    Role: { type: String, default: '' }
    Count: { type: Integer, default: 2 }
    Flag: { type: Boolean, default: true }
    Ids: { type: StringList, default: 'i-1,i-2' }
    Tags: { type: StringMap, default: '{"a": "b"}' }
    Size: { type: String, allowedValues: [1, 2], default: '1' }
  variables:
    Seen: { type: Integer, default: 0 }
  mainSteps:
    - name: start
      action: drover:log
      isCritical: 'false'
      timeoutSeconds: '30'
      inputs: { Message: 'at {{ global:DATE_TIME }} in {{ global:REGION }}' }
    - name: each
      action: aws:loop
      onFailure: Continue
      nextStep: done
      inputs:
        Iterators: '{{ Ids }}'
        Steps:
          - name: look
            action: aws:executeAwsApi
            maxAttempts: 3
            onCancel: step:tidy
            inputs: { Service: ec2, Api: DescribeInstances, InstanceIds: ['{{ each.CurrentIteratorValue }}'] }
            outputs: [{ Name: State, Selector: 'Reservations[0].Instances[0].State.Name', Type: String }]
          - name: count
            action: aws:updateVariable
            isEnd: 'true'
            inputs: { Name: 'variable:Seen', Value: 1 }
    - name: tidy
      action: drover:log
      onFailure: step:done
      inputs: { Message: '{{ automation:EXECUTION_ID }}' }
    - name: done
      action: drover:log
      inputs: { Message: '{{ look.State }}' }
  outputs: [done.Message]
`;

function plan(text: string, file = 'runbooks/plan-shape.yaml'): Plan {
  const result = compileRunbook(text, file, ALL_ACTIONS);
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result.plan!;
}

describe('emitted plan', () => {
  const p = plan(dedent(RUNBOOK));

  it('carries the runbook-level fields, named after the file', () => {
    expect(p).toMatchObject({
      formatVersion: 1,
      name: 'plan-shape',
      description: 'Plan shape',
      assumeRole: '{{ Role }}',
      outputs: ['done.Message'],
      entry: 'start',
      builtins: ['automation:EXECUTION_ID', 'global:DATE_TIME', 'global:REGION'],
      source: { file: 'runbooks/plan-shape.yaml' },
    });
    expect(Object.keys(p.steps)).toEqual(['start', 'each', 'look', 'count', 'tidy', 'done']);
  });

  it('converts parameter and variable defaults to their types', () => {
    expect(p.parameters).toEqual({
      Role: { type: 'String', default: '' },
      Count: { type: 'Integer', default: 2 },
      Flag: { type: 'Boolean', default: true },
      Ids: { type: 'StringList', default: ['i-1', 'i-2'] },
      Tags: { type: 'StringMap', default: { a: 'b' } },
      Size: { type: 'String', allowedValues: ['1', '2'], default: '1' },
    });
    expect(p.variables).toEqual({ Seen: { type: 'Integer', default: 0 } });
  });

  it('resolves next: nextStep, else the following step of the same list, else null', () => {
    const next = Object.fromEntries(Object.values(p.steps).map((s) => [s.name, s.next]));
    expect(next).toEqual({ start: 'each', each: 'done', look: 'count', count: null, tidy: 'done', done: null });
  });

  it('links loop bodies to their loop', () => {
    expect(p.steps.each!.bodyEntry).toBe('look');
    expect(p.steps.look!.parent).toBe('each');
    expect(p.steps.count!.parent).toBe('each');
    expect(p.steps.start!.parent).toBeUndefined();
    // The body lives in `steps`; the loop keeps only its own inputs.
    expect(p.steps.each!.inputs).toEqual({ Iterators: '{{ Ids }}' });
  });

  it('normalises flags, attempts, timeouts and transitions', () => {
    expect(p.steps.start).toMatchObject({ isCritical: false, isEnd: false, maxAttempts: 1, timeoutSeconds: 30, line: 14 });
    expect(p.steps.each).toMatchObject({ onFailure: { kind: 'continue' }, isCritical: false, onCancel: { kind: 'abort' } });
    expect(p.steps.look).toMatchObject({ maxAttempts: 3, onCancel: { kind: 'step', step: 'tidy' }, isCritical: true });
    expect(p.steps.look!.timeoutSeconds).toBeUndefined();
    expect(p.steps.count).toMatchObject({ isEnd: true, onFailure: { kind: 'abort' } });
    expect(p.steps.tidy!.onFailure).toEqual({ kind: 'step', step: 'done' });
  });

  it('roots selectors at $ and keeps inputs as written', () => {
    expect(p.steps.look!.outputs).toEqual([{ Name: 'State', Selector: '$.Reservations[0].Instances[0].State.Name', Type: 'String' }]);
    expect(p.steps.look!.inputs.InstanceIds).toEqual(['{{ each.CurrentIteratorValue }}']);
  });

  it('is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
  });
});

describe('plan hash', () => {
  const base = plan(dedent(RUNBOOK));

  it('is the sha256 of the canonical JSON of the plan without hash and lines', () => {
    expect(base.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(planHash(base)).toBe(base.hash);
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: undefined }] })).toBe('{"a":[{"d":2}],"b":1}');
  });

  it('is stable across key order, layout and YAML vs JSON', () => {
    const reordered = `
      mainSteps:
        - inputs: { Message: 'at {{ global:DATE_TIME }} in {{ global:REGION }}' }
          timeoutSeconds: '30'
          isCritical: 'false'
          action: drover:log
          name: start
    `;
    const original = `
      schemaVersion: '0.3'
      mainSteps:
        - name: start
          action: drover:log
          isCritical: 'false'
          timeoutSeconds: '30'
          inputs: { Message: 'at {{ global:DATE_TIME }} in {{ global:REGION }}' }
    `;
    const a = plan(dedent(original), 'x.yaml');
    const b = plan(`\n\n${dedent(reordered)}schemaVersion: "0.3"\n`, 'x.yaml');
    const c = plan(JSON.stringify(parse(dedent(original)), null, '\t'), 'x.yaml');
    expect(b.hash).toBe(a.hash);
    expect(c.hash).toBe(a.hash);
    expect(b.steps.start!.line).not.toBe(a.steps.start!.line);
  });

  it('changes when the content changes', () => {
    const changed = plan(dedent(RUNBOOK.replace('maxAttempts: 3', 'maxAttempts: 4')));
    expect(changed.hash).not.toBe(base.hash);
    const renamed = plan(dedent(RUNBOOK), 'runbooks/other-name.yaml');
    expect(renamed.hash).not.toBe(base.hash);
  });
});
