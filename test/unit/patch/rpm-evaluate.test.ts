// The RPM family's pure parts: rpm's version order (checked against rpm's own labelCompare),
// SSM's package name formats and advisory references, updateinfo.xml parsing, and a
// baseline's evaluation over update notices (classification, severity, ids, dates).
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { compileBaseline } from '../../../compiler/baseline/index';
import { evaluateApproval } from '../../../patch/approval';
import type { PatchBaseline } from '../../../patch/baseline';
import { evaluateNode } from '../../../patch/evaluate';
import { osOf } from '../../../patch/os-release';
import type { Advisory, AvailableVersion, NodePackages } from '../../../patch/packages';
import { RPM_FAMILY } from '../../../patch/rpm/family';
import { isAdvisoryReference, matchesRpmPackage, plainName } from '../../../patch/rpm/patch-names';
import { compareRpmVersions } from '../../../patch/rpm/rpm-version';
import { indexNotices, parseNoticeDate, parseUpdateinfo, updateinfoLocation } from '../../../patch/rpm/updateinfo';
import { updateinfoXml } from '../../helpers/rpm-repo';
import { dedent } from '../compiler/helpers';

function baseline(text: string): PatchBaseline {
  const { baseline, diagnostics } = compileBaseline(dedent(text), 'rpm.yaml');
  if (!baseline) throw new Error(diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`).join('\n'));
  return baseline;
}

const PAIRS: [string, string][] = [
  ['1.0-1', '1.0-2'],
  ['1.0-10', '1.0-9'],
  ['1:1.0-1', '2.0-1'],
  ['1.0~rc1-1', '1.0-1'],
  ['1.0^git1-1', '1.0-1'],
  ['1.0^git1-1', '1.0.1-1'],
  ['1.0a-1', '1.0-1'],
  ['1.0.a-1', '1.0.1-1'],
  ['2.0.1-1.el9', '2.0.1-1.el9_2'],
  ['5.14.0-362.8.1.el9_3', '5.14.0-70.13.1.el9_0'],
  ['1.01-1', '1.1-1'],
  ['1.0_1-1', '1.0.1-1'],
  ['3.0.7-25.el9', '1:3.0.7-24.el9'],
  ['0:1.0-1', '1.0-1'],
  ['1.0-1.fc39', '1.0-1.fc39'],
  ['abc-1', 'abd-1'],
  ['1.0~~-1', '1.0~-1'],
];

describe('RPM version order', () => {
  it('orders EVRs exactly as rpm.labelCompare', () => {
    const script = [
      'import json, sys, rpm',
      'def evr(s):',
      '    e, _, rest = s.rpartition(":") if ":" in s else ("0", "", s)',
      '    v, _, r = rest.rpartition("-")',
      '    return (e or "0", v, r)',
      'print(json.dumps([rpm.labelCompare(evr(a), evr(b)) for a, b in json.load(sys.stdin)]))',
    ].join('\n');
    let expected: number[];
    try {
      expected = JSON.parse(execFileSync('/usr/bin/python3', ['-c', script], { input: JSON.stringify(PAIRS), encoding: 'utf8' })) as number[];
    } catch (e) {
      throw new Error(`rpm's Python binding is needed to check the order against rpm itself (apt-get install -y python3-rpm, which dnf brings): ${(e as Error).message}`);
    }
    expect(PAIRS.map(([a, b]) => Math.sign(compareRpmVersions(a, b)))).toEqual(expected);
  });
});

