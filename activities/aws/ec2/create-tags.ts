// aws:createTags: tags EC2 resources (ResourceType EC2, the default) with EC2 CreateTags,
// or Systems Manager resources (ManagedInstance, MaintenanceWindow, Parameter) with SSM
// AddTagsToResource, one resource at a time as that API takes them. Tagging is
// idempotent, so a retry simply tags again.
import { CreateTagsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { AddTagsToResourceCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { ActionRequest, ActionResult } from '../../../workflows/definitions';
import { callAws } from '../errors';
import type { ResolvedAwsDeps } from '../deps';
import { InputReader, readTags } from './inputs';

const RESOURCE_TYPES = ['EC2', 'ManagedInstance', 'MaintenanceWindow', 'Parameter'] as const;

export function createCreateTags(deps: ResolvedAwsDeps) {
  return async function createTags(req: ActionRequest): Promise<ActionResult> {
    const input = new InputReader('aws:createTags', req.inputs);
    const ids = input.stringList('ResourceIds', { required: true });
    const tags = readTags(input, 'Tags', true);
    const type = input.has('ResourceType') ? input.oneOf('ResourceType', RESOURCE_TYPES) : 'EC2';
    if (type === 'EC2') {
      const ec2 = deps.clients.get(EC2Client, req.assumeRole);
      await callAws(`tagging ${ids.join(', ')}`, () => ec2.send(new CreateTagsCommand({ Resources: ids, Tags: tags })));
    } else {
      const ssm = deps.clients.get(SSMClient, req.assumeRole);
      for (const id of ids) {
        await callAws(`tagging ${type} ${id}`, () => ssm.send(new AddTagsToResourceCommand({ ResourceType: type, ResourceId: id, Tags: tags })));
      }
    }
    return { outputs: {} };
  };
}
