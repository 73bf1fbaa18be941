// Each semantic rule on its own (findings by code and JSON pointer), plus the positions a
// few of them get through compileRunbook.
import { describe, expect, it } from 'vitest';
import { checkActions } from '../../../compiler/rules/actions';
import { checkCancelTargets } from '../../../compiler/rules/cancel-targets';
import { checkCycles } from '../../../compiler/rules/cycles';
import { checkDuplicateStepNames } from '../../../compiler/rules/duplicate-steps';
import { checkParameterDefaults } from '../../../compiler/rules/parameter-defaults';
import { checkReachability } from '../../../compiler/rules/reachability';
import { checkReferenceOrder } from '../../../compiler/rules/reference-order';
import { checkReferences } from '../../../compiler/rules/references';
import { checkRunbookOutputs } from '../../../compiler/rules/runbook-outputs';
import { checkScriptRuntime } from '../../../compiler/rules/script-runtime';
import { checkSelectors } from '../../../compiler/rules/selectors';
import { checkStepOutputs } from '../../../compiler/rules/step-outputs';
import { checkStepTargets } from '../../../compiler/rules/step-targets';
import { checkTimeouts } from '../../../compiler/rules/timeouts';
import { checkUpdateVariable } from '../../../compiler/rules/update-variable';
import { BUILTIN_CATALOG } from '../../../lang/catalog';
import { ALL_ACTIONS, at, compile, found, runRule, WITHOUT_LAMBDA } from './helpers';

describe('checkActions', () => {
  const doc = `
    mainSteps:
      - { name: a, action: aws:invokeLambdaFunction, inputs: {} }
      - { name: b, action: aws:fly, inputs: {} }
      - { name: c, action: drover:log, inputs: {} }
      - { name: d, action: custom:thing, inputs: {} }
  `;
  it('refuses schema actions the catalog lacks and actions nobody knows', () => {
    expect(found(runRule(checkActions, doc, WITHOUT_LAMBDA))).toEqual([
      'unsupported-action /mainSteps/0/action',
      'unknown-action /mainSteps/1/action',
      'unknown-action /mainSteps/3/action',
    ]);
  });
  it('accepts an action a catalog adds beyond the schema', () => {
    const catalog = { ...ALL_ACTIONS, 'custom:thing': BUILTIN_CATALOG['drover:log']! };
    expect(found(runRule(checkActions, doc, catalog))).toEqual(['unknown-action /mainSteps/1/action']);
  });
});

describe('checkDuplicateStepNames', () => {
  it('finds a repeated name, loop bodies included', () => {
    const findings = runRule(
      checkDuplicateStepNames,
      `
      mainSteps:
        - name: each
          action: aws:loop
          inputs:
            Iterators: [a]
            Steps:
              - { name: work, action: aws:sleep, inputs: { Duration: PT1S } }
        - { name: work, action: aws:sleep, inputs: { Duration: PT1S } }
    `,
    );
    expect(found(findings)).toEqual(['duplicate-step /mainSteps/1/name']);
    expect(findings[0]!.message).toBe('Step name "work" is already used by an earlier step (/mainSteps/0/inputs/Steps/0).');
  });
});

describe('checkStepTargets', () => {
  it('checks nextStep, onFailure, onCancel, branch NextStep and Default', () => {
    const findings = runRule(
      checkStepTargets,
      `
      mainSteps:
        - name: choose
          action: aws:branch
          inputs:
            Choices:
              - { NextStep: nope1, Variable: x, StringEquals: y }
            Default: nope2
        - name: work
          action: aws:sleep
          nextStep: nope3
          onFailure: step:nope4
          onCancel: step:nope5
          inputs: { Duration: PT1S }
    `,
    );
    expect(found(findings)).toEqual([
      'unknown-step /mainSteps/0/inputs/Choices/0/NextStep',
      'unknown-step /mainSteps/0/inputs/Default',
      'unknown-step /mainSteps/1/nextStep',
      'unknown-step /mainSteps/1/onFailure',
      'unknown-step /mainSteps/1/onCancel',
    ]);
  });

  it('allows leaving a loop, but not jumping into one from outside', () => {
    const findings = runRule(
      checkStepTargets,
      `
      mainSteps:
        - name: start
          action: aws:sleep
          onFailure: step:inner
          inputs: { Duration: PT1S }
        - name: each
          action: aws:loop
          inputs:
            Iterators: [a]
            Steps:
              - name: inner
                action: aws:sleep
                onFailure: step:after
                inputs: { Duration: PT1S }
        - { name: after, action: aws:sleep, inputs: { Duration: PT1S } }
    `,
    );
    expect(found(findings)).toEqual(['invalid-target /mainSteps/0/onFailure']);
    expect(findings[0]!.hint).toBe('A step outside a loop can only go to the loop step itself ("each").');
  });
});

