// What the event and remediation tests share: rules and remediation configurations written
// inline, a router over a test stack, and the events AWS sends (EC2 state changes, Config
// compliance changes) with ids of their own.
import { randomUUID } from 'node:crypto';
import { CommandClient } from '../../client/commands';
import { commandDocuments } from '../../client/events/load-router';
import { EventRouter } from '../../client/events/router';
import { compileRemediation } from '../../compiler/remediation/index';
import { compileRule } from '../../compiler/rule/index';
import type { EventBridgeEvent } from '../../lang/events/event';
import type { RemediationConfig } from '../../lang/events/remediation';
import type { EventRule } from '../../lang/events/rule';
import type { TestStack } from './env';

export function ruleOf(name: string, yaml: string): EventRule {
  const { rule, diagnostics } = compileRule(yaml, `${name}.yaml`);
  if (!rule) throw new Error(`rule ${name} does not compile: ${diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`).join('; ')}`);
  return rule;
}

export function remediationOf(yaml: string): RemediationConfig {
  const { remediation, diagnostics } = compileRemediation(yaml, 'remediation.yaml');
  if (!remediation) throw new Error(`remediation does not compile: ${diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`).join('; ')}`);
  return remediation;
}

export function routerFor(stack: Pick<TestStack, 'client' | 'taskQueue'>, rules: EventRule[], remediations: RemediationConfig[] = []): EventRouter {
  const commands = new CommandClient(stack.client.client, { taskQueue: stack.taskQueue, documents: commandDocuments });
  return new EventRouter({ drover: stack.client, commands, rules, remediations, taskQueue: stack.taskQueue });
}

/** EC2's "EC2 Instance State-change Notification". */
export function ec2StateChange(instanceId: string, state: string, id: string = randomUUID()): EventBridgeEvent {
  return {
    version: '0',
    id,
    'detail-type': 'EC2 Instance State-change Notification',
    source: 'aws.ec2',
    account: '123456789012',
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: 'us-east-1',
    resources: [`arn:aws:ec2:us-east-1:123456789012:instance/${instanceId}`],
    detail: { 'instance-id': instanceId, state },
  };
}

/** Config's "Config Rules Compliance Change" for one resource. */
export function complianceChange(configRuleName: string, resourceId: string, compliance: string, id: string = randomUUID(), recordedAt = new Date().toISOString()): EventBridgeEvent {
  const qualifier = { configRuleName, resourceType: 'AWS::EC2::Instance', resourceId };
  return {
    version: '0',
    id,
    'detail-type': 'Config Rules Compliance Change',
    source: 'aws.config',
    account: '123456789012',
    time: recordedAt.replace(/\.\d{3}Z$/, 'Z'),
    region: 'us-east-1',
    resources: [],
    detail: {
      resourceId,
      awsRegion: 'us-east-1',
      awsAccountId: '123456789012',
      configRuleName,
      recordVersion: '1.0',
      messageType: 'ComplianceChangeNotification',
      newEvaluationResult: { evaluationResultIdentifier: { evaluationResultQualifier: qualifier, orderingTimestamp: recordedAt }, complianceType: compliance, resultRecordedTime: recordedAt },
      resourceType: 'AWS::EC2::Instance',
    },
  };
}
