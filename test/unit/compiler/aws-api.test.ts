// Service and Api of the AWS API actions are checked against the installed SDK clients at
// compile time, pointing at the offending value; `{{ }}` values wait for run time.
import { describe, expect, it } from 'vitest';
import { checkAwsApi } from '../../../compiler/rules/aws-api';
import { at, compile, found, runRule } from './helpers';

const step = (action: string, inputs: string) => `schemaVersion: '0.3'\nmainSteps:\n  - name: call\n    action: ${action}\n    inputs:\n${inputs}`;
const api = (service: string, apiName: string) => `      Service: ${service}\n      Api: ${apiName}\n`;
const property = "      PropertySelector: $.Reservations[0].Instances[0].State.Name\n      DesiredValues: [running]\n";

describe('aws-api rule', () => {
  it('accepts installed services in any case and their operations', () => {
    expect(compile(step('aws:executeAwsApi', api('ec2', 'DescribeInstances'))).diagnostics).toEqual([]);
    expect(compile(step('aws:executeAwsApi', api('EC2', 'DescribeInstances'))).diagnostics).toEqual([]);
    expect(compile(step('aws:waitForAwsResourceProperty', api('Ssm', 'GetParameter') + property)).diagnostics).toEqual([]);
  });

  it('reports a service that is not installed at its value, with the package that adds it', () => {
    const { diagnostics } = compile(step('aws:executeAwsApi', api('pinpoint', 'GetApps')));
    expect(at(diagnostics)).toEqual(['unknown-service@6:16']);
    expect(diagnostics[0]!.message).toMatch(/^Step "call": Service "pinpoint" is not installed in this Drover; it calls \d+ services/);
    expect(diagnostics[0]!.hint).toBe('`npm i @aws-sdk/client-pinpoint` adds it (then `npx tsx schemas/build-aws-services.ts`).');
  });

  it('guesses a mistyped service', () => {
    const { diagnostics } = compile(step('aws:assertAwsResourceProperty', api('ecc2', 'DescribeInstances') + property));
    expect(at(diagnostics)).toEqual(['unknown-service@6:16']);
    expect(diagnostics[0]!.message).toMatch(/Did you mean "ec2"\?$/);
  });

  it('reports an operation the service does not have, with did-you-mean', () => {
    const { diagnostics } = compile(step('aws:executeAwsApi', api('ec2', 'DescribeInstance')));
    expect(at(diagnostics)).toEqual(['unknown-api@7:12']);
    expect(diagnostics[0]!.message).toBe('Step "call": ec2 has no operation "DescribeInstance". Did you mean "DescribeInstances"?');
  });

  it('reads an Api in another case or in snake_case as SSM does, with a warning naming the operation', () => {
    for (const name of ['rebootInstances', 'reboot_instances', 'REBOOTINSTANCES']) {
      const { diagnostics, plan } = compile(step('aws:executeAwsApi', api('ec2', name)));
      expect(plan).toBeDefined();
      expect(at(diagnostics)).toEqual(['api-name-case@7:12']);
      expect(diagnostics[0]!).toMatchObject({ severity: 'warning', message: `Step "call": Api "${name}" is read as ec2's operation "RebootInstances".` });
    }
  });

  it('knows the services of AWS-published runbooks under boto3 names', () => {
    for (const [service, operation] of [['elbv2', 'DescribeTargetHealth'], ['autoscaling', 'DescribeAutoScalingGroups'], ['docdb', 'DescribeDBClusters'], ['lambda', 'Invoke'], ['stepfunctions', 'StartExecution']]) {
      expect(compile(step('aws:executeAwsApi', api(service!, operation!))).diagnostics).toEqual([]);
    }
  });

  it('refuses operations that return a stream, as AWS does', () => {
    const { diagnostics } = compile(step('aws:executeAwsApi', api('s3', 'GetObject') + '      Bucket: b\n      Key: k\n'));
    expect(at(diagnostics)).toEqual(['streaming-api@7:12']);
  });

  it('leaves {{ }} values to run time', () => {
    const text = step('aws:executeAwsApi', api("'{{ Service }}'", "'{{ Api }}'")).replace('mainSteps:', 'parameters:\n  Service: { type: String }\n  Api: { type: String }\nmainSteps:');
    expect(compile(text).diagnostics).toEqual([]);
    expect(found(runRule(checkAwsApi, step('aws:executeAwsApi', api('ec2', "'Describe{{ What }}'"))))).toEqual([]);
  });

  it('checks every step of a loop body and only the AWS API actions', () => {
    const text = `schemaVersion: '0.3'
mainSteps:
  - name: each
    action: aws:loop
    inputs:
      Iterators: [a]
      Steps:
        - name: inner
          action: aws:executeAwsApi
          inputs: { Service: sqs, Api: ListQueue }
  - name: other
    action: drover:log
    inputs: { Message: 'Service: nope' }
`;
    expect(found(runRule(checkAwsApi, text))).toEqual(['unknown-api /mainSteps/0/inputs/Steps/0/inputs/Api']);
  });
});
