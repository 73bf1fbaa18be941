// What RPM-family baselines put in ApprovedPatches and RejectedPatches, in SSM's formats for
// yum and dnf: package names in full or with `*` (`openssl`, `openssl.x86_64`,
// `openssl-3.0.7-25.el9.x86_64`, `openssl-1:3.0.7-25.el9.x86_64`, `openssl-3.0.*`), and in
// ApprovedPatches also advisory ids (RHSA-2024:0001, ALAS2023-2024-123), CVE ids and Bugzilla
// ids (numbers). Pure.
import { parseEvr } from './rpm-version';

const CVE = /^CVE-\d{4}-\d{4,}$/i;
const BUGZILLA = /^\d+$/;
/** RHSA-2024:0001, ALAS-2018-123, ALAS2023-2024-123, RLSA-2024:1234, ELSA-2024-1234. */
const ADVISORY = /^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*-\d{4}[:-]\d+$/;

export function isAdvisoryReference(entry: string): boolean {
  return CVE.test(entry) || BUGZILLA.test(entry) || ADVISORY.test(entry);
}

export function isRpmPackagePattern(entry: string): boolean {
  return /^[A-Za-z0-9_.+*^~:-]+$/.test(entry) && /[A-Za-z*]/.test(entry);
}

export interface RpmPackageId {
  name: string;
  architecture: string;
  /** `[epoch:]version-release`. */
  evr: string;
}

/** The spellings of one package that a list entry may use (SSM's, and dnf's NEVRA forms). */
export function spellings(p: RpmPackageId): string[] {
  const { epoch, version, release } = parseEvr(p.evr);
  const vr = `${version}-${release}`;
  return [
    p.name,
    `${p.name}.${p.architecture}`,
    `${p.name}-${version}`,
    `${p.name}-${vr}`,
    `${p.name}-${vr}.${p.architecture}`,
    `${p.name}-${epoch}:${vr}`,
    `${p.name}-${epoch}:${vr}.${p.architecture}`,
    `${epoch}:${p.name}-${vr}.${p.architecture}`,
  ];
}

/** Does a package-name entry (with `*` wildcards) name this package version? */
export function matchesRpmPackage(entry: string, p: RpmPackageId): boolean {
  const wanted = entry.trim();
  if (!wanted.includes('*')) return spellings(p).includes(wanted);
  const re = new RegExp(`^${wanted.split('*').map(escapeRegExp).join('.*')}$`);
  return spellings(p).some((s) => re.test(s));
}

/** The ids a notice answers to in ApprovedPatches: its own, its CVEs, its Bugzilla bugs. */
export function matchesAdvisoryReference(entry: string, advisory: { id: string; cves: readonly string[]; bugzillas: readonly string[] }): boolean {
  const wanted = entry.trim();
  if (CVE.test(wanted)) return advisory.cves.some((c) => c.toUpperCase() === wanted.toUpperCase());
  if (BUGZILLA.test(wanted)) return advisory.bugzillas.includes(wanted);
  return advisory.id === wanted;
}

/** The package name an entry names when it is a plain name (no version, no wildcard). */
export function plainName(entry: string): string | undefined {
  const e = entry.trim();
  if (isAdvisoryReference(e) || e.includes('*') || e.includes(':')) return undefined;
  // name-version-release(.arch) has a digit right after a dash: not a plain name.
  if (/-\d/.test(e)) return undefined;
  return e.replace(/\.(x86_64|aarch64|i686|noarch|ppc64le|s390x)$/, '');
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
