// The patch engine against real packages: .deb files built here, a real apt repository with a
// main suite and a security pocket, and isolated package roots that apt and dpkg are confined
// to. A baseline approves the security update of hello and rejects libfoo's: the scan reports
// Missing for hello only, Install installs it and only it, the next scan is compliant.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileBaseline } from '../../compiler/baseline/index';
import { installPatches, scanNode } from '../../patch/apt/engine';
import { PackageRoot, PatchIsolationError } from '../../patch/apt/package-root';
import type { PatchBaseline } from '../../patch/baseline';
import { runPatchBaseline, PATCH_STATE_LINE_PREFIX } from '../../patch/plugin/run-patch-baseline';
import type { PatchStateRecord } from '../../workflows/patch-state-contract';
import { dpkgVersions, installInitial, makePackageRoot, publishRepo } from '../helpers/apt-repo';
import { runCli } from '../helpers/processes';

const BASELINE = `
OperatingSystem: DEBIAN
ApprovalRules:
  PatchRules:
    - PatchFilterGroup:
        PatchFilters:
          - Key: PRIORITY
            Values: ['*']
      ComplianceLevel: CRITICAL
RejectedPatches: ['libfoo=2.0-2']
RejectedPatchesAction: BLOCK
`;

function baseline(text = BASELINE): PatchBaseline {
  const { baseline, diagnostics } = compileBaseline(text, 'security.yaml');
  if (!baseline) throw new Error(JSON.stringify(diagnostics));
  return baseline;
}

let work: string;
let repo: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'drover-patch-'));
  repo = join(work, 'repo');
  const published = new Date(Date.now() - 3 * 86_400_000).toUTCString();
  publishRepo(repo, [
    {
      suite: 'bookworm',
      label: 'Drover Tests',
      date: published,
      packages: [
        { name: 'hello', version: '1.0-1' },
        { name: 'libfoo', version: '2.0-1', section: 'libs' },
        { name: 'tool', version: '1.0-1' },
        { name: 'tool', version: '1.1-1' }, // a plain (non-security) update: not approved
        { name: 'kernel-sim', version: '6.1-1', section: 'kernel' },
        { name: 'app', version: '1.0-1' },
        { name: 'libbar', version: '1.0-1', section: 'libs' },
      ],
    },
    {
      suite: 'bookworm-security',
      label: 'Drover Tests Security',
      date: published,
      packages: [
        { name: 'hello', version: '1.0-2' },
        { name: 'libfoo', version: '2.0-2', section: 'libs' },
        { name: 'kernel-sim', version: '6.1-2', section: 'kernel', files: { 'run/reboot-required': '*** System restart required ***\n', 'run/reboot-required.pkgs': 'kernel-sim\n' } },
        { name: 'app', version: '1.0-2', depends: 'libbar (>= 1.0-2)' },
        { name: 'libbar', version: '1.0-2', section: 'libs' },
      ],
    },
  ]);
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

async function node(name: string, packages: string[]): Promise<PackageRoot> {
  const root = makePackageRoot(join(work, name), repo, ['bookworm', 'bookworm-security']);
  await installInitial(root, packages);
  return root;
}

