// Reads a runbook file and compiles it: the one place of the compiler that does I/O.
import { readFile } from 'node:fs/promises';
import type { ActionCatalog } from '../lang/catalog';
import { compileRunbook, type CompileOptions, type CompileResult } from './index';

export async function loadAndCompile(path: string, catalog: ActionCatalog, options: CompileOptions = {}): Promise<CompileResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : (e as Error).message;
    return {
      diagnostics: [
        { code: 'unreadable-file', severity: 'error', message: `Cannot read the runbook: ${reason}.`, hint: 'Check the path.', file: path, line: 1, col: 1, pointer: '' },
      ],
    };
  }
  return compileRunbook(text, path, catalog, options);
}
