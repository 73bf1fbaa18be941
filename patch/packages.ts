// What the package manager tells the patch engine about a node, as plain data: installed
// packages (dpkg, rpm) and the versions the configured repositories offer (apt's indexes,
// dnf's repoquery), with the origin, update notices and publication date of each. The apt
// and RPM layers (patch/apt/, patch/rpm/) produce it; the pure evaluation (evaluate.ts)
// consumes it, so evaluation is tested without a package root.

/** Where a version comes from: one suite of a repository, as its Release file describes it. */
export interface PackageOrigin {
  origin?: string;
  label?: string;
  suite?: string;
  codename?: string;
  component?: string;
  /** The repository, e.g. `file:/srv/repo/` or `http://deb.debian.org/debian/`. */
  site?: string;
  /** The suite's Release `Date`, ISO 8601: when the repository published the suite last. */
  date?: string;
  /** True for a security pocket (suite `*-security`, or `Security` in its label or origin). */
  security: boolean;
}

/** An update notice of an RPM repository (one `<update>` of its updateinfo.xml). */
export interface Advisory {
  /** RHSA-2024:0001, ALAS2023-2024-123, … */
  id: string;
  /** As written: security, bugfix, enhancement, newpackage, recommended. */
  type: string;
  /** As written: Critical, Important, Moderate (Medium on Amazon Linux), Low; absent when the notice has none. */
  severity?: string;
  /** ISO 8601, UTC. */
  issued?: string;
  updated?: string;
  cves: string[];
  bugzillas: string[];
  title?: string;
}

export interface AvailableVersion {
  /** apt: the Debian version; RPM: `[epoch:]version-release`. */
  version: string;
  architecture: string;
  section?: string;
  priority?: string;
  /** apt: the suites that offer it (RPM: none). */
  origins: PackageOrigin[];
  /** RPM: the notices of the repositories' updateinfo.xml that list this exact package. */
  advisories?: Advisory[];
  /** RPM: when the package was built, ISO 8601 (its date when no notice dates it). */
  buildTime?: string;
  /** RPM: the repository id that offers it. */
  repository?: string;
}

export interface InstalledPackage {
  name: string;
  architecture: string;
  version: string;
  section?: string;
  priority?: string;
}

export interface NodePackages {
  /** SSM's PRODUCT of the node, e.g. `Debian12`, `Ubuntu22.04`, `RedhatEnterpriseLinux9.4` (from os-release). */
  product: string;
  installed: InstalledPackage[];
  /** Keyed by `name:architecture` (apt's `all` and RPM's `noarch` packages under their own architecture). */
  available: Record<string, AvailableVersion[]>;
}

export const packageKey = (name: string, architecture: string): string => `${name}:${architecture}`;

/** Security pockets as Debian and Ubuntu name them: `bookworm-security`, `jammy-security`, label `Debian-Security`. */
export function isSecurityOrigin(o: Omit<PackageOrigin, 'security'>): boolean {
  const pocket = /(^|[-/])security$/i;
  return pocket.test(o.suite ?? '') || pocket.test(o.codename ?? '') || /security/i.test(o.label ?? '') || /security/i.test(o.origin ?? '');
}
