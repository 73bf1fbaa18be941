// One Temporal dev server and one moto for the whole integration run (two cores: one of
// each is plenty); tests isolate by task queue and ids. The workflow bundle is built once
// here too, since bundling takes seconds and every test worker needs it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { bundleWorkflowCode } from '@temporalio/worker';
import { ensureTools } from '../devstack/tools';
import { startDevServer, type DevServer } from '../devstack/temporal-dev-server';
import { startMoto, type Moto } from '../devstack/moto';
import { stateDir } from '../devstack/paths';
import { WORKFLOWS_PATH } from '../worker';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    motoEndpoint: string;
    workflowBundlePath: string;
  }
}

let server: DevServer | undefined;
let moto: Moto | undefined;

export async function setup(project: TestProject): Promise<void> {
  ensureTools();
  const dir = join(stateDir, 'test', String(process.pid));
  mkdirSync(dir, { recursive: true });
  const [s, m, bundle] = await Promise.all([
    startDevServer({ uiPort: false, logFile: join(dir, 'temporal.log') }),
    startMoto({ logFile: join(dir, 'moto.log') }),
    bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger }),
  ]);
  server = s;
  moto = m;
  const bundlePath = join(dir, 'workflow-bundle.js');
  writeFileSync(bundlePath, bundle.code);
  project.provide('temporalAddress', s.address);
  project.provide('motoEndpoint', m.endpoint);
  project.provide('workflowBundlePath', bundlePath);
}

export async function teardown(): Promise<void> {
  await Promise.allSettled([server?.stop(), moto?.stop()]);
}

const quietLogger = {
  log: () => {},
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: (m: string) => console.warn(m),
  error: (m: string) => console.error(m),
};
