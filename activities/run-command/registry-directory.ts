// The agent registry as the dispatcher's node directory: agents register in Temporal itself
// (agent/registry.ts), so listing them needs a Temporal client. Inside an activity that is
// the worker's own (same connection and namespace); tests may hand one in.
import { getClient } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { listNodes } from '../../agent/registry';
import type { NodeDirectory } from './resolve-targets';

export function registryDirectory(client?: Client): NodeDirectory & { close(): Promise<void> } {
  return {
    listNodes: async (query) => listNodes(client ?? getClient(), query),
    async close() {},
  };
}
