// An EventRouter over the rule and remediation folders (DROVER_RULES, DROVER_REMEDIATIONS),
// for the CLI, the ingress and `drover dev`. Rules and configurations that do not compile
// are left out, and their diagnostics returned for the caller to show.
import type { Diagnostic } from '../../compiler/diagnostic';
import { findCommandDocument } from '../../compiler/command/find-document';
import { formatDiagnostic } from '../../compiler/diagnostic';
import { defaultRuleDirs, loadRuleSet } from '../../compiler/rule/load';
import { defaultRemediationDirs, loadRemediationSet } from '../../compiler/remediation/load';
import { CommandClient, InvalidCommandError } from '../commands';
import { taskQueue as defaultTaskQueue } from '../config';
import type { DroverClient } from '../index';
import { EventRouter } from './router';

export interface LoadRouterOptions {
  ruleDirs?: readonly string[];
  remediationDirs?: readonly string[];
  taskQueue?: string;
  searchAttributes?: boolean;
}

/** Command documents by name, for the parameter check before a Run Command target starts. */
export const commandDocuments = {
  async find(name: string) {
    const found = await findCommandDocument(name);
    if (!found) return undefined;
    // Refused, not retried: it will not compile on the next delivery either.
    if (!found.plan) throw new InvalidCommandError([`document ${name} (${found.file}) does not compile: ${found.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic).join('; ')}`]);
    return found.plan;
  },
};

export async function loadEventRouter(drover: DroverClient, opts: LoadRouterOptions = {}): Promise<{ router: EventRouter; diagnostics: Diagnostic[] }> {
  const refs = { runbookDirs: drover.runbookDirs, catalog: drover.options.catalog };
  const [rules, remediations] = await Promise.all([loadRuleSet(opts.ruleDirs ?? defaultRuleDirs(), refs), loadRemediationSet(opts.remediationDirs ?? defaultRemediationDirs(), refs)]);
  const taskQueue = opts.taskQueue ?? drover.options.taskQueue ?? defaultTaskQueue();
  const searchAttributes = opts.searchAttributes ?? drover.options.searchAttributes;
  const commands = new CommandClient(drover.client, { taskQueue, documents: commandDocuments, ...(searchAttributes === false ? { searchAttributes: false } : {}) });
  const router = new EventRouter({
    drover,
    commands,
    rules: rules.rules,
    remediations: remediations.remediations,
    taskQueue,
    ...(searchAttributes === false ? { searchAttributes: false } : {}),
  });
  return { router, diagnostics: [...rules.diagnostics, ...remediations.diagnostics] };
}
