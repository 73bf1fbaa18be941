// Command documents by name, for the Run Command dispatcher and the CLI: Drover's built-in
// ones (AWS-RunShellScript), then `<dir>/<name>.yaml|.yml|.json` in the document folders
// (DROVER_DOCUMENTS, colon-separated, else ./documents of the repository). Names starting
// with AWS- are AWS's own, as in SSM: only the built-ins answer to them.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandDocumentPlan } from '../../agent/protocol';
import { formatDiagnostic, type Diagnostic } from '../diagnostic';
import { compileCommandDocument } from './index';

const EXTENSIONS = ['.yaml', '.yml', '.json'];
const BUILTIN_DIR = fileURLToPath(new URL('./builtin', import.meta.url));
const REPO_DOCUMENTS = fileURLToPath(new URL('../../documents', import.meta.url));
const NAME = /^[A-Za-z0-9_.-]{3,128}$/;

export function defaultDocumentDirs(): string[] {
  const fromEnv = process.env.DROVER_DOCUMENTS;
  return fromEnv ? fromEnv.split(':').filter(Boolean) : [REPO_DOCUMENTS];
}

/** The file of a document name, or undefined. */
export function findCommandDocumentFile(name: string, dirs: readonly string[] = defaultDocumentDirs()): string | undefined {
  if (!NAME.test(name)) return undefined;
  const searched = /^aws-/i.test(name) ? [BUILTIN_DIR] : dirs;
  for (const dir of searched) {
    for (const ext of EXTENSIONS) {
      const p = join(dir, name + ext);
      if (existsSync(p)) return p;
    }
  }
  return undefined;
}

export interface CommandDocumentLookup {
  file: string;
  /** Present when the document compiles without errors. */
  plan?: CommandDocumentPlan;
  diagnostics: Diagnostic[];
}

/** Finds and compiles a document by name; undefined when there is no such document. */
export async function findCommandDocument(name: string, dirs: readonly string[] = defaultDocumentDirs()): Promise<CommandDocumentLookup | undefined> {
  const file = findCommandDocumentFile(name, dirs);
  if (!file) return undefined;
  const { plan, diagnostics } = compileCommandDocument(await readFile(file, 'utf8'), file, { name });
  return { file, ...(plan ? { plan } : {}), diagnostics };
}

export class CommandDocumentNotFoundError extends Error {
  constructor(
    readonly documentName: string,
    dirs: readonly string[],
  ) {
    super(
      /^aws-/i.test(documentName)
        ? `no such document: ${documentName} (Drover has AWS-RunShellScript and AWS-RunPatchBaseline built in; other AWS- documents run on EC2 instances through SSM)`
        : `no such document: ${documentName} (looked in ${dirs.join(', ')}; set DROVER_DOCUMENTS)`,
    );
    this.name = 'CommandDocumentNotFoundError';
  }
}

export class CommandDocumentInvalidError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(`the document does not compile:\n${diagnostics.map(formatDiagnostic).join('\n')}`);
    this.name = 'CommandDocumentInvalidError';
  }
}

/** The compiled plan of a document by name; throws CommandDocumentNotFoundError or CommandDocumentInvalidError. */
export async function loadCommandDocument(name: string, dirs: readonly string[] = defaultDocumentDirs()): Promise<CommandDocumentPlan> {
  const found = await findCommandDocument(name, dirs);
  if (!found) throw new CommandDocumentNotFoundError(name, dirs);
  if (!found.plan) throw new CommandDocumentInvalidError(found.diagnostics.filter((d) => d.severity === 'error'));
  return found.plan;
}
