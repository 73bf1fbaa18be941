// Writes lang/aws-services.json: which AWS services this Drover can call, under the names
// AWS's runbooks use (boto3's: `ec2`, `ssm`), with the SDK v3 package, client class and
// operation names of each: `npx tsx schemas/build-aws-services.ts`.
//
// Two parts:
// - `installed`: read from the @aws-sdk/client-* packages in package.json's dependencies
//   (their `*Command` exports). test/unit/compiler/aws-services.test.ts fails when it
//   differs from what is installed, so run this after adding or upgrading a client.
// - `available`: every boto3 service name with the npm package that would add it, read
//   from botocore's service models in the tools venv (moto brings botocore). It only words
//   the hint of an `unknown-service` diagnostic, so it is not checked for drift.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { NormalizedSchema } from '@smithy/core/schema';
import { projectRoot } from '../devstack/paths';
import type { AwsServiceTable, InstalledService } from '../lang/aws-services';

export const AWS_SERVICES_FILE = 'lang/aws-services.json';

/** SDK v3 packages are named after the service's sdkId: `CloudWatch Logs` → client-cloudwatch-logs. */
export const packageOfServiceId = (serviceId: string): string => `@aws-sdk/client-${serviceId.toLowerCase().replace(/\s+/g, '-')}`;

function botocoreDataDir(): string {
  const lib = join(projectRoot, '.tools', 'venv', 'lib');
  const python = existsSync(lib) ? readdirSync(lib).find((d) => d.startsWith('python')) : undefined;
  const dir = python && join(lib, python, 'site-packages', 'botocore', 'data');
  if (!dir || !existsSync(dir)) throw new Error('botocore is not in .tools/venv: run `npm run setup-tools` first');
  return dir;
}

function readModel(file: string): { metadata?: { serviceId?: string } } {
  const raw = readFileSync(file);
  return JSON.parse((file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8')) as { metadata?: { serviceId?: string } };
}

/** boto3 service name → the npm package of its SDK v3 client, for every service botocore knows. */
export function availableServices(dataDir = botocoreDataDir()): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dataDir).sort()) {
    const serviceDir = join(dataDir, name);
    let versions: string[];
    try {
      versions = readdirSync(serviceDir).filter((v) => /^\d{4}-\d\d-\d\d$/.test(v)).sort();
    } catch {
      continue; // a file such as endpoints.json
    }
    const latest = versions.at(-1);
    if (!latest) continue;
    const file = ['service-2.json.gz', 'service-2.json'].map((f) => join(serviceDir, latest, f)).find(existsSync);
    const serviceId = file && readModel(file).metadata?.serviceId;
    if (serviceId) out[name] = packageOfServiceId(serviceId);
  }
  return out;
}

interface CommandCtor {
  new (input: object): { schema?: unknown };
}

/** Whether the package's commands carry their operation schema (clients from 2025 on do). */
function hasSchemas(Command: CommandCtor): boolean {
  return Array.isArray(new Command({}).schema);
}

/** Operations whose response is a stream (S3 GetObject): AWS's executeAwsApi refuses them too. */
function streamsOutput(Command: CommandCtor): boolean {
  const schema = new Command({}).schema;
  if (!Array.isArray(schema)) return false;
  const output = NormalizedSchema.of(schema[5] as never);
  if (!output.isStructSchema()) return false;
  for (const [, member] of output.structIterator()) if (member.isStreaming()) return true;
  return false;
}

/** The installed clients, keyed by boto3 service name. */
export async function installedServices(available: Record<string, string>): Promise<Record<string, InstalledService>> {
  const manifest = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  const packages = Object.keys(manifest.dependencies ?? {}).filter((p) => p.startsWith('@aws-sdk/client-')).sort();
  // One package can serve several boto3 names (pinpoint-sms-voice and sms-voice).
  const byPackage = new Map<string, string[]>();
  for (const [name, pkg] of Object.entries(available)) byPackage.set(pkg, [...(byPackage.get(pkg) ?? []), name]);
  const out: Record<string, InstalledService> = {};
  for (const pkg of packages) {
    const mod = (await import(pkg)) as Record<string, unknown>;
    const version = (JSON.parse(readFileSync(join(projectRoot, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
    const client = Object.keys(mod).find((k) => k.endsWith('Client') && !k.startsWith('_'));
    if (!client) throw new Error(`${pkg} exports no client class`);
    const operations = Object.keys(mod)
      .filter((k) => /^[A-Z]\w*Command$/.test(k) && typeof mod[k] === 'function')
      .map((k) => k.slice(0, -'Command'.length))
      .sort();
    const first = mod[`${operations[0]}Command`] as CommandCtor | undefined;
    const service: InstalledService = {
      package: pkg,
      version,
      client,
      operations,
      streamingOutput: operations.filter((op) => streamsOutput(mod[`${op}Command`] as CommandCtor)),
      ...(first && !hasSchemas(first) ? { untyped: true } : {}),
    };
    for (const name of byPackage.get(pkg) ?? [pkg.slice('@aws-sdk/client-'.length)]) out[name] = service;
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

/** The exact text of the committed table. */
export function renderAwsServices(table: AwsServiceTable): string {
  return `${JSON.stringify(table, null, 1)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const available = availableServices();
  const table: AwsServiceTable = { installed: await installedServices(available), available };
  writeFileSync(join(projectRoot, AWS_SERVICES_FILE), renderAwsServices(table));
  const ops = Object.values(table.installed).reduce((n, s) => n + s.operations.length, 0);
  console.log(`wrote ${AWS_SERVICES_FILE}: ${Object.keys(table.installed).join(', ')} (${ops} operations); ${Object.keys(available).length} services known`);
}
