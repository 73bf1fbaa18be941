// A patch operation result → the bounded record kept per node (counts and compliance in
// full, at most PATCH_RECORD_DETAIL_LIMIT non-compliant patches by name). Pure.
import { severityRank } from '../baseline';
import type { PatchOperationResult } from '../operation';
import { NON_COMPLIANT_STATES } from '../patch-state';
import { PATCH_RECORD_DETAIL_LIMIT, type PatchStateRecord } from '../../workflows/patch-state-contract';

export function toPatchStateRecord(nodeId: string, tags: Record<string, string>, result: PatchOperationResult): PatchStateRecord {
  const nonCompliant = result.records
    .filter((r) => NON_COMPLIANT_STATES.includes(r.state))
    .sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.title.localeCompare(b.title));
  const { summary } = result;
  return {
    nodeId,
    tags,
    os: result.os,
    product: result.product,
    baseline: result.baseline,
    ...(result.patchGroup !== undefined ? { patchGroup: result.patchGroup } : {}),
    operation: result.operation,
    operationStartTime: result.startTime,
    operationEndTime: result.endTime,
    rebootOption: result.rebootOption,
    compliance: summary.compliance,
    ...(summary.severity ? { severity: summary.severity } : {}),
    counts: summary.counts,
    missingBySeverity: summary.missingBySeverity,
    criticalNonCompliantCount: summary.criticalNonCompliantCount,
    securityNonCompliantCount: summary.securityNonCompliantCount,
    otherNonCompliantCount: summary.otherNonCompliantCount,
    ...(result.install ? { installedCount: result.install.changed.length, rebootRequired: result.install.rebootRequired } : {}),
    nonCompliant: nonCompliant.slice(0, PATCH_RECORD_DETAIL_LIMIT).map((r) => ({
      title: r.title,
      state: r.state,
      severity: r.severity,
      ...(r.installedVersion ? { installedVersion: r.installedVersion } : {}),
      ...(r.availableVersion ? { availableVersion: r.availableVersion } : {}),
      ...(r.advisoryIds?.length ? { advisoryIds: r.advisoryIds.slice(0, 3) } : {}),
    })),
    nonCompliantOmitted: Math.max(0, nonCompliant.length - PATCH_RECORD_DETAIL_LIMIT),
  };
}
