// The EC2 actions, one activity each, named like the action.
import type { ActivityFn } from '../../index';
import type { ResolvedAwsDeps } from '../deps';
import { createChangeInstanceState } from './change-instance-state';
import { createCopyImage } from './copy-image';
import { createCreateImage } from './create-image';
import { createCreateTags } from './create-tags';
import { createDeleteImage } from './delete-image';
import { createRunInstances } from './run-instances';

export function createEc2Activities(deps: ResolvedAwsDeps): Record<string, ActivityFn> {
  return {
    'aws:changeInstanceState': createChangeInstanceState(deps),
    'aws:createImage': createCreateImage(deps),
    'aws:copyImage': createCopyImage(deps),
    'aws:deleteImage': createDeleteImage(deps),
    'aws:createTags': createCreateTags(deps),
    'aws:runInstances': createRunInstances(deps),
  };
}
