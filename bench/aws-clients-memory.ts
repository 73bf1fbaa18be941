// What covering every service of AWS's published runbooks costs a worker in memory. Each
// stage runs in a fresh Node process (so one stage's modules do not count in the next):
//   idle      the worker's activities built (what a worker holds before any AWS action runs)
//   original  plus the 13 clients Drover had before issue 11, each imported and constructed
//   all       plus every installed client (lang/aws-services.json), imported and constructed
// RSS and V8 heap after a full GC, median of 3 runs each.
//   npx tsx bench/aws-clients-memory.ts   (writes bench/results/aws-clients-memory.json)
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AWS_SERVICES } from '../lang/aws-services';
import { projectRoot } from '../devstack/paths';

const ORIGINAL = ['cloudformation', 'cloudwatch', 'logs', 'ec2', 'eks', 'iam', 'kms', 'rds', 's3', 'sns', 'sqs', 'ssm', 'sts'];

type Stage = 'idle' | 'original' | 'all';

async function measure(stage: Stage): Promise<void> {
  const { createActivities } = await import('../activities');
  createActivities({ runbookDirs: [] });
  const services = stage === 'idle' ? [] : stage === 'original' ? ORIGINAL : [...new Set(Object.keys(AWS_SERVICES.installed))];
  const clients: { destroy(): void }[] = [];
  for (const name of services) {
    const s = AWS_SERVICES.installed[name]!;
    const mod = (await import(s.package)) as Record<string, new (c: object) => { destroy(): void }>;
    clients.push(new mod[s.client]!({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } }));
  }
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  console.log(JSON.stringify({ stage, services: services.length, rssMiB: m.rss / 2 ** 20, heapUsedMiB: m.heapUsed / 2 ** 20 }));
  for (const c of clients) c.destroy();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

if (process.argv[2] === '--stage') {
  await measure(process.argv[3] as Stage);
} else {
  const self = fileURLToPath(import.meta.url);
  const results: Record<string, unknown> = {};
  for (const stage of ['idle', 'original', 'all'] as const) {
    const runs = [0, 1, 2].map(() => {
      const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', self, '--stage', stage], { cwd: projectRoot, encoding: 'utf8', env: { ...process.env, AWS_SDK_JS_SUPPRESS_NODE_DEPRECATION_WARNING: 'true' } });
      return JSON.parse(out.trim().split('\n').at(-1)!) as { services: number; rssMiB: number; heapUsedMiB: number };
    });
    results[stage] = { services: runs[0]!.services, rssMiB: Math.round(median(runs.map((r) => r.rssMiB))), heapUsedMiB: Math.round(median(runs.map((r) => r.heapUsedMiB))) };
    console.log(stage, results[stage]);
  }
  const dir = join(projectRoot, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'aws-clients-memory.json'), `${JSON.stringify({ measuredAt: new Date().toISOString(), node: process.version, ...results }, null, 2)}\n`);
}
