// The patch engine on RPM nodes against real packages: .rpm files built here with rpmbuild,
// a real repository (createrepo_c) with update notices (updateinfo.xml through modifyrepo_c),
// and isolated installroots that dnf and rpm are confined to. Shown: a Critical security
// notice approved after 7 days is Missing, a Low one the baseline's severities leave out is
// not, nor one published 2 days ago; ApprovedPatches by package name (non-security, with
// ApprovedPatchesEnableNonSecurity) and by CVE id; RejectedPatches in name-epoch:version-
// release.arch form; Install installs exactly the approved set (checked in the installroot's
// rpm database), the rescan is InstalledPendingReboot until the node reboots, then compliant;
// under BLOCK a rejected package is never installed, even as a dependency.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileBaseline } from '../../compiler/baseline/index';
import { PatchIsolationError } from '../../patch/apt/package-root';
import type { PatchBaseline } from '../../patch/baseline';
import { runPatchBaseline } from '../../patch/plugin/run-patch-baseline';
import { installRpmPatches, RPM_REBOOT_FLAG, scanRpmNode } from '../../patch/rpm/engine';
import { RpmRoot } from '../../patch/rpm/rpm-root';
import type { PatchStateRecord } from '../../workflows/patch-state-contract';
import { installInitialRpms, makeRpmRoot, publishRpmRepo, requireRpmTools, rpmVersions, type RpmSpec } from '../helpers/rpm-repo';

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY);
const p = (name: string, version: string, release: string, extra: Partial<RpmSpec> = {}): RpmSpec => ({ name, version, release, ...extra });

/** What the repository offers: every package at 1.0-1, and updates with or without notices. */
const PACKAGES: RpmSpec[] = [
  ...['hello', 'fresh', 'lowpkg', 'bugpkg', 'tool', 'cvepkg', 'app', 'libbar'].map((n) => p(n, '1.0', '1')),
  p('epochpkg', '1.0', '1', { epoch: 1 }),
  p('hello', '1.0', '2'),
  p('hello', '1.0', '3'), // newer, but no notice: not approved without EnableNonSecurity
  p('fresh', '1.0', '2'),
  p('lowpkg', '1.0', '2'),
  p('bugpkg', '1.0', '2'),
  p('tool', '1.1', '1'), // no notice at all
  p('cvepkg', '1.0', '2'),
  p('epochpkg', '1.0', '2', { epoch: 1 }),
  p('app', '1.0', '2', { requires: 'libbar >= 1.0-2' }),
  p('libbar', '1.0', '2'),
];

const NOTICES = [
  { id: 'DRV-2024:0001', type: 'security' as const, severity: 'Critical', issued: ago(10), cves: ['CVE-2024-0001'], packages: [p('hello', '1.0', '2')] },
  { id: 'DRV-2024:0002', type: 'security' as const, severity: 'Critical', issued: ago(2), packages: [p('fresh', '1.0', '2')] },
  { id: 'DRV-2024:0003', type: 'security' as const, severity: 'Low', issued: ago(30), packages: [p('lowpkg', '1.0', '2')] },
  { id: 'DRV-2024:0004', type: 'bugfix' as const, issued: ago(30), bugzillas: ['4242'], packages: [p('bugpkg', '1.0', '2')] },
  { id: 'DRV-2024:0005', type: 'security' as const, severity: 'Low', issued: ago(30), cves: ['CVE-2024-0005'], packages: [p('cvepkg', '1.0', '2')] },
  { id: 'DRV-2024:0006', type: 'security' as const, severity: 'Important', issued: ago(30), packages: [p('epochpkg', '1.0', '2', { epoch: 1 })] },
  { id: 'DRV-2024:0007', type: 'security' as const, severity: 'Important', issued: ago(30), packages: [p('app', '1.0', '2'), p('libbar', '1.0', '2')] },
];

