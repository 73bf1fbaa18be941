// Diagnostics are data; the CLI renders them gcc-style, `--json` and the ingress as JSON.

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  /** Stable, kebab-case code, e.g. `unknown-action`, `undefined-reference`. */
  code: string;
  severity: Severity;
  /** One sentence a person understands: what is wrong. */
  message: string;
  /** How to fix it, when there is something to say. */
  hint?: string;
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  col: number;
  /** JSON pointer into the document, e.g. `/mainSteps/2/inputs/Duration`. */
  pointer: string;
}

/** `path:line:col: error CODE: message` (plus the hint on its own line). */
export function formatDiagnostic(d: Diagnostic): string {
  const head = `${d.file}:${d.line}:${d.col}: ${d.severity} ${d.code}: ${d.message}`;
  return d.hint ? `${head}\n  hint: ${d.hint}` : head;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
