// Conformance: compile every runbook of a folder and report, per document, whether it
// compiles, its diagnostics, the actions it uses and which of them the catalog lacks. Run
// against the corpus of published AWS runbooks it measures how much of real SSM Drover
// understands (with everySchemaActionCatalog) and runs (with the builtin catalog).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ACTION_SPECS, SCHEMA_ACTIONS } from '../schemas/runbook-actions';
import { BUILTIN_CATALOG, type ActionCatalog } from '../lang/catalog';
import { formatDiagnostic, type Diagnostic } from './diagnostic';
import { compileRunbook } from './index';
import { loadAndCompile } from './load';
import { outlineRunbook } from './outline';
import { parseSource } from './parse';
import { COMMAND_PLUGINS } from '../lang/command-plugins';
import { compileCommandDocument } from './command';
import { isCommandDocumentText } from './command/detect';
import { outlineCommandDocument } from './command/outline';

export interface ConformanceRow {
  file: string;
  /** No error-severity diagnostic: Drover would run it. */
  clean: boolean;
  errors: number;
  warnings: number;
  diagnostics: Diagnostic[];
  /** Every action the document uses, sorted. */
  actions: string[];
  /** The used actions the catalog does not have, sorted. */
  unsupportedActions: string[];
}

const RUNBOOK_FILE = /\.(ya?ml|json)$/i;
/** What Drover does not run yet: an Automation action, a Command document plugin. */
const UNSUPPORTED = new Set(['unsupported-action', 'unsupported-plugin']);

export async function conformance(folder: string, catalog: ActionCatalog): Promise<ConformanceRow[]> {
  const files = (await readdir(folder)).filter((f) => RUNBOOK_FILE.test(f)).sort();
  const rows: ConformanceRow[] = [];
  for (const file of files) {
    const path = join(folder, file);
    const text = await readFile(path, 'utf8').catch(() => undefined);
    // An unreadable file gets loadAndCompile's diagnostic rather than stopping the report.
    // Command documents (schemaVersion 1.2/2.x) are compiled as such; their plugins count as actions.
    const command = text !== undefined && isCommandDocumentText(text);
    const { diagnostics } = text === undefined ? await loadAndCompile(path, catalog) : command ? compileCommandDocument(text, path) : compileRunbook(text, path, catalog);
    const actions = text === undefined ? [] : command ? pluginsUsed(text) : actionsUsed(text);
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    rows.push({
      file,
      clean: errors === 0,
      errors,
      warnings: diagnostics.length - errors,
      diagnostics,
      actions,
      unsupportedActions: actions.filter((a) => (command ? !COMMAND_PLUGINS[a]?.runs : !Object.hasOwn(catalog, a))),
    });
  }
  return rows;
}

function pluginsUsed(text: string): string[] {
  return [...new Set(outlineCommandDocument(parseSource(text).value).plugins.flatMap((p) => (p.action ? [p.action] : [])))].sort();
}

function actionsUsed(text: string): string[] {
  const { value } = parseSource(text);
  const actions = new Set<string>();
  for (const step of outlineRunbook(value).steps) if (step.action !== undefined) actions.add(step.action);
  return [...actions].sort();
}

/**
 * A catalog in which every action the schema knows is supported: compiling with it
 * measures language coverage apart from which actions this build can run. Actions the
 * builtin catalog has keep its entries (timeouts included).
 */
export function everySchemaActionCatalog(): ActionCatalog {
  const catalog: ActionCatalog = {};
  for (const action of SCHEMA_ACTIONS) {
    const spec = ACTION_SPECS[action]!;
    catalog[action] = {
      runsIn: 'activity',
      outputs: spec.outputs,
      selectableOutputs: spec.selectableOutputs ?? false,
      ...(spec.forbiddenAsCancelTarget ? { forbiddenAsCancelTarget: true } : {}),
    };
  }
  return { ...catalog, ...BUILTIN_CATALOG };
}

/** A table (one line per document), the totals, then each document's diagnostics. */
export function formatConformance(rows: readonly ConformanceRow[]): string {
  const width = Math.max(8, ...rows.map((r) => r.file.length));
  const lines = [`${'document'.padEnd(width)}  result  errors  warnings  unsupported actions`];
  for (const r of rows) {
    lines.push(
      `${r.file.padEnd(width)}  ${(r.clean ? 'ok' : 'FAIL').padEnd(6)}  ${String(r.errors).padStart(6)}  ${String(r.warnings).padStart(8)}  ${r.unsupportedActions.join(', ') || '-'}`,
    );
  }
  const clean = rows.filter((r) => r.clean).length;
  const onlyUnsupported = rows.filter((r) => !r.clean && r.diagnostics.every((d) => d.severity !== 'error' || UNSUPPORTED.has(d.code))).length;
  lines.push(
    '',
    `${rows.length} documents: ${clean} compile clean, ${onlyUnsupported} fail only for actions Drover does not run yet, ${rows.length - clean - onlyUnsupported} have other errors.`,
  );
  const counts = new Map<string, number>();
  for (const r of rows) for (const a of r.unsupportedActions) counts.set(a, (counts.get(a) ?? 0) + 1);
  if (counts.size) {
    const ranked = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    lines.push(`Actions missing, by documents needing them: ${ranked.map(([a, n]) => `${a} (${n})`).join(', ')}.`);
  }
  for (const r of rows) {
    const shown = r.diagnostics.filter((d) => !UNSUPPORTED.has(d.code));
    if (!shown.length) continue;
    lines.push('', `${r.file}:`);
    for (const d of shown) lines.push(`  ${formatDiagnostic(d).replace(/\n/g, '\n  ')}`);
  }
  return lines.join('\n');
}
