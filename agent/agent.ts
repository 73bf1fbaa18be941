// `drover agent`: a Temporal worker on a managed node, polling the node's own task queue
// for command invocations. It only dials out (to Temporal, and to AWS when a command's
// output goes to S3 or CloudWatch Logs): no listening port, no SSH, no keys on the node.
// At start it registers the node (id, task queue, tags, facts) in the registry.
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { AwsClients } from '../activities/aws/clients';
import { temporalTarget, taskQueue as registryTaskQueue } from '../client/config';
import { ensureSearchAttributes } from '../client/search-attributes';
import { droverDataConverter } from '../client/codec/data-converter';
import { readAgentConfig } from './config';
import { collectFacts, type NodeFacts } from './facts';
import { defaultStateDir, loadIdentity } from './identity';
import { createRunInvocation } from './invocation/run-invocation';
import { InvocationJournal } from './journal';
import { AGENT_ACTIVITIES, nodeTaskQueue } from './protocol';
import { registerNode } from './registry';
import { patchAgentPlugins } from '../patch/plugin/agent-plugins';
import { DEFAULT_AGENT_HEARTBEAT_SECONDS, installAgentRuntime } from './runtime';

export interface AgentOptions {
  nodeId?: string;
  /** Tags from flags; they override the config file's. */
  tags?: Record<string, string>;
  stateDir?: string;
  configFile?: string;
  /** Reboot the node when a command exits 194 (off: the result only says rebootRequested). */
  allowReboot?: boolean;
  /** Invocations run at once (default 16). */
  concurrency?: number;
  /** Worker-heartbeat interval, seconds (default 30): how soon the registry sees a node go. */
  heartbeatSeconds?: number;
  /** Accept invocations addressed to other node ids (simulated fleets). */
  anyNode?: boolean;
  /** The Drover worker task queue that runs the registration workflows; default DROVER_TASK_QUEUE. */
  registryTaskQueue?: string;
  /** Where apt and dpkg act for AWS-RunPatchBaseline: `/` (default, or DROVER_PACKAGE_ROOT), or an isolated root. */
  packageRoot?: string;
  /** In-process use (drover dev): connections made by the caller. */
  connection?: NativeConnection;
  client?: Client;
}

export interface Agent {
  nodeId: string;
  taskQueue: string;
  tags: Record<string, string>;
  facts: NodeFacts;
  stateDir: string;
  worker: Worker;
  /** Polls until the worker shuts down (SIGINT/SIGTERM), then closes what it opened. */
  run(): Promise<void>;
}

