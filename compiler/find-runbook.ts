// Runbooks by name: `<dir>/<name>.yaml|.yml|.json` in the runbook folders (DROVER_RUNBOOKS,
// colon-separated, else ./runbooks of the repository). Used by `drover run <name>`, the
// client, and aws:executeAutomation's loader.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const EXTENSIONS = ['.yaml', '.yml', '.json'];
const REPO_RUNBOOKS = fileURLToPath(new URL('../runbooks', import.meta.url));

export function defaultRunbookDirs(): string[] {
  const fromEnv = process.env.DROVER_RUNBOOKS;
  return fromEnv ? fromEnv.split(':').filter(Boolean) : [REPO_RUNBOOKS];
}

export function findRunbook(name: string, dirs: readonly string[]): string | undefined {
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) return undefined;
  for (const dir of dirs) {
    for (const ext of EXTENSIONS) {
      const p = join(dir, name + ext);
      if (existsSync(p)) return p;
    }
  }
  return undefined;
}
