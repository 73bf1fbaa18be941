// What differs between the package families when a baseline is evaluated (apt's and RPM's):
// how versions order, how ApprovedPatches/RejectedPatches name a package, which properties
// the filters see, what counts as a security update and what dates a version. The rest of
// the evaluation (SSM's order of lists and rules, states, counts) is shared. Types only.
import type { PatchBaseline } from './baseline';
import type { Advisory, AvailableVersion } from './packages';

/**
 * One way a version may be approved. apt has one per version; an RPM version has one per
 * update notice listing it (a rule approves it when one notice passes every filter), or one
 * without a notice.
 */
export interface ApprovalFacet {
  /** What the filters see, by key; a list matches when one of its items does. */
  properties: Record<string, string | readonly string[] | undefined>;
  /** A rule or ApprovedPatches approves it without EnableNonSecurity (apt: a security pocket; RPM: a notice). */
  security: boolean;
  /** The publication date ApproveAfterDays and ApproveUntilDate count from, ms since the epoch. */
  published?: number;
  /** An approval delay on a version nothing dates: apt refuses it; RPM counts the delay as zero, as SSM does. */
  undated: 'refuse' | 'approve';
  advisory?: Advisory;
}

export interface PatchFamily {
  kind: 'apt' | 'rpm';
  /** Packages of every architecture: apt's `all`, RPM's `noarch`. */
  neutralArchitecture: string;
  compareVersions(a: string, b: string): number;
  facets(version: AvailableVersion, product: string, baseline: PatchBaseline): ApprovalFacet[];
  /** An ApprovedPatches entry approves this version. */
  approvedBy(entry: string, name: string, architecture: string, version: AvailableVersion): boolean;
  /** A RejectedPatches entry rejects this version. */
  rejectedBy(entry: string, name: string, architecture: string, version: string): boolean;
  /** SSM counts it among the security patches (SecurityNonCompliantCount). */
  isSecurityUpdate(version: AvailableVersion): boolean;
  /** The patch's title in records: apt's package name, RPM's `name.arch`. */
  title(name: string, architecture: string): string;
  /** What the package manager is asked to install. */
  spec(name: string, architecture: string, version: string): string;
  /** The package an ApprovedPatches entry names outright (for NotApplicable), if it names one. */
  plainName(entry: string): string | undefined;
}
