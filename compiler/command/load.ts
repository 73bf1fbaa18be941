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

export type AnyCompileResult =
  | { kind: 'runbook'; plan?: Plan; diagnostics: Diagnostic[] }
  | { kind: 'command'; plan?: CommandDocumentPlan; diagnostics: Diagnostic[] }
  | { kind: 'baseline'; plan?: PatchBaseline; diagnostics: Diagnostic[] };

export async function loadAndCompileAny(path: string, catalog: ActionCatalog): Promise<AnyCompileResult> {
  const source = await readSource(path, 'the file');
  if ('diagnostic' in source) return { kind: 'runbook', diagnostics: [source.diagnostic] };
  const { text } = source;
  if (isBaselineText(text)) {
    const { baseline, diagnostics } = compileBaseline(text, path);
    return { kind: 'baseline', ...(baseline ? { plan: baseline } : {}), diagnostics };
  }
  return isCommandDocumentText(text) ? { kind: 'command', ...compileCommandDocument(text, path) } : { kind: 'runbook', ...compileRunbook(text, path, catalog) };
}
