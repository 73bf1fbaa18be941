// All activities of a Drover worker, built from their dependencies, so the worker injects
// real ones and tests may inject others (a different runbook folder, another Python).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ActionCatalog } from '../lang/catalog';
import { BUILTIN_CATALOG } from '../lang/catalog';
import { SUPPORT_ACTIVITIES } from '../workflows/definitions';
import { projectRoot } from '../devstack/paths';
import { createAwsActivities, type AwsActivityDeps } from './aws';
import { AwsClients } from './aws/clients';
import { createRunCommandActivities, type RunCommandActivityDeps } from './run-command';
import { createPatchCompliance } from './patch/compliance';
import { createExecuteScript } from './script/execute-script';
import { createSupportActivities } from './support';
import { logMessage } from './log';
import { createWindowActivities } from './windows';

export interface ActivityDeps {
  runbookDirs: readonly string[];
  catalog?: ActionCatalog;
  /** Python for aws:executeScript; default: DROVER_PYTHON, else the tools venv (it has boto3), else python3. */
  python?: string;
  /** Shared AWS clients and, for tests, fault injection (activities/aws/deps.ts). */
  aws?: AwsActivityDeps;
  /** Run Command dispatch: the node registry and the Command documents (activities/run-command). */
  runCommand?: Omit<RunCommandActivityDeps, 'clients'>;
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
    'aws:executeScript': createExecuteScript({ python: deps.python ?? defaultPython(), clients: deps.aws?.clients ?? new AwsClients() }),
    'drover:log': logMessage,
    ...createAwsActivities(deps.aws),
    ...createRunCommandActivities({ clients: deps.aws?.clients ?? new AwsClients(), ...deps.runCommand }),
    'drover:patchCompliance': createPatchCompliance({ clients: deps.aws?.clients ?? new AwsClients() }),
    [SUPPORT_ACTIVITIES.loadRunbook]: support.loadRunbook,
    [SUPPORT_ACTIVITIES.awsContext]: support.awsContext,
    ...createWindowActivities(),
  };
}
