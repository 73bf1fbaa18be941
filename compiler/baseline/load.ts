// Reads baseline files: one (`drover validate`), or the baseline folders (DROVER_BASELINES,
// colon-separated, else ./baselines of the repository) plus Drover's built-in defaults, with
// the checks that span files (one baseline per patch group and operating system, one default
// per operating system, unique names). The one place of the baseline compiler doing I/O.
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PatchBaseline } from '../../patch/baseline';
import type { Diagnostic } from '../diagnostic';
import { parseSource } from '../parse';
import { readSource } from '../read-source';
import { compileBaseline, type BaselineCompileResult } from './index';

const BASELINE_FILE = /\.(ya?ml|json)$/i;
const BUILTIN_DIR = fileURLToPath(new URL('./builtin', import.meta.url));
const REPO_BASELINES = fileURLToPath(new URL('../../baselines', import.meta.url));

export function defaultBaselineDirs(): string[] {
  const fromEnv = process.env.DROVER_BASELINES;
  return fromEnv ? fromEnv.split(':').filter(Boolean) : [REPO_BASELINES];
}

export async function loadBaselineFile(path: string): Promise<BaselineCompileResult> {
  const source = await readSource(path, 'the baseline');
  if ('diagnostic' in source) return { diagnostics: [source.diagnostic] };
  return compileBaseline(source.text, path);
}

export interface BaselineSet {
  /** In precedence order: the folders' baselines (folder order, then file name), then the built-ins. */
  baselines: PatchBaseline[];
  diagnostics: Diagnostic[];
}

let builtins: Promise<PatchBaseline[]> | undefined;

/** Drover's default baseline of each operating system. */
export function builtinBaselines(): Promise<PatchBaseline[]> {
  builtins ??= loadFolder(BUILTIN_DIR).then(({ baselines, diagnostics }) => {
    if (diagnostics.some((d) => d.severity === 'error')) throw new Error(`Drover's built-in baselines do not compile: ${diagnostics[0]!.message}`);
    return baselines;
  });
  return builtins;
}

/** Every baseline of the folders (missing folders are skipped), then the built-in defaults. */
export async function loadBaselineSet(dirs: readonly string[] = defaultBaselineDirs()): Promise<BaselineSet> {
  const baselines: PatchBaseline[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    const loaded = await loadFolder(dir);
    baselines.push(...loaded.baselines);
    diagnostics.push(...loaded.diagnostics);
  }
  diagnostics.push(...(await baselineSetDiagnostics(baselines)));
  return { baselines: [...baselines, ...(await builtinBaselines())], diagnostics };
}

async function loadFolder(dir: string): Promise<BaselineSet> {
  const files = readdirSync(dir).filter((f) => BASELINE_FILE.test(f)).sort().map((f) => join(dir, f));
  const baselines: PatchBaseline[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const file of files) {
    const result = await loadBaselineFile(file);
    diagnostics.push(...result.diagnostics);
    if (result.baseline) baselines.push(result.baseline);
  }
  return { baselines, diagnostics };
}

/** What SSM refuses across baselines, each at the entry that repeats an earlier one. */
export async function baselineSetDiagnostics(baselines: PatchBaseline[]): Promise<Diagnostic[]> {
  const problems: { baseline: PatchBaseline; pointer: string; code: string; message: string; hint: string }[] = [];
  const names = new Map<string, PatchBaseline>();
  const defaults = new Map<string, PatchBaseline>();
  const groups = new Map<string, PatchBaseline>();
  for (const b of baselines) {
    const first = names.get(b.name);
    if (first) problems.push({ baseline: b, pointer: '/Name', code: 'duplicate-baseline', message: `Another baseline is named ${b.name} (${first.source?.file}).`, hint: 'Give each baseline its own Name.' });
    else names.set(b.name, b);
    if (b.defaultBaseline) {
      const other = defaults.get(b.operatingSystem);
      if (other) problems.push({ baseline: b, pointer: '/DefaultBaseline', code: 'duplicate-default', message: `${other.name} is already the default baseline for ${b.operatingSystem}.`, hint: 'Keep DefaultBaseline: true on one baseline per operating system.' });
      else defaults.set(b.operatingSystem, b);
    }
    b.patchGroups.forEach((group, index) => {
      const key = `${b.operatingSystem}|${group}`;
      const other = groups.get(key);
      if (other) problems.push({ baseline: b, pointer: `/PatchGroups/${index}`, code: 'duplicate-patch-group', message: `Patch group "${group}" already uses ${other.name} for ${b.operatingSystem}.`, hint: 'A patch group has one baseline per operating system.' });
      else groups.set(key, b);
    });
  }
  const out: Diagnostic[] = [];
  for (const p of problems) {
    const file = p.baseline.source?.file ?? p.baseline.name;
    let position = { line: 1, col: 1 };
    try {
      position = parseSource(await readFile(file, 'utf8')).positions.of({ pointer: p.pointer, at: p.pointer === '/Name' || p.pointer === '/DefaultBaseline' ? 'key' : 'value' });
    } catch {
      // The file went away since it was compiled: point at its start.
    }
    out.push({ code: p.code, severity: 'error', message: p.message, hint: p.hint, file, ...position, pointer: p.pointer });
  }
  return out;
}
