// Interpreter overhead, measured: the same N-step sequence of activity calls, as a
// runbook run by Drover's interpreter and as a hand-written Temporal workflow, side by
// side on one dev server and one worker, interleaved so drift hits both alike.
//   npm run bench [-- --executions 40 --steps 10 --concurrency 4]
import { fileURLToPath } from 'node:url';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Runtime, DefaultLogger, Worker } from '@temporalio/worker';
import { compileRunbook } from '../compiler';
import { BUILTIN_CATALOG } from '../lang/catalog';
import { createActivities } from '../activities';
import { DroverClient } from '../client';
import { startDevServer } from '../devstack/temporal-dev-server';
import { ensureTools } from '../devstack/tools';
import { projectRoot } from '../devstack/paths';

const { values } = parseArgs({
  options: {
    executions: { type: 'string', default: '40' },
    steps: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '4' },
  },
});
const EXECUTIONS = Number(values.executions);
const STEPS = Number(values.steps);
const CONCURRENCY = Number(values.concurrency);

function runbookYaml(steps: number): string {
  const lines = ["schemaVersion: '0.3'", 'description: benchmark', 'mainSteps:'];
  for (let i = 1; i <= steps; i++) {
    lines.push(`  - name: step${i}`, '    action: drover:log', '    inputs:', `      Message: 'step ${i} of {{ automation:EXECUTION_ID }}'`);
  }
  return lines.join('\n') + '\n';
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function main(): Promise<void> {
  ensureTools();
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const server = await startDevServer({ uiPort: false });
  try {
    const bundle = await bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)), logger: { log() {}, info() {}, debug() {}, trace() {}, warn() {}, error: console.error } });
    const native = await NativeConnection.connect({ address: server.address });
    const taskQueue = 'bench';
    const worker = await Worker.create({ connection: native, taskQueue, workflowBundle: bundle, activities: createActivities({ runbookDirs: [] }) });
    const running = worker.run();
    const connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection });
    const drover = new DroverClient(client, { taskQueue });
    const { plan } = compileRunbook(runbookYaml(STEPS), 'bench.yaml', BUILTIN_CATALOG);
    if (!plan) throw new Error('benchmark runbook does not compile');

    const timings: Record<'interpreter' | 'handwritten', number[]> = { interpreter: [], handwritten: [] };
    const events: Record<'interpreter' | 'handwritten', number[]> = { interpreter: [], handwritten: [] };
    const one = async (kind: 'interpreter' | 'handwritten', i: number) => {
      const t0 = performance.now();
      let id: string;
      if (kind === 'interpreter') {
        id = (await drover.start(plan, { idempotencyKey: `i-${i}-${Date.now()}` })).executionId;
        const r = await drover.result(id);
        if (r.status !== 'Success') throw new Error(`interpreter run ${id} ended ${r.status}`);
      } else {
        id = `handwritten/${i}-${Date.now()}`;
        await client.workflow.execute('handwritten', { taskQueue, workflowId: id, args: [STEPS] });
      }
      timings[kind].push(performance.now() - t0);
      const history = await client.workflow.getHandle(id).fetchHistory();
      events[kind].push(history.events?.length ?? 0);
    };
    // Warm up both paths (bundle load, connections, caches).
    await one('interpreter', -1);
    await one('handwritten', -1);
    timings.interpreter.length = timings.handwritten.length = events.interpreter.length = events.handwritten.length = 0;

    const wall: Record<'interpreter' | 'handwritten', number> = { interpreter: 0, handwritten: 0 };
    for (let round = 0; round < EXECUTIONS / CONCURRENCY; round++) {
      for (const kind of round % 2 === 0 ? (['interpreter', 'handwritten'] as const) : (['handwritten', 'interpreter'] as const)) {
        const t0 = performance.now();
        await Promise.all(Array.from({ length: CONCURRENCY }, (_, j) => one(kind, round * CONCURRENCY + j)));
        wall[kind] += performance.now() - t0;
      }
    }
    const report = {
      date: new Date().toISOString(),
      machine: `${process.platform} ${process.arch}, node ${process.version}`,
      executionsEach: timings.interpreter.length,
      stepsPerExecution: STEPS,
      concurrency: CONCURRENCY,
      latencyMs: {
        interpreter: { median: median(timings.interpreter), p90: pct(timings.interpreter, 90) },
        handwritten: { median: median(timings.handwritten), p90: pct(timings.handwritten, 90) },
      },
      medianLatencyRatio: median(timings.interpreter) / median(timings.handwritten),
      throughputRatio: wall.handwritten / wall.interpreter,
      historyEvents: { interpreter: median(events.interpreter), handwritten: median(events.handwritten) },
    };
    console.log(JSON.stringify(report, null, 2));
    const dir = join(projectRoot, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'interpreter-vs-handwritten.json'), JSON.stringify(report, null, 2) + '\n');
    worker.shutdown();
    await running;
    await connection.close();
    await native.close();
  } finally {
    await server.stop();
  }
}

await main();