describe('patch engine on an isolated Debian package root', () => {
  it('scans, installs exactly the approved security update, and scans compliant', async () => {
    const root = await node('web-1', ['hello=1.0-1', 'libfoo=2.0-1', 'tool=1.0-1']);
    const b = baseline();

    const scan = await scanNode({ root, baseline: b });
    const states = Object.fromEntries(scan.records.map((r) => [r.title, r.state]));
    expect(states).toEqual({ hello: 'Missing', libfoo: 'InstalledOther', tool: 'InstalledOther' });
    expect(scan.records.find((r) => r.title === 'hello')).toMatchObject({ installedVersion: '1.0-1', availableVersion: '1.0-2', severity: 'CRITICAL', security: true });
    expect(scan.summary).toMatchObject({ compliance: 'NON_COMPLIANT', severity: 'CRITICAL', counts: { Missing: 1, InstalledOther: 2, Installed: 0 } });
    expect(scan).toMatchObject({ operation: 'Scan', os: 'DEBIAN', product: 'Debian12', baseline: { name: 'security', hash: b.hash } });

    const install = await installPatches({ root, baseline: b, rebootOption: 'NoReboot' });
    expect(install.install!.changed).toEqual([{ name: 'hello', architecture: 'all', from: '1.0-1', to: '1.0-2', asDependency: false }]);
    expect(install.install).toMatchObject({ failed: [], rebootRequired: false, rebootRequested: false });
    // dpkg's own database: hello moved, nothing else did.
    expect(dpkgVersions(root)).toEqual({ hello: '1.0-2', libfoo: '2.0-1', tool: '1.0-1' });
    expect(install.summary.compliance).toBe('COMPLIANT');

    const rescan = await scanNode({ root, baseline: b });
    expect(rescan.summary).toMatchObject({ compliance: 'COMPLIANT', counts: { Installed: 1, InstalledOther: 2, Missing: 0 } });
    expect(rescan.records.find((r) => r.title === 'hello')).toMatchObject({ state: 'Installed', installedVersion: '1.0-2' });
  });

  it('reports InstalledPendingReboot after an install that flags a reboot, Installed once the node rebooted', async () => {
    const root = await node('web-2', ['kernel-sim=6.1-1']);
    const b = baseline();
    const install = await installPatches({ root, baseline: b, rebootOption: 'RebootIfNeeded' });
    expect(install.install).toMatchObject({ rebootRequired: true, rebootRequested: true, changed: [{ name: 'kernel-sim', to: '6.1-2' }] });
    expect(install.records).toEqual([expect.objectContaining({ title: 'kernel-sim', state: 'InstalledPendingReboot' })]);
    expect(install.summary).toMatchObject({ compliance: 'NON_COMPLIANT', counts: { InstalledPendingReboot: 1 } });
    expect((await scanNode({ root, baseline: b, refresh: false })).records[0]!.state).toBe('InstalledPendingReboot');
    // A reboot empties /run: the flag goes, and so does the pending state.
    rmSync(join(root.root, 'run/reboot-required'));
    const after = await scanNode({ root, baseline: b, refresh: false });
    expect(after.records[0]).toMatchObject({ state: 'Installed', installedVersion: '6.1-2' });
    expect(after.summary.compliance).toBe('COMPLIANT');
  });

  it('does not install a patch that needs a rejected package under BLOCK: Failed, with why', async () => {
    const root = await node('web-3', ['app=1.0-1', 'libbar=1.0-1']);
    const b = baseline(BASELINE.replace("['libfoo=2.0-2']", "['libbar=1.0-2']"));
    const install = await installPatches({ root, baseline: b, rebootOption: 'NoReboot' });
    expect(install.install!.changed).toEqual([]);
    expect(install.install!.failed).toEqual([{ name: 'app', version: '1.0-2', message: 'needs libbar=1.0-2, which the baseline rejects (BLOCK)' }]);
    expect(dpkgVersions(root)).toEqual({ app: '1.0-1', libbar: '1.0-1' });
    const states = Object.fromEntries(install.records.map((r) => [r.title, r.state]));
    expect(states).toEqual({ app: 'Failed', libbar: 'InstalledOther' });
    // Allowed as a dependency, the same install brings libbar in with app.
    const allowing = baseline(BASELINE.replace("['libfoo=2.0-2']", "['libbar=1.0-2']").replace('BLOCK', 'ALLOW_AS_DEPENDENCY'));
    const second = await installPatches({ root, baseline: allowing, rebootOption: 'NoReboot' });
    expect(second.install!.changed.map((c) => `${c.name} ${c.to} ${c.asDependency}`).sort()).toEqual(['app 1.0-2 false', 'libbar 1.0-2 true']);
    expect(Object.fromEntries(second.records.map((r) => [r.title, r.state]))).toEqual({ app: 'Installed', libbar: 'InstalledOther' });
  });

  it('installs an InstallOverrideList instead of the approved patches', async () => {
    const root = await node('web-4', ['hello=1.0-1', 'tool=1.0-1']);
    const install = await installPatches({ root, baseline: baseline(), rebootOption: 'NoReboot', overrideList: ['tool'] });
    expect(install.install!.changed).toEqual([{ name: 'tool', architecture: 'all', from: '1.0-1', to: '1.1-1', asDependency: false }]);
    expect(dpkgVersions(root)).toEqual({ hello: '1.0-1', tool: '1.1-1' });
    // Compliance is still against the baseline: hello is still missing.
    expect(install.summary.compliance).toBe('NON_COMPLIANT');
  });

  it('refuses to touch this machine’s packages, or to run an isolated root’s tools unconfined', () => {
    expect(() => new PackageRoot('/').call('apt-get', ['update'])).toThrow(PatchIsolationError);
    const root = new PackageRoot(join(work, 'web-1'));
    const call = root.call('dpkg', ['-l']);
    expect(() => root.check('dpkg', { ...call, args: ['-l'] })).toThrow(/without the options that confine it/);
    expect(() => root.check('apt-get', { ...root.call('apt-get', ['update']), env: { ...call.env, APT_CONFIG: undefined } })).toThrow(PatchIsolationError);
    // What a test did stays in its roots: the machine has no such packages.
    expect(existsSync('/usr/share/doc/kernel-sim')).toBe(false);
  });
});

