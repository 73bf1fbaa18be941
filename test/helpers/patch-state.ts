// Patch state records as a node's agent writes them, for the tests and recordings of the
// patch state workflow and the compliance store.
import { emptyCounts } from '../../patch/patch-state';
import type { PatchStateRecord } from '../../workflows/patch-state-contract';

/** A Debian node's Scan at 2026-01-01 00:`minute`: compliant, or missing openssl's update (HIGH). */
export function patchRecord(nodeId: string, minute: number, compliance: PatchStateRecord['compliance'], tags: Record<string, string> = { role: 'web' }): PatchStateRecord {
  const at = new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();
  const counts = { ...emptyCounts(), Installed: 10, Missing: compliance === 'COMPLIANT' ? 0 : 2 };
  return {
    nodeId,
    tags,
    os: 'DEBIAN',
    product: 'Debian12',
    baseline: { name: 'web', hash: 'f'.repeat(64) },
    patchGroup: 'web',
    operation: 'Scan',
    operationStartTime: at,
    operationEndTime: at,
    rebootOption: 'NoReboot',
    compliance,
    ...(compliance === 'NON_COMPLIANT' ? { severity: 'HIGH' as const } : {}),
    counts,
    missingBySeverity: { CRITICAL: 0, HIGH: counts.Missing, MEDIUM: 0, LOW: 0, INFORMATIONAL: 0, UNSPECIFIED: 0 },
    criticalNonCompliantCount: 0,
    securityNonCompliantCount: counts.Missing,
    otherNonCompliantCount: 0,
    nonCompliant: compliance === 'COMPLIANT' ? [] : [{ title: 'openssl', state: 'Missing', installedVersion: '3.0.11-1~deb12u1', availableVersion: '3.0.11-1~deb12u2', severity: 'HIGH' }],
    nonCompliantOmitted: 0,
  };
}
