// Activities the interpreter needs for itself: loading a child runbook by name, and the
// AWS identity behind global:ACCOUNT_ID / REGION / AWS_PARTITION.
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { ActionCatalog } from '../lang/catalog';
import type { Plan } from '../lang/plan';
import { loadAndCompile } from '../compiler/load';
import { formatDiagnostic } from '../compiler/diagnostic';
import { findRunbook } from '../compiler/find-runbook';
import { actionFailed } from './errors';

export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  return 'aws';
}

export function createSupportActivities(deps: { catalog: ActionCatalog; runbookDirs: readonly string[] }) {
  return {
    async loadRunbook({ name }: { name: string }): Promise<Plan> {
      const path = findRunbook(name, deps.runbookDirs);
      if (!path) throw actionFailed(`no runbook named ${name} in ${deps.runbookDirs.join(', ')}`);
      const { plan, diagnostics } = await loadAndCompile(path, deps.catalog);
      if (!plan) {
        throw actionFailed(`runbook ${name} does not compile:\n${diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic).join('\n')}`);
      }
      return plan;
    },

    async awsContext(): Promise<Record<string, string>> {
      const sts = new STSClient({});
      try {
        const region = await sts.config.region();
        const id = await sts.send(new GetCallerIdentityCommand({}));
        return {
          'global:ACCOUNT_ID': id.Account ?? '',
          'global:REGION': region,
          'global:AWS_PARTITION': partitionOf(region),
        };
      } finally {
        sts.destroy();
      }
    },
  };
}