describe("SSM's RPM package name formats", () => {
  const pkg = { name: 'openssl', architecture: 'x86_64', evr: '1:3.0.7-25.el9' };
  it('matches full names, epochs, architectures and wildcards', () => {
    for (const entry of ['openssl', 'openssl.x86_64', 'openssl-3.0.7-25.el9.x86_64', 'openssl-1:3.0.7-25.el9.x86_64', 'openssl-3.0.*', 'openssl-*.x86_64', 'openssl-1:3.0.7-*.el9.x86_64', '1:openssl-3.0.7-25.el9.x86_64']) {
      expect([entry, matchesRpmPackage(entry, pkg)]).toEqual([entry, true]);
    }
    for (const entry of ['openssl-libs', 'openssl.aarch64', 'openssl-3.0.7-24.el9.x86_64', 'openssl-2:3.0.7-25.el9.x86_64', 'openssl-3.1*']) {
      expect([entry, matchesRpmPackage(entry, pkg)]).toEqual([entry, false]);
    }
  });

  it('tells advisory, CVE and Bugzilla ids from package names', () => {
    expect(['RHSA-2024:0001', 'ALAS2023-2024-123', 'ALAS-2018-1', 'ELSA-2024-1234', 'CVE-2024-12345', '1600646'].every(isAdvisoryReference)).toBe(true);
    expect(['openssl', 'openssl-3.0.7-25.el9.x86_64', 'kernel*'].some(isAdvisoryReference)).toBe(false);
    expect(['openssl', 'openssl.x86_64', 'python3-libs', 'openssl-3.0.7-25.el9.x86_64', 'kernel*'].map(plainName)).toEqual(['openssl', 'openssl', 'python3-libs', undefined, undefined]);
  });
});

describe('updateinfo.xml', () => {
  it('reads notices with their dates, references and packages, and finds them through repomd.xml', () => {
    const xml = updateinfoXml([
      { id: 'RHSA-2024:0001', type: 'security', severity: 'Important', issued: new Date('2024-01-02T03:04:05Z'), updated: new Date('2024-01-09T00:00:00Z'), cves: ['CVE-2024-1'], bugzillas: ['42'], packages: [{ name: 'openssl', version: '3.0.7', release: '25.el9', epoch: 1 }] },
      { id: 'RHBA-2024:0002', type: 'bugfix', issued: new Date('2024-02-01T00:00:00Z'), packages: [{ name: 'bash', version: '5.1.8', release: '9.el9' }] },
    ]);
    const notices = parseUpdateinfo(xml);
    expect(notices[0]).toEqual({
      advisory: { id: 'RHSA-2024:0001', type: 'security', severity: 'Important', issued: '2024-01-02T03:04:05.000Z', updated: '2024-01-09T00:00:00.000Z', cves: ['CVE-2024-1'], bugzillas: ['42'], title: 'openssl security update' },
      packages: [{ name: 'openssl', architecture: 'noarch', evr: '1:3.0.7-25.el9' }],
    });
    expect(notices[1]!.advisory).not.toHaveProperty('severity');
    expect(indexNotices(notices).get('bash:noarch')!.get('5.1.8-9.el9')!.map((a) => a.id)).toEqual(['RHBA-2024:0002']);
    expect(['1704164645', '2024-01-02', '2024-01-02 03:04:05', '2024-01-02T03:04:05+02:00'].map(parseNoticeDate)).toEqual(['2024-01-02T03:04:05.000Z', '2024-01-02T00:00:00.000Z', '2024-01-02T03:04:05.000Z', '2024-01-02T01:04:05.000Z']);
    const repomd = '<?xml version="1.0"?><repomd xmlns="http://linux.duke.edu/metadata/repo"><data type="primary"><location href="repodata/a-primary.xml.gz"/></data><data type="updateinfo"><location href="repodata/b-updateinfo.xml.gz"/></data></repomd>';
    expect(updateinfoLocation(repomd)).toBe('repodata/b-updateinfo.xml.gz');
  });
});

const NOW = new Date('2024-03-20T00:00:00Z');
const notice = (id: string, type: string, severity: string | undefined, issued: string, extra: Partial<Advisory> = {}): Advisory => ({ id, type, ...(severity ? { severity } : {}), issued, cves: [], bugzillas: [], ...extra });
const rv = (version: string, advisories: Advisory[] = [], buildTime?: string): AvailableVersion => ({ version, architecture: 'x86_64', origins: [], repository: 'baseos', advisories, ...(buildTime ? { buildTime } : {}) });

