// What `drover agent` adds to its invocation runner for patching: the in-process
// drover:runPatchBaseline plugin, bound to the node (its package root and tags) and to the
// compliance store (the node's patch state workflow on the Drover worker's task queue).
import type { Client } from '@temporalio/client';
import type { AwsClients } from '../../activities/aws/clients';
import type { InProcessPlugin } from '../../agent/invocation/in-process';
import { recordPatchState } from '../compliance/store';
import { runPatchBaseline } from './run-patch-baseline';

export const RUN_PATCH_BASELINE_PLUGIN = 'drover:runPatchBaseline';

export interface PatchAgentOptions {
  /** The node's package root (`--package-root`, DROVER_PACKAGE_ROOT); default `/`. */
  packageRoot?: string;
  tags: Record<string, string>;
  aws?: AwsClients;
  /** Where patch states are recorded; without it, nothing is recorded. */
  client?: Client;
  /** The Drover worker task queue that runs the patch state workflows. */
  registryTaskQueue: string;
  baselineDirs?: string[];
}

export function patchAgentPlugins(opts: PatchAgentOptions): Record<string, InProcessPlugin> {
  const client = opts.client;
  const plugin: InProcessPlugin = (inputs, ctx) =>
    runPatchBaseline(
      {
        packageRoot: opts.packageRoot ?? process.env.DROVER_PACKAGE_ROOT ?? '/',
        ...(opts.baselineDirs ? { baselineDirs: opts.baselineDirs } : {}),
        ...(opts.aws ? { aws: opts.aws } : {}),
        ...(client ? { record: (record) => recordPatchState(client, record, { taskQueue: opts.registryTaskQueue }) } : {}),
      },
      { nodeId: ctx.nodeId, commandId: ctx.commandId, tags: opts.tags, signal: ctx.signal },
      inputs,
    );
  return { [RUN_PATCH_BASELINE_PLUGIN]: plugin };
}
