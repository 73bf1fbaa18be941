// The pure patch evaluation: approval (rejected list, approved list, rules with filters,
// security origin and publication dates), SSM's per-patch states, counts and compliance.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { compileBaseline } from '../../../compiler/baseline/index';
import { evaluateApproval, filtersMatch, matchesPatchName } from '../../../patch/approval';
import { compareDebianVersions } from '../../../patch/debian-version';
import { evaluateNode } from '../../../patch/evaluate';
import { summarise } from '../../../patch/patch-state';
import { selectBaseline } from '../../../patch/select';
import type { AvailableVersion, NodePackages, PackageOrigin } from '../../../patch/packages';
import type { PatchBaseline } from '../../../patch/baseline';
import { dedent } from '../compiler/helpers';

function baseline(text: string, file = 'test.yaml'): PatchBaseline {
  const { baseline, diagnostics } = compileBaseline(dedent(text), file);
  if (!baseline) throw new Error(diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`).join('\n'));
  return baseline;
}

const SECURITY: PackageOrigin = { origin: 'Debian', label: 'Debian-Security', suite: 'stable-security', codename: 'bookworm-security', date: '2024-03-01T00:00:00Z', security: true };
const MAIN: PackageOrigin = { origin: 'Debian', label: 'Debian', suite: 'stable', codename: 'bookworm', date: '2024-02-10T00:00:00Z', security: false };

const v = (version: string, origins: PackageOrigin[], section = 'utils', priority = 'optional'): AvailableVersion => ({ version, architecture: 'amd64', section, priority, origins });

/** openssl and libfoo have security updates, curl a plain one, zlib none. */
function node(): NodePackages {
  return {
    product: 'Debian12',
    installed: [
      { name: 'openssl', architecture: 'amd64', version: '3.0.11-1~deb12u1', section: 'utils', priority: 'optional' },
      { name: 'libfoo', architecture: 'amd64', version: '2.0-1', section: 'libs', priority: 'optional' },
      { name: 'curl', architecture: 'amd64', version: '7.88.1-10', section: 'web', priority: 'optional' },
      { name: 'zlib1g', architecture: 'amd64', version: '1:1.2.13.dfsg-1', section: 'libs', priority: 'required' },
    ],
    available: {
      'openssl:amd64': [v('3.0.11-1~deb12u1', [MAIN]), v('3.0.11-1~deb12u2', [SECURITY])],
      'libfoo:amd64': [v('2.0-1', [MAIN], 'libs'), v('2.0-2', [SECURITY], 'libs')],
      'curl:amd64': [v('7.88.1-10', [MAIN], 'web'), v('7.88.1-10+deb12u5', [MAIN], 'web')],
      'zlib1g:amd64': [v('1:1.2.13.dfsg-1', [MAIN], 'libs', 'required')],
    },
  };
}

const NOW = new Date('2024-03-20T00:00:00Z');

const SECURITY_BASELINE = `
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

describe('Debian version order', () => {
  it('orders versions exactly as dpkg --compare-versions does', () => {
    const versions = ['1.0', '1.0-1', '1.0-2', '1.0~rc1', '1.0~rc1-1', '1:0.9', '1.0+b1', '1.0.1', '1.00', '1.0a', '1.0-1ubuntu0.1', '2.0-1~deb12u1', '2.0-1', '0:1.0', '3.0.11-1~deb12u2', '3.0.11-1~deb12u1', '1.2.13.dfsg-1', '10', '9', 'a', 'A', '1.0-1.1', '1.0-1+deb12u1', '1.0~~', '1.0~', '2:1-0', '1.0-0'];
    // Sorted by our order, each neighbour pair must compare the same way in dpkg: that pins
    // the whole order with one dpkg call per pair.
    const sorted = [...versions].sort(compareDebianVersions);
    const mismatches: string[] = [];
    for (let i = 1; i < sorted.length; i++) {
      const [a, b] = [sorted[i - 1]!, sorted[i]!];
      const op = compareDebianVersions(a, b) === 0 ? 'eq' : 'lt';
      if (!dpkgSays(a, op, b)) mismatches.push(`${a} ${op} ${b}`);
    }
    expect(mismatches).toEqual([]);
    expect(sorted.indexOf('1.0~~')).toBeLessThan(sorted.indexOf('1.0~'));
  });
});

function dpkgSays(a: string, op: string, b: string): boolean {
  try {
    execFileSync('dpkg', ['--compare-versions', a, op, b], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('approval', () => {
  it('matches names, name:arch and name=version, with * in names', () => {
    expect(matchesPatchName('openssl', 'openssl', 'amd64', '1')).toBe(true);
    expect(matchesPatchName('openssl:amd64', 'openssl', 'amd64', '1')).toBe(true);
    expect(matchesPatchName('openssl:arm64', 'openssl', 'amd64', '1')).toBe(false);
    expect(matchesPatchName('openssl=1', 'openssl', 'amd64', '1')).toBe(true);
    expect(matchesPatchName('openssl=2', 'openssl', 'amd64', '1')).toBe(false);
    expect(matchesPatchName('lib*', 'libfoo', 'amd64', '1')).toBe(true);
    expect(matchesPatchName('lib*', 'openssl', 'amd64', '1')).toBe(false);
  });

  it('matches filters case-insensitively, sections with or without their component', () => {
    expect(filtersMatch([{ key: 'PRIORITY', values: ['Optional'] }], { PRIORITY: 'optional' })).toBe(true);
    expect(filtersMatch([{ key: 'SECTION', values: ['net'] }], { SECTION: 'contrib/net' })).toBe(true);
    expect(filtersMatch([{ key: 'SECTION', values: ['main/net'] }], { SECTION: 'contrib/net' })).toBe(false);
    expect(filtersMatch([{ key: 'PRODUCT', values: ['Debian11'] }, { key: 'PRIORITY', values: ['*'] }], { PRODUCT: 'Debian12', PRIORITY: 'optional' })).toBe(false);
    expect(filtersMatch([{ key: 'SECTION', values: ['*'] }], {})).toBe(true);
  });

  it('approves security updates only, unless the rule enables non-security ones', () => {
    const b = baseline(SECURITY_BASELINE);
    const candidate = (version: AvailableVersion) => ({ name: 'curl', architecture: 'amd64', version });
    expect(evaluateApproval(b, candidate(v('2', [SECURITY])), 'Debian12', NOW)).toMatchObject({ approved: true, complianceLevel: 'CRITICAL', by: 'rule 1' });
    expect(evaluateApproval(b, candidate(v('2', [MAIN])), 'Debian12', NOW)).toMatchObject({ approved: false, reason: expect.stringMatching(/^not a security update/) });
    const all = baseline(SECURITY_BASELINE.replace('ComplianceLevel: CRITICAL', 'ComplianceLevel: LOW\n        EnableNonSecurity: true'));
    expect(evaluateApproval(all, candidate(v('2', [MAIN])), 'Debian12', NOW)).toMatchObject({ approved: true, complianceLevel: 'LOW' });
  });

  it('waits ApproveAfterDays after the suite publication date, and honours ApproveUntilDate', () => {
    const after = (days: number) => baseline(SECURITY_BASELINE.replace('ComplianceLevel: CRITICAL', `ComplianceLevel: CRITICAL\n        ApproveAfterDays: ${days}`));
    const candidate = { name: 'openssl', architecture: 'amd64', version: v('2', [SECURITY]) }; // published 2024-03-01
    expect(evaluateApproval(after(19), candidate, 'Debian12', NOW).approved).toBe(true);
    expect(evaluateApproval(after(20), candidate, 'Debian12', NOW)).toMatchObject({ approved: false, reason: 'published less than 20 day(s) ago' });
    const until = (date: string) => baseline(SECURITY_BASELINE.replace('ComplianceLevel: CRITICAL', `ComplianceLevel: CRITICAL\n        ApproveUntilDate: '${date}'`));
    expect(evaluateApproval(until('2024-03-01'), candidate, 'Debian12', NOW).approved).toBe(true);
    expect(evaluateApproval(until('2024-02-29'), candidate, 'Debian12', NOW).approved).toBe(false);
    const undated = { ...candidate, version: v('2', [{ ...SECURITY, date: undefined }]) };
    expect(evaluateApproval(after(0), undated, 'Debian12', NOW)).toMatchObject({ approved: false, reason: 'its repository gives no publication date' });
  });

  it('lets the rejected list win over the approved list, and the approved list skip the rules', () => {
    const b = baseline(`
      OperatingSystem: DEBIAN
      ApprovedPatches: [openssl, libfoo]
      ApprovedPatchesComplianceLevel: MEDIUM
      RejectedPatches: [libfoo]
    `);
    expect(evaluateApproval(b, { name: 'openssl', architecture: 'amd64', version: v('2', [SECURITY]) }, 'Debian12', NOW)).toMatchObject({ approved: true, complianceLevel: 'MEDIUM', by: 'approved-list' });
    expect(evaluateApproval(b, { name: 'libfoo', architecture: 'amd64', version: v('2', [SECURITY]) }, 'Debian12', NOW)).toMatchObject({ approved: false, rejected: true });
    // Without ApprovedPatchesEnableNonSecurity, the list approves security updates only (SSM).
    expect(evaluateApproval(b, { name: 'openssl', architecture: 'amd64', version: v('2', [MAIN]) }, 'Debian12', NOW).approved).toBe(false);
  });
});

describe('evaluateNode', () => {
  it('reports Missing for the approved security update only, the rejected one not at all', () => {
    const { records, installable } = evaluateNode(baseline(SECURITY_BASELINE), node(), NOW);
    const states = Object.fromEntries(records.map((r) => [r.title, r.state]));
    expect(states).toEqual({ openssl: 'Missing', libfoo: 'InstalledOther', curl: 'InstalledOther', zlib1g: 'InstalledOther' });
    expect(installable.map((i) => i.spec)).toEqual(['openssl:amd64=3.0.11-1~deb12u2']);
    const openssl = records.find((r) => r.title === 'openssl')!;
    expect(openssl).toMatchObject({ installedVersion: '3.0.11-1~deb12u1', availableVersion: '3.0.11-1~deb12u2', severity: 'CRITICAL', security: true });
    const summary = summarise(records);
    expect(summary).toMatchObject({ compliance: 'NON_COMPLIANT', severity: 'CRITICAL', criticalNonCompliantCount: 1, securityNonCompliantCount: 1, otherNonCompliantCount: 0 });
    expect(summary.counts).toMatchObject({ Missing: 1, InstalledOther: 3, Installed: 0 });
    expect(summary.missingBySeverity.CRITICAL).toBe(1);
  });

  it('reports Installed once the approved version is there, and compliance follows', () => {
    const after = node();
    after.installed[0]!.version = '3.0.11-1~deb12u2';
    const { records } = evaluateNode(baseline(SECURITY_BASELINE), after, NOW);
    expect(records.find((r) => r.title === 'openssl')).toMatchObject({ state: 'Installed', severity: 'CRITICAL' });
    expect(summarise(records)).toMatchObject({ compliance: 'COMPLIANT' });
    expect(summarise(records).severity).toBeUndefined();
  });

  it('reports InstalledRejected for an installed rejected version under BLOCK, InstalledOther when allowed as a dependency', () => {
    const installedRejected = node();
    installedRejected.installed[1]!.version = '2.0-2';
    const block = evaluateNode(baseline(SECURITY_BASELINE), installedRejected, NOW).records;
    expect(block.find((r) => r.title === 'libfoo')!.state).toBe('InstalledRejected');
    expect(summarise(block).compliance).toBe('NON_COMPLIANT');
    const allow = evaluateNode(baseline(SECURITY_BASELINE.replace('BLOCK', 'ALLOW_AS_DEPENDENCY')), installedRejected, NOW).records;
    expect(allow.find((r) => r.title === 'libfoo')!.state).toBe('InstalledOther');
  });

  it('reports Failed for the version the last install failed on, InstalledPendingReboot until the reboot', () => {
    const failed = evaluateNode(baseline(SECURITY_BASELINE), node(), NOW, { failed: { 'openssl=3.0.11-1~deb12u2': 'dpkg: error' } });
    expect(failed.records.find((r) => r.title === 'openssl')).toMatchObject({ state: 'Failed', detail: 'The last install failed: dpkg: error' });
    expect(summarise(failed.records).missingBySeverity.CRITICAL).toBe(1);
    const installed = node();
    installed.installed[0]!.version = '3.0.11-1~deb12u2';
    const pending = evaluateNode(baseline(SECURITY_BASELINE), installed, NOW, { pendingReboot: ['openssl'] }).records;
    expect(pending.find((r) => r.title === 'openssl')).toMatchObject({ state: 'InstalledPendingReboot', severity: 'CRITICAL' });
    expect(summarise(pending)).toMatchObject({ compliance: 'NON_COMPLIANT', severity: 'CRITICAL' });
  });

  it('reports NotApplicable for approved patches the node does not have', () => {
    const b = baseline('OperatingSystem: DEBIAN\nApprovedPatches: [nginx, openssl]\nApprovedPatchesComplianceLevel: HIGH\n');
    const { records } = evaluateNode(b, node(), NOW);
    expect(records.filter((r) => r.state === 'NotApplicable').map((r) => r.title)).toEqual(['nginx']);
    expect(summarise(records).counts.NotApplicable).toBe(1);
  });

  it('picks the newest approved version, not merely the newest', () => {
    const n = node();
    n.available['openssl:amd64']!.push(v('3.1.0-1', [MAIN]));
    const { installable } = evaluateNode(baseline(SECURITY_BASELINE), n, NOW);
    expect(installable.map((i) => i.version)).toEqual(['3.0.11-1~deb12u2']);
  });
});

describe('selectBaseline', () => {
  it('picks the patch group baseline of the node OS, else the OS default', () => {
    const web = baseline('OperatingSystem: DEBIAN\nPatchGroups: [web]\nApprovedPatches: [a]\n', 'web.yaml');
    const webUbuntu = baseline('OperatingSystem: UBUNTU\nPatchGroups: [web]\nApprovedPatches: [a]\n', 'web-ubuntu.yaml');
    const fallback = baseline('OperatingSystem: DEBIAN\nDefaultBaseline: true\nApprovedPatches: [a]\n', 'default.yaml');
    const set = [web, webUbuntu, fallback];
    expect(selectBaseline(set, 'DEBIAN', { 'Patch Group': 'web' })).toMatchObject({ baseline: { name: 'web' }, patchGroup: 'web', reason: 'patch group web' });
    expect(selectBaseline(set, 'UBUNTU', { PatchGroup: 'web' })?.baseline.name).toBe('web-ubuntu');
    expect(selectBaseline(set, 'DEBIAN', { PatchGroup: 'db' })).toMatchObject({ baseline: { name: 'default' }, patchGroup: 'db', reason: 'default for DEBIAN' });
    expect(selectBaseline(set, 'UBUNTU', {})).toBeUndefined();
  });
});
