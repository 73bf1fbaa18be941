import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { conformance, everySchemaActionCatalog, formatConformance } from '../../../compiler/conformance';
import { BUILTIN_CATALOG } from '../../../lang/catalog';
import { CORPUS_DIR, hasCorpus } from '../corpus';
import { WITHOUT_LAMBDA } from './helpers';

const FIXTURES = fileURLToPath(new URL('../../fixtures/conformance/', import.meta.url));

describe('conformance', () => {
  it('reports per document: clean or not, counts, diagnostics, actions used and unsupported', async () => {
    const rows = await conformance(FIXTURES, WITHOUT_LAMBDA);
    expect(rows.map(({ file, clean, errors, warnings, actions, unsupportedActions }) => ({ file, clean, errors, warnings, actions, unsupportedActions }))).toEqual([
      { file: 'broken.yaml', clean: false, errors: 1, warnings: 0, actions: ['drover:log'], unsupportedActions: [] },
      { file: 'clean.yaml', clean: true, errors: 0, warnings: 0, actions: ['drover:log'], unsupportedActions: [] },
      {
        file: 'needs-lambda.json',
        clean: false,
        errors: 1,
        warnings: 0,
        actions: ['aws:invokeLambdaFunction', 'drover:log'],
        unsupportedActions: ['aws:invokeLambdaFunction'],
      },
    ]);
    expect(rows[0]!.diagnostics.map((d) => d.code)).toEqual(['unknown-step']);

    const text = formatConformance(rows);
    expect(text).toContain('3 documents: 1 compile clean, 1 fail only for actions Drover does not run yet, 1 have other errors.');
    expect(text).toContain('Actions missing, by documents needing them: aws:invokeLambdaFunction (1).');
    expect(text).toMatch(/broken\.yaml:\n {2}.*broken\.yaml:5:15: error unknown-step/);
  });

  it('compiles with every schema action supported when asked to', async () => {
    const rows = await conformance(FIXTURES, everySchemaActionCatalog());
    expect(rows.find((r) => r.file === 'needs-lambda.json')).toMatchObject({ clean: true, unsupportedActions: [] });
  });

  // The published AWS runbooks: the only errors left are AWS-internal undocumented actions.
  it.skipIf(!hasCorpus)('understands every published runbook of the corpus', async () => {
    const rows = await conformance(CORPUS_DIR, everySchemaActionCatalog());
    const unexpected = rows.flatMap((r) =>
      r.diagnostics.filter((d) => d.severity === 'error' && d.code !== 'unknown-action').map((d) => `${r.file}: ${d.code} ${d.message}`),
    );
    expect(unexpected).toEqual([]);
    const internal = rows.flatMap((r) => r.diagnostics.filter((d) => d.code === 'unknown-action').map((d) => d.message.match(/"(aws:[^"]+)"/)![1]));
    expect(new Set(internal)).toEqual(new Set(['aws:putServerUpgradeMetrics', 'aws:shareSQLMedia']));
    expect(rows.filter((r) => r.clean).length).toBe(rows.length - 1);
  });

  // Issue 11: every published runbook validates with the actions this build runs, but the
  // one using AWS-internal actions.
  it.skipIf(!hasCorpus)('compiles 50 of the 51 corpus documents clean with the builtin catalog', async () => {
    const rows = await conformance(CORPUS_DIR, BUILTIN_CATALOG);
    const unexpected = rows.flatMap((r) =>
      r.diagnostics.filter((d) => d.severity === 'error' && d.code !== 'unknown-action').map((d) => `${r.file}: ${d.code} ${d.message}`),
    );
    expect(unexpected).toEqual([]);
    expect(rows.filter((r) => !r.clean).map((r) => r.file)).toEqual(['AWSEC2-CloneInstanceAndUpgradeWindows.json']);
  });
});
