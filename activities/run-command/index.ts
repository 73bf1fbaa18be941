// The activities Run Command dispatch needs on the worker: resolving targets, loading the
// Command document, publishing notifications. The invocations themselves run on the
// nodes' agents (or through SSM).
import type { ActivityFn } from '../index';
import type { AwsClients } from '../aws/clients';
import { RUN_COMMAND_ACTIVITIES } from '../../workflows/run-command/contract';
import { createResolveTargets, type NodeDirectory } from './resolve-targets';
import { createLoadDocument, defaultDocumentSource, type DocumentSource } from './load-document';
import { createCommandNotify } from './notify';
import { registryDirectory } from './registry-directory';

export type { NodeDirectory } from './resolve-targets';
export { registryDirectory } from './registry-directory';
export type { DocumentSource } from './load-document';

export interface RunCommandActivityDeps {
  clients: AwsClients;
  /** The node registry; default: the agents' registry in Temporal (connected from the environment configuration on first use). */
  nodes?: NodeDirectory;
  /** Command documents by name; default: the built-ins and the documents folders. */
  documents?: DocumentSource;
}


export function createRunCommandActivities(deps: RunCommandActivityDeps): Record<string, ActivityFn> {
  return {
    [RUN_COMMAND_ACTIVITIES.resolveTargets]: createResolveTargets({ nodes: deps.nodes ?? registryDirectory(), clients: deps.clients }),
    [RUN_COMMAND_ACTIVITIES.loadDocument]: createLoadDocument(deps.documents ?? defaultDocumentSource()),
    [RUN_COMMAND_ACTIVITIES.notify]: createCommandNotify(deps.clients),
  };
}
