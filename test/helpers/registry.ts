// The node registry as tests wait on it: registrations reach visibility (where `drover
// nodes` and Run Command look) a moment after the agent registered.
import type { Client } from '@temporalio/client';
import { listNodes } from '../../agent/registry';
import { until } from './wait';

/** Waits until at least `count` nodes with these tags are listed. */
export async function waitForRegistered(client: Client, tags: Record<string, string>, count: number): Promise<void> {
  const query = { tags: Object.fromEntries(Object.entries(tags).map(([k, v]) => [k, [v]])), liveness: false };
  await until(`${count} nodes tagged ${JSON.stringify(tags)} in the registry`, async () => ((await listNodes(client, query)).length >= count ? true : undefined), 30_000);
}
