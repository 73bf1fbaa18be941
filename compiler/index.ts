// The compiler's public entry: runbook text → Plan, or diagnostics. Pure: no I/O, no
// Temporal. Parse (with positions) → validate against the JSON Schema → semantic rules →
// emit. Every problem is reported at once, sorted by position; a plan is returned only
// when there is no error.
import type { ActionCatalog } from '../lang/catalog';
import type { Plan } from '../lang/plan';
import { hasErrors, type Diagnostic } from './diagnostic';
import { emitPlan } from './emit';
import { error, type Finding } from './finding';
import { asRecord } from './outline';
import { parseSource } from './parse';
import type { SourcePositions } from './positions';
import { ruleContext, SEMANTIC_RULES, type RuleContext } from './rules';
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
  const parsed = parseSource(text);
  let findings = parsed.findings;
  let ctx: RuleContext | undefined;
  // After a syntax error (no value) the rest of the document cannot be trusted to mean
  // anything, so only the syntax errors are reported.
  const readable = parsed.value !== undefined || findings.length === 0;
  if (readable && !asRecord(parsed.value)) {
    findings = [
      error('invalid-type', '', 'A runbook must be a mapping of schemaVersion, mainSteps and the other top-level keys.', "Start from: schemaVersion: '0.3' and mainSteps: [...]."),
    ];
  } else if (readable) {
    ctx = ruleContext(parsed.value, catalog);
    findings = [...findings, ...validateRunbookSchema(parsed.value), ...SEMANTIC_RULES.flatMap((rule) => runSafely(rule, ctx!))];
  }
  const diagnostics = findings.map((f) => toDiagnostic(f, file, parsed.positions)).sort(byPosition);
  if (!ctx || hasErrors(diagnostics)) return { diagnostics };
  const plan = emitPlan(ctx.outline, {
    name: options.name ?? runbookName(file),
    file,
    lineOf: (pointer) => parsed.positions.of({ pointer }).line,
  });
  return { plan, diagnostics };
}

/** `runbooks/restart-web.yaml` → `restart-web`. */
export function runbookName(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  return base.replace(/\.[^.]*$/, '') || base;
}

/** Rules must not throw; if one does anyway, the author gets a diagnostic, not a crash. */
function runSafely(rule: (ctx: RuleContext) => Finding[], ctx: RuleContext): Finding[] {
  try {
    return rule(ctx);
  } catch (e) {
    return [error('internal-error', '', `The ${rule.name} check failed: ${(e as Error).message}.`, 'This is a Drover bug; please report it with the runbook.')];
  }
}

export function toDiagnostic(f: Finding, file: string, positions: SourcePositions): Diagnostic {
  const { line, col } = positions.of(f);
  return { code: f.code, severity: f.severity, message: f.message, ...(f.hint ? { hint: f.hint } : {}), file, line, col, pointer: f.pointer };
}

export function byPosition(a: Diagnostic, b: Diagnostic): number {
  return a.line - b.line || a.col - b.col || (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) || a.code.localeCompare(b.code);
}
