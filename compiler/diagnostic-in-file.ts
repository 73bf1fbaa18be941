// A diagnostic found after compiling (a check across files, or against the runbooks a file
// names), positioned by parsing the file again. The one place such checks do their I/O.
import { readFile } from 'node:fs/promises';
import type { Diagnostic } from './diagnostic';
import type { Finding } from './finding';
import { parseSource } from './parse';

export async function diagnosticInFile(file: string, f: Finding): Promise<Diagnostic> {
  let position = { line: 1, col: 1 };
  try {
    position = parseSource(await readFile(file, 'utf8')).positions.of(f);
  } catch {
    // The file went away since it was compiled: point at its start.
  }
  return { code: f.code, severity: f.severity, message: f.message, ...(f.hint ? { hint: f.hint } : {}), file, ...position, pointer: f.pointer };
}
