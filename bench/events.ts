// Events through the HTTP ingress to a durable start, against the same starts made directly,
// side by side on one dev server, interleaved so drift hits all alike:
//   ingress   POST /events (API key checked, event parsed and validated, rules matched, input
//             transformed, runbook parameters checked, idempotent start; 202 once durable)
//   client    DroverClient.start of the same runbook and parameters (what the ingress calls)
//   temporal  client.workflow.start of a workflow, the floor: one RPC
// Only the start is measured (a 202 means it is durable); no worker runs the executions.
//   npm run bench:events [-- --events 400 --concurrency 16 --rounds 4]
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { DroverClient } from '../client';
import { CommandClient } from '../client/commands';
import { EventRouter } from '../client/events/router';
import { compileRule } from '../compiler/rule/index';
import { ApiKeyAuthenticator } from '../ingress/auth';
import { startHttpIngress } from '../ingress/http-server';
import { projectRoot } from '../devstack/paths';
import { startDevServer } from '../devstack/temporal-dev-server';
import { ensureTools } from '../devstack/tools';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '400' },
    concurrency: { type: 'string', default: '16' },
    rounds: { type: 'string', default: '4' },
  },
});
const EVENTS = Number(values.events);
const CONCURRENCY = Number(values.concurrency);
const ROUNDS = Number(values.rounds);
const KEY = { id: 'bench', secret: randomUUID() };
type Kind = 'ingress' | 'client' | 'temporal';

const RULE = `EventPattern: { source: [drover.bench], detail-type: [greet] }
Targets:
  - Id: greet
    Arn: arn:aws:ssm:us-east-1:123456789012:automation-definition/hello:$DEFAULT
    InputTransformer:
      InputPathsMap: { name: $.detail.name }
      InputTemplate: '{"Name": [<name>]}'
`;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

/** Runs `n` calls of `fn`, `width` at a time; returns the wall time (ms) and each call's latency. */
async function pool(n: number, width: number, fn: (i: number) => Promise<void>): Promise<{ ms: number; latencies: number[] }> {
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < n) {
        const i = next++;
        const s = performance.now();
        await fn(i);
        latencies.push(performance.now() - s);
      }
    }),
  );
  return { ms: performance.now() - t0, latencies };
}

async function main(): Promise<void> {
  ensureTools();
  const server = await startDevServer({ uiPort: false });
  try {
    const connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection });
    const taskQueue = 'bench-events';
    const drover = new DroverClient(client, { taskQueue });
    const plan = await drover.compile('hello');
    const { rule } = compileRule(RULE, 'bench.yaml');
    const router = new EventRouter({ drover, commands: new CommandClient(client, { taskQueue }), rules: [rule!], remediations: [], taskQueue });
    const ingress = await startHttpIngress({ router, authenticator: new ApiKeyAuthenticator({ keys: [KEY] }), maxInFlight: 1024 });
    const run = randomUUID().slice(0, 8);

    const call: Record<Kind, (i: number, round: number) => Promise<void>> = {
      async ingress(i, round) {
        const event = { version: '0', id: `${run}-${round}-${i}`, 'detail-type': 'greet', source: 'drover.bench', account: '123456789012', time: new Date().toISOString(), region: 'us-east-1', resources: [], detail: { name: `n${i}` } };
        const res = await fetch(ingress.url, { method: 'POST', body: JSON.stringify(event), headers: { 'content-type': 'application/json', 'x-api-key': KEY.secret } });
        if (res.status !== 202) throw new Error(`ingress answered ${res.status}: ${await res.text()}`);
        const report = (await res.json()) as { matched: { status: string }[] };
        if (report.matched[0]?.status !== 'started') throw new Error(`not started: ${JSON.stringify(report)}`);
      },
      async client(i, round) {
        const r = await drover.start(plan, { parameters: { Name: [`n${i}`] }, idempotencyKey: `client:${run}-${round}-${i}`, trigger: 'bench' });
        if (!r.started) throw new Error('not started');
      },
      async temporal(i, round) {
        await client.workflow.start('hello', { taskQueue, workflowId: `raw/${run}-${round}-${i}`, args: [{ plan, parameters: { Name: `n${i}` }, trigger: 'bench' }] });
      },
    };

    // Warm up every path (connections, the plan cache, fastify's routes).
    for (const kind of ['ingress', 'client', 'temporal'] as Kind[]) await pool(CONCURRENCY, CONCURRENCY, (i) => call[kind](i, -1));

    const wall: Record<Kind, number> = { ingress: 0, client: 0, temporal: 0 };
    const latencies: Record<Kind, number[]> = { ingress: [], client: [], temporal: [] };
    const orders: Kind[][] = [
      ['ingress', 'client', 'temporal'],
      ['temporal', 'client', 'ingress'],
      ['client', 'ingress', 'temporal'],
    ];
    for (let round = 0; round < ROUNDS; round++) {
      for (const kind of orders[round % orders.length]!) {
        const r = await pool(EVENTS, CONCURRENCY, (i) => call[kind](i, round));
        wall[kind] += r.ms;
        latencies[kind].push(...r.latencies);
      }
    }
    const perSecond = (k: Kind) => (EVENTS * ROUNDS) / (wall[k] / 1000);
    const report = {
      date: new Date().toISOString(),
      machine: `${process.platform} ${process.arch}, node ${process.version}`,
      eventsEach: EVENTS * ROUNDS,
      concurrency: CONCURRENCY,
      perSecond: { ingress: perSecond('ingress'), client: perSecond('client'), temporal: perSecond('temporal') },
      latencyMs: Object.fromEntries((['ingress', 'client', 'temporal'] as Kind[]).map((k) => [k, { median: pct(latencies[k], 50), p99: pct(latencies[k], 99) }])),
      ingressVsClient: perSecond('ingress') / perSecond('client'),
      ingressVsTemporal: perSecond('ingress') / perSecond('temporal'),
    };
    console.log(JSON.stringify(report, null, 2));
    const dir = join(projectRoot, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'events-ingress.json'), `${JSON.stringify(report, null, 2)}\n`);
    await ingress.close();
    await connection.close();
  } finally {
    await server.stop();
  }
}

await main();
