// Run Command at fleet scale, measured on one machine: its own Temporal dev server and moto,
// one Drover worker process, and
//   1. `--targets` node ids (default 1,000) registered in the real registry and served by
//      `--agents` processes (default 4) running the real agent activity, one instance per
//      node id (`--agent-kind host`; or `agent`: `drover agent` with DROVER_AGENT_ANY_NODE;
//      or `sim`), running a trivial real command (`true`) with MaxConcurrency
//      `--concurrency` (default 50);
//   2. `--sim-targets` simulated node ids (default 10,000) over `--sim-agents` simulated
//      agent processes (no shell), MaxConcurrency `--sim-concurrency` (default 100).
// Reports wall time against the ideal, events per execution (the command's runs and its
// invocations), and the peak memory (VmHWM) of the worker and of each agent.
//   npm run bench:fleet [-- --targets 1000 --agents 4 --concurrency 50 --sim-targets 10000 --sim-agents 4 --sim-concurrency 100]
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, Runtime } from '@temporalio/worker';
import { nodeTaskQueue, type NodeInfo } from '../agent/protocol';
import { listNodes, registerNode } from '../agent/registry';
import { CommandClient } from '../client/commands';
import { startDevServer } from '../devstack/temporal-dev-server';
import { sandboxAwsEnv, startMoto } from '../devstack/moto';
import { ensureTools } from '../devstack/tools';
import { projectRoot } from '../devstack/paths';
import { INVOCATION_WORKFLOW } from '../workflows/run-command/contract';
import { WORKFLOWS_PATH } from '../worker';
import { CpuMeter, profileCommand } from './fleet/profile';

const { values } = parseArgs({
  options: {
    targets: { type: 'string', default: '1000' },
    agents: { type: 'string', default: '4' },
    concurrency: { type: 'string', default: '50' },
    'sim-targets': { type: 'string', default: '10000' },
    'sim-agents': { type: 'string', default: '4' },
    'sim-concurrency': { type: 'string', default: '100' },
    /**
     * Who serves scenario 1: `host` (default), processes running the real agent activity once
     * per node id (real shell, journal, statuses); `agent`, real `drover agent` processes with
     * DROVER_AGENT_ANY_NODE; `sim`, simulated agents (no shell).
     */
    'agent-kind': { type: 'string', default: 'host' },
    /** Also read every history back and cut each invocation's time into segments (bench/fleet/profile.ts). */
    profile: { type: 'boolean', default: false },
    /** Where the figures go, in bench/results/ (`--sim-targets 0` skips scenario 2). */
    out: { type: 'string', default: 'fleet.json' },
  },
});
const KIND = values['agent-kind'] as 'host' | 'agent' | 'sim';
if (!['host', 'agent', 'sim'].includes(KIND)) throw new Error(`--agent-kind is host, agent or sim; got ${KIND}`);
const REAL_AGENTS = KIND !== 'sim';
const TARGETS = Number(values.targets);
const AGENTS = Number(values.agents);
const CONCURRENCY = Number(values.concurrency);
const SIM_TARGETS = Number(values['sim-targets']);
const SIM_AGENTS = Number(values['sim-agents']);
const SIM_CONCURRENCY = Number(values['sim-concurrency']);
const TASK_QUEUE = 'bench-fleet';
const DROVER_BIN = fileURLToPath(new URL('../bin/drover.js', import.meta.url));
const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));

interface Proc {
  name: string;
  child: ChildProcess;
  out: () => string;
}

function start(name: string, args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<Proc> {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (b) => (out += b));
  child.stderr!.on('data', (b) => (out += b));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start:\n${out}`)), 120_000);
    const check = () => {
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve({ name, child, out: () => out });
      }
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}):\n${out}`));
    });
  });
}

