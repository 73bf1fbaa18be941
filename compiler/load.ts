// Reads a runbook file and compiles it (the compiler itself is pure; reading is read-source.ts).
import type { ActionCatalog } from '../lang/catalog';
import { attachFiles } from './attachments';
import { compileRunbook, type CompileOptions, type CompileResult } from './index';
import { parseSource } from './parse';
import { readSource } from './read-source';

export async function loadAndCompile(path: string, catalog: ActionCatalog, options: CompileOptions = {}): Promise<CompileResult> {
  const source = await readSource(path, 'the runbook');
  if ('diagnostic' in source) return { diagnostics: [source.diagnostic] };
  const result = compileRunbook(source.text, path, catalog, options);
  if (!result.plan) return result;
  // Attachments are files beside the runbook: read here, where reading happens.
  const { value, positions } = parseSource(source.text);
  const warnings = await attachFiles(result.plan, value, path, positions);
  return warnings.length ? { ...result, diagnostics: [...result.diagnostics, ...warnings] } : result;
}