describe('checkCycles', () => {
  it('reports a nextStep/onFailure cycle once, with its trace', () => {
    const findings = runRule(
      checkCycles,
      `
      mainSteps:
        - { name: a, action: aws:sleep, inputs: { Duration: PT1S } }
        - { name: b, action: aws:sleep, onFailure: 'step:a', inputs: { Duration: PT1S } }
        - { name: c, action: aws:sleep, nextStep: b, inputs: { Duration: PT1S } }
    `,
    );
    expect(found(findings)).toEqual(['cycle /mainSteps/0/name']);
    expect(findings[0]!.message).toMatch(/^Steps a → b → a form a cycle/);
  });

  it('reports a branch back to itself', () => {
    const findings = runRule(
      checkCycles,
      `
      mainSteps:
        - name: again
          action: aws:branch
          inputs:
            Choices: [{ NextStep: again, Variable: x, StringEquals: y }]
            Default: done
        - { name: done, action: aws:sleep, inputs: { Duration: PT1S } }
    `,
    );
    expect(findings[0]!.message).toMatch(/^Steps again → again form a cycle/);
  });

  it('does not count the repetition of an aws:loop body', () => {
    const doc = `
      mainSteps:
        - name: each
          action: aws:loop
          inputs:
            Iterators: [a, b]
            Steps:
              - { name: one, action: aws:sleep, inputs: { Duration: PT1S } }
              - { name: two, action: aws:sleep, isEnd: true, inputs: { Duration: PT1S } }
        - { name: after, action: aws:sleep, inputs: { Duration: PT1S } }
    `;
    expect(runRule(checkCycles, doc)).toEqual([]);
  });
});

describe('checkReachability', () => {
  it('warns once per unreachable region: a loop with its body and what follows, a cycle', () => {
    const findings = runRule(
      checkReachability,
      `
      mainSteps:
        - { name: a, action: aws:sleep, isEnd: true, onFailure: 'step:rescue', inputs: { Duration: PT1S } }
        - { name: rescue, action: aws:sleep, isEnd: true, inputs: { Duration: PT1S } }
        - name: each
          action: aws:loop
          inputs:
            Iterators: [a]
            Steps:
              - { name: inner, action: aws:sleep, inputs: { Duration: PT1S } }
        - { name: tail, action: aws:sleep, isEnd: true, inputs: { Duration: PT1S } }
        - { name: island, action: aws:sleep, nextStep: island2, inputs: { Duration: PT1S } }
        - { name: island2, action: aws:sleep, nextStep: island, inputs: { Duration: PT1S } }
    `,
    );
    expect(found(findings)).toEqual(['unreachable-step /mainSteps/2/name', 'unreachable-step /mainSteps/4/name']);
    expect(findings[0]!.severity).toBe('warning');
    expect(findings[0]!.message).toBe(
      'Step "each" can never run: no step, branch, onFailure or onCancel leads to it (nor to the 2 step(s) only it leads to).',
    );
  });
});