/** Peak resident memory of a process so far (Linux), MiB; `VmRSS` for the current one. */
function peakMiB(pid: number | undefined, field: 'VmHWM' | 'VmRSS' = 'VmHWM'): number | undefined {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

async function stop(p: Proc): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    p.child.once('exit', () => resolve());
    p.child.kill('SIGTERM');
    setTimeout(() => p.child.kill('SIGKILL'), 15_000).unref();
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

async function mapLimited<T>(items: readonly T[], width: number, fn: (t: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, async () => {
    while (i < items.length) await fn(items[i++]!);
  }));
}

/** Events of every run of the command, and of its invocations run as child workflows (from visibility); per invocation overall. */
async function historyFigures(client: Client, commandId: string, targets: number) {
  // Visibility may lag on the newest runs: describe each (exact), and any child it shows empty.
  const runIds: string[] = [];
  for await (const wf of client.workflow.list({ query: `WorkflowId = '${commandId}'` })) runIds.push(wf.runId);
  const runs: number[] = [];
  for (const runId of runIds) runs.push((await client.workflow.getHandle(commandId, runId).describe()).historyLength);
  const children: number[] = [];
  for await (const wf of client.workflow.list({ query: `WorkflowType = '${INVOCATION_WORKFLOW}' AND DroverCommandId = '${commandId}'`, pageSize: 1000 })) {
    children.push(wf.historyLength || (await client.workflow.getHandle(wf.workflowId, wf.runId).describe()).historyLength);
  }
  const commandEvents = runs.reduce((a, b) => a + b, 0);
  const childEvents = children.reduce((a, b) => a + b, 0);
  return {
    command: { runs: runs.length, maxEventsPerRun: Math.max(...runs), totalEvents: commandEvents },
    childWorkflows: children.length ? { count: children.length, medianEvents: median(children), maxEvents: Math.max(...children) } : { count: 0 },
    // Everything the command wrote to Temporal, per target: its runs and its children.
    eventsPerInvocation: +((commandEvents + childEvents) / targets).toFixed(1),
  };
}

async function sendAndMeasure(commands: CommandClient, client: Client, label: string, fleetTag: string, targets: number, concurrency: number, details: boolean, cpu: CpuMeter) {
  cpu.begin();
  const t0 = performance.now();
  const { commandId } = await commands.send({
    documentName: 'AWS-RunShellScript',
    targets: [{ Key: 'tag:fleet', Values: [fleetTag] }],
    parameters: { commands: ['true'] },
    maxConcurrency: concurrency,
    maxErrors: '0',
    comment: `bench ${label}`,
  });
  let lastLog = 0;
  const final = await commands.follow(
    commandId,
    (s) => {
      if (performance.now() - lastLog > 10_000) {
        lastLog = performance.now();
        console.error(`  ${label}: ${s.status} ${s.counts.completedCount}/${s.counts.targetCount}`);
      }
    },
    250,
  );
  const wallMs = performance.now() - t0;
  const cpuUsed = cpu.end();
  const result = await commands.result(commandId);
  if (result.counts.targetCount !== targets || (result.counts.byStatus.Success ?? 0) !== targets) {
    const failed = (await commands.invocations(commandId, { details: true })).filter((i) => i.status === 'Failed' || i.status === 'TimedOut').slice(0, 3);
    for (const f of failed) console.error(`  ${f.instanceId} ${f.status}: ${f.record?.standardErrorContent ?? ''}`);
    throw new Error(`${label}: expected ${targets} successes, got ${JSON.stringify(result.counts)} (${final.status})`);
  }
  const figures: Record<string, unknown> = { commandId, targets, maxConcurrency: concurrency, status: result.status, wallSeconds: +(wallMs / 1000).toFixed(1), invocationsPerSecond: +(targets / (wallMs / 1000)).toFixed(1) };
  if (details) {
    // The ideal: every wave of MaxConcurrency invocations takes as long as one command runs on its node.
    const invocations = await commands.invocations(commandId, { details: true });
    const durations: number[] = [];
    for (const { record: r } of invocations) if (r?.startTime && r.endTime) durations.push(Date.parse(r.endTime) - Date.parse(r.startTime));
    const exec = median(durations);
    const idealMs = Math.ceil(targets / concurrency) * exec;
    Object.assign(figures, { medianCommandMsOnNode: exec, idealSeconds: +(idealMs / 1000).toFixed(1), wallOverIdeal: +(wallMs / idealMs).toFixed(1) });
  }
  Object.assign(figures, { history: await historyFigures(client, commandId, targets), cpu: cpuUsed });
  if (values.profile) Object.assign(figures, { profile: await profileCommand(client, commandId, INVOCATION_WORKFLOW) });
  return figures;
}

