// Reads rule files: one (`drover validate`), or the rule folders (DROVER_RULES, colon-separated,
// else ./rules of the repository), with the checks that span files (one rule per name and
// event bus) and those against what the targets name (the runbook or Command document exists
// and compiles; a constant Automation input gives parameters the runbook accepts).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ActionCatalog } from '../../lang/catalog';
import { BUILTIN_CATALOG } from '../../lang/catalog';
import { automationInputProblem, type EventRule } from '../../lang/events/rule';
import { resolveParameters } from '../../lang/parameters';
import { findCommandDocumentFile } from '../command/find-document';
import type { Diagnostic } from '../diagnostic';
import { diagnosticInFile } from '../diagnostic-in-file';
import { error, joinPointer, type Finding } from '../finding';
import { defaultRunbookDirs, findRunbook } from '../find-runbook';
import { loadAndCompile } from '../load';
import { readSource } from '../read-source';
import { compileRule, type RuleCompileResult } from './index';

const RULE_FILE = /\.(ya?ml|json)$/i;
const REPO_RULES = fileURLToPath(new URL('../../rules', import.meta.url));

export function defaultRuleDirs(): string[] {
  const fromEnv = process.env.DROVER_RULES;
  return fromEnv ? fromEnv.split(':').filter(Boolean) : [REPO_RULES];
}

export async function loadRuleFile(path: string): Promise<RuleCompileResult> {
  const source = await readSource(path, 'the rule');
  if ('diagnostic' in source) return { diagnostics: [source.diagnostic] };
  return compileRule(source.text, path);
}

export interface RuleSet {
  rules: EventRule[];
  diagnostics: Diagnostic[];
}

export interface ReferenceOptions {
  runbookDirs?: readonly string[];
  documentDirs?: readonly string[];
  catalog?: ActionCatalog;
}

/** Every rule of the folders (missing folders are skipped), checked together and against their targets. */
export async function loadRuleSet(dirs: readonly string[] = defaultRuleDirs(), refs: ReferenceOptions = {}): Promise<RuleSet> {
  const rules: EventRule[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).filter((f) => RULE_FILE.test(f)).sort().map((f) => join(dir, f))) {
      const result = await loadRuleFile(file);
      diagnostics.push(...result.diagnostics);
      if (result.rule) {
        rules.push(result.rule);
        diagnostics.push(...(await ruleReferenceDiagnostics(result.rule, refs)));
      }
    }
  }
  diagnostics.push(...(await ruleSetDiagnostics(rules)));
  return { rules, diagnostics };
}

/** A rule name is unique on its event bus (EventBridge's key). */
export async function ruleSetDiagnostics(rules: readonly EventRule[]): Promise<Diagnostic[]> {
  const seen = new Map<string, EventRule>();
  const out: Diagnostic[] = [];
  for (const r of rules) {
    const key = `${r.eventBusName}|${r.name}`;
    const first = seen.get(key);
    if (!first) {
      seen.set(key, r);
      continue;
    }
    const f = error('duplicate-rule', '/Name', `Another rule on event bus ${r.eventBusName} is named ${r.name} (${first.source?.file}).`, 'Give each rule its own Name (the file name, when Name is absent).', { at: 'key' });
    out.push(await diagnosticInFile(r.source?.file ?? r.name, f));
  }
  return out;
}

/** What the targets name exists and accepts what a constant input gives it. */
export async function ruleReferenceDiagnostics(rule: EventRule, refs: ReferenceOptions = {}): Promise<Diagnostic[]> {
  const file = rule.source?.file;
  if (!file) return [];
  const runbookDirs = refs.runbookDirs ?? defaultRunbookDirs();
  const findings: Finding[] = [];
  for (const [i, t] of rule.targets.entries()) {
    const at = joinPointer('/Targets', i);
    if (t.kind === 'run-command') {
      // AWS- documents Drover lacks still run on EC2 instances through SSM.
      if (!/^aws-/i.test(t.document) && !findCommandDocumentFile(t.document, refs.documentDirs)) {
        findings.push(error('unknown-document', joinPointer(at, 'Arn'), `No Command document named ${t.document} in the document folders.`, 'Put it in documents/ (or a folder of DROVER_DOCUMENTS), or name one of AWS’s.'));
      }
      continue;
    }
    const path = findRunbook(t.document, runbookDirs);
    if (!path) {
      findings.push(error('unknown-runbook', joinPointer(at, 'Arn'), `No runbook named ${t.document} in ${runbookDirs.join(', ')}.`, 'Name a runbook of the runbook folders (DROVER_RUNBOOKS).'));
      continue;
    }
    const { plan } = await loadAndCompile(path, refs.catalog ?? BUILTIN_CATALOG);
    if (!plan) {
      findings.push(error('runbook-invalid', joinPointer(at, 'Arn'), `The runbook ${t.document} does not compile (drover validate ${path} says why).`));
      continue;
    }
    if (t.input?.kind !== 'constant') continue;
    const value = JSON.parse(t.input.text) as unknown;
    if (automationInputProblem(value)) continue;
    const { errors } = resolveParameters(plan.parameters, value as Record<string, unknown>);
    for (const e of errors) findings.push(error('invalid-parameters', joinPointer(at, 'Input'), `For ${plan.name}, ${e.message}`));
  }
  return Promise.all(findings.map((f) => diagnosticInFile(file, f)));
}
