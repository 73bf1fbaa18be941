// Where SSM is lenient, so is Drover, with a warning: each case is taken from an AWS-owned
// runbook that AWS publishes and runs (named in the test), reduced to the construct.
import { describe, expect, it } from 'vitest';
import { at, compile } from './helpers';

const severities = (text: string) => {
  const { diagnostics, plan } = compile(text);
  return { found: diagnostics.map((d) => `${d.severity} ${d.code}@${d.line}:${d.col}`), plan };
};

describe('SSM leniency', () => {
  it('onCancel on aws:updateVariable is a warning (AWSSupport-TroubleshootCloudWatchAlarm)', () => {
    const { found, plan } = severities(`
      schemaVersion: '0.3'
      variables:
        checks: { type: String, default: none }
      mainSteps:
        - name: set
          action: aws:updateVariable
          onCancel: Abort
          inputs: { Name: variable:checks, Value: done }
    `);
    expect(plan).toBeDefined();
    expect(found).toEqual(['warning unsupported-property@7:15']);
  });

  it('onCancel on aws:loop stays an error', () => {
    const { diagnostics } = compile(`
      schemaVersion: '0.3'
      mainSteps:
        - name: each
          action: aws:loop
          onCancel: Abort
          inputs:
            Iterators: [a]
            Steps:
              - { name: say, action: drover:log, inputs: { Message: hi } }
    `);
    expect(diagnostics.map((d) => `${d.severity} ${d.code}`)).toEqual(['error unsupported-property']);
  });

  it('a reference to a step that cannot have run is a warning (AWSDocs-IncreaseAppAvailability)', () => {
    const { found, plan } = severities(`
      schemaVersion: '0.3'
      mainSteps:
        - name: first
          action: drover:log
          inputs: { Message: '{{ later.Message }}' }
          isEnd: true
        - name: later
          action: drover:log
          inputs: { Message: hi }
    `);
    expect(plan).toBeDefined();
    expect(found).toContain('warning output-before-run@5:25');
    expect(found.filter((f) => f.startsWith('error'))).toEqual([]);
  });

  it('whole numbers written as text are numbers (AWSSupport-TroubleshootADConnectorConnectivity)', () => {
    const { diagnostics, plan } = compile(`
      schemaVersion: '0.3'
      mainSteps:
        - name: run
          action: aws:runCommand
          inputs: { DocumentName: AWS-RunShellScript, InstanceIds: [i-1], TimeoutSeconds: '180', Parameters: { commands: [uptime] } }
    `);
    expect(diagnostics).toEqual([]);
    expect(plan).toBeDefined();
    expect(at(compile(`
      schemaVersion: '0.3'
      mainSteps:
        - name: run
          action: aws:runCommand
          inputs: { DocumentName: AWS-RunShellScript, InstanceIds: [i-1], TimeoutSeconds: 'soon' }
    `).diagnostics)).toEqual(['invalid-value@5:85']);
  });

  it('a selector with ".[0]" reads as "[0]" (AWSSupport-ValidateMWAADependencies)', () => {
    const { diagnostics } = compile(`
      schemaVersion: '0.3'
      mainSteps:
        - name: wait
          action: aws:waitForAwsResourceProperty
          inputs:
            Service: ec2
            Api: DescribeInstanceStatus
            PropertySelector: $.InstanceStatuses.[0].InstanceStatus.Status
            DesiredValues: [ok]
    `);
    expect(diagnostics).toEqual([]);
  });

  it('default: null means no default (AWS-CreateWorkspace)', () => {
    const { found, plan } = severities(`
      schemaVersion: '0.3'
      parameters:
        AutomationAssumeRole: { type: 'AWS::IAM::Role::Arn', default: null }
      mainSteps:
        - { name: say, action: drover:log, inputs: { Message: hi } }
    `);
    expect(found).toEqual(['warning null-default@3:65']);
    expect(plan!.parameters.AutomationAssumeRole!.default).toBeUndefined();
  });

  it('outputs AWS gives that the docs do not list: OutputPayload of a script, NextStep of a branch', () => {
    const { diagnostics } = compile(`
      schemaVersion: '0.3'
      outputs: [report.OutputPayload]
      mainSteps:
        - name: choose
          action: aws:branch
          inputs:
            Choices: [{ NextStep: report, Variable: x, StringEquals: x }]
        - name: report
          action: aws:executeScript
          inputs: { Runtime: python3.11, Handler: h, Script: "def h(e, c):\\n  return {}" }
        - name: say
          action: drover:log
          inputs: { Message: '{{ choose.NextStep }}' }
    `);
    expect(diagnostics).toEqual([]);
  });
});