async function main(): Promise<void> {
  ensureTools();
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const dir = mkdtempSync(join(tmpdir(), 'drover-bench-fleet-'));
  const run = Date.now().toString(36);
  const [server, moto, bundle] = await Promise.all([
    startDevServer({ uiPort: false, logFile: join(dir, 'temporal.log') }),
    startMoto({ logFile: join(dir, 'moto.log') }),
    bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: { log() {}, info() {}, debug() {}, trace() {}, warn() {}, error: console.error } }),
  ]);
  const bundlePath = join(dir, 'workflow-bundle.js');
  writeFileSync(bundlePath, bundle.code);
  const procs: Proc[] = [];
  try {
    // Simulated nodes: decided up front, so the worker's directory file exists before it starts.
    const simFleet = (prefix: string, count: number, agents: number) => {
      const queues = Array.from({ length: agents }, (_, i) => `bench-${prefix}-${run}-${i}`);
      const nodes: NodeInfo[] = Array.from({ length: count }, (_, i) => ({
        nodeId: `${prefix}-${run}-${String(i).padStart(5, '0')}`,
        taskQueue: queues[i % agents]!,
        tags: { fleet: `${prefix}-${run}` },
        facts: { platformType: 'Linux' },
        online: true,
      }));
      return { queues, nodes };
    };
    const simAgentsFleet = REAL_AGENTS ? undefined : simFleet('agents', TARGETS, AGENTS);
    const sim = simFleet('sim', SIM_TARGETS, SIM_AGENTS);
    const simFile = join(dir, 'sim-nodes.json');
    writeFileSync(simFile, JSON.stringify([...(simAgentsFleet?.nodes ?? []), ...sim.nodes]));
    const startSims = async (prefix: string, fleet: { queues: string[]; nodes: NodeInfo[] }): Promise<Proc[]> => {
      const out: Proc[] = [];
      for (const [i, queue] of fleet.queues.entries()) {
        const file = join(dir, `${prefix}-${i}.json`);
        writeFileSync(file, JSON.stringify(fleet.nodes.filter((n) => n.taskQueue === queue).map((n) => ({ nodeId: n.nodeId, tags: n.tags }))));
        out.push(await start(`${prefix}-${i}`, ['--import', 'tsx', here('./fleet/sim-agents-main.ts'), queue, file], env, /^ready$/m));
      }
      return out;
    };
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...sandboxAwsEnv(moto.endpoint),
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_NAMESPACE: 'default',
      DROVER_TASK_QUEUE: TASK_QUEUE,
      DROVER_WORKFLOW_BUNDLE: bundlePath,
      BENCH_SIM_NODES: simFile,
    };
    const worker = await start('worker', ['--import', 'tsx', here('./fleet/worker-main.ts')], env, /^ready$/m);
    procs.push(worker);
    const workerRssMiB: Record<string, number | undefined> = { ready: peakMiB(worker.child.pid, 'VmRSS') };
    const connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection, namespace: 'default' });
    const commands = new CommandClient(client, { taskQueue: TASK_QUEUE });
    const report: Record<string, unknown> = { date: new Date().toISOString(), machine: `${process.platform} ${process.arch}, ${(await import('node:os')).cpus().length} cores, node ${process.version}` };

    // 1. Real agents (or simulated ones with --agent-kind sim).
    const agents: Proc[] = simAgentsFleet ? await startSims('agents', simAgentsFleet) : [];
    const perAgent = String(Math.ceil(CONCURRENCY / AGENTS) + 4);
    for (let i = 0; REAL_AGENTS && i < AGENTS; i++) {
      const stateDir = mkdtempSync(join(dir, `agent-${i}-`));
      agents.push(
        KIND === 'agent'
          ? await start(`agent-${i}`, [DROVER_BIN, 'agent', '--node-id', `bench-agent-${run}-${i}`, '--state-dir', stateDir, '--concurrency', perAgent], { ...env, DROVER_AGENT_ANY_NODE: '1' }, /polling task queue/)
          : await start(`host-${i}`, ['--import', 'tsx', here('./fleet/agent-host-main.ts'), nodeTaskQueue(`bench-agent-${run}-${i}`), stateDir], { ...env, BENCH_HOST_CONCURRENCY: perAgent }, /^ready$/m),
      );
    }
    procs.push(...agents);
    if (REAL_AGENTS) {
      const ids = Array.from({ length: TARGETS }, (_, i) => `agents-${run}-${String(i).padStart(5, '0')}`);
      const tRegister = performance.now();
      await mapLimited(ids, 16, async (nodeId) => {
        const agent = Number(nodeId.slice(-5)) % AGENTS;
        await registerNode(client, { nodeId, taskQueue: nodeTaskQueue(`bench-agent-${run}-${agent}`), tags: { fleet: `agents-${run}` }, facts: { platformType: 'Linux' }, heartbeatSeconds: 30 }, { registryTaskQueue: TASK_QUEUE });
      });
      while ((await listNodes(client, { tags: { fleet: [`agents-${run}`] }, liveness: false })).length < TARGETS) await new Promise((r) => setTimeout(r, 500));
      console.error(`registered ${TARGETS} node ids over ${AGENTS} agents in ${((performance.now() - tRegister) / 1000).toFixed(1)} s`);
      workerRssMiB.registered = peakMiB(worker.child.pid, 'VmRSS');
    }
    const cpu = new CpuMeter(() => ({
      temporal: server.process.child.pid,
      moto: moto.process.child.pid,
      worker: worker.child.pid,
      bench: process.pid,
      ...Object.fromEntries(procs.filter((p) => p !== worker).map((p) => [p.name, p.child.pid])),
    }));
    const kinds = { host: 'agent hosts: the real agent activity per node id (real shell)', agent: 'drover agent processes (DROVER_AGENT_ANY_NODE)', sim: 'simulated (no shell)' };
    report.agents = { agents: AGENTS, kind: kinds[KIND], ...(await sendAndMeasure(commands, client, 'agents', `agents-${run}`, TARGETS, CONCURRENCY, true, cpu)) };
    console.error(JSON.stringify(report.agents));
    const agentPeaks = agents.map((a) => peakMiB(a.child.pid));
    workerRssMiB.afterAgents = peakMiB(worker.child.pid, 'VmRSS');
    await Promise.all(agents.map(stop));

    // 2. Simulated nodes.
    const sims = SIM_TARGETS > 0 ? await startSims('sim', sim) : [];
    procs.push(...sims);
    if (SIM_TARGETS > 0) {
      report.simulated = { agents: SIM_AGENTS, ...(await sendAndMeasure(commands, client, 'simulated', `sim-${run}`, SIM_TARGETS, SIM_CONCURRENCY, false, cpu)) };
      console.error(JSON.stringify(report.simulated));
    }
    if (SIM_TARGETS > 0) workerRssMiB.afterSimulated = peakMiB(worker.child.pid, 'VmRSS');
    report.peakMemoryMiB = { worker: peakMiB(worker.child.pid), agents: agentPeaks, simulatedAgents: sims.map((s) => peakMiB(s.child.pid)) };
    report.workerRssMiB = workerRssMiB;
    console.log(JSON.stringify(report, null, 2));
    const out = join(projectRoot, 'bench', 'results');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, values.out), JSON.stringify(report, null, 2) + '\n');
    await connection.close();
  } finally {
    await Promise.all(procs.map(stop));
    await Promise.allSettled([server.stop(), moto.stop()]);
  }
}

await main();