/** Critical and important security notices and bug fixes a week after release (as AWS-RedHatDefaultPatchBaseline), plus lists. */
const BASELINE = `
OperatingSystem: REDHAT_ENTERPRISE_LINUX
ApprovalRules:
  PatchRules:
    - PatchFilterGroup:
        PatchFilters:
          - Key: CLASSIFICATION
            Values: [Security]
          - Key: SEVERITY
            Values: [Critical, Important]
      ComplianceLevel: CRITICAL
      ApproveAfterDays: 7
    - PatchFilterGroup:
        PatchFilters:
          - Key: CLASSIFICATION
            Values: [Bugfix]
      ComplianceLevel: MEDIUM
      ApproveAfterDays: 7
ApprovedPatches: [tool-1.1-1.noarch, CVE-2024-0005]
ApprovedPatchesComplianceLevel: HIGH
ApprovedPatchesEnableNonSecurity: true
RejectedPatches: ['epochpkg-1:1.0-2.noarch']
RejectedPatchesAction: ALLOW_AS_DEPENDENCY
`;

/** Every security notice at once; libbar's update rejected. */
const BLOCKING = `
OperatingSystem: REDHAT_ENTERPRISE_LINUX
ApprovalRules:
  PatchRules:
    - PatchFilterGroup:
        PatchFilters:
          - Key: CLASSIFICATION
            Values: [Security]
      ComplianceLevel: HIGH
RejectedPatches: ['libbar-1.0-2*']
RejectedPatchesAction: BLOCK
`;

function baseline(text: string, name = 'rhel-test.yaml'): PatchBaseline {
  const { baseline, diagnostics } = compileBaseline(text, name);
  if (!baseline) throw new Error(JSON.stringify(diagnostics));
  return baseline;
}

let work: string;
let repo: string;

