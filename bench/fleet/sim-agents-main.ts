// A simulated agent process for the fleet bench: one Temporal worker serving many node
// ids on one task queue (test/sim/sim-agent.ts). Prints `ready` once it polls; stops on
// SIGTERM. Its peak memory is read from /proc by the bench.
//   node --import tsx bench/fleet/sim-agents-main.ts <task-queue> <nodes.json>
import { readFileSync } from 'node:fs';
import { NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';
import { startSimAgent, type SimNode } from '../../test/sim/sim-agent';

const [taskQueue, nodesFile] = process.argv.slice(2);
if (!taskQueue || !nodesFile) throw new Error('usage: sim-agents-main.ts <task-queue> <nodes.json>');
Runtime.install({ logger: new DefaultLogger('WARN') });
const nodes = JSON.parse(readFileSync(nodesFile, 'utf8')) as SimNode[];
const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS ?? 'localhost:7233' });
const agent = await startSimAgent({ connection, taskQueue, nodes, maxConcurrent: 200 });
console.log('ready');
const stop = async () => {
  await agent.stop();
  await connection.close();
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
