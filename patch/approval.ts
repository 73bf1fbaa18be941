// Does a baseline approve a given package version? SSM's order: the rejected list wins,
// then the approved list, then the approval rules (global filters first). Pure.
import { mostSevere, type ComplianceLevel, type PatchBaseline, type PatchFilter } from './baseline';
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

export function isRejected(baseline: PatchBaseline, name: string, architecture: string, version: string): boolean {
  return baseline.rejectedPatches.some((e) => matchesPatchName(e, name, architecture, version));
}

/** The publication date the engine uses: the earliest Release `Date` of the suites offering the version. */
export function publishedAt(version: AvailableVersion): number | undefined {
  const times = version.origins.map((o) => (o.date ? Date.parse(o.date) : NaN)).filter((t) => !Number.isNaN(t));
  return times.length ? Math.min(...times) : undefined;
}

export function isSecurity(version: AvailableVersion): boolean {
  return version.origins.some((o) => o.security);
}

export function evaluateApproval(baseline: PatchBaseline, candidate: Candidate, product: string, now: Date): Approval {
  const { name, architecture, version } = candidate;
  const security = isSecurity(version);
  if (isRejected(baseline, name, architecture, version.version)) {
    return { approved: false, rejected: true, reason: 'on the rejected list', security };
  }
  if (baseline.approvedPatches.some((e) => matchesPatchName(e, name, architecture, version.version))) {
    if (security || baseline.approvedPatchesEnableNonSecurity) {
      return { approved: true, complianceLevel: baseline.approvedPatchesComplianceLevel, by: 'approved-list', security };
    }
  }
  const properties = { PRODUCT: product, SECTION: version.section, PRIORITY: version.priority };
  if (!filtersMatch(baseline.globalFilters, properties)) return { approved: false, rejected: false, reason: 'excluded by the global filters', security };
  const levels: ComplianceLevel[] = [];
  let firstRule: number | undefined;
  let reason = baseline.approvalRules.length ? 'no approval rule matches' : 'the baseline has no approval rules';
  baseline.approvalRules.forEach((rule, index) => {
    if (!filtersMatch(rule.filters, properties)) return;
    if (!security && !rule.enableNonSecurity) {
      reason = 'not a security update (the matching rule approves security updates only)';
      return;
    }
    if (rule.approveAfterDays !== undefined || rule.approveUntilDate !== undefined) {
      const published = publishedAt(version);
      if (published === undefined) {
        reason = 'its repository gives no publication date';
        return;
      }
      if (rule.approveAfterDays !== undefined && now.getTime() < published + rule.approveAfterDays * DAY_MS) {
        reason = `published less than ${rule.approveAfterDays} day(s) ago`;
        return;
      }
      if (rule.approveUntilDate !== undefined && published >= Date.parse(`${rule.approveUntilDate}T00:00:00Z`) + DAY_MS) {
        reason = `published after ${rule.approveUntilDate}`;
        return;
      }
    }
    levels.push(rule.complianceLevel);
    firstRule ??= index;
  });
  if (firstRule !== undefined) return { approved: true, complianceLevel: mostSevere(levels)!, by: `rule ${firstRule + 1}`, security };
  return { approved: false, rejected: false, reason, security };
}

/** Every filter must match; a filter matches when one of its values does (`*` always does). */
export function filtersMatch(filters: PatchFilter[], properties: Record<string, string | undefined>): boolean {
  return filters.every((f) => {
    const actual = properties[f.key];
    return f.values.some((v) => v === '*' || (actual !== undefined && filterValueMatches(f.key, v, actual)));
  });
}

function filterValueMatches(key: string, wanted: string, actual: string): boolean {
  // Sections may carry their component (`contrib/net`); a value without one matches either.
  if (key === 'SECTION' && !wanted.includes('/')) actual = actual.replace(/^.*\//, '');
  return globMatch(wanted.toLowerCase(), actual.toLowerCase());
}

function globMatch(pattern: string, value: string): boolean {
  if (!pattern.includes('*')) return pattern === value;
  const re = new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`);
  return re.test(value);
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const i = text.indexOf(separator);
  return i < 0 ? [text, undefined] : [text.slice(0, i), text.slice(i + 1)];
}