describe('checkReferences', () => {
  const check = (body: string, catalog = ALL_ACTIONS) =>
    runRule(
      checkReferences,
      `
      parameters:
        Name: { type: String }
      variables:
        Total: { type: Integer, default: 0 }
      mainSteps:
        - name: script
          action: aws:executeScript
          inputs: { Runtime: python3.11, Handler: h, Script: 'def h(e, c): return 1' }
          outputs: [{ Name: Result, Selector: $.Payload }]
        ${body}
    `,
      catalog,
    );

  it('accepts parameters, variables, declared and predefined outputs, loop values and builtins', () => {
    const ok = check(`
        - name: each
          action: aws:loop
          inputs:
            Iterators: ['{{ Name }}']
            Steps:
              - name: say
                action: drover:log
                inputs:
                  Message: '{{ each.CurrentIteratorValue }} {{ each.CurrentIteration }} {{ script.Result }} {{ script.Payload }} {{ variable:Total }} {{ global:REGION }} {{ automation:EXECUTION_ID }}'
    `);
    expect(ok).toEqual([]);
  });

  it('reports undeclared parameters and variables, missing steps and outputs, unknown builtins', () => {
    const findings = check(`
        - name: say
          action: drover:log
          inputs:
            Message: '{{ Nam }} {{ variable:Totl }} {{ scrpt.Result }} {{ script.Reslt }} {{ global:REGON }} {{ automation:ID }}'
    `);
    expect(findings.map((f) => `${f.severity} ${f.code} ${f.needle}`)).toEqual([
      'error undefined-reference {{ Nam }}',
      'error undefined-reference {{ variable:Totl }}',
      'error undefined-reference {{ scrpt.Result }}',
      'error unknown-output {{ script.Reslt }}',
      'error unknown-builtin {{ global:REGON }}',
      'error unknown-builtin {{ automation:ID }}',
    ]);
    expect(findings[3]!.message).toBe('{{ script.Reslt }}: step "script" has no output "Reslt". Did you mean "Result"?');
  });

  it('is lenient about outputs of actions the catalog does not describe', () => {
    const doc = `
        - name: say
          action: drover:log
          inputs: { Message: '{{ run.Anything }}' }
        - { name: run, action: aws:invokeLambdaFunction, inputs: { FunctionName: X } }
    `;
    expect(check(doc, WITHOUT_LAMBDA)).toEqual([]);
    expect(found(check(doc, ALL_ACTIONS))).toEqual(['unknown-output /mainSteps/1/inputs/Message']);
  });

  it('only warns inside a Script, and about maintenance-window pseudo-parameters', () => {
    const findings = check(`
        - name: format
          action: aws:executeScript
          inputs:
            Runtime: python3.11
            Handler: h
            Script: 'def h(e, c): return "{{name}}".format(name=1)'
        - name: window
          action: drover:log
          inputs: { Message: '{{ RESOURCE_ID }} {{TARGET_ID}}' }
    `);
    expect(findings.map((f) => `${f.severity} ${f.code} ${f.needle}`)).toEqual([
      'warning undefined-reference {{name}}',
      'warning pseudo-parameter {{ RESOURCE_ID }}',
      'warning pseudo-parameter {{TARGET_ID}}',
    ]);
  });

  it('refuses {{ ssm:/path }} outside parameter defaults', () => {
    const findings = check(`
        - { name: say, action: drover:log, inputs: { Message: '{{ ssm:/app/name }}' } }
    `);
    expect(found(findings)).toEqual(['ssm-reference /mainSteps/1/inputs/Message']);
  });
});

describe('checkReferenceOrder', () => {
  it('refuses an output of a step that runs later, or on a branch that never leads here', () => {
    const findings = runRule(
      checkReferenceOrder,
      `
      assumeRole: '{{ late.Message }}'
      mainSteps:
        - name: choose
          action: aws:branch
          inputs:
            Choices: [{ NextStep: left, Variable: x, StringEquals: y }]
            Default: right
        - { name: left, action: drover:log, isEnd: true, inputs: { Message: l } }
        - { name: right, action: drover:log, inputs: { Message: '{{ left.Message }} {{ late.Message }}' } }
        - { name: late, action: drover:log, inputs: { Message: z } }
    `,
    );
    expect(findings.map((f) => `${f.code} ${f.pointer} ${f.needle}`)).toEqual([
      'output-before-run /assumeRole {{ late.Message }}',
      'output-before-run /mainSteps/2/inputs/Message {{ left.Message }}',
      'output-before-run /mainSteps/2/inputs/Message {{ late.Message }}',
    ]);
  });

  it('allows outputs produced on one arm and read after the arms join, and loop passes', () => {
    const findings = runRule(
      checkReferenceOrder,
      `
      mainSteps:
        - name: choose
          action: aws:branch
          inputs:
            Choices: [{ NextStep: left, Variable: x, StringEquals: y }]
        - { name: right, action: drover:log, inputs: { Message: r } }
        - { name: left, action: drover:log, inputs: { Message: l } }
        - { name: join, action: drover:log, inputs: { Message: '{{ right.Message }}' } }
        - name: retry
          action: aws:loop
          inputs:
            MaxIterations: 3
            LoopCondition: { Variable: '{{ probe.Message }}', StringEquals: again }
            Steps:
              - { name: report, action: drover:log, inputs: { Message: 'last time: {{ probe.Message }}' } }
              - { name: probe, action: drover:log, inputs: { Message: again } }
    `,
    );
    expect(findings).toEqual([]);
  });
});

