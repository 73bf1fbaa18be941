// Does a baseline approve a given package version? SSM's order: the rejected list wins,
// then the approved list, then the approval rules (global filters first). Pure; what differs
// between apt and RPM comes from the package family (APT_FAMILY here, RPM_FAMILY in rpm/).
import { mostSevere, type ComplianceLevel, type PatchBaseline, type PatchFilter } from './baseline';
import { compareDebianVersions } from './debian-version';
import type { ApprovalFacet, PatchFamily } from './family';
import type { AvailableVersion } from './packages';

export type Approval =
  | { approved: true; complianceLevel: ComplianceLevel; by: 'approved-list' | `rule ${number}`; security: boolean }
  | { approved: false; rejected: boolean; reason: string; security: boolean };

export interface Candidate {
  name: string;
  architecture: string;
  version: AvailableVersion;
}

const DAY_MS = 86_400_000;

/** `name`, `name:arch` or `name=version` (`name:arch=version`); `*` globs in the name. */
export function matchesPatchName(entry: string, name: string, architecture: string, version: string): boolean {
  const [spec, wantedVersion] = splitOnce(entry.trim(), '=');
  const [wantedName, wantedArch] = splitOnce(spec, ':');
  if (!globMatch(wantedName, name)) return false;
  if (wantedArch !== undefined && wantedArch !== architecture) return false;
  return wantedVersion === undefined || wantedVersion === version;
}

export function isRejected(baseline: PatchBaseline, name: string, architecture: string, version: string, family: PatchFamily = APT_FAMILY): boolean {
  return baseline.rejectedPatches.some((e) => family.rejectedBy(e, name, architecture, version));
}

/** The publication date the engine uses: the earliest Release `Date` of the suites offering the version. */
export function publishedAt(version: AvailableVersion): number | undefined {
  const times = version.origins.map((o) => (o.date ? Date.parse(o.date) : NaN)).filter((t) => !Number.isNaN(t));
  return times.length ? Math.min(...times) : undefined;
}

export function isSecurity(version: AvailableVersion): boolean {
  return version.origins.some((o) => o.security);
}

export function evaluateApproval(baseline: PatchBaseline, candidate: Candidate, product: string, now: Date, family: PatchFamily = APT_FAMILY): Approval {
  const { name, architecture, version } = candidate;
  const security = family.isSecurityUpdate(version);
  if (isRejected(baseline, name, architecture, version.version, family)) {
    return { approved: false, rejected: true, reason: 'on the rejected list', security };
  }
  const facets = family.facets(version, product, baseline);
  if (baseline.approvedPatches.some((e) => family.approvedBy(e, name, architecture, version))) {
    if (facets.some((f) => f.security) || baseline.approvedPatchesEnableNonSecurity) {
      return { approved: true, complianceLevel: baseline.approvedPatchesComplianceLevel, by: 'approved-list', security };
    }
  }
  const passing = facets.filter((f) => filtersMatch(baseline.globalFilters, f.properties));
  if (!passing.length) return { approved: false, rejected: false, reason: 'excluded by the global filters', security };
  const levels: ComplianceLevel[] = [];
  let firstRule: number | undefined;
  let reason = baseline.approvalRules.length ? 'no approval rule matches' : 'the baseline has no approval rules';
  baseline.approvalRules.forEach((rule, index) => {
    let approves = false;
    for (const facet of passing) {
      if (!filtersMatch(rule.filters, facet.properties)) continue;
      const why = ruleRefusal(rule, facet, now);
      if (why) {
        reason = why;
        continue;
      }
      approves = true;
      break;
    }
    if (!approves) return;
    levels.push(rule.complianceLevel);
    firstRule ??= index;
  });
  if (firstRule !== undefined) return { approved: true, complianceLevel: mostSevere(levels)!, by: `rule ${firstRule + 1}`, security };
  return { approved: false, rejected: false, reason, security };
}

/** Why a rule whose filters match does not approve (yet), or undefined when it approves. */
function ruleRefusal(rule: PatchBaseline['approvalRules'][number], facet: ApprovalFacet, now: Date): string | undefined {
  if (!facet.security && !rule.enableNonSecurity) return 'not a security update (the matching rule approves security updates only)';
  if (rule.approveAfterDays === undefined && rule.approveUntilDate === undefined) return undefined;
  const published = facet.published;
  if (published === undefined) return facet.undated === 'approve' ? undefined : 'its repository gives no publication date';
  if (rule.approveAfterDays !== undefined && now.getTime() < published + rule.approveAfterDays * DAY_MS) return `published less than ${rule.approveAfterDays} day(s) ago`;
  if (rule.approveUntilDate !== undefined && published >= Date.parse(`${rule.approveUntilDate}T00:00:00Z`) + DAY_MS) return `published after ${rule.approveUntilDate}`;
  return undefined;
}

/** Every filter must match; a filter matches when one of its values does (`*` always does); a property with several values matches when one does. */
export function filtersMatch(filters: PatchFilter[], properties: Record<string, string | readonly string[] | undefined>): boolean {
  return filters.every((f) => {
    const actual = properties[f.key];
    const actuals = actual === undefined ? [] : typeof actual === 'string' ? [actual] : actual;
    return f.values.some((v) => v === '*' || actuals.some((a) => filterValueMatches(f.key, v, a)));
  });
}

function filterValueMatches(key: string, wanted: string, actual: string): boolean {
  // Sections may carry their component (`contrib/net`); a value without one matches either.
  if (key === 'SECTION' && !wanted.includes('/')) actual = actual.replace(/^.*\//, '');
  return globMatch(wanted.toLowerCase(), actual.toLowerCase());
}

export function globMatch(pattern: string, value: string): boolean {
  if (!pattern.includes('*')) return pattern === value;
  const re = new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`);
  return re.test(value);
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const i = text.indexOf(separator);
  return i < 0 ? [text, undefined] : [text.slice(0, i), text.slice(i + 1)];
}

/** apt's family: Debian versions, `name[:arch][=version]` lists, security pockets, suite dates. */
export const APT_FAMILY: PatchFamily = {
  kind: 'apt',
  neutralArchitecture: 'all',
  compareVersions: compareDebianVersions,
  facets: (version, product) => [
    {
      properties: { PRODUCT: product, SECTION: version.section, PRIORITY: version.priority },
      security: isSecurity(version),
      ...(publishedAt(version) !== undefined ? { published: publishedAt(version) } : {}),
      undated: 'refuse',
    },
  ],
  approvedBy: (entry, name, architecture, version) => matchesPatchName(entry, name, architecture, version.version),
  rejectedBy: (entry, name, architecture, version) => matchesPatchName(entry, name, architecture, version),
  isSecurityUpdate: isSecurity,
  title: (name) => name,
  spec: (name, architecture, version) => `${name}:${architecture}=${version}`,
  plainName: (entry) => {
    const [name] = entry.split(/[:=]/);
    return name && !name.includes('*') ? name : undefined;
  },
};
