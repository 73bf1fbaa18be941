// Held-out check: SSM's predefined baselines for Amazon Linux 2023 and Red Hat Enterprise
// Linux, written from AWS's published approval rules as Drover baseline files
// (test/fixtures/aws-baselines/), validate with `drover validate` and select on a test
// repository the same patches as dnf itself with the command AWS documents as their
// equivalent: `dnf upgrade-minimal --sec-severity=Critical --sec-severity=Important --bugfix`
// (asked here as `dnf updateinfo list --updates` with the same options). AWS adds a 7-day
// delay that dnf does not know: the one notice younger than that is left out of dnf's answer.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinBaselines, loadBaselineFile } from '../../compiler/baseline/load';
import { scanRpmNode } from '../../patch/rpm/engine';
import { runRpmTool } from '../../patch/rpm/inventory';
import { installInitialRpms, makeRpmRoot, publishRpmRepo, requireRpmTools, type NoticeSpec, type RpmSpec } from '../helpers/rpm-repo';
import { runCli } from '../helpers/processes';

const FIXTURES = fileURLToPath(new URL('../fixtures/aws-baselines', import.meta.url));
const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY);
const v1 = (name: string): RpmSpec => ({ name, version: '1.0', release: '1' });
const v2 = (name: string): RpmSpec => ({ name, version: '1.0', release: '2' });

/** One package per kind of update notice, each at 1.0-1 installed and 1.0-2 offered. */
const KINDS: [string, Omit<NoticeSpec, 'id' | 'packages' | 'issued'> | undefined, number?][] = [
  ['crit', { type: 'security', severity: 'Critical' }],
  ['imp', { type: 'security', severity: 'Important' }],
  ['moderate', { type: 'security', severity: 'Moderate' }],
  ['medium', { type: 'security', severity: 'Medium' }],
  ['low', { type: 'security', severity: 'Low' }],
  ['nosev', { type: 'security' }],
  ['bug', { type: 'bugfix' }],
  ['enh', { type: 'enhancement' }],
  ['newpkg', { type: 'newpackage' }],
  ['plain', undefined],
  ['fresh', { type: 'security', severity: 'Critical' }, 2],
];

let work: string;
let repo: string;

beforeAll(() => {
  requireRpmTools();
  work = mkdtempSync(join(tmpdir(), 'drover-aws-baselines-'));
  repo = join(work, 'repo');
  const notices = KINDS.flatMap(([name, kind, days], i): NoticeSpec[] => (kind ? [{ ...kind, id: `HELD-2024:${1000 + i}`, issued: ago(days ?? 30), packages: [v2(name)] }] : []));
  publishRpmRepo(work, repo, KINDS.flatMap(([name]) => [v1(name), v2(name)]), notices);
}, 180_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** What dnf selects with AWS's documented equivalent of the predefined baselines. */
async function dnfSelection(root: ReturnType<typeof makeRpmRoot>): Promise<string[]> {
  const { stdout } = await runRpmTool(root, 'manager', ['updateinfo', 'list', '--updates', '--sec-severity=Critical', '--sec-severity=Important', '--bugfix', '-q', '-C'], { releasever: '9' });
  return [...new Set(stdout.split('\n').map((l) => /(\S+)-[^-\s]+-[^-\s]+\.noarch\s*$/.exec(l)?.[1]).filter((n): n is string => !!n))].sort();
}

describe("SSM's predefined RPM baselines, held out", () => {
  it('validate with drover validate', async () => {
    const out = await runCli(['validate', FIXTURES, '--json'], { ...process.env });
    expect(out.code).toBe(0);
    for (const file of ['AWS-AmazonLinux2023DefaultPatchBaseline.json', 'AWS-RedHatDefaultPatchBaseline.json']) {
      const { baseline, diagnostics } = await loadBaselineFile(join(FIXTURES, file));
      expect(diagnostics).toEqual([]);
      expect(baseline!.approvalRules).toHaveLength(2);
      // Drover's built-in default for the operating system has the same rules and lists.
      const builtin = (await builtinBaselines()).find((b) => b.operatingSystem === baseline!.operatingSystem)!;
      const rulesOf = (b: typeof builtin) => ({ rules: b.approvalRules, global: b.globalFilters, approved: b.approvedPatches, rejected: b.rejectedPatches, action: b.rejectedPatchesAction });
      expect(rulesOf(builtin)).toEqual(rulesOf(baseline!));
    }
  });

  for (const [file, os] of [
    ['AWS-AmazonLinux2023DefaultPatchBaseline.json', { id: 'amzn', version: '2023', name: 'Amazon Linux 2023 (Drover tests)' }],
    ['AWS-RedHatDefaultPatchBaseline.json', { id: 'rhel', version: '9.4', name: 'Red Hat Enterprise Linux 9.4 (Drover tests)' }],
  ] as const) {
    it(`${file.replace('.json', '')} selects what dnf selects`, async () => {
      const { baseline } = await loadBaselineFile(join(FIXTURES, file));
      const root = makeRpmRoot(join(work, os.id), repo, os);
      await installInitialRpms(root, KINDS.map(([name]) => `${name}-1.0-1`));
      const scan = await scanRpmNode({ root, baseline: baseline! });
      const missing = scan.records.filter((r) => r.state === 'Missing').map((r) => r.title.replace(/\.noarch$/, '')).sort();
      const dnf = await dnfSelection(root);
      // dnf has no approval delay: the Critical notice issued 2 days ago is in its answer, not in the baseline's.
      expect(dnf).toContain('fresh');
      expect(missing).toEqual(dnf.filter((n) => n !== 'fresh'));
      expect(missing).toEqual(['bug', 'crit', 'imp']);
      expect(scan.records.find((r) => r.title === 'fresh.noarch')!.detail).toBe('Update not approved: published less than 7 day(s) ago.');
      expect(scan.records.filter((r) => r.state === 'Missing').every((r) => r.severity === 'UNSPECIFIED')).toBe(true);
    });
  }
});
