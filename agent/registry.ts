// The node registry, client side: agents register themselves; the Run Command dispatcher
// and `drover nodes` list the fleet by tags or ids, with who is online.
//
// Design (bounded at fleet scale): one long-lived workflow per node, `drover-node/<id>`
// (workflows/node-registration.ts), holding the registration in its memo and the tags in
// a KeywordList search attribute, so listing by tag is one visibility query however big
// the fleet. An agent that starts with an unchanged registration costs no event at all; a
// changed one costs one signal (about six events); the workflow continues-as-new long
// before its history could grow. Liveness is not written anywhere: it is read from
// Temporal's own worker heartbeats (ListWorkers: each agent's worker reports every few
// seconds, outside any workflow history), or, on a server without them, from the pollers
// of the node's task queue (DescribeTaskQueue's lastAccessTime).
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import { canonicalJson, sha256Hex } from '../compiler/hash';
import { nodeTagClause, visibilityLiteral as quote } from '../client/visibility';
import {
  deregisterNodeSignal,
  NODE_MEMO_KEY,
  NODE_WORKFLOW_TYPE,
  nodeSearchAttributes,
  nodeWorkflowId,
  registerNodeSignal,
  type NodeRegistration,
} from '../workflows/node-contract';
import type { NodeInfo } from './protocol';

const { temporal } = proto;

export type NodeRegistrationInput = Omit<NodeRegistration, 'hash' | 'registeredAt'>;

export interface RegisterOptions {
  /** The task queue of a Drover worker, which runs the registration workflows (DROVER_TASK_QUEUE). */
  registryTaskQueue: string;
}

/** Registers (or re-registers) a node; returns whether anything had to be written. */
export async function registerNode(client: Client, input: NodeRegistrationInput, opts: RegisterOptions): Promise<{ changed: boolean }> {
  const registration: NodeRegistration = { ...input, registeredAt: new Date().toISOString(), hash: registrationHash(input) };
  const workflowId = nodeWorkflowId(input.nodeId);
  try {
    const described = await client.workflow.getHandle(workflowId).describe();
    const current = described.memo?.[NODE_MEMO_KEY] as NodeRegistration | undefined;
    if (described.status.name === 'RUNNING' && current?.hash === registration.hash) return { changed: false };
  } catch (e) {
    if (!(e instanceof WorkflowNotFoundError)) throw e;
  }
  await client.workflow.signalWithStart(NODE_WORKFLOW_TYPE, {
    workflowId,
    taskQueue: opts.registryTaskQueue,
    args: [registration],
    signal: registerNodeSignal,
    signalArgs: [registration],
    memo: { [NODE_MEMO_KEY]: registration },
    typedSearchAttributes: nodeSearchAttributes(input),
    staticSummary: `Managed node ${input.nodeId}${input.facts.hostname ? ` (${input.facts.hostname})` : ''}`,
  });
  return { changed: true };
}

/** Removes a node from the registry (its registration workflow ends). */
export async function deregisterNode(client: Client, nodeId: string): Promise<void> {
  await client.workflow.getHandle(nodeWorkflowId(nodeId)).signal(deregisterNodeSignal);
}

export function registrationHash(input: NodeRegistrationInput): string {
  return sha256Hex(canonicalJson(input));
}

export interface NodeQuery {
  /** Only these nodes (SSM's InstanceIds). */
  nodeIds?: readonly string[];
  /** Every key must match one of its values (SSM's `tag:<key>` targets). */
  tags?: Readonly<Record<string, string | readonly string[]>>;
  /** Nodes that have each of these tag keys, whatever the value (SSM's `tag-key`). */
  tagKeys?: readonly string[];
  /** Read who is online (one ListWorkers scan); default true. */
  liveness?: boolean;
}

