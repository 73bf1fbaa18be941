// aws:createStack: creates a CloudFormation stack and waits until it is created; outputs
// StackId, StackStatus and StackStatusReason (and user outputs selected from them). A stack
// that ends in any state but CREATE_COMPLETE fails the step with its status and reason.
//
// Never created twice: the request carries a ClientRequestToken derived from the execution,
// step and run (unless the runbook gives one) and Drover's idempotency tags; the stack id is
// heartbeated, so a retry after a crash goes straight to waiting, and a retry that finds
// the name taken by this step run's own stack (its tags say so) waits for that one.
import { CloudFormationClient, CreateStackCommand, type CreateStackCommandInput, type Stack } from '@aws-sdk/client-cloudformation';
import { heartbeat } from '@temporalio/activity';
import type { ActionRequest, ActionResult } from '../../../workflows/definitions';
import { actionFailed } from '../../errors';
import { selectOutputs } from '../../outputs';
import type { ResolvedAwsDeps } from '../deps';
import { callAwsUnless, resumedDetails } from '../ec2/calls';
import { clientToken, idempotencyKey, idempotencyTags, type IdempotencyKey } from '../idempotency';
import { requestOf } from '../request-of';
import { describeStack, waitForStack } from './stack-state';

interface Details {
  stackId: string;
}

const isOurs = (stack: Stack | undefined, key: IdempotencyKey): boolean => {
  const tags = new Map((stack?.Tags ?? []).map((t) => [t.Key, t.Value]));
  return idempotencyTags(key).every((t) => tags.get(t.Key) === t.Value);
};

/** StackId, StackStatus and StackStatusReason: the action's outputs and what selectors read. */
export function stackOutputs(stack: Stack | undefined, stackId: string): Record<string, string> {
  return {
    StackId: stack?.StackId ?? stackId,
    StackStatus: stack?.StackStatus ?? 'DELETE_COMPLETE',
    StackStatusReason: stack?.StackStatusReason ?? '',
  };
}

export function createCreateStack(deps: ResolvedAwsDeps) {
  return async function createStack(req: ActionRequest): Promise<ActionResult> {
    const request = requestOf<CreateStackCommandInput>('aws:createStack', CreateStackCommand, req.inputs);
    if (!request.StackName) throw actionFailed('aws:createStack needs a StackName');
    if (!request.TemplateBody && !request.TemplateURL) throw actionFailed('aws:createStack needs a TemplateBody or a TemplateURL');
    const key = idempotencyKey(req);
    request.ClientRequestToken ??= clientToken(key, 'cloudformation.CreateStack');
    const ours = idempotencyTags(key).map((t) => ({ Key: t.Key!, Value: t.Value! }));
    request.Tags = [...(request.Tags ?? []).filter((t) => !ours.some((o) => o.Key === t.Key)), ...ours];
    const cfn = deps.clients.get(CloudFormationClient, req.assumeRole);

    let stackId = resumedDetails<Details>().stackId;
    if (!stackId) {
      const created = await callAwsUnless(`creating stack ${request.StackName}`, ['AlreadyExistsException'], () => cfn.send(new CreateStackCommand(request)));
      if (created?.StackId) {
        stackId = created.StackId;
        await deps.afterSideEffect?.({ request: req, service: 'cloudformation', api: 'CreateStack' });
      } else {
        // The name is taken: by this step run's stack (an earlier try got through), or not.
        const existing = await describeStack(cfn, request.StackName);
        if (!existing?.StackId || !isOurs(existing, key)) {
          throw actionFailed(`stack ${request.StackName} already exists`, { awsErrorCode: 'AlreadyExistsException' });
        }
        stackId = existing.StackId;
      }
    }
    heartbeat({ stackId } satisfies Details);
    const stack = await waitForStack(cfn, stackId, { stackId });
    const outputs = stackOutputs(stack, stackId);
    if (outputs.StackStatus !== 'CREATE_COMPLETE') {
      throw actionFailed(`stack ${request.StackName} ended ${outputs.StackStatus}${outputs.StackStatusReason ? `: ${outputs.StackStatusReason}` : ''}`, outputs);
    }
    const selected = selectOutputs(outputs, req.outputs).outputs;
    return { outputs: { ...outputs, ...selected } };
  };
}
