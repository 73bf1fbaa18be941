// What the package manager tells the patch engine about a node, as plain data: installed
// packages (dpkg) and the versions the configured repositories offer (apt's indexes), with
// the origin and publication date of each. The apt layer (patch/apt/) produces it; the
// pure evaluation (evaluate.ts) consumes it, so evaluation is tested without a package root.

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

export interface AvailableVersion {
  version: string;
  architecture: string;
  section?: string;
  priority?: string;
  origins: PackageOrigin[];
}

export interface InstalledPackage {
  name: string;
  architecture: string;
  version: string;
  section?: string;
  priority?: string;
}

export interface NodePackages {
  /** SSM's PRODUCT of the node, e.g. `Debian12`, `Ubuntu22.04` (from os-release). */
  product: string;
  installed: InstalledPackage[];
  /** Keyed by `name:architecture` (architecture `all` packages under the node's own too). */
  available: Record<string, AvailableVersion[]>;
}

export const packageKey = (name: string, architecture: string): string => `${name}:${architecture}`;

/** Security pockets as Debian and Ubuntu name them: `bookworm-security`, `jammy-security`, label `Debian-Security`. */
export function isSecurityOrigin(o: Omit<PackageOrigin, 'security'>): boolean {
  const pocket = /(^|[-/])security$/i;
  return pocket.test(o.suite ?? '') || pocket.test(o.codename ?? '') || /security/i.test(o.label ?? '') || /security/i.test(o.origin ?? '');
}
