// All activities of a Drover worker, built from their dependencies, so the worker injects
// real ones and tests may inject others (a different runbook folder, another Python).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ActionCatalog } from '../lang/catalog';
import { BUILTIN_CATALOG } from '../lang/catalog';
import { SUPPORT_ACTIVITIES } from '../workflows/definitions';
import { projectRoot } from '../devstack/paths';
import { createExecuteScript } from './script/execute-script';
import { createSupportActivities } from './support';
import { logMessage } from './log';

export interface ActivityDeps {
  runbookDirs: readonly string[];
  catalog?: ActionCatalog;
  /** Python for aws:executeScript; default: DROVER_PYTHON, else the tools venv (it has boto3), else python3. */
  python?: string;
}

export function defaultPython(): string {
  if (process.env.DROVER_PYTHON) return process.env.DROVER_PYTHON;
  const venv = join(projectRoot, '.tools', 'venv', 'bin', 'python');
  return existsSync(venv) ? venv : 'python3';
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ActivityFn = (...args: any[]) => Promise<unknown>;

export function createActivities(deps: ActivityDeps): Record<string, ActivityFn> {
  const catalog = deps.catalog ?? BUILTIN_CATALOG;
  const support = createSupportActivities({ catalog, runbookDirs: deps.runbookDirs });
  return {
    'aws:executeScript': createExecuteScript({ python: deps.python ?? defaultPython() }),
    'drover:log': logMessage,
    [SUPPORT_ACTIVITIES.loadRunbook]: support.loadRunbook,
    [SUPPORT_ACTIVITIES.awsContext]: support.awsContext,
  };
}
