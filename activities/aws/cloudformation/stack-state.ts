// Waiting for a CloudFormation stack to settle, as aws:createStack and aws:deleteStack do:
// poll DescribeStacks (by id, so a deleted stack is still found) until no operation is in
// progress. Which final states count as success is the caller's.
import { type CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { callAwsUnless } from '../ec2/calls';
import { pollUntil } from '../ec2/poll';

/** The stack, or undefined when CloudFormation no longer knows it (by name) at all. */
export async function describeStack(cfn: CloudFormationClient, stack: string): Promise<Stack | undefined> {
  // AWS answers ValidationError "Stack with id X does not exist" for an unknown name.
  const out = await callAwsUnless(`describing stack ${stack}`, ['ValidationError'], () => cfn.send(new DescribeStacksCommand({ StackName: stack })));
  return out?.Stacks?.[0];
}

/** Polls until the stack's status no longer ends in _IN_PROGRESS; heartbeats `details`. */
export function waitForStack(cfn: CloudFormationClient, stackId: string, details: Record<string, unknown>): Promise<Stack | undefined> {
  return pollUntil<Stack | undefined>(async () => {
    const stack = await describeStack(cfn, stackId);
    const status = stack?.StackStatus;
    if (stack && status?.endsWith('_IN_PROGRESS')) return { done: false, status };
    return { done: true, value: stack };
  }, details);
}