describe('the drover:runPatchBaseline plugin (AWS-RunPatchBaseline on a node)', () => {
  it('picks the baseline of the node\'s patch group, records its state, and answers like a script', async () => {
    const root = await node('plugin-1', ['hello=1.0-1', 'libfoo=2.0-1']);
    const dir = join(work, 'plugin-baselines');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'web.yaml'), `${BASELINE}PatchGroups: [web]\n`);
    const recorded: PatchStateRecord[] = [];
    const deps = { packageRoot: root.root, baselineDirs: [dir], record: async (r: PatchStateRecord) => void recorded.push(r) };
    const ctx = { nodeId: 'mi-plugin1', commandId: 'cmd-1', tags: { 'Patch Group': 'web' } };

    const scan = await runPatchBaseline(deps, ctx, { Operation: 'Scan', RebootOption: 'NoReboot' });
    expect(scan).toMatchObject({ exitCode: 0, stderr: '' });
    expect(scan.stdout).toMatch(/^Scan with baseline web \(patch group web\) on Debian12; snapshot [0-9a-f]{64}$/m);
    expect(scan.stdout).toMatch(/^Missing hello 1\.0-1 -> 1\.0-2 \[CRITICAL\]$/m);
    const line = scan.stdout.trim().split('\n').at(-1)!;
    expect(line.startsWith(PATCH_STATE_LINE_PREFIX)).toBe(true);
    expect(JSON.parse(line.slice(PATCH_STATE_LINE_PREFIX.length))).toEqual(recorded[0]);
    expect(recorded[0]).toMatchObject({ nodeId: 'mi-plugin1', commandId: 'cmd-1', compliance: 'NON_COMPLIANT', patchGroup: 'web', baseline: { name: 'web' }, nonCompliant: [{ title: 'hello', state: 'Missing' }] });

    // Without the patch group tag, the built-in Debian default applies (security updates of any priority).
    const byDefault = await runPatchBaseline(deps, { ...ctx, tags: {} }, { Operation: 'Scan' });
    expect(byDefault.stdout).toMatch(/^Scan with baseline Drover-DebianDefaultPatchBaseline \(default for DEBIAN\)/);
    // The default does not reject libfoo's update: two missing there.
    expect(recorded.at(-1)!.counts.Missing).toBe(2);
  });

  it('takes a BaselineOverride file and an InstallOverrideList, and refuses a SnapshotId of another baseline', async () => {
    const root = await node('plugin-2', ['hello=1.0-1', 'tool=1.0-1']);
    const override = join(work, 'override.json');
    writeFileSync(override, JSON.stringify([{ Name: 'only-tool', OperatingSystem: 'DEBIAN', ApprovedPatches: ['tool'], ApprovedPatchesEnableNonSecurity: true }]));
    const list = join(work, 'install-list.yaml');
    writeFileSync(list, 'patches:\n  - id: tool\n');
    const deps = { packageRoot: root.root, baselineDirs: [] };
    const ctx = { nodeId: 'mi-plugin2', commandId: 'cmd-2', tags: {} };

    const scan = await runPatchBaseline(deps, ctx, { Operation: 'Scan', BaselineOverride: `file://${override}` });
    expect(scan.exitCode).toBe(0);
    expect(scan.result!.baseline.name).toBe('only-tool');
    expect(scan.result!.records.map((r) => `${r.title} ${r.state}`)).toEqual(['hello InstalledOther', 'tool Missing']);

    const pinned = await runPatchBaseline(deps, ctx, { Operation: 'Install', BaselineOverride: override, SnapshotId: 'a'.repeat(64) });
    expect(pinned).toMatchObject({ exitCode: 1, stderr: expect.stringMatching(/SnapshotId a{64} pins another version of baseline only-tool/) });
    expect(dpkgVersions(root)).toEqual({ hello: '1.0-1', tool: '1.0-1' });

    const same = await runPatchBaseline(deps, ctx, { Operation: 'Scan', BaselineOverride: override, SnapshotId: scan.result!.baseline.hash });
    expect(same.exitCode).toBe(0);

    // The node's default baseline does not approve tool's plain update; the override list installs it anyway.
    const install = await runPatchBaseline(deps, ctx, { Operation: 'Install', InstallOverrideList: list, RebootOption: 'NoReboot' });
    expect(install.exitCode).toBe(0);
    expect(install.stdout).toMatch(/^Installed tool 1\.0-1 -> 1\.1-1$/m);
    expect(dpkgVersions(root)).toEqual({ hello: '1.0-1', tool: '1.1-1' });
  });

  it('fails with a clear message, changing nothing, on bad input', async () => {
    const root = await node('plugin-3', ['hello=1.0-1']);
    const deps = { packageRoot: root.root, baselineDirs: [] };
    const ctx = { nodeId: 'mi-plugin3', commandId: 'cmd-3', tags: {} };
    expect(await runPatchBaseline(deps, ctx, { Operation: 'Upgrade' })).toMatchObject({ exitCode: 1, stderr: 'AWS-RunPatchBaseline: Operation must be Scan or Install, not "Upgrade"\n' });
    expect(await runPatchBaseline(deps, ctx, { Operation: 'Install', InstallOverrideList: join(work, 'nowhere.yaml') })).toMatchObject({ exitCode: 1, stderr: expect.stringMatching(/ENOENT/) });
    const bad = join(work, 'bad-override.yaml');
    writeFileSync(bad, 'OperatingSystem: DEBIAN\nRejectedPatchesAction: NEVER\n');
    expect((await runPatchBaseline(deps, ctx, { Operation: 'Scan', BaselineOverride: bad })).stderr).toMatch(/is not a valid baseline:\n\/RejectedPatchesAction: "RejectedPatchesAction" must be one of/);
    expect(dpkgVersions(root)).toEqual({ hello: '1.0-1' });
  });
});

