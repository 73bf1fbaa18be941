// Reads maintenance window files: one (`drover validate`), or a windows folder (DROVER_WINDOWS,
// else ./windows of the repository) for `drover windows apply`, with the check that spans
// files (one window per name). Looks up the Command documents and runbooks the tasks name,
// so that their parameters are checked too. The one place of the window compiler doing I/O.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import type { CommandDocumentPlan } from '../../agent/protocol';
import { BUILTIN_CATALOG } from '../../lang/catalog';
import type { Plan } from '../../lang/plan';
import type { WindowPlan } from '../../lang/windows/plan';
import { findCommandDocument } from '../command/find-document';
import type { Diagnostic } from '../diagnostic';
import { defaultRunbookDirs, findRunbook } from '../find-runbook';
import { compileRunbook } from '../index';
import { parseSource } from '../parse';
import { readSource } from '../read-source';
import { compileWindow, type WindowCompileResult } from './index';
import type { WindowLookups } from './rules';

const WINDOW_FILE = /\.(ya?ml|json)$/i;
const REPO_WINDOWS = fileURLToPath(new URL('../../windows', import.meta.url));

export function defaultWindowDir(): string {
  return process.env.DROVER_WINDOWS || REPO_WINDOWS;
}

export interface WindowLoadOptions {
  runbookDirs?: readonly string[];
  documentDirs?: readonly string[];
}

/** The documents and runbooks a window's tasks name, read from disk before the (pure) compile. */
async function lookupsFor(text: string, opts: WindowLoadOptions): Promise<WindowLookups> {
  const documents = new Map<string, CommandDocumentPlan | null | undefined>();
  const runbooks = new Map<string, Plan | null | undefined>();
  let tasks: unknown[] = [];
  try {
    const value = parseDocument(text, { uniqueKeys: false }).toJS() as { Tasks?: unknown } | null;
    tasks = Array.isArray(value?.Tasks) ? value.Tasks : [];
  } catch {
    // The compiler reports what is wrong with the text.
  }
  for (const t of tasks) {
    const task = t as { TaskType?: unknown; TaskArn?: unknown };
    if (typeof task?.TaskArn !== 'string') continue;
    const name = task.TaskArn;
    if (task.TaskType === 'RUN_COMMAND' && !documents.has(name)) {
      const found = await findCommandDocument(name, opts.documentDirs);
      // A document that does not compile is its own file's problem: its parameters are not checked here.
      documents.set(name, found ? found.plan : null);
    } else if (task.TaskType === 'AUTOMATION' && !runbooks.has(name)) {
      const file = findRunbook(name, opts.runbookDirs ?? defaultRunbookDirs());
      runbooks.set(name, file ? compileRunbook(readFileSync(file, 'utf8'), file, BUILTIN_CATALOG).plan : null);
    }
  }
  return { document: (n) => documents.get(n), runbook: (n) => runbooks.get(n) };
}

export async function loadWindowText(text: string, path: string, opts: WindowLoadOptions = {}): Promise<WindowCompileResult> {
  return compileWindow(text, path, await lookupsFor(text, opts));
}

export async function loadWindowFile(path: string, opts: WindowLoadOptions = {}): Promise<WindowCompileResult> {
  const source = await readSource(path, 'the window');
  if ('diagnostic' in source) return { diagnostics: [source.diagnostic] };
  return loadWindowText(source.text, path, opts);
}

export interface WindowSet {
  /** The windows that compiled, by file name. */
  windows: WindowPlan[];
  diagnostics: Diagnostic[];
  files: string[];
}

/** Every window of a folder (a missing folder has none), with the checks across files. */
export async function loadWindowFolder(dir: string = defaultWindowDir(), opts: WindowLoadOptions = {}): Promise<WindowSet> {
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => WINDOW_FILE.test(f)).sort().map((f) => join(dir, f)) : [];
  const windows: WindowPlan[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const file of files) {
    const result = await loadWindowFile(file, opts);
    diagnostics.push(...result.diagnostics);
    if (result.plan) windows.push(result.plan);
  }
  diagnostics.push(...(await windowSetDiagnostics(windows)));
  return { windows, diagnostics, files };
}

/** One window per name: a second file with the same Name would fight the first over its schedule. */
export async function windowSetDiagnostics(windows: readonly WindowPlan[]): Promise<Diagnostic[]> {
  const first = new Map<string, WindowPlan>();
  const out: Diagnostic[] = [];
  for (const w of windows) {
    const earlier = first.get(w.name);
    if (!earlier) {
      first.set(w.name, w);
      continue;
    }
    const file = w.source?.file ?? w.name;
    let position = { line: 1, col: 1 };
    try {
      position = parseSource(await readFile(file, 'utf8')).positions.of({ pointer: '/Name', at: 'key' });
    } catch {
      // The file went away since it was compiled: point at its start.
    }
    out.push({
      code: 'duplicate-window',
      severity: 'error',
      message: `Another window is named ${w.name} (${earlier.source?.file ?? 'another file'}).`,
      hint: 'Give each window its own Name (the default is the file name).',
      file,
      ...position,
      pointer: '/Name',
    });
  }
  return out;
}