describe('checkParameterDefaults', () => {
  it('errs on a default of the wrong type and warns when a default breaks its constraints', () => {
    const findings = runRule(
      checkParameterDefaults,
      `
      parameters:
        Count: { type: Integer, default: '3' }
        Flag: { type: Boolean, default: 'yes' }
        Mode: { type: String, allowedValues: [fast, slow], default: medium }
        Id: { type: String, allowedPattern: '^i-[a-z0-9]{8,17}$', default: foo }
        Ids: { type: StringList, maxItems: 1, default: [a, b] }
        FromStore: { type: String, allowedPattern: '^x$', default: '{{ ssm:/app/id }}' }
      variables:
        Total: { type: Integer, default: lots }
      mainSteps: []
    `,
    );
    expect(findings.map((f) => `${f.severity} ${f.code} ${f.pointer}`)).toEqual([
      'error invalid-default /parameters/Flag/default',
      'warning default-breaks-constraints /parameters/Mode/default',
      'warning default-breaks-constraints /parameters/Id/default',
      'warning default-breaks-constraints /parameters/Ids/default',
      'error invalid-default /variables/Total/default',
    ]);
    expect(findings[2]!.message).toBe(
      'The default of parameter "Id" breaks its own constraints, so an execution that relies on it fails at start: "foo" does not match the allowed pattern ^i-[a-z0-9]{8,17}$',
    );
  });

  it('warns about an allowedPattern it cannot translate', () => {
    const findings = runRule(checkParameterDefaults, `parameters: { P: { type: String, allowedPattern: '(?x) a # comment' } }`);
    expect(found(findings)).toEqual(['unsupported-pattern /parameters/P/allowedPattern']);
  });
});

describe('checkCancelTargets', () => {
  it('refuses waiting actions as onCancel targets and onCancel on aws:loop', () => {
    const findings = runRule(
      checkCancelTargets,
      `
      mainSteps:
        - { name: work, action: drover:log, onCancel: 'step:nap', inputs: { Message: m } }
        - { name: tidy, action: drover:log, onCancel: 'step:cleanup', inputs: { Message: m } }
        - name: each
          action: aws:loop
          onCancel: Abort
          inputs: { Iterators: [a], Steps: [{ name: inner, action: drover:log, inputs: { Message: m } }] }
        - { name: nap, action: aws:sleep, inputs: { Duration: PT1S } }
        - { name: cleanup, action: drover:log, inputs: { Message: m } }
    `,
    );
    expect(found(findings)).toEqual(['forbidden-cancel-target /mainSteps/0/onCancel', 'unsupported-property /mainSteps/2/onCancel']);
  });
});

describe('checkUpdateVariable', () => {
  it('requires a declared variable and a literal value of its type', () => {
    const findings = runRule(
      checkUpdateVariable,
      `
      variables:
        Count: { type: Integer, default: 0 }
      mainSteps:
        - { name: a, action: aws:updateVariable, inputs: { Name: 'variable:Cuont', Value: 1 } }
        - { name: b, action: aws:updateVariable, inputs: { Name: 'variable:Count', Value: one } }
        - { name: c, action: aws:updateVariable, inputs: { Name: 'variable:Count', Value: '{{ a.x }}' } }
        - { name: d, action: aws:updateVariable, inputs: { Name: 'variable:Count', Value: 2 } }
    `,
    );
    expect(found(findings)).toEqual(['undefined-reference /mainSteps/0/inputs/Name', 'invalid-value /mainSteps/1/inputs/Value']);
    expect(findings[0]!.message).toBe('Step "a" sets variable "Cuont", which is not declared under variables. Did you mean "Count"?');
  });
});

describe('checkRunbookOutputs', () => {
  it('requires each step.Output to exist', () => {
    const findings = runRule(
      checkRunbookOutputs,
      `
      mainSteps:
        - { name: say, action: drover:log, inputs: { Message: m } }
      outputs: [say.Message, say.Mesage, sya.Message]
    `,
    );
    expect(found(findings)).toEqual(['unknown-output /outputs/1', 'undefined-reference /outputs/2']);
  });
});