describe('drover validate on baselines', () => {
  it('checks each baseline file, then the folder as a whole, with positions', async () => {
    const dir = join(work, 'validate');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'a.yaml'), 'OperatingSystem: DEBIAN\nPatchGroups: [web]\nApprovedPatches: [openssl]\n');
    writeFileSync(join(dir, 'b.yaml'), 'OperatingSystem: DEBIAN\nPatchGroups: [db, web]\nApprovedPatches: [openssl]\n');
    writeFileSync(join(dir, 'c.yaml'), 'OperatingSystem: UBUNTU\nApprovalRules:\n  PatchRules:\n    - PatchFilterGroup:\n        PatchFilters:\n          - Key: CLASSIFICATION\n            Values: [Security]\n');
    const out = await runCli(['validate', dir], { ...process.env, NO_COLOR: '1' });
    expect(out.code).toBe(1);
    expect(out.stderr).toContain(`${join(dir, 'b.yaml')}:2:19: error duplicate-patch-group: Patch group "web" already uses a for DEBIAN.`);
    expect(out.stderr).toContain(`${join(dir, 'c.yaml')}:6:18: error invalid-filter-key: CLASSIFICATION is not a patch filter of UBUNTU baselines.`);
    const ok = await runCli(['validate', fileURLToPath(new URL('../../baselines', import.meta.url))], process.env);
    expect(ok.code).toBe(0);
  });
});
