// Reads remediation configurations: one (`drover validate`), or the remediation folders
// (DROVER_REMEDIATIONS, colon-separated, else ./remediations of the repository), with the
// checks that span files (one configuration per Config rule, as in AWS Config) and against
// the runbook it names (it exists, compiles, and accepts the parameters for a resource).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ActionCatalog } from '../../lang/catalog';
import { BUILTIN_CATALOG } from '../../lang/catalog';
import { remediationParameters, type RemediationConfig } from '../../lang/events/remediation';
import { resolveParameters } from '../../lang/parameters';
import type { Diagnostic } from '../diagnostic';
import { diagnosticInFile } from '../diagnostic-in-file';
import { error, joinPointer, type Finding } from '../finding';
import { defaultRunbookDirs, findRunbook } from '../find-runbook';
import { loadAndCompile } from '../load';
import { readSource } from '../read-source';
import { compileRemediation, type RemediationCompileResult } from './index';

const REMEDIATION_FILE = /\.(ya?ml|json)$/i;
const REPO_REMEDIATIONS = fileURLToPath(new URL('../../remediations', import.meta.url));

export function defaultRemediationDirs(): string[] {
  const fromEnv = process.env.DROVER_REMEDIATIONS;
  return fromEnv ? fromEnv.split(':').filter(Boolean) : [REPO_REMEDIATIONS];
}

export async function loadRemediationFile(path: string): Promise<RemediationCompileResult> {
  const source = await readSource(path, 'the remediation configuration');
  if ('diagnostic' in source) return { diagnostics: [source.diagnostic] };
  return compileRemediation(source.text, path);
}

export interface RemediationSet {
  remediations: RemediationConfig[];
  diagnostics: Diagnostic[];
}

export async function loadRemediationSet(
  dirs: readonly string[] = defaultRemediationDirs(),
  refs: { runbookDirs?: readonly string[]; catalog?: ActionCatalog } = {},
): Promise<RemediationSet> {
  const remediations: RemediationConfig[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).filter((f) => REMEDIATION_FILE.test(f)).sort().map((f) => join(dir, f))) {
      const result = await loadRemediationFile(file);
      diagnostics.push(...result.diagnostics);
      if (result.remediation) {
        remediations.push(result.remediation);
        diagnostics.push(...(await remediationReferenceDiagnostics(result.remediation, refs)));
      }
    }
  }
  diagnostics.push(...(await remediationSetDiagnostics(remediations)));
  return { remediations, diagnostics };
}

/** AWS Config keeps one remediation configuration per Config rule. */
export async function remediationSetDiagnostics(remediations: readonly RemediationConfig[]): Promise<Diagnostic[]> {
  const seen = new Map<string, RemediationConfig>();
  const out: Diagnostic[] = [];
  for (const r of remediations) {
    const first = seen.get(r.configRuleName);
    if (!first) {
      seen.set(r.configRuleName, r);
      continue;
    }
    const f = error('duplicate-remediation', '/ConfigRuleName', `${first.source?.file} already remediates Config rule ${r.configRuleName}.`, 'A Config rule has one remediation configuration.');
    out.push(await diagnosticInFile(r.source?.file ?? r.configRuleName, f));
  }
  return out;
}

/** The runbook exists, compiles, and takes the parameters this configuration gives it for a resource. */
export async function remediationReferenceDiagnostics(r: RemediationConfig, refs: { runbookDirs?: readonly string[]; catalog?: ActionCatalog } = {}): Promise<Diagnostic[]> {
  const file = r.source?.file;
  if (!file) return [];
  const runbookDirs = refs.runbookDirs ?? defaultRunbookDirs();
  const findings: Finding[] = [];
  const path = findRunbook(r.targetId, runbookDirs);
  if (!path) {
    findings.push(error('unknown-runbook', '/TargetId', `No runbook named ${r.targetId} in ${runbookDirs.join(', ')}.`, 'Name a runbook of the runbook folders (DROVER_RUNBOOKS).'));
  } else {
    const { plan } = await loadAndCompile(path, refs.catalog ?? BUILTIN_CATALOG);
    if (!plan) findings.push(error('runbook-invalid', '/TargetId', `The runbook ${r.targetId} does not compile (drover validate ${path} says why).`));
    else {
      const { errors } = resolveParameters(plan.parameters, remediationParameters(r, 'i-0123456789abcdef0'));
      for (const e of errors) {
        // The sample id stands for any resource: its pattern checks are the runbook's business at run time.
        const param = r.parameters[e.parameter];
        if (param && 'resourceValue' in param && e.kind === 'invalid-value') continue;
        const pointer = Object.hasOwn(r.parameters, e.parameter) ? joinPointer('/Parameters', e.parameter) : '/Parameters';
        findings.push(error('invalid-parameters', pointer, `For ${plan.name}, ${e.message}`, undefined, pointer === '/Parameters' ? { at: 'key' } : {}));
      }
    }
  }
  return Promise.all(findings.map((f) => diagnosticInFile(file, f)));
}
