// How long an invocation may run on a node: the sum of its plugins' `timeoutSeconds`
// (plugins run one after the other), with `{{ param }}` taken from the command's
// parameters or the document's defaults (AWS-RunShellScript says
// `timeoutSeconds: '{{ executionTimeout }}'`, default 3600). A plugin that says nothing
// gets SSM Agent's default, 3600 s. Pure.
import type { CommandDocumentPlan } from '../../agent/protocol';
import { DEFAULT_EXECUTION_TIMEOUT_S } from './contract';

function paramValue(doc: CommandDocumentPlan, parameters: Record<string, string | string[]>, name: string): unknown {
  const given = parameters[name];
  if (given !== undefined) return Array.isArray(given) ? given[0] : given;
  return doc.parameters[name]?.default;
}

function pluginTimeout(doc: CommandDocumentPlan, parameters: Record<string, string | string[]>, raw: unknown): number {
  let value = raw;
  if (typeof value === 'string') {
    const ref = /^\s*\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}\s*$/.exec(value);
    if (ref) value = paramValue(doc, parameters, ref[1]!);
  }
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(n) && n > 0 ? Math.ceil(n) : DEFAULT_EXECUTION_TIMEOUT_S;
}

export function executionTimeoutSeconds(doc: CommandDocumentPlan | undefined, parameters: Record<string, string | string[]>): number {
  if (!doc || doc.plugins.length === 0) return DEFAULT_EXECUTION_TIMEOUT_S;
  let total = 0;
  for (const p of doc.plugins) total += pluginTimeout(doc, parameters, p.inputs.timeoutSeconds);
  return total;
}
