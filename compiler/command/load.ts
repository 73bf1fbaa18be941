// Reads a file and compiles it as what its schemaVersion says it is: a Command document
// ('1.2', '2.0', '2.2') or an Automation runbook (anything else). For `drover validate` and
// `drover compile`, which take both.
import { readFile } from 'node:fs/promises';
import type { ActionCatalog } from '../../lang/catalog';
import type { Plan } from '../../lang/plan';
import type { CommandDocumentPlan } from '../../agent/protocol';
import type { Diagnostic } from '../diagnostic';
import { compileRunbook } from '../index';
import { isCommandDocumentText } from './detect';
import { compileCommandDocument } from './index';
import type { PatchBaseline } from '../../patch/baseline';
import { isBaselineText } from '../baseline/detect';
import { compileBaseline } from '../baseline/index';

export type AnyCompileResult =
  | { kind: 'runbook'; plan?: Plan; diagnostics: Diagnostic[] }
  | { kind: 'command'; plan?: CommandDocumentPlan; diagnostics: Diagnostic[] }
  | { kind: 'baseline'; plan?: PatchBaseline; diagnostics: Diagnostic[] };

export async function loadAndCompileAny(path: string, catalog: ActionCatalog): Promise<AnyCompileResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : (e as Error).message;
    return {
      kind: 'runbook',
      diagnostics: [{ code: 'unreadable-file', severity: 'error', message: `Cannot read the file: ${reason}.`, hint: 'Check the path.', file: path, line: 1, col: 1, pointer: '' }],
    };
  }
  if (isBaselineText(text)) {
    const { baseline, diagnostics } = compileBaseline(text, path);
    return { kind: 'baseline', ...(baseline ? { plan: baseline } : {}), diagnostics };
  }
  return isCommandDocumentText(text) ? { kind: 'command', ...compileCommandDocument(text, path) } : { kind: 'runbook', ...compileRunbook(text, path, catalog) };
}
