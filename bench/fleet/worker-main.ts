// The Drover worker of the fleet bench, in a process of its own (so its peak memory is its
// own): the real worker, whose node directory is the real registry plus, for simulated
// nodes that never registered, the file the bench wrote (BENCH_SIM_NODES).
//   node --import tsx bench/fleet/worker-main.ts
import { existsSync, readFileSync } from 'node:fs';
import { Runtime, DefaultLogger, type WorkerOptions } from '@temporalio/worker';
import type { NodeInfo } from '../../agent/protocol';
import { registryDirectory } from '../../activities/run-command/registry-directory';
import { createDroverWorker } from '../../worker';

Runtime.install({ logger: new DefaultLogger('WARN') });
const registry = registryDirectory();
const simFile = process.env.BENCH_SIM_NODES;
let sims: NodeInfo[] | undefined;
const simNodes = (): NodeInfo[] => (sims ??= simFile && existsSync(simFile) ? (JSON.parse(readFileSync(simFile, 'utf8')) as NodeInfo[]) : []);
const { worker, close } = await createDroverWorker({
  activityDeps: {
    runCommand: {
      nodes: {
        listNodes: async (q) => {
          const ids = q.nodeIds ? new Set(q.nodeIds) : undefined;
          return [...(await registry.listNodes(q)), ...simNodes().filter((n) => !ids || ids.has(n.nodeId))];
        },
      },
    },
  },
  // BENCH_WORKER_TUNE (JSON) overrides these: how the bench compares worker settings.
  tune: { maxConcurrentWorkflowTaskExecutions: 100, maxConcurrentActivityTaskExecutions: 200, ...(JSON.parse(process.env.BENCH_WORKER_TUNE ?? '{}') as Partial<WorkerOptions>) },
});
console.log('ready');
try {
  await worker.run();
} finally {
  await close();
  await registry.close();
}
