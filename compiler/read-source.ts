// Reading a document from disk for a compiler: its text, or the one diagnostic that says why
// it cannot be read (a missing file is an author's mistake, not a crash).
import { readFile } from 'node:fs/promises';
import type { Diagnostic } from './diagnostic';

/** `what` names the document in the message: "the runbook", "the baseline", "the file". */
export async function readSource(path: string, what: string): Promise<{ text: string } | { diagnostic: Diagnostic }> {
  try {
    return { text: await readFile(path, 'utf8') };
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : (e as Error).message;
    return { diagnostic: { code: 'unreadable-file', severity: 'error', message: `Cannot read ${what}: ${reason}.`, hint: 'Check the path.', file: path, line: 1, col: 1, pointer: '' } };
  }
}
