// The compiler accepts `{{ ssm-secure:name }}` where its value leaves Drover (and as a
// parameter's value or default) and points at every other use with a sentence that says
// where it works.
import { describe, expect, it } from 'vitest';
import { at, compile } from './helpers';

describe('secure-reference rule', () => {
  it('accepts SecureString references where the value leaves Drover, and as a parameter default', () => {
    const { diagnostics, plan } = compile(`
      schemaVersion: '0.3'
      parameters:
        Password:
          type: String
          default: '{{ssm-secure:/db/pw}}'
          allowedPattern: '^[a-z]+$'
      mainSteps:
        - name: script
          action: aws:executeScript
          inputs:
            Runtime: python3.11
            Handler: handler
            Script: "def handler(events, context):\\n  return {}"
            InputPayload: {pw: '{{ssm-secure:/db/pw}}', versioned: '{{ssm-secure:/db/pw:2}}', viaParameter: '{{ Password }}'}
        - name: copy
          action: aws:executeAwsApi
          inputs: {Service: ssm, Api: PutParameter, Name: /copy, Type: SecureString, Value: '{{ ssm-secure:db-password }}'}
        - name: wait
          action: aws:waitForAwsResourceProperty
          inputs: {Service: ssm, Api: GetParameter, Name: '{{ssm-secure:/name-holder}}', PropertySelector: $.Parameter.Type, DesiredValues: [SecureString]}
        - name: command
          action: aws:runCommand
          inputs: {DocumentName: AWS-RunShellScript, InstanceIds: [i-0123456789abcdef0], Parameters: {commands: ['echo {{ssm-secure:/db/pw}}']}}
        - name: child
          action: aws:executeAutomation
          inputs: {DocumentName: hello, RuntimeParameters: {Name: '{{ssm-secure:/db/pw}}'}}
    `);
    expect(diagnostics).toEqual([]);
    expect(plan!.parameters.Password!.default).toBe('{{ssm-secure:/db/pw}}');
  });

  it('refuses them where the workflow would use the value or a log would show it, saying where they work', () => {
    const { diagnostics } = compile(`
      schemaVersion: '0.3'
      assumeRole: '{{ssm-secure:/role}}'
      variables:
        Seen: {type: String, default: ''}
      mainSteps:
        - name: script
          action: aws:executeScript
          inputs:
            Runtime: python3.11
            Handler: handler
            Script: "PW = '{{ssm-secure:/db/pw}}'"
        - name: choose
          action: aws:branch
          inputs:
            Choices:
              - {NextStep: remember, Variable: '{{ssm-secure:/db/pw}}', StringEquals: x}
            Default: remember
        - name: remember
          action: aws:updateVariable
          inputs: {Name: 'variable:Seen', Value: '{{ssm-secure:/db/pw}}'}
        - name: say
          action: drover:log
          inputs: {Message: 'password {{ssm-secure:/db/pw}}'}
        - name: check
          action: aws:assertAwsResourceProperty
          inputs: {Service: ssm, Api: GetParameter, Name: /x, PropertySelector: $.Parameter.Value, DesiredValues: ['{{ssm-secure:/db/pw}}']}
    `);
    expect(at(diagnostics)).toEqual([
      'secure-reference@2:14',
      'secure-reference@11:22',
      'secure-reference@16:43',
      'secure-reference@20:45',
      'secure-reference@23:33',
      'secure-reference@26:111',
    ]);
    const [role, script, branch, , log, desired] = diagnostics;
    expect(role!.message).toBe('{{ssm-secure:/role}} cannot be the assumeRole: the role is resolved by the workflow, and a SecureString\'s value must never reach it.');
    expect(script!.message).toBe(
      '{{ssm-secure:/db/pw}} in input Script of step "script": aws:executeScript takes SecureString references only in InputPayload, where the value is read just before it leaves Drover.',
    );
    expect(script!.hint).toBe("Pass it in InputPayload and read it from the handler's events argument.");
    expect(branch!.message).toMatch(/^\{\{ssm-secure:\/db\/pw\}\} in step "choose": aws:branch cannot take a SecureString reference/);
    expect(log!.message).toMatch(/^\{\{ssm-secure:\/db\/pw\}\} in step "say": drover:log cannot take/);
    expect(branch!.hint).toBe(
      'SecureString references work in the RuntimeParameters of aws:executeAutomation; the InputPayload of aws:executeScript; ' +
        'the request of aws:executeAwsApi, aws:waitForAwsResourceProperty and aws:assertAwsResourceProperty; the Parameters of aws:runCommand.',
    );
    expect(desired!.message).toMatch(/in input DesiredValues of step "check": .* only in the request \(every input but Service, Api, PropertySelector and DesiredValues\)/);
  });

  it('refuses one as a runbook output', () => {
    const { diagnostics } = compile(`
      schemaVersion: '0.3'
      mainSteps:
        - {name: s, action: aws:sleep, inputs: {Duration: PT1S}}
      outputs: ['{{ssm-secure:/db/pw}}']
    `);
    expect(diagnostics.map((d) => d.code)).toEqual(['invalid-value']);
  });
});
