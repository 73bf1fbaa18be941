// Reads a file and compiles it as what its schemaVersion says it is: a Command document
// ('1.2', '2.0', '2.2') or an Automation runbook (anything else). For `drover validate` and
// `drover compile`, which take both.
import type { ActionCatalog } from '../../lang/catalog';
import type { Plan } from '../../lang/plan';
import type { CommandDocumentPlan } from '../../agent/protocol';
import type { Diagnostic } from '../diagnostic';
import { compileRunbook } from '../index';
import { readSource } from '../read-source';
import { isCommandDocumentText } from './detect';
import { compileCommandDocument } from './index';
import type { PatchBaseline } from '../../patch/baseline';
import { isBaselineText } from '../baseline/detect';
import { compileBaseline } from '../baseline/index';
import type { WindowPlan } from '../../lang/windows/plan';
import { isWindowText } from '../window/detect';
import { loadWindowText } from '../window/load';

export type AnyCompileResult =
  | { kind: 'runbook'; plan?: Plan; diagnostics: Diagnostic[] }
  | { kind: 'command'; plan?: CommandDocumentPlan; diagnostics: Diagnostic[] }
  | { kind: 'baseline'; plan?: PatchBaseline; diagnostics: Diagnostic[] }
  | { kind: 'window'; plan?: WindowPlan; diagnostics: Diagnostic[] };

export async function loadAndCompileAny(path: string, catalog: ActionCatalog): Promise<AnyCompileResult> {
  const source = await readSource(path, 'the file');
  if ('diagnostic' in source) return { kind: 'runbook', diagnostics: [source.diagnostic] };
  const { text } = source;
  if (isBaselineText(text)) {
    const { baseline, diagnostics } = compileBaseline(text, path);
    return { kind: 'baseline', ...(baseline ? { plan: baseline } : {}), diagnostics };
  }
  if (isWindowText(text)) return { kind: 'window', ...(await loadWindowText(text, path)) };
  return isCommandDocumentText(text) ? { kind: 'command', ...compileCommandDocument(text, path) } : { kind: 'runbook', ...compileRunbook(text, path, catalog) };
}
