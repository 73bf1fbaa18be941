// Patch baselines: what the baseline compiler produces and the patch engine evaluates.
// Modelled on SSM's CreatePatchBaseline / GetPatchBaseline. Plain data, pure: the schema
// builder, the compiler, the engine and the CLI all import it.

/** The operating systems Drover models and patches (SSM's names). */
export const OPERATING_SYSTEMS = [
  'DEBIAN',
  'UBUNTU',
  'REDHAT_ENTERPRISE_LINUX',
  'AMAZON_LINUX_2023',
  'AMAZON_LINUX_2',
  'ROCKY_LINUX',
  'ALMA_LINUX',
  'ORACLE_LINUX',
  'CENTOS',
] as const;
export type OperatingSystem = (typeof OPERATING_SYSTEMS)[number];

/** Operating systems whose nodes Drover patches with apt and dpkg. */
export const APT_OPERATING_SYSTEMS: readonly OperatingSystem[] = ['DEBIAN', 'UBUNTU'];

/** Operating systems whose nodes Drover patches with dnf (yum where only yum exists) and rpm. */
export const RPM_OPERATING_SYSTEMS: readonly OperatingSystem[] = ['REDHAT_ENTERPRISE_LINUX', 'AMAZON_LINUX_2023', 'AMAZON_LINUX_2', 'ROCKY_LINUX', 'ALMA_LINUX', 'ORACLE_LINUX', 'CENTOS'];

/** Amazon Linux: its notices rate severity Medium, where the Red Hat family says Moderate. */
const AMAZON_LINUX: readonly OperatingSystem[] = ['AMAZON_LINUX_2023', 'AMAZON_LINUX_2'];

/** SSM's compliance levels, most severe first. */
export const COMPLIANCE_LEVELS = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL', 'UNSPECIFIED'] as const;
export type ComplianceLevel = (typeof COMPLIANCE_LEVELS)[number];

export const REJECTED_PATCHES_ACTIONS = ['ALLOW_AS_DEPENDENCY', 'BLOCK'] as const;
export type RejectedPatchesAction = (typeof REJECTED_PATCHES_ACTIONS)[number];

const APT_KEYS = ['PRODUCT', 'SECTION', 'PRIORITY'] as const;
/**
 * The RPM family's keys: SSM's PRODUCT, CLASSIFICATION and SEVERITY (the notice's type and
 * severity in the repository's updateinfo.xml), plus the notice's ADVISORY_ID, CVE_ID and
 * BUGZILLA_ID (keys of SSM's PatchFilter that Drover also takes in rules).
 */
const RPM_KEYS = ['PRODUCT', 'CLASSIFICATION', 'SEVERITY', 'ADVISORY_ID', 'CVE_ID', 'BUGZILLA_ID'] as const;

/** The filter keys each operating system takes in PatchFilterGroups. */
export const FILTER_KEYS: Record<OperatingSystem, readonly string[]> = {
  DEBIAN: APT_KEYS,
  UBUNTU: APT_KEYS,
  REDHAT_ENTERPRISE_LINUX: RPM_KEYS,
  AMAZON_LINUX_2023: RPM_KEYS,
  AMAZON_LINUX_2: RPM_KEYS,
  ROCKY_LINUX: RPM_KEYS,
  ALMA_LINUX: RPM_KEYS,
  ORACLE_LINUX: RPM_KEYS,
  CENTOS: RPM_KEYS,
};

/** Every key any modelled operating system takes (the schema's enum). */
export const ALL_FILTER_KEYS = ['PRODUCT', 'SECTION', 'PRIORITY', 'CLASSIFICATION', 'SEVERITY', 'ADVISORY_ID', 'CVE_ID', 'BUGZILLA_ID'] as const;
export type FilterKey = (typeof ALL_FILTER_KEYS)[number];

/** The values a key takes where the set is closed (besides `*`); open keys (PRODUCT, SECTION, the ids) take any. */
export const FILTER_VALUES: Partial<Record<FilterKey, readonly string[]>> = {
  PRIORITY: ['Required', 'Important', 'Standard', 'Optional', 'Extra'],
  CLASSIFICATION: ['Security', 'Bugfix', 'Enhancement', 'Recommended', 'Newpackage'],
  SEVERITY: ['Critical', 'Important', 'Moderate', 'Medium', 'Low', 'None'],
};

/** The values of a closed key for one operating system (SEVERITY differs between Amazon Linux and the Red Hat family). */
export function filterValuesFor(key: FilterKey, os?: OperatingSystem): readonly string[] | undefined {
  if (key === 'SEVERITY' && os) return AMAZON_LINUX.includes(os) ? ['Critical', 'Important', 'Medium', 'Low', 'None'] : ['Critical', 'Important', 'Moderate', 'Low', 'None'];
  return FILTER_VALUES[key];
}

export interface PatchFilter {
  key: FilterKey;
  /** `*` matches everything; other values compare case-insensitively. */
  values: string[];
}

export interface PatchRule {
  /** All filters must match (each by one of its values). */
  filters: PatchFilter[];
  complianceLevel: ComplianceLevel;
  /** Days after the patch's publication date before the rule approves it. */
  approveAfterDays?: number;
  /** `YYYY-MM-DD`: approves patches published on or before this date. */
  approveUntilDate?: string;
  /** False (SSM's default): the rule approves security updates only. */
  enableNonSecurity: boolean;
}

export interface PatchBaseline {
  /** The baseline's name (the file name without extension unless `Name` says otherwise). */
  name: string;
  description?: string;
  operatingSystem: OperatingSystem;
  /** Filters every candidate patch must pass before any rule or list is considered. */
  globalFilters: PatchFilter[];
  approvalRules: PatchRule[];
  /** apt: names, `name:arch` or `name=version`; RPM: package names (`name-[epoch:]version-release.arch`, `*`), advisory, CVE or Bugzilla ids. */
  approvedPatches: string[];
  approvedPatchesComplianceLevel: ComplianceLevel;
  approvedPatchesEnableNonSecurity: boolean;
  rejectedPatches: string[];
  rejectedPatchesAction: RejectedPatchesAction;
  /** Patch groups (a node's `Patch Group` or `PatchGroup` tag) this baseline serves. */
  patchGroups: string[];
  /** The baseline for nodes of its operating system that no patch group claims. */
  defaultBaseline: boolean;
  /** sha256 of the canonical baseline without `hash` and `source`. */
  hash: string;
  source?: { file: string };
}

/** Higher is more severe; UNSPECIFIED is the least. */
export function severityRank(level: ComplianceLevel): number {
  return COMPLIANCE_LEVELS.length - COMPLIANCE_LEVELS.indexOf(level);
}

export function mostSevere(levels: Iterable<ComplianceLevel>): ComplianceLevel | undefined {
  let worst: ComplianceLevel | undefined;
  for (const level of levels) if (!worst || severityRank(level) > severityRank(worst)) worst = level;
  return worst;
}