const AWS_RHEL = `
  OperatingSystem: REDHAT_ENTERPRISE_LINUX
  ApprovalRules:
    PatchRules:
      - PatchFilterGroup:
          PatchFilters:
            - Key: CLASSIFICATION
              Values: [Security]
            - Key: SEVERITY
              Values: [Critical, Important]
        ApproveAfterDays: 7
      - PatchFilterGroup:
          PatchFilters:
            - Key: CLASSIFICATION
              Values: [Bugfix]
        ApproveAfterDays: 7
`;

describe('evaluating an RPM node', () => {
  const approve = (b: PatchBaseline, version: AvailableVersion, os = 'REDHAT_ENTERPRISE_LINUX') =>
    evaluateApproval({ ...b, operatingSystem: os as PatchBaseline['operatingSystem'] }, { name: 'openssl', architecture: 'x86_64', version }, 'RedhatEnterpriseLinux9.4', NOW, RPM_FAMILY);

  it("approves by the notice's classification and severity, a week after it was issued", () => {
    const b = baseline(AWS_RHEL);
    expect(approve(b, rv('1.0-2', [notice('RHSA-1', 'security', 'Critical', '2024-03-01T00:00:00Z')]))).toMatchObject({ approved: true, by: 'rule 1', security: true });
    expect(approve(b, rv('1.0-2', [notice('RHSA-1', 'security', 'Critical', '2024-03-15T00:00:00Z')]))).toMatchObject({ approved: false, reason: 'published less than 7 day(s) ago' });
    expect(approve(b, rv('1.0-2', [notice('RHSA-1', 'security', 'Moderate', '2024-03-01T00:00:00Z')]))).toMatchObject({ approved: false, reason: 'no approval rule matches' });
    expect(approve(b, rv('1.0-2', [notice('RHBA-1', 'bugfix', undefined, '2024-03-01T00:00:00Z')]))).toMatchObject({ approved: true, by: 'rule 2', security: false });
    // No notice: not a security update in SSM's sense, whatever its build time.
    expect(approve(b, rv('1.0-2', [], '2024-01-01T00:00:00Z'))).toMatchObject({ approved: false, reason: 'no approval rule matches' });
    // A version in two notices: one that passes is enough.
    expect(approve(b, rv('1.0-2', [notice('RHSA-2', 'security', 'Low', '2024-03-01T00:00:00Z'), notice('RHSA-3', 'security', 'Important', '2024-03-01T00:00:00Z')]))).toMatchObject({ approved: true });
  });

  it('counts Amazon Linux 2 delays from the updated date, the others from the issued date, and undated notices from the build time', () => {
    const b = baseline(AWS_RHEL);
    const late = notice('ALAS2-1', 'security', 'Critical', '2024-03-01T00:00:00Z', { updated: '2024-03-18T00:00:00Z' });
    expect(approve(b, rv('1.0-2', [late]))).toMatchObject({ approved: true });
    expect(approve(b, rv('1.0-2', [late]), 'AMAZON_LINUX_2')).toMatchObject({ approved: false, reason: 'published less than 7 day(s) ago' });
    const undated: Advisory = { id: 'X-1', type: 'security', severity: 'Critical', cves: [], bugzillas: [] };
    expect(approve(b, rv('1.0-2', [undated], '2024-03-19T00:00:00Z'))).toMatchObject({ approved: false });
    // Nothing dates it at all: SSM counts the delay as zero.
    expect(approve(b, rv('1.0-2', [undated]))).toMatchObject({ approved: true });
  });

  it('filters by advisory, CVE and Bugzilla ids, and approves by id in ApprovedPatches', () => {
    const v = rv('1.0-2', [notice('RHSA-2024:0042', 'security', 'Low', '2024-03-01T00:00:00Z', { cves: ['CVE-2024-0007'], bugzillas: ['99'] })]);
    const byKey = (key: string, value: string) => approve(baseline(`OperatingSystem: REDHAT_ENTERPRISE_LINUX\nApprovalRules:\n  PatchRules:\n    - PatchFilterGroup:\n        PatchFilters:\n          - Key: ${key}\n            Values: ['${value}']\n`), v);
    expect([byKey('ADVISORY_ID', 'RHSA-2024:*'), byKey('CVE_ID', 'CVE-2024-0007'), byKey('BUGZILLA_ID', '99'), byKey('CVE_ID', 'CVE-2024-0008')].map((a) => a.approved)).toEqual([true, true, true, false]);
    const listed = (entry: string) => approve(baseline(`OperatingSystem: REDHAT_ENTERPRISE_LINUX\nApprovedPatches: ['${entry}']\nApprovedPatchesComplianceLevel: HIGH\n`), v);
    expect(['RHSA-2024:0042', 'CVE-2024-0007', '99', 'openssl-1.0-2.x86_64', 'RHSA-2024:0043'].map((e) => listed(e).approved)).toEqual([true, true, true, true, false]);
    // A non-security update on the approved list needs ApprovedPatchesEnableNonSecurity.
    const plain = rv('1.0-3');
    expect(approve(baseline(`OperatingSystem: REDHAT_ENTERPRISE_LINUX\nApprovedPatches: [openssl]\n`), plain).approved).toBe(false);
    expect(approve(baseline(`OperatingSystem: REDHAT_ENTERPRISE_LINUX\nApprovedPatches: [openssl]\nApprovedPatchesEnableNonSecurity: true\n`), plain).approved).toBe(true);
  });

  it('reports InstalledRejected for an installed rejected version under BLOCK, and the newest approved version as Missing', () => {
    const node: NodePackages = {
      product: 'RedhatEnterpriseLinux9.4',
      installed: [
        { name: 'openssl', architecture: 'x86_64', version: '1:3.0.7-24.el9' },
        { name: 'curl', architecture: 'x86_64', version: '7.76.1-26.el9' },
      ],
      available: {
        'openssl:x86_64': [rv('1:3.0.7-25.el9', [notice('RHSA-9', 'security', 'Important', '2024-03-01T00:00:00Z')]), rv('1:3.0.7-27.el9', [notice('RHSA-10', 'security', 'Critical', '2024-03-02T00:00:00Z')]), rv('1:3.0.7-28.el9')],
        'curl:x86_64': [rv('7.76.1-26.el9'), rv('7.76.1-29.el9', [notice('RHSA-11', 'security', 'Important', '2024-03-02T00:00:00Z')])],
      },
    };
    const b = baseline(`${AWS_RHEL}  RejectedPatches: ['curl-7.76.1-26.el9.x86_64']\n  RejectedPatchesAction: BLOCK\n`);
    const { records, installable } = evaluateNode(b, node, NOW, {}, RPM_FAMILY);
    expect(records.map((r) => `${r.title} ${r.state} ${r.availableVersion ?? ''}`.trim())).toEqual(['curl.x86_64 Missing 7.76.1-29.el9', 'openssl.x86_64 Missing 1:3.0.7-27.el9']);
    expect(installable.map((i) => i.spec)).toEqual(['curl-7.76.1-29.el9.x86_64', 'openssl-1:3.0.7-27.el9.x86_64']);
    const installed = { ...node, installed: [{ name: 'curl', architecture: 'x86_64', version: '7.76.1-26.el9' }], available: { 'curl:x86_64': [rv('7.76.1-26.el9')] } };
    expect(evaluateNode(b, installed, NOW, {}, RPM_FAMILY).records[0]).toMatchObject({ title: 'curl.x86_64', state: 'InstalledRejected' });
  });
});

