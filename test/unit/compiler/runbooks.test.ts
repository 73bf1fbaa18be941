// Every runbook shipped in runbooks/ compiles with the builtin catalog, without errors or
// warnings: they are the examples people copy.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../../compiler/diagnostic';
import { loadAndCompile } from '../../../compiler/load';
import { BUILTIN_CATALOG } from '../../../lang/catalog';

const folder = new URL('../../../runbooks/', import.meta.url);
const files = readdirSync(folder).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();

describe('runbooks/', () => {
  it('holds runbooks', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s compiles clean', async (file) => {
    const { plan, diagnostics } = await loadAndCompile(fileURLToPath(new URL(file, folder)), BUILTIN_CATALOG);
    expect(diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(plan?.name).toBe(file.replace(/\.[^.]+$/, ''));
  });
});
