// Pointing Drover at a fresh Temporal just works: the worker registers the search
// attributes it needs, from the standard environment configuration (TEMPORAL_ADDRESS).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Connection } from '@temporalio/client';
import { startDevServer, type DevServer } from '../../devstack/temporal-dev-server';
import { createDroverWorker } from '../../worker';
import { SEARCH_ATTRIBUTES } from '../../workflows/definitions';
import { inject } from 'vitest';
import { quietRuntime } from '../helpers/env';

let server: DevServer;
beforeAll(async () => {
  server = await startDevServer({ uiPort: false, searchAttributes: false });
});
afterAll(async () => {
  await server?.stop();
});

it('registers missing search attributes on a fresh server, once', async () => {
  quietRuntime();
  const connection = await Connection.connect({ address: server.address });
  try {
    const names = async () => Object.keys((await connection.operatorService.listSearchAttributes({ namespace: 'default' })).customAttributes ?? {});
    expect(await names()).not.toContain('DroverRunbook');
    process.env.TEMPORAL_ADDRESS = server.address;
    const first = await createDroverWorker({ taskQueue: 'setup', workflowBundlePath: inject('workflowBundlePath'), runbookDirs: [] });
    await first.worker.runUntil(Promise.resolve());
    await first.close();
    expect(await names()).toEqual(expect.arrayContaining(SEARCH_ATTRIBUTES.map((k) => k.name)));
    // A second worker finds them there and changes nothing.
    const second = await createDroverWorker({ taskQueue: 'setup', workflowBundlePath: inject('workflowBundlePath'), runbookDirs: [] });
    await second.worker.runUntil(Promise.resolve());
    await second.close();
  } finally {
    delete process.env.TEMPORAL_ADDRESS;
    await connection.close();
  }
});