beforeAll(() => {
  requireRpmTools();
  work = mkdtempSync(join(tmpdir(), 'drover-rpm-patch-'));
  repo = join(work, 'repo');
  publishRpmRepo(work, repo, PACKAGES, NOTICES);
}, 180_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

async function node(name: string, packages: string[]): Promise<RpmRoot> {
  const root = makeRpmRoot(join(work, 'nodes', name), repo);
  await installInitialRpms(root, packages);
  return root;
}

const STARTING = ['hello-1.0-1', 'fresh-1.0-1', 'lowpkg-1.0-1', 'bugpkg-1.0-1', 'tool-1.0-1', 'cvepkg-1.0-1', 'epochpkg-1:1.0-1'];

describe('patch engine on an isolated RPM installroot (real dnf and rpm)', () => {
  it('scans with update notices, installs exactly the approved set, and is compliant after the reboot', async () => {
    const root = await node('rhel-1', STARTING);
    const b = baseline(BASELINE);
    const scan = await scanRpmNode({ root, baseline: b });
    expect(scan).toMatchObject({ operation: 'Scan', os: 'REDHAT_ENTERPRISE_LINUX', product: 'RedhatEnterpriseLinux9.4' });
    const byTitle = Object.fromEntries(scan.records.map((r) => [r.title, r]));
    expect(Object.fromEntries(scan.records.map((r) => [r.title, r.state]))).toEqual({
      'bugpkg.noarch': 'Missing',
      'cvepkg.noarch': 'Missing',
      'epochpkg.noarch': 'InstalledOther',
      'fresh.noarch': 'InstalledOther',
      'hello.noarch': 'Missing',
      'lowpkg.noarch': 'InstalledOther',
      'tool.noarch': 'Missing',
    });
    // The Critical notice is 10 days old: approved by the 7-day rule, the newest approved version (1.0-3 has no notice).
    expect(byTitle['hello.noarch']).toMatchObject({ installedVersion: '1.0-1', availableVersion: '1.0-2', severity: 'CRITICAL', security: true, advisoryIds: ['DRV-2024:0001'], cveIds: ['CVE-2024-0001'], classification: 'security' });
    expect(byTitle['bugpkg.noarch']).toMatchObject({ availableVersion: '1.0-2', severity: 'MEDIUM', security: false });
    // ApprovedPatches: a non-security update by name (ApprovedPatchesEnableNonSecurity), a Low notice by its CVE.
    expect(byTitle['tool.noarch']).toMatchObject({ availableVersion: '1.1-1', severity: 'HIGH', detail: 'Approved by approved-list.' });
    expect(byTitle['cvepkg.noarch']).toMatchObject({ availableVersion: '1.0-2', severity: 'HIGH' });
    // Not approved: too fresh, Low, rejected (name-epoch:version-release.arch).
    expect(byTitle['fresh.noarch']!.detail).toBe('Update not approved: published less than 7 day(s) ago.');
    expect(byTitle['lowpkg.noarch']!.detail).toBe('Update not approved: no approval rule matches.');
    expect(byTitle['epochpkg.noarch']).toMatchObject({ installedVersion: '1:1.0-1', detail: 'Update not approved: on the rejected list.' });
    expect(scan.summary).toMatchObject({ compliance: 'NON_COMPLIANT', severity: 'CRITICAL', counts: { Missing: 4, InstalledOther: 3 }, criticalNonCompliantCount: 1, securityNonCompliantCount: 2 });
    // A scan changes nothing.
    expect(rpmVersions(root)).toEqual({ hello: '1.0-1', fresh: '1.0-1', lowpkg: '1.0-1', bugpkg: '1.0-1', tool: '1.0-1', cvepkg: '1.0-1', epochpkg: '1:1.0-1' });

    const install = await installRpmPatches({ root, baseline: b, rebootOption: 'RebootIfNeeded' });
    expect(install.install!.failed).toEqual([]);
    expect(install.install!.changed.map((c) => `${c.name} ${c.from} -> ${c.to}${c.asDependency ? ' (dependency)' : ''}`).sort()).toEqual([
      'bugpkg 1.0-1 -> 1.0-2',
      'cvepkg 1.0-1 -> 1.0-2',
      'hello 1.0-1 -> 1.0-2',
      'tool 1.0-1 -> 1.1-1',
    ]);
    // The installroot's rpm database: exactly the approved set moved, to the approved versions.
    expect(rpmVersions(root)).toEqual({ hello: '1.0-2', fresh: '1.0-1', lowpkg: '1.0-1', bugpkg: '1.0-2', tool: '1.1-1', cvepkg: '1.0-2', epochpkg: '1:1.0-1' });
    // As SSM on Linux: an install that installed anything needs a reboot.
    expect(install.install).toMatchObject({ rebootRequired: true, rebootRequested: true });
    expect(install.summary).toMatchObject({ compliance: 'NON_COMPLIANT', counts: { InstalledPendingReboot: 4, Missing: 0 } });

    const pending = await scanRpmNode({ root, baseline: b, refresh: false });
    expect(pending.summary.counts.InstalledPendingReboot).toBe(4);
    // The node reboots: /run is emptied, the flag goes.
    rmSync(join(root.root, 'run'), { recursive: true });
    const rescan = await scanRpmNode({ root, baseline: b });
    expect(rescan.summary).toMatchObject({ compliance: 'COMPLIANT', counts: { Installed: 4, InstalledOther: 3, Missing: 0, InstalledPendingReboot: 0 } });
    expect(rescan.records.find((r) => r.title === 'hello.noarch')).toMatchObject({ state: 'Installed', installedVersion: '1.0-2' });
  });

  it('never installs a rejected package under BLOCK, not even as a dependency; ALLOW_AS_DEPENDENCY brings it in', async () => {
    const root = await node('rhel-2', ['hello-1.0-1', 'app-1.0-1', 'libbar-1.0-1']);
    const b = baseline(BLOCKING, 'blocking.yaml');
    const scan = await scanRpmNode({ root, baseline: b });
    expect(Object.fromEntries(scan.records.map((r) => [r.title, r.state]))).toEqual({ 'app.noarch': 'Missing', 'hello.noarch': 'Missing', 'libbar.noarch': 'InstalledOther' });

    const install = await installRpmPatches({ root, baseline: b, rebootOption: 'NoReboot' });
    expect(install.install!.changed.map((c) => `${c.name} ${c.to}`)).toEqual(['hello 1.0-2']);
    expect(install.install!.failed).toEqual([{ name: 'app', version: '1.0-2', message: expect.stringMatching(/libbar/) }]);
    expect(rpmVersions(root)).toEqual({ hello: '1.0-2', app: '1.0-1', libbar: '1.0-1' });
    expect(Object.fromEntries(install.records.map((r) => [r.title, r.state]))).toEqual({ 'app.noarch': 'Failed', 'hello.noarch': 'InstalledPendingReboot', 'libbar.noarch': 'InstalledOther' });
    expect(install.install).toMatchObject({ rebootRequired: true, rebootRequested: false });
    // The failure is remembered: the next scan still says Failed.
    expect((await scanRpmNode({ root, baseline: b, refresh: false })).records.find((r) => r.title === 'app.noarch')!.state).toBe('Failed');

    const allowing = baseline(BLOCKING.replace('BLOCK', 'ALLOW_AS_DEPENDENCY'), 'allowing.yaml');
    const second = await installRpmPatches({ root, baseline: allowing, rebootOption: 'NoReboot' });
    expect(second.install!.changed.map((c) => `${c.name} ${c.to} ${c.asDependency}`).sort()).toEqual(['app 1.0-2 false', 'libbar 1.0-2 true']);
    expect(rpmVersions(root)).toEqual({ hello: '1.0-2', app: '1.0-2', libbar: '1.0-2' });
  });

  it('refuses to touch this machine’s packages, or to run an installroot’s tools unconfined', () => {
    expect(() => new RpmRoot('/', 'dnf').call('manager', ['makecache'])).toThrow(PatchIsolationError);
    expect(() => new RpmRoot('/', 'dnf').call('rpm', ['-qa'])).toThrow(PatchIsolationError);
    const root = new RpmRoot(join(work, 'nodes', 'rhel-1'), 'dnf');
    const call = root.call('manager', ['makecache']);
    expect(call.args.slice(0, 4)).toEqual([`--installroot=${root.root}`, `--config=${root.root}/etc/dnf/dnf.conf`, `--setopt=reposdir=${root.root}/etc/yum.repos.d`, '--noplugins']);
    expect(() => root.check('manager', { ...call, args: ['makecache'] })).toThrow(/without the options that confine it/);
    expect(() => root.check('manager', { ...call, args: [...call.args, '--installroot=/'] })).toThrow(PatchIsolationError);
    expect(() => root.check('rpm', { ...root.call('rpm', ['-qa']), args: ['-qa'] })).toThrow(PatchIsolationError);
    // What the tests installed stays in their roots: the machine has no such packages.
    expect(existsSync('/usr/share/doc/hello/VERSION')).toBe(false);
    expect(existsSync(join(root.root, 'usr/share/doc/hello/VERSION'))).toBe(true);
  });

  it('runs AWS-RunPatchBaseline on an RPM node: the built-in RHEL default (SSM\'s predefined rules) and the node\'s state', async () => {
    const root = await node('rhel-3', STARTING);
    const recorded: PatchStateRecord[] = [];
    const deps = { packageRoot: root.root, baselineDirs: [] as string[], record: async (r: PatchStateRecord) => void recorded.push(r) };
    const scan = await runPatchBaseline(deps, { nodeId: 'mi-rhel3', commandId: 'cmd-r1', tags: {} }, { Operation: 'Scan' });
    expect(scan).toMatchObject({ exitCode: 0, stderr: '' });
    expect(scan.stdout).toMatch(/^Scan with baseline Drover-RedHatDefaultPatchBaseline \(default for REDHAT_ENTERPRISE_LINUX\) on RedhatEnterpriseLinux9\.4/m);
    // Security Critical/Important and Bugfix, 7 days: hello and bugpkg; epochpkg's Important notice too (nothing rejects it here).
    expect(scan.stdout).toMatch(/^Missing hello\.noarch 1\.0-1 -> 1\.0-2 \[UNSPECIFIED\]$/m);
    expect(recorded[0]!.nonCompliant.map((n) => n.title).sort()).toEqual(['bugpkg.noarch', 'epochpkg.noarch', 'hello.noarch']);

    const install = await runPatchBaseline(deps, { nodeId: 'mi-rhel3', commandId: 'cmd-r2', tags: {} }, { Operation: 'Install', RebootOption: 'RebootIfNeeded' });
    // SSM's "reboot, then carry on": exit 194.
    expect(install.exitCode).toBe(194);
    expect(install.stdout).toMatch(/^Installed epochpkg 1:1\.0-1 -> 1:1\.0-2$/m);
    expect(rpmVersions(root)).toMatchObject({ hello: '1.0-2', bugpkg: '1.0-2', epochpkg: '1:1.0-2', tool: '1.0-1', lowpkg: '1.0-1' });
    expect(existsSync(join(root.root, RPM_REBOOT_FLAG))).toBe(true);
  });
});
