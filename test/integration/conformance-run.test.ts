// `drover conformance --run` on a few of AWS's own runbooks from the shared corpus (read
// from ../shared at test time, never copied here), on the run's Temporal and moto: each
// document gets fresh fixtures and the shipped parameters; approvals are approved (Change
// Manager's EnhancedApprovals too) and stacks deleted in moto. A document that does not
// compile, and one whose parameters the file lacks, are reported as not run, with why.
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { describe, expect, it } from 'vitest';
import { conformance } from '../../compiler/conformance';
import { runConformance, formatRuns } from '../../devstack/conformance-run';
import { DEFAULT_RUN_PARAMETERS } from '../../devstack/conformance-parameters';
import { BUILTIN_CATALOG } from '../../lang/catalog';
import { quietRuntime } from '../helpers/env';
import { CORPUS_DIR, hasCorpus } from '../unit/corpus';

const DOCUMENTS = [
  'AWS-DeleteCloudFormationStackWithApproval.json',
  'AWS-HelloWorldChangeTemplate.json',
  'AWS-RestartEC2InstanceWithApproval.json',
  'AWSConfigRemediation-CancelKeyDeletion.json',
  'AWSEC2-CloneInstanceAndUpgradeWindows.json',
  'AWS-CreateImage.json',
];

describe('drover conformance --run', () => {
  it('runs AWS runbooks in the sandbox and tables how each ended', async () => {
    expect(hasCorpus, `the shared corpus at ${CORPUS_DIR}`).toBe(true);
    quietRuntime();
    const folder = mkdtempSync(join(tmpdir(), 'drover-conformance-'));
    for (const file of DOCUMENTS) symlinkSync(join(CORPUS_DIR, file), join(folder, file));
    // The shipped parameters, less AWS-CreateImage's: that one must be reported, not run.
    const { parse, stringify } = await import('yaml');
    const { readFileSync } = await import('node:fs');
    const parameters = parse(readFileSync(DEFAULT_RUN_PARAMETERS, 'utf8')) as Record<string, unknown>;
    delete parameters['AWS-CreateImage.json'];
    const parametersFile = join(mkdtempSync(join(tmpdir(), 'drover-parameters-')), 'parameters.yaml');
    writeFileSync(parametersFile, stringify(parameters));

    const rows = await conformance(folder, BUILTIN_CATALOG);
    const runs = await runConformance(folder, rows, {
      parametersFile,
      timeoutSeconds: 120,
      concurrency: 2,
      sandbox: { temporalAddress: inject('temporalAddress'), motoEndpoint: inject('motoEndpoint'), workflowBundlePath: inject('workflowBundlePath') },
    });
    expect(runs.map((r) => [r.file, r.status, r.reason ?? ''])).toEqual([
      ['AWS-CreateImage.json', 'not run', 'needs parameters InstanceId'],
      ['AWS-DeleteCloudFormationStackWithApproval.json', 'Success', ''],
      ['AWS-HelloWorldChangeTemplate.json', 'Success', ''],
      ['AWS-RestartEC2InstanceWithApproval.json', 'Success', ''],
      ['AWSConfigRemediation-CancelKeyDeletion.json', 'Success', ''],
      ['AWSEC2-CloneInstanceAndUpgradeWindows.json', 'not run', 'does not compile'],
    ]);
    expect(formatRuns(runs)).toContain('4 of 4 documents run ran to Success (2 not run).');
  });
});