export async function createAgent(opts: AgentOptions = {}): Promise<Agent> {
  const file = opts.configFile ? readAgentConfig(opts.configFile) : { tags: {} };
  const facts = collectFacts();
  if (facts.platformType !== 'Linux' && facts.platformType !== 'MacOS') {
    throw new Error(`drover agent runs on Linux and macOS (it runs aws:runShellScript); this is ${process.platform}`);
  }
  // Absolute: scripts run in other directories and name their files by it.
  const stateDir = resolve(opts.stateDir ?? file.stateDir ?? defaultStateDir());
  const { nodeId, created } = loadIdentity(stateDir, opts.nodeId ?? file.nodeId);
  const tags = { ...file.tags, ...opts.tags };
  const heartbeatSeconds = installAgentRuntime(opts.heartbeatSeconds ?? envNumber('DROVER_AGENT_HEARTBEAT_SECONDS') ?? DEFAULT_AGENT_HEARTBEAT_SECONDS);
  const allowReboot = opts.allowReboot ?? process.env.DROVER_AGENT_ALLOW_REBOOT === '1';
  const taskQueue = nodeTaskQueue(nodeId);

  const target = temporalTarget();
  // Payload encryption as the Drover worker's: commands, parameters and output are payloads.
  const dataConverter = droverDataConverter();
  const opened: Array<() => Promise<void>> = [];
  const journal = InvocationJournal.open(stateDir);
  opened.push(async () => journal.close());
  const aws = new AwsClients({ sessionName: () => `drover-agent-${nodeId}` });
  opened.push(async () => aws.destroy());
  try {
    let client = opts.client;
    if (!client) {
      const connection = await Connection.connect(target.connectionOptions);
      opened.push(() => connection.close());
      client = new Client({ connection, namespace: target.namespace, dataConverter });
      await ensureSearchAttributes(connection, target.namespace);
    }
    const { changed } = await registerNode(
      client,
      { nodeId, taskQueue, tags, facts, heartbeatSeconds },
      { registryTaskQueue: opts.registryTaskQueue ?? registryTaskQueue() },
    );
    let connection = opts.connection;
    if (!connection) {
      const native = await NativeConnection.connect(target.connectionOptions);
      opened.push(() => native.close());
      connection = native;
    }
    const concurrency = Math.max(1, opts.concurrency ?? envNumber('DROVER_AGENT_CONCURRENCY') ?? 16);
    const worker = await Worker.create({
      connection,
      namespace: client.options.namespace,
      taskQueue,
      identity: `drover-agent/${nodeId}@${hostname()}`,
      dataConverter,
      activities: {
        [AGENT_ACTIVITIES.runInvocation]: createRunInvocation({
          nodeId,
          stateDir,
          journal,
          aws,
          platformType: facts.platformType,
          anyNode: opts.anyNode ?? process.env.DROVER_AGENT_ANY_NODE === '1',
          onRebootRequested: () => requestReboot(allowReboot),
          inProcessPlugins: patchAgentPlugins({ tags, aws, client, registryTaskQueue: opts.registryTaskQueue ?? registryTaskQueue(), ...(opts.packageRoot ? { packageRoot: opts.packageRoot } : {}) }),
        }),
      },
      maxConcurrentActivityTaskExecutions: concurrency,
      maxConcurrentActivityTaskPolls: Math.min(concurrency, 4),
      // Cancellations reach an activity with its heartbeat's answer: keep them prompt.
      maxHeartbeatThrottleInterval: '3s',
      defaultHeartbeatThrottleInterval: '3s',
    });
    console.error(
      `drover agent: node ${nodeId}${created ? ' (new)' : ''} ${formatTags(tags)}polling task queue ${taskQueue} on ${client.options.namespace}` +
        `${changed ? '' : ' (registration unchanged)'}; state in ${stateDir}`,
    );
    return {
      nodeId,
      taskQueue,
      tags,
      facts,
      stateDir,
      worker,
      run: async () => {
        try {
          await worker.run();
        } finally {
          await closeAll(opened);
        }
      },
    };
  } catch (e) {
    await closeAll(opened);
    throw e;
  }
}

export async function runAgent(opts: AgentOptions = {}): Promise<void> {
  const agent = await createAgent(opts);
  await agent.run();
}

function requestReboot(allowed: boolean): void {
  if (!allowed) {
    console.error('drover agent: a command asked for a reboot (exit 194); reboots are off (start the agent with --allow-reboot to allow them)');
    return;
  }
  const command = process.env.DROVER_AGENT_REBOOT_COMMAND || 'shutdown -r now';
  console.error(`drover agent: a command asked for a reboot (exit 194); running: ${command}`);
  const child = spawn('/bin/sh', ['-c', command], { stdio: 'ignore', detached: true });
  child.on('error', (e) => console.error(`drover agent: reboot failed: ${e.message}`));
  child.unref();
}

function formatTags(tags: Record<string, string>): string {
  const entries = Object.entries(tags);
  return entries.length ? `(${entries.map(([k, v]) => `${k}=${v}`).join(', ')}) ` : '';
}

function envNumber(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name}=${raw} is not a positive number`);
  return n;
}

async function closeAll(opened: Array<() => Promise<void>>): Promise<void> {
  for (const close of opened.reverse()) await close().catch(() => {});
  opened.length = 0;
}
