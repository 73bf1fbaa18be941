// Finds the binaries of the local stack: an explicit environment variable first, then the
// project's own virtualenv (bin/setup-tools.js), then PATH.
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { projectRoot } from './paths';

const TOOLS = {
  temporal: { env: 'DROVER_TEMPORAL_BIN', file: 'temporal' },
  'temporal-test-server': { env: 'DROVER_TEMPORAL_TEST_SERVER_BIN', file: 'temporal-test-server' },
  moto_server: { env: 'DROVER_MOTO_BIN', file: 'moto_server' },
} as const;

export type ToolName = keyof typeof TOOLS;

export class ToolNotFoundError extends Error {
  constructor(tool: ToolName) {
    super(
      `${tool} was not found: set ${TOOLS[tool].env}, or run \`npm run setup-tools\` to install the pinned ` +
        `version into .tools/venv, or put it on PATH`,
    );
    this.name = 'ToolNotFoundError';
  }
}

export function findTool(tool: ToolName): string {
  const { env, file } = TOOLS[tool];
  const fromEnv = process.env[env];
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`${env}=${fromEnv} does not exist`);
    return fromEnv;
  }
  const venv = join(projectRoot, '.tools', 'venv', 'bin', file);
  if (existsSync(venv)) return venv;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, file);
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new ToolNotFoundError(tool);
}

/** Runs bin/setup-tools.js (idempotent, quick when nothing changed). */
export function ensureTools(): void {
  const r = spawnSync(process.execPath, [join(projectRoot, 'bin', 'setup-tools.js')], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('installing the local stack tools failed (see the output above)');
}
