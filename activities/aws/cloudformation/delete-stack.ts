// aws:deleteStack: deletes a CloudFormation stack (by name or id) and waits until it is
// gone. A stack that does not exist counts as deleted, so a retry after the delete went
// through, or a second run of a cleanup step, succeeds. DELETE_FAILED fails the step with
// CloudFormation's reason. DeleteStack is idempotent in itself; a ClientRequestToken derived
// from the execution, step and run is passed unless the runbook gives one.
import { CloudFormationClient, DeleteStackCommand, type DeleteStackCommandInput } from '@aws-sdk/client-cloudformation';
import { heartbeat } from '@temporalio/activity';
import type { ActionRequest, ActionResult } from '../../../workflows/definitions';
import { actionFailed } from '../../errors';
import { selectOutputs } from '../../outputs';
import { callAws } from '../errors';
import type { ResolvedAwsDeps } from '../deps';
import { resumedDetails } from '../ec2/calls';
import { clientToken, idempotencyKey } from '../idempotency';
import { requestOf } from '../request-of';
import { stackOutputs } from './create-stack';
import { describeStack, waitForStack } from './stack-state';

interface Details {
  stackId: string;
}

export function createDeleteStack(deps: ResolvedAwsDeps) {
  return async function deleteStack(req: ActionRequest): Promise<ActionResult> {
    const request = requestOf<DeleteStackCommandInput>('aws:deleteStack', DeleteStackCommand, req.inputs);
    if (!request.StackName) throw actionFailed('aws:deleteStack needs a StackName');
    request.ClientRequestToken ??= clientToken(idempotencyKey(req), 'cloudformation.DeleteStack');
    const cfn = deps.clients.get(CloudFormationClient, req.assumeRole);

    let stackId = resumedDetails<Details>().stackId;
    if (!stackId) {
      const stack = await describeStack(cfn, request.StackName);
      if (!stack?.StackId || stack.StackStatus === 'DELETE_COMPLETE') return { outputs: selectOutputs({}, req.outputs).outputs };
      stackId = stack.StackId;
      // By id from here on: a deleted stack is found by its id only.
      await callAws(`deleting stack ${request.StackName}`, () => cfn.send(new DeleteStackCommand({ ...request, StackName: stackId })));
      await deps.afterSideEffect?.({ request: req, service: 'cloudformation', api: 'DeleteStack' });
    }
    heartbeat({ stackId } satisfies Details);
    const stack = await waitForStack(cfn, stackId, { stackId });
    const outputs = stackOutputs(stack, stackId);
    if (outputs.StackStatus !== 'DELETE_COMPLETE') {
      throw actionFailed(`stack ${request.StackName} ended ${outputs.StackStatus}${outputs.StackStatusReason ? `: ${outputs.StackStatusReason}` : ''}`, outputs);
    }
    return { outputs: selectOutputs(outputs, req.outputs).outputs };
  };
}
