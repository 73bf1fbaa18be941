// A node's patch state as SSM reports it (DescribeInstancePatches / DescribeInstancePatchStates):
// one record per patch with SSM's states, the counts, and the compliance status. Pure.
import { COMPLIANCE_LEVELS, mostSevere, type ComplianceLevel } from './baseline';

export const PATCH_STATES = ['Installed', 'InstalledOther', 'InstalledPendingReboot', 'InstalledRejected', 'Missing', 'Failed', 'NotApplicable'] as const;
export type PatchState = (typeof PATCH_STATES)[number];

/** States that make a node NON_COMPLIANT. */
export const NON_COMPLIANT_STATES: readonly PatchState[] = ['Missing', 'Failed', 'InstalledRejected', 'InstalledPendingReboot'];

export interface PatchRecord {
  /** The package: apt's name; RPM's `name.arch`. */
  title: string;
  state: PatchState;
  installedVersion?: string;
  /** Missing/Failed: the approved version the engine would install. */
  availableVersion?: string;
  /** The approval's compliance level; UNSPECIFIED when nothing approved it. */
  severity: ComplianceLevel;
  /** The version in question comes from a security pocket. */
  security: boolean;
  section?: string;
  priority?: string;
  /** RPM: the update notices of the available version (advisory ids, their CVEs, the first one's type). */
  advisoryIds?: string[];
  cveIds?: string[];
  classification?: string;
  /** Why: which rule approved it, why it is not approved, or why it failed. */
  detail?: string;
}

export type PatchCounts = Record<PatchState, number>;

export interface PatchSummary {
  counts: PatchCounts;
  compliance: 'COMPLIANT' | 'NON_COMPLIANT';
  /** The most severe compliance level among the non-compliant patches (absent when compliant). */
  severity?: ComplianceLevel;
  /** Missing and Failed patches by compliance level. */
  missingBySeverity: Record<ComplianceLevel, number>;
  /** SSM's InstancePatchState counters. */
  criticalNonCompliantCount: number;
  securityNonCompliantCount: number;
  otherNonCompliantCount: number;
}

export function emptyCounts(): PatchCounts {
  return Object.fromEntries(PATCH_STATES.map((s) => [s, 0])) as PatchCounts;
}

export function summarise(records: readonly PatchRecord[]): PatchSummary {
  const counts = emptyCounts();
  const missingBySeverity = Object.fromEntries(COMPLIANCE_LEVELS.map((l) => [l, 0])) as Record<ComplianceLevel, number>;
  for (const r of records) {
    counts[r.state]++;
    if (r.state === 'Missing' || r.state === 'Failed') missingBySeverity[r.severity]++;
  }
  const nonCompliant = records.filter((r) => NON_COMPLIANT_STATES.includes(r.state));
  const severity = mostSevere(nonCompliant.map((r) => r.severity));
  return {
    counts,
    compliance: nonCompliant.length ? 'NON_COMPLIANT' : 'COMPLIANT',
    ...(severity ? { severity } : {}),
    missingBySeverity,
    criticalNonCompliantCount: nonCompliant.filter((r) => r.severity === 'CRITICAL').length,
    securityNonCompliantCount: nonCompliant.filter((r) => r.security).length,
    otherNonCompliantCount: nonCompliant.filter((r) => !r.security).length,
  };
}
