// Shared by the compiler tests: inline fixtures, compiling them, running one rule alone.
import { parse } from 'yaml';
import { compileRunbook, type CompileResult } from '../../../compiler/index';
import type { Diagnostic } from '../../../compiler/diagnostic';
import type { Finding } from '../../../compiler/finding';
import { ruleContext, type Rule } from '../../../compiler/rules';
import { everySchemaActionCatalog } from '../../../compiler/conformance';
import { BUILTIN_CATALOG, type ActionCatalog } from '../../../lang/catalog';

/** Every action of the schema treated as supported: for tests about the language, not the catalog. */
export const ALL_ACTIONS: ActionCatalog = everySchemaActionCatalog();

/** A build of Drover without aws:invokeLambdaFunction: for tests of what a catalog lacks (this build runs every schema action). */
export const WITHOUT_LAMBDA: ActionCatalog = Object.fromEntries(Object.entries(BUILTIN_CATALOG).filter(([action]) => action !== 'aws:invokeLambdaFunction'));

/** Removes the common indentation of a template literal and its first and last blank lines. */
export function dedent(text: string): string {
  const lines = text.replace(/^\n/, '').replace(/\n\s*$/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
  return `${lines.map((l) => l.slice(indent)).join('\n')}\n`;
}

export function compile(text: string, catalog: ActionCatalog = BUILTIN_CATALOG, file = 'test.yaml'): CompileResult {
  return compileRunbook(dedent(text), file, catalog);
}

/** `code@line:col` of each diagnostic: compact, exact and readable in a failing assertion. */
export const at = (diagnostics: Diagnostic[]): string[] => diagnostics.map((d) => `${d.code}@${d.line}:${d.col}`);

/** Runs one rule on an inline YAML document. */
export function runRule(rule: Rule, text: string, catalog: ActionCatalog = ALL_ACTIONS): Finding[] {
  return rule(ruleContext(parse(dedent(text)), catalog));
}

/** `code pointer` of each finding. */
export const found = (findings: Finding[]): string[] => findings.map((f) => `${f.code} ${f.pointer}`);
