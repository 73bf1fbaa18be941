// Every semantic rule through compileRunbook: the code, and the line and column it points at.
import { describe, expect, it } from 'vitest';
import { ALL_ACTIONS, at, compile } from './helpers';

const HEAD = "schemaVersion: '0.3'\nmainSteps:\n";
const log = (name: string, extra = '', message = 'm') => `  - { name: ${name}, action: drover:log, ${extra}inputs: { Message: '${message}' } }\n`;

const CASES: [string, string, string[]][] = [
  ['a reference to a later step output', HEAD + log('a', '', '{{ b.Message }}') + log('b'), ['output-before-run@3:56']],
  ['a jump into a loop', HEAD + log('a', "onFailure: 'step:inner', ") + "  - { name: each, action: aws:loop, inputs: { Iterators: [x], Steps: [{ name: inner, action: drover:log, inputs: { Message: m } }] } }\n", ['invalid-target@3:47']],
  ['a step referring to itself through a cycle', HEAD + log('a', 'nextStep: a, '), ['cycle@3:13']],
  ['a default breaking its own pattern', "schemaVersion: '0.3'\nparameters:\n  Id: { type: String, allowedPattern: '^i-', default: x }\nmainSteps:\n" + log('a'), ['default-breaks-constraints@3:55']],
  ['a waiting action as onCancel target', HEAD + log('a', "onCancel: 'step:nap', ") + '  - { name: nap, action: aws:sleep, inputs: { Duration: PT1S } }\n', ['forbidden-cancel-target@3:46']],
  ['onCancel on aws:loop', HEAD + "  - { name: each, action: aws:loop, onCancel: Abort, inputs: { Iterators: [x], Steps: [{ name: inner, action: drover:log, inputs: { Message: m } }] } }\n", ['unsupported-property@3:47']],
  ['an undeclared variable to update', HEAD + "  - { name: set, action: aws:updateVariable, inputs: { Name: 'variable:X', Value: 1 } }\n", ['undefined-reference@3:62']],
  ['a runbook output of a missing output', HEAD + log('a') + 'outputs: [a.Missing]\n', ['unknown-output@4:11']],
  ['a repeated output name', HEAD + "  - { name: api, action: aws:executeAwsApi, inputs: { Service: ec2, Api: DescribeInstances }, outputs: [{ Name: o, Selector: $.a }, { Name: o, Selector: $.b }] }\n", ['duplicate-output@3:141']],
  ['outputs on an action without a result', HEAD + "  - { name: nap, action: aws:sleep, inputs: { Duration: PT1S }, outputs: [{ Name: o, Selector: $.a }] }\n", ['unselectable-outputs@3:74']],
  ['a broken selector and one without $', HEAD + "  - { name: api, action: aws:executeAwsApi, inputs: { Service: ec2, Api: DescribeInstances }, outputs: [{ Name: o, Selector: '$.a[' }, { Name: p, Selector: a.b }] }\n", ['invalid-selector@3:126', 'selector-without-root@3:157']],
  ['a service that is not installed', HEAD + "  - { name: api, action: aws:executeAwsApi, inputs: { Service: pinpoint, Api: GetApps } }\n", ['unknown-service@3:64']],
  ['an operation the service lacks', HEAD + "  - { name: api, action: aws:executeAwsApi, inputs: { Service: ec2, Api: DescribeInstance } }\n", ['unknown-api@3:74']],
  ['a runtime AWS does not have', HEAD + "  - { name: js, action: aws:executeScript, inputs: { Runtime: nodejs18, Script: x } }\n", ['unsupported-runtime@3:63']],
  ['an attachment the runbook does not declare', HEAD + "  - { name: py, action: aws:executeScript, inputs: { Runtime: python3.11, Handler: a.h, Attachment: a.py } }\n", ['unknown-attachment@3:101']],
  ['a timeout above the action maximum', HEAD + "  - { name: py, action: aws:executeScript, timeoutSeconds: 900, inputs: { Runtime: python3.11, Handler: h, Script: x } }\n", ['timeout-above-maximum@3:60']],
  ['a Parameter Store reference in an input', HEAD + log('a', '', 'x {{ ssm:/p }}'), ['ssm-reference@3:58']],
  ['a pseudo-parameter', HEAD + log('a', '', '{{ RESOURCE_ID }}'), ['pseudo-parameter@3:56']],
  ['an unresolved identifier inside a Script', HEAD + "  - { name: py, action: aws:executeScript, inputs: { Runtime: python3.11, Handler: h, Script: 'x = \"{{ n }}\"' } }\n", ['undefined-reference@3:101']],
];

describe('semantic rules point at the exact place', () => {
  it.each(CASES)('%s', (_label, text, expected) => {
    expect(at(compile(text, ALL_ACTIONS).diagnostics)).toEqual(expected);
  });
});
