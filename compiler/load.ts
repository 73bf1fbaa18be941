// Reads a runbook file and compiles it (the compiler itself is pure; reading is read-source.ts).
import type { ActionCatalog } from '../lang/catalog';
import { compileRunbook, type CompileOptions, type CompileResult } from './index';
import { readSource } from './read-source';

export async function loadAndCompile(path: string, catalog: ActionCatalog, options: CompileOptions = {}): Promise<CompileResult> {
  const source = await readSource(path, 'the runbook');
  if ('diagnostic' in source) return { diagnostics: [source.diagnostic] };
  return compileRunbook(source.text, path, catalog, options);
}