describe('checkSelectors', () => {
  it('requires JSONPath, warns about a missing $ and accepts filters', () => {
    const findings = runRule(
      checkSelectors,
      `
      mainSteps:
        - name: api
          action: aws:executeAwsApi
          inputs: { Service: ec2, Api: DescribeInstances }
          outputs:
            - { Name: a, Selector: "$.Reservations[0].Instances[?(@.State.Name=='running')].InstanceId" }
            - { Name: b, Selector: 'Reservations[0]' }
            - { Name: c, Selector: '$.Reservations[0' }
        - name: wait
          action: aws:waitForAwsResourceProperty
          inputs: { Service: ec2, Api: DescribeInstances, PropertySelector: '$..State..', DesiredValues: [running] }
    `,
    );
    expect(findings.map((f) => `${f.severity} ${f.code} ${f.pointer}`)).toEqual([
      'warning selector-without-root /mainSteps/0/outputs/1/Selector',
      'error invalid-selector /mainSteps/0/outputs/2/Selector',
      'error invalid-selector /mainSteps/1/inputs/PropertySelector',
    ]);
  });
});

describe('checkScriptRuntime', () => {
  it('runs Python and PowerShell, refuses runtimes AWS does not have, and warns about Pythons AWS retired', () => {
    const step = (name: string, runtime: string) =>
      `- { name: ${name}, action: aws:executeScript, inputs: { Runtime: '${runtime}', Handler: h, Script: x } }`;
    const findings = runRule(
      checkScriptRuntime,
      `
      mainSteps:
        ${step('js', 'nodejs18')}
        ${step('old', 'python3.7')}
        ${step('new', 'python3.11')}
        ${step('ps', 'PowerShell 7.4')}
        ${step('core', 'PowerShell Core 6.0')}
    `,
    );
    expect(findings.map((f) => `${f.severity} ${f.code} ${f.pointer}`)).toEqual([
      'error unsupported-runtime /mainSteps/0/inputs/Runtime',
      'warning retired-runtime /mainSteps/1/inputs/Runtime',
    ]);
    expect(findings[0]!.message).toMatch(/is not one AWS runs/);
  });
});

describe('checkStepOutputs', () => {
  it('refuses a repeated output name and warns about outputs nothing can fill', () => {
    const findings = runRule(
      checkStepOutputs,
      `
      mainSteps:
        - name: api
          action: aws:executeAwsApi
          inputs: { Service: ec2, Api: DescribeInstances }
          outputs: [{ Name: a, Selector: $.x }, { Name: a, Selector: $.y }]
        - { name: nap, action: aws:sleep, inputs: { Duration: PT1S }, outputs: [{ Name: a, Selector: $.x }] }
    `,
    );
    expect(findings.map((f) => `${f.severity} ${f.code} ${f.pointer}`)).toEqual([
      'error duplicate-output /mainSteps/0/outputs/1/Name',
      'warning unselectable-outputs /mainSteps/1/outputs',
    ]);
  });
});

describe('checkTimeouts', () => {
  it('warns when timeoutSeconds exceeds the action maximum', () => {
    const findings = runRule(
      checkTimeouts,
      `
      mainSteps:
        - { name: a, action: aws:executeScript, timeoutSeconds: '900', inputs: {} }
        - { name: b, action: aws:executeScript, timeoutSeconds: 600, inputs: {} }
    `,
      BUILTIN_CATALOG,
    );
    expect(found(findings)).toEqual(['timeout-above-maximum /mainSteps/0/timeoutSeconds']);
  });
});

describe('semantic rules through compileRunbook', () => {
  it('point at the exact place', () => {
    const { diagnostics } = compile(`
      schemaVersion: '0.3'
      mainSteps:
        - name: first
          action: drover:log
          onFailure: step:second
          inputs: { Message: '{{ second.Message }}' }
        - name: second
          action: drover:log
          nextStep: first
          inputs: { Message: done }
        - name: orphan
          action: drover:log
          inputs: { Message: never }
    `);
    expect(at(diagnostics)).toEqual(['cycle@3:11', 'unreachable-step@11:11']);
  });
});
