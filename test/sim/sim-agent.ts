// Simulated managed nodes, for tests and the bench only: one Temporal worker serves the
// agent activity for many node ids on one shared task queue (NodeInfo.taskQueue allows
// it), and runs a trivial built-in interpreter of AWS-RunShellScript's `commands` instead
// of a shell: `sleep <seconds>`, `echo <text>`, `exit <code>`, `true`. It records when each
// invocation starts and ends on each node, so tests can check the overlap.
import { appendFileSync } from 'node:fs';
import { ApplicationFailure, heartbeat, sleep, CancelledFailure, activityInfo } from '@temporalio/activity';
import { Worker, type NativeConnection } from '@temporalio/worker';
import { AGENT_ACTIVITIES, type InvocationRequest, type InvocationResult, type NodeInfo } from '../../agent/protocol';

export interface SimNode {
  nodeId: string;
  tags: Record<string, string>;
}

export interface SimRun {
  nodeId: string;
  commandId: string;
  start: number;
  end: number;
  status: string;
}

export interface SimAgent {
  taskQueue: string;
  nodes: NodeInfo[];
  /** Every invocation this agent ran, in order of ending. */
  runs: SimRun[];
  /** Invocations running now: `<commandId>/<nodeId>`. */
  active: Set<string>;
  stop(): Promise<void>;
}

const HEARTBEAT_MS = 1000;

function commandsOf(req: InvocationRequest): string[] {
  const c = req.parameters.commands;
  return (Array.isArray(c) ? c : c === undefined ? [] : [c]).flatMap((line) => line.split('\n'));
}

/** The simulated command: a few shell words, no process. A node tagged `sim:exit=N` fails every command with N. */
async function simulate(req: InvocationRequest, node: SimNode): Promise<{ code: number; output: string }> {
  let output = '';
  const forced = node.tags['sim:exit'];
  if (forced !== undefined) return { code: Number(forced), output: `sim: this node fails every command\n` };
  for (const raw of commandsOf(req)) {
    const line = raw.trim();
    const [word, ...rest] = line.split(/\s+/);
    if (!word) continue;
    if (word === 'sleep') {
      const until = Date.now() + Number(rest[0] ?? 0) * 1000;
      while (Date.now() < until) {
        heartbeat();
        await sleep(Math.min(HEARTBEAT_MS, until - Date.now()));
      }
    } else if (word === 'echo') {
      output += `${rest.join(' ').replace(/\$NODE/g, req.nodeId)}\n`;
    } else if (word === 'exit') {
      return { code: Number(rest[0] ?? 0), output };
    } else if (word === 'true') {
      continue;
    } else {
      return { code: 127, output: `${output}sim: ${word}: command not found\n` };
    }
  }
  return { code: 0, output };
}

export function createSimRunInvocation(nodes: Map<string, SimNode>, runs: SimRun[], active: Set<string>, journalFile?: string) {
  return async function runInvocation(req: InvocationRequest): Promise<InvocationResult> {
    const node = nodes.get(req.nodeId);
    if (!node) throw ApplicationFailure.nonRetryable(`node ${req.nodeId} is not served by this simulated agent (${activityInfo().taskQueue})`, 'DroverUnknownNode');
    const start = Date.now();
    const key = `${req.commandId}/${req.nodeId}`;
    active.add(key);
    let status: InvocationResult['status'] = 'Success';
    let code = 0;
    let output = '';
    try {
      ({ code, output } = await simulate(req, node));
      status = code === 0 ? 'Success' : 'Failed';
    } catch (err) {
      if (err instanceof CancelledFailure) status = 'Cancelled';
      else throw err;
    } finally {
      active.delete(key);
      const run = { nodeId: req.nodeId, commandId: req.commandId, start, end: Date.now(), status };
      runs.push(run);
      if (journalFile) appendFileSync(journalFile, JSON.stringify(run) + '\n');
    }
    if (status === 'Cancelled') throw new CancelledFailure('cancelled while running');
    return {
      commandId: req.commandId,
      nodeId: req.nodeId,
      status,
      statusDetails: status,
      responseCode: code,
      standardOutputContent: output,
      standardErrorContent: code === 0 ? '' : `failed to run commands: exit status ${code}`,
      startTime: new Date(start).toISOString(),
      endTime: new Date().toISOString(),
      plugins: [{ name: 'aws:runShellScript', status, responseCode: code, output: output.slice(0, 2500) }],
    };
  };
}

/** Starts a simulated agent serving `nodes` on `taskQueue`. */
export async function startSimAgent(opts: {
  connection: NativeConnection;
  namespace?: string;
  taskQueue: string;
  nodes: SimNode[];
  /** How many invocations this agent runs at once (default: all its nodes, up to 1000). */
  maxConcurrent?: number;
  journalFile?: string;
}): Promise<SimAgent> {
  const byId = new Map(opts.nodes.map((n) => [n.nodeId, n]));
  const runs: SimRun[] = [];
  const active = new Set<string>();
  const worker = await Worker.create({
    connection: opts.connection,
    namespace: opts.namespace ?? 'default',
    taskQueue: opts.taskQueue,
    activities: { [AGENT_ACTIVITIES.runInvocation]: createSimRunInvocation(byId, runs, active, opts.journalFile) },
    maxConcurrentActivityTaskExecutions: opts.maxConcurrent ?? Math.min(1000, Math.max(1, opts.nodes.length)),
    // Cancellation reaches an activity only with a heartbeat's answer: send them promptly.
    maxHeartbeatThrottleInterval: '1s',
  });
  const running = worker.run();
  return {
    taskQueue: opts.taskQueue,
    nodes: opts.nodes.map((n) => ({ nodeId: n.nodeId, taskQueue: opts.taskQueue, tags: n.tags, facts: { platformType: 'Linux', agentVersion: 'sim' }, online: true })),
    runs,
    active,
    async stop() {
      worker.shutdown();
      await running;
    },
  };
}

/** A node directory over simulated agents that never registered (the dispatcher matches every node again). */
export function simDirectory(agents: () => readonly { nodes: NodeInfo[] }[]) {
  return {
    async listNodes(query: { nodeIds?: readonly string[] } = {}): Promise<NodeInfo[]> {
      const all = agents().flatMap((a) => a.nodes);
      return query.nodeIds ? all.filter((n) => query.nodeIds!.includes(n.nodeId)) : all;
    },
  };
}

/** Largest number of invocations running at the same moment, from start/end times. */
export function peakOverlap(runs: readonly Pick<SimRun, 'start' | 'end'>[]): number {
  const edges = runs.flatMap((r) => [
    { t: r.start, d: 1 },
    { t: r.end, d: -1 },
  ]);
  // An end and a start at the same millisecond do not overlap.
  edges.sort((a, b) => a.t - b.t || a.d - b.d);
  let now = 0;
  let peak = 0;
  for (const e of edges) {
    now += e.d;
    peak = Math.max(peak, now);
  }
  return peak;
}
