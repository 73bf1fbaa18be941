// What checks produce: a diagnostic before it has a file position. Checks speak in JSON
// pointers (they work on plain data); compileRunbook turns pointers into line:col.
import type { Severity } from './diagnostic';

export interface Finding {
  code: string;
  severity: Severity;
  message: string;
  hint?: string;
  /** JSON pointer of the node the finding is about. */
  pointer: string;
  /**
   * Where to point: `key` at the property's key (unknown or misplaced properties, and the
   * parent of a missing property), `value` (default) at the value. `needle` narrows to a
   * piece of text inside a string value, e.g. one `{{ }}` reference in a script.
   */
  at?: 'key' | 'value';
  needle?: string;
  /** An explicit position, for problems that have no node (YAML syntax errors). */
  position?: { line: number; col: number };
}

export const error = (code: string, pointer: string, message: string, hint?: string, extra: Partial<Finding> = {}): Finding => ({
  code,
  severity: 'error',
  message,
  ...(hint ? { hint } : {}),
  pointer,
  ...extra,
});

export const warning = (code: string, pointer: string, message: string, hint?: string, extra: Partial<Finding> = {}): Finding => ({
  ...error(code, pointer, message, hint, extra),
  severity: 'warning',
});

/** `/a/b~1c` → `['a', 'b/c']`. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function joinPointer(pointer: string, ...segments: (string | number)[]): string {
  return pointer + segments.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}