/** The registered nodes that match, ordered by node id. */
export async function listNodes(client: Client, query: NodeQuery = {}): Promise<NodeInfo[]> {
  const clauses = [`WorkflowType = ${quote(NODE_WORKFLOW_TYPE)}`, `ExecutionStatus = 'Running'`];
  for (const [key, values] of Object.entries(query.tags ?? {})) {
    const list = typeof values === 'string' ? [values] : [...values];
    if (list.length === 0) return [];
    clauses.push(nodeTagClause(key, list));
  }
  const idChunks = query.nodeIds ? chunk([...new Set(query.nodeIds)], 200) : [undefined];
  if (query.nodeIds && query.nodeIds.length === 0) return [];
  const registrations: NodeRegistration[] = [];
  for (const ids of idChunks) {
    const where = ids ? [...clauses, `WorkflowId IN (${ids.map((id) => quote(nodeWorkflowId(id))).join(', ')})`] : clauses;
    for await (const info of client.workflow.list({ query: where.join(' AND '), pageSize: 1000 })) {
      const registration = info.memo?.[NODE_MEMO_KEY] as NodeRegistration | undefined;
      if (registration?.nodeId) registrations.push(registration);
    }
  }
  const matching = registrations.filter((r) => (query.tagKeys ?? []).every((k) => Object.hasOwn(r.tags, k)));
  const liveness = query.liveness === false ? new Map<string, Liveness>() : await readLiveness(client, [...new Set(matching.map((r) => r.taskQueue))]);
  return matching
    .sort((a, b) => a.nodeId.localeCompare(b.nodeId))
    .map((r) => {
      const live = liveness.get(r.taskQueue);
      const graceMs = Math.max(3 * r.heartbeatSeconds, r.heartbeatSeconds + 20) * 1000;
      const online = live?.lastSeen !== undefined && live.running && Date.now() - live.lastSeen.getTime() <= (live.source === 'pollers' ? POLLER_GRACE_MS : graceMs);
      return {
        nodeId: r.nodeId,
        taskQueue: r.taskQueue,
        tags: r.tags,
        facts: r.facts,
        online,
        ...(live?.lastSeen ? { lastSeen: live.lastSeen.toISOString() } : {}),
      };
    });
}

interface Liveness {
  /** The last sign of life of any worker of the queue. */
  lastSeen?: Date;
  /** A worker of the queue said it runs (not shutting down). */
  running: boolean;
  source: 'heartbeats' | 'pollers';
}

/** An idle worker long-polls for about a minute before it polls again (and refreshes lastAccessTime). */
const POLLER_GRACE_MS = 75_000;

/** Who is alive on each task queue: worker heartbeats, else the queue's pollers. */
export async function readLiveness(client: Client, taskQueues: string[]): Promise<Map<string, Liveness>> {
  if (taskQueues.length === 0) return new Map();
  try {
    return await livenessFromHeartbeats(client, taskQueues);
  } catch (e) {
    // Servers before worker heartbeats (ListWorkers) answer UNIMPLEMENTED.
    if ((e as { code?: number }).code !== 12 && !/unimplemented|unknown method/i.test(String((e as Error).message))) throw e;
    return livenessFromPollers(client, taskQueues);
  }
}

async function livenessFromHeartbeats(client: Client, taskQueues: string[]): Promise<Map<string, Liveness>> {
  const wanted = new Set(taskQueues);
  const out = new Map<string, Liveness>();
  // A few queues: ask for them; many: read every worker once and pick.
  const query = taskQueues.length <= 50 ? taskQueues.map((q) => `TaskQueue = ${quote(q)}`).join(' OR ') : '';
  let nextPageToken: Uint8Array | undefined;
  do {
    const res = await client.workflowService.listWorkers({ namespace: client.options.namespace, pageSize: 1000, query, ...(nextPageToken ? { nextPageToken } : {}) });
    for (const w of res.workersInfo ?? []) {
      const hb = w.workerHeartbeat;
      if (!hb?.taskQueue || !wanted.has(hb.taskQueue)) continue;
      const seen = hb.heartbeatTime ? timestampDate(hb.heartbeatTime) : undefined;
      const running = hb.status === temporal.api.enums.v1.WorkerStatus.WORKER_STATUS_RUNNING;
      const prev = out.get(hb.taskQueue);
      const newer = seen && (!prev?.lastSeen || seen > prev.lastSeen);
      out.set(hb.taskQueue, {
        lastSeen: newer ? seen : prev?.lastSeen,
        // The newest heartbeat of the queue decides whether it still runs.
        running: newer ? running : (prev?.running ?? running),
        source: 'heartbeats',
      });
    }
    nextPageToken = res.nextPageToken?.length ? res.nextPageToken : undefined;
  } while (nextPageToken);
  return out;
}

async function livenessFromPollers(client: Client, taskQueues: string[]): Promise<Map<string, Liveness>> {
  const out = new Map<string, Liveness>();
  const queue = [...taskQueues];
  const workers = Array.from({ length: Math.min(16, queue.length) }, async () => {
    for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
      const res = await client.workflowService.describeTaskQueue({
        namespace: client.options.namespace,
        taskQueue: { name, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
      });
      const times = (res.pollers ?? []).flatMap((p) => (p.lastAccessTime ? [timestampDate(p.lastAccessTime)] : []));
      const lastSeen = times.sort((a, b) => b.getTime() - a.getTime())[0];
      out.set(name, { ...(lastSeen ? { lastSeen } : {}), running: lastSeen !== undefined, source: 'pollers' });
    }
  });
  await Promise.all(workers);
  return out;
}

function timestampDate(t: { seconds?: number | Long | string | null; nanos?: number | null }): Date {
  return new Date(Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6));
}

type Long = { toString(): string };

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