describe('operating systems from os-release', () => {
  it("names them and their products as SSM does", () => {
    const of = (ID: string, VERSION_ID: string, PRETTY_NAME = `${ID} ${VERSION_ID}`) => {
      const o = osOf({ ID, VERSION_ID, PRETTY_NAME });
      return `${o.os} ${o.product} ${o.family}`;
    };
    expect([of('rhel', '9.4'), of('amzn', '2023'), of('amzn', '2'), of('rocky', '9.3'), of('almalinux', '8.9'), of('ol', '8.9'), of('centos', '9', 'CentOS Stream 9'), of('debian', '12')]).toEqual([
      'REDHAT_ENTERPRISE_LINUX RedhatEnterpriseLinux9.4 rpm',
      'AMAZON_LINUX_2023 AmazonLinux2023 rpm',
      'AMAZON_LINUX_2 AmazonLinux2 rpm',
      'ROCKY_LINUX RockyLinux9.3 rpm',
      'ALMA_LINUX AlmaLinux8.9 rpm',
      'ORACLE_LINUX OracleLinux8.9 rpm',
      'CENTOS CentOSStream9 rpm',
      'DEBIAN Debian12 apt',
    ]);
    expect(() => osOf({ ID: 'arch', PRETTY_NAME: 'Arch Linux' })).toThrow(/Drover does not patch Arch Linux/);
  });
});

