// Every AWS action's activity, built from dependencies the worker shares between them: one
// AwsClients (SDK clients and assumed-role credentials are reused across steps and
// executions) and, for tests, a fault hook. Each group of AWS actions adds itself here
// with one spread line.
import type { ActivityFn } from '../index';
import { AwsClients } from './clients';
import { createAwsApiActivities } from './api/activities';
import type { AwsActivityDeps, ResolvedAwsDeps } from './deps';
import { createEc2Activities } from './ec2';
import { createCreateStack } from './cloudformation/create-stack';
import { createDeleteStack } from './cloudformation/delete-stack';
import { createInvokeLambdaFunction } from './lambda/invoke-lambda-function';
import { createExecuteStateMachine } from './stepfunctions/execute-state-machine';
import { createInvokeWebhook } from './webhook/invoke-webhook';
import { createRunCommand } from './run-command';
import { createNotify } from '../notify';
import { SUPPORT_ACTIVITIES } from '../../workflows/definitions';

export type { AwsActivityDeps, SideEffectEvent } from './deps';

export function createAwsActivities(deps: AwsActivityDeps = {}): Record<string, ActivityFn> {
  const resolved: ResolvedAwsDeps = { ...deps, clients: deps.clients ?? new AwsClients() };
  return {
    ...createAwsApiActivities(resolved),
    ...createEc2Activities(resolved),
    'aws:runCommand': createRunCommand(resolved),
    'aws:createStack': createCreateStack(resolved),
    'aws:deleteStack': createDeleteStack(resolved),
    'aws:invokeLambdaFunction': createInvokeLambdaFunction(resolved),
    'aws:executeStateMachine': createExecuteStateMachine(resolved),
    'aws:invokeWebhook': createInvokeWebhook(resolved),
    [SUPPORT_ACTIVITIES.notify]: createNotify(resolved),
  };
}
