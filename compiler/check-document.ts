// The checking every compiler of Drover shares (runbooks, Command documents, patch
// baselines): parse with positions → a mapping, or one invalid-type finding → the JSON
// Schema → the semantic rules (a rule that throws becomes a finding) → diagnostics sorted by
// position. Each compiler then emits its own plan when there is no error. Pure.
import type { Diagnostic } from './diagnostic';
import { error, type Finding } from './finding';
import { asRecord } from './outline';
import { parseSource } from './parse';
import type { SourcePositions } from './positions';

export interface DocumentChecks<C> {
  /** What the document is called in a bug report's hint: "runbook", "document", "baseline". */
  noun: string;
  /** The finding when the document is not a mapping at all. */
  notAMapping: Finding;
  /** What the rules read, built from the parsed mapping. */
  context(value: unknown): C;
  validateSchema(value: unknown): Finding[];
  rules: readonly ((ctx: C) => Finding[])[];
}

export interface CheckedDocument<C> {
  /** Present when the document was a readable mapping (it may still have errors). */
  ctx?: C;
  diagnostics: Diagnostic[];
  positions: SourcePositions;
}

export function checkDocument<C>(text: string, file: string, checks: DocumentChecks<C>): CheckedDocument<C> {
  const parsed = parseSource(text);
  let findings = parsed.findings;
  let ctx: C | undefined;
  // After a syntax error (no value) the rest of the document cannot be trusted to mean
  // anything, so only the syntax errors are reported.
  const readable = parsed.value !== undefined || findings.length === 0;
  if (readable && !asRecord(parsed.value)) {
    findings = [checks.notAMapping];
  } else if (readable) {
    const context = checks.context(parsed.value);
    ctx = context;
    findings = [...findings, ...checks.validateSchema(parsed.value), ...checks.rules.flatMap((rule) => runSafely(rule, context, checks.noun))];
  }
  const diagnostics = findings.map((f) => toDiagnostic(f, file, parsed.positions)).sort(byPosition);
  return { ctx, diagnostics, positions: parsed.positions };
}

/** Rules must not throw; if one does anyway, the author gets a diagnostic, not a crash. */
function runSafely<C>(rule: (ctx: C) => Finding[], ctx: C, noun: string): Finding[] {
  try {
    return rule(ctx);
  } catch (e) {
    return [error('internal-error', '', `The ${rule.name} check failed: ${(e as Error).message}.`, `This is a Drover bug; please report it with the ${noun}.`)];
  }
}

export function toDiagnostic(f: Finding, file: string, positions: SourcePositions): Diagnostic {
  const { line, col } = positions.of(f);
  return { code: f.code, severity: f.severity, message: f.message, ...(f.hint ? { hint: f.hint } : {}), file, line, col, pointer: f.pointer };
}

export function byPosition(a: Diagnostic, b: Diagnostic): number {
  return a.line - b.line || a.col - b.col || (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) || a.code.localeCompare(b.code);
}