describe('RPM-family baselines', () => {
  it('check package names, ids and severities per operating system, at their positions', () => {
    const codes = (text: string) => compileBaseline(dedent(text), 'b.yaml').diagnostics.map((d) => `${d.code}@${d.line}:${d.col}`);
    expect(
      codes(`
        OperatingSystem: REDHAT_ENTERPRISE_LINUX
        ApprovalRules:
          PatchRules:
            - PatchFilterGroup:
                PatchFilters:
                  - Key: SEVERITY
                    Values: [Critical, Medium]
                  - Key: CVE_ID
                    Values: [CVE-2024-0001]
        ApprovedPatches: [openssl-1:3.0.7-25.el9.x86_64, RHSA-2024:0001, CVE-2024-0001, 'bad name']
        RejectedPatches: ['kernel-5.14*', RHSA-2024:0002]
      `),
    ).toEqual(['invalid-filter-value@7:32', 'invalid-patch-name@10:81', 'advisory-in-rejected@11:35']);
    // Amazon Linux says Medium.
    expect(codes('OperatingSystem: AMAZON_LINUX_2023\nApprovalRules:\n  PatchRules:\n    - PatchFilterGroup:\n        PatchFilters:\n          - Key: SEVERITY\n            Values: [Medium]\n')).toEqual([]);
  });
});

describe('the installroot guard and the yum fallback', () => {
  it('builds confined calls for dnf, yum, repoquery and rpm, and finds the package manager on PATH', async () => {
    const { RpmRoot, findManager } = await import('../../../patch/rpm/rpm-root');
    const dnf = new RpmRoot('/srv/node', 'dnf');
    expect(dnf.call('repoquery', ['-q'], { releasever: '9' })).toMatchObject({ command: 'dnf', args: ['repoquery', '--installroot=/srv/node', '--config=/srv/node/etc/dnf/dnf.conf', '--setopt=reposdir=/srv/node/etc/yum.repos.d', '--noplugins', '--releasever=9', '-q'], env: { HOME: '/' } });
    // Amazon Linux 2 and RHEL 7 have yum (and yum-utils' repoquery) only.
    const yum = new RpmRoot('/srv/node', 'yum');
    expect(yum.call('manager', ['makecache'])).toMatchObject({ command: 'yum', args: ['--installroot=/srv/node', '--config=/srv/node/etc/yum.conf', '--setopt=reposdir=/srv/node/etc/yum.repos.d', '--noplugins', 'makecache'] });
    expect(yum.call('repoquery', ['-a']).command).toBe('repoquery');
    expect(yum.call('rpm', ['-qa']).args).toEqual(['--root=/srv/node', '-qa']);
    expect(findManager('/nonexistent')).toBeUndefined();
    expect(findManager('/usr/bin:/bin')).toBe('dnf');
  });
});
