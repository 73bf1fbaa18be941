// The compiler's public entry: runbook text → Plan, or diagnostics. Pure: no I/O, no
// Temporal. Parse (with positions) → validate against the JSON Schema → semantic rules →
// emit. Every problem is reported at once, sorted by position; a plan is returned only
// when there is no error.
import type { ActionCatalog } from '../lang/catalog';
import type { Plan } from '../lang/plan';
import { checkDocument } from './check-document';
import { hasErrors, type Diagnostic } from './diagnostic';
import { emitPlan } from './emit';
import { error } from './finding';
import { ruleContext, SEMANTIC_RULES } from './rules';
import { validateRunbookSchema } from './schema-validate';

export type { Diagnostic, Severity } from './diagnostic';
export { formatDiagnostic, hasErrors } from './diagnostic';

export interface CompileOptions {
  /** The plan's name (the workflow type); default: the file name without its extension. */
  name?: string;
}

export interface CompileResult {
  /** Present exactly when there is no error-severity diagnostic. */
  plan?: Plan;
  diagnostics: Diagnostic[];
}

export function compileRunbook(text: string, file: string, catalog: ActionCatalog, options: CompileOptions = {}): CompileResult {
  const { ctx, diagnostics, positions } = checkDocument(text, file, {
    noun: 'runbook',
    notAMapping: error('invalid-type', '', 'A runbook must be a mapping of schemaVersion, mainSteps and the other top-level keys.', "Start from: schemaVersion: '0.3' and mainSteps: [...]."),
    context: (value) => ruleContext(value, catalog),
    validateSchema: validateRunbookSchema,
    rules: SEMANTIC_RULES,
  });
  if (!ctx || hasErrors(diagnostics)) return { diagnostics };
  const plan = emitPlan(ctx.outline, {
    name: options.name ?? runbookName(file),
    file,
    lineOf: (pointer) => positions.of({ pointer }).line,
  });
  return { plan, diagnostics };
}

/** `runbooks/restart-web.yaml` → `restart-web`. */
export function runbookName(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  return base.replace(/\.[^.]*$/, '') || base;
}
