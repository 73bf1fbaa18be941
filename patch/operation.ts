// The result of one patching operation on a node (Scan or Install), as AWS-RunPatchBaseline
// reports it: SSM's InstancePatchState fields plus the per-patch records. Pure types; the
// engine produces it, the compliance store keeps a bounded copy, the CLI prints it.
import type { OperatingSystem } from './baseline';
import type { PatchRecord, PatchSummary } from './patch-state';

export type PatchOperationType = 'Scan' | 'Install';
export type RebootOption = 'RebootIfNeeded' | 'NoReboot';

export interface PackageChange {
  name: string;
  architecture: string;
  /** Absent for a package new to the node (a dependency). */
  from?: string;
  to: string;
  /** Not one of the patches asked for: apt needed it. */
  asDependency: boolean;
}

export interface InstallOutcome {
  /** What dpkg's database says changed, before → after. */
  changed: PackageChange[];
  /** Patches that could not be installed, with why. */
  failed: { name: string; version: string; message: string }[];
  /** The node flags a needed reboot after this install. */
  rebootRequired: boolean;
  /** RebootIfNeeded and a reboot is required: the caller reboots (or, on an isolated root, reports). */
  rebootRequested: boolean;
}

export interface PatchOperationResult {
  operation: PatchOperationType;
  os: OperatingSystem;
  /** SSM's PRODUCT of the node, e.g. Debian12. */
  product: string;
  baseline: { name: string; hash: string };
  patchGroup?: string;
  /** Why this baseline (patch group, default, override). */
  baselineReason: string;
  startTime: string;
  endTime: string;
  rebootOption: RebootOption;
  summary: PatchSummary;
  records: PatchRecord[];
  install?: InstallOutcome;
}
