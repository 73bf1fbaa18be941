// A bench host for many agent nodes in one process: the real agent activity
// (agent/invocation/run-invocation.ts: journal, process group, real shell, SSM statuses),
// one instance per node id with its own state directory, behind one worker on one task
// queue. `drover agent` serves one node; this lets a few processes stand for a 1,000-node
// fleet without changing the agent. Prints `ready` once it polls; stops on SIGTERM.
//   node --import tsx bench/fleet/agent-host-main.ts <task-queue> <state-dir>
import { join } from 'node:path';
import { NativeConnection, Runtime, DefaultLogger, Worker } from '@temporalio/worker';
import { AwsClients } from '../../activities/aws/clients';
import { createRunInvocation } from '../../agent/invocation/run-invocation';
import { InvocationJournal } from '../../agent/journal';
import { AGENT_ACTIVITIES, type InvocationRequest, type InvocationResult } from '../../agent/protocol';

const [taskQueue, baseDir] = process.argv.slice(2);
if (!taskQueue || !baseDir) throw new Error('usage: agent-host-main.ts <task-queue> <state-dir>');
const stateDir: string = baseDir;
Runtime.install({ logger: new DefaultLogger('WARN') });
const aws = new AwsClients();
const nodes = new Map<string, (req: InvocationRequest) => Promise<InvocationResult>>();
const journals: InvocationJournal[] = [];
function nodeActivity(nodeId: string) {
  let run = nodes.get(nodeId);
  if (!run) {
    const dir = join(stateDir, nodeId);
    const journal = InvocationJournal.open(dir);
    journals.push(journal);
    run = createRunInvocation({ nodeId, stateDir: dir, journal, aws, platformType: 'Linux' });
    nodes.set(nodeId, run);
  }
  return run;
}
const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS ?? 'localhost:7233' });
const worker = await Worker.create({
  connection,
  taskQueue,
  activities: { [AGENT_ACTIVITIES.runInvocation]: (req: InvocationRequest) => nodeActivity(req.nodeId)(req) },
  maxConcurrentActivityTaskExecutions: Number(process.env.BENCH_HOST_CONCURRENCY ?? 32),
  maxHeartbeatThrottleInterval: '3s',
});
console.log('ready');
try {
  await worker.run();
} finally {
  for (const j of journals) j.close();
  aws.destroy();
  await connection.close();
}
