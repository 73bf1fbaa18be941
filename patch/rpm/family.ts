// The RPM family (Red Hat, Rocky, Alma, Oracle, CentOS, Amazon Linux): what a baseline's
// evaluation needs to know about yum and dnf repositories, as SSM defines it.
//   properties  a version is described by each update notice (updateinfo.xml) that lists it:
//               CLASSIFICATION is the notice's type, SEVERITY its severity (None when it has
//               none), ADVISORY_ID, CVE_ID, BUGZILLA_ID its id and references
//   security    without EnableNonSecurity a rule approves versions listed by a notice (SSM's
//               `dnf upgrade-minimal --sec-severity=… --bugfix`); with it, others too
//   dates       ApproveAfterDays counts from the notice's issued date (Amazon Linux 2: its
//               updated date, as SSM documents), else the package's build time, else zero
//   lists       SSM's package name formats with `*`; ApprovedPatches also takes advisory,
//               CVE and Bugzilla ids
import type { OperatingSystem } from '../baseline';
import type { ApprovalFacet, PatchFamily } from '../family';
import type { Advisory, AvailableVersion } from '../packages';
import { isAdvisoryReference, matchesAdvisoryReference, matchesRpmPackage, plainName } from './patch-names';
import { compareRpmVersions, formatEvr, parseEvr } from './rpm-version';

/** Operating systems whose approval delays count from a notice's updated date (SSM: Amazon Linux and Amazon Linux 2). */
const DATED_BY_UPDATE: readonly OperatingSystem[] = ['AMAZON_LINUX_2'];

function time(iso: string | undefined): number | undefined {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(t) ? undefined : t;
}

export function noticeDate(advisory: Advisory, os: OperatingSystem): number | undefined {
  const [first, second] = DATED_BY_UPDATE.includes(os) ? [advisory.updated, advisory.issued] : [advisory.issued, advisory.updated];
  return time(first) ?? time(second);
}

function facets(version: AvailableVersion, product: string, os: OperatingSystem): ApprovalFacet[] {
  const built = time(version.buildTime);
  const notices = version.advisories ?? [];
  if (!notices.length) return [{ properties: { PRODUCT: product }, security: false, ...(built !== undefined ? { published: built } : {}), undated: 'approve' }];
  return notices.map((advisory) => {
    const published = noticeDate(advisory, os) ?? built;
    return {
      properties: {
        PRODUCT: product,
        CLASSIFICATION: advisory.type,
        SEVERITY: advisory.severity ?? 'None',
        ADVISORY_ID: advisory.id,
        CVE_ID: advisory.cves,
        BUGZILLA_ID: advisory.bugzillas,
      },
      security: true,
      ...(published !== undefined ? { published } : {}),
      undated: 'approve',
      advisory,
    };
  });
}

export const RPM_FAMILY: PatchFamily = {
  kind: 'rpm',
  neutralArchitecture: 'noarch',
  compareVersions: compareRpmVersions,
  facets: (version, product, baseline) => facets(version, product, baseline.operatingSystem),
  approvedBy: (entry, name, architecture, version) =>
    isAdvisoryReference(entry.trim()) ? (version.advisories ?? []).some((a) => matchesAdvisoryReference(entry, a)) : matchesRpmPackage(entry, { name, architecture, evr: version.version }),
  rejectedBy: (entry, name, architecture, version) => !isAdvisoryReference(entry.trim()) && matchesRpmPackage(entry, { name, architecture, evr: version }),
  isSecurityUpdate: (version) => (version.advisories ?? []).some((a) => a.type.toLowerCase() === 'security'),
  title: (name, architecture) => `${name}.${architecture}`,
  spec: (name, architecture, version) => `${name}-${formatEvr(parseEvr(version))}.${architecture}`,
  plainName,
};
