// Read-only access to the shared corpus of published SSM runbooks, when it is checked out
// next to the repository (../shared/ssm-corpus). Tests that use it are skipped without it:
// the corpus is others' work and is not part of this repository.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const CORPUS_DIR = fileURLToPath(new URL('../../../shared/ssm-corpus/automation', import.meta.url));
export const hasCorpus = existsSync(CORPUS_DIR);

/** Every runbook of the corpus, parsed, by file name. */
export function corpusRunbooks(): { file: string; doc: unknown }[] {
  if (!hasCorpus) return [];
  return readdirSync(CORPUS_DIR)
    .filter((f) => /\.(json|ya?ml)$/.test(f))
    .map((file) => ({ file, doc: parse(readFileSync(join(CORPUS_DIR, file), 'utf8')) as unknown }));
}

/** Every map inside a value, depth first, with its path. */
export function* mapsIn(value: unknown, path = '$'): Generator<{ map: Record<string, unknown>; path: string }> {
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) yield* mapsIn(v, `${path}[${i}]`);
  } else if (value && typeof value === 'object') {
    const map = value as Record<string, unknown>;
    yield { map, path };
    for (const [k, v] of Object.entries(map)) yield* mapsIn(v, `${path}.${k}`);
  }
}
