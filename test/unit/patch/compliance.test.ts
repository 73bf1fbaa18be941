// The bounded compliance record kept per node, and the report's CSV and table.
import { describe, expect, it } from 'vitest';
import { toPatchStateRecord } from '../../../patch/compliance/record';
import { complianceCsv, formatCompliance } from '../../../patch/compliance/format';
import { rowOf } from '../../../patch/compliance/report';
import { summarise, type PatchRecord } from '../../../patch/patch-state';
import type { PatchOperationResult } from '../../../patch/operation';
import { PATCH_RECORD_DETAIL_LIMIT } from '../../../workflows/patch-state-contract';

function result(records: PatchRecord[]): PatchOperationResult {
  return {
    operation: 'Scan',
    os: 'DEBIAN',
    product: 'Debian12',
    baseline: { name: 'web', hash: 'a'.repeat(64) },
    patchGroup: 'web',
    baselineReason: 'patch group web',
    startTime: '2026-01-01T00:00:00.000Z',
    endTime: '2026-01-01T00:01:00.000Z',
    rebootOption: 'NoReboot',
    summary: summarise(records),
    records,
  };
}

const missing = (i: number, severity: PatchRecord['severity']): PatchRecord => ({
  title: `libpackage-with-a-long-name-${String(i).padStart(3, '0')}`,
  state: 'Missing',
  installedVersion: '1:2.36.1-8+deb12u1',
  availableVersion: '1:2.36.1-8+deb12u2',
  severity,
  security: true,
});

describe('the compliance record of a node', () => {
  it('keeps every count but at most 20 non-compliant patches by name, the most severe first', () => {
    const records = [...Array.from({ length: 25 }, (_, i) => missing(i, 'LOW')), ...Array.from({ length: 5 }, (_, i) => missing(100 + i, 'CRITICAL')), { title: 'zlib1g', state: 'Installed', severity: 'LOW', security: true } as PatchRecord];
    const record = toPatchStateRecord('mi-0123456789abcdef0', { 'Patch Group': 'web', env: 'prod' }, result(records));
    expect(record.counts).toMatchObject({ Missing: 30, Installed: 1 });
    expect(record.missingBySeverity).toMatchObject({ CRITICAL: 5, LOW: 25 });
    expect(record.nonCompliant).toHaveLength(PATCH_RECORD_DETAIL_LIMIT);
    expect(record.nonCompliant.slice(0, 5).every((p) => p.severity === 'CRITICAL')).toBe(true);
    expect(record.nonCompliantOmitted).toBe(10);
    expect(record).toMatchObject({ compliance: 'NON_COMPLIANT', severity: 'CRITICAL', operation: 'Scan', operationEndTime: '2026-01-01T00:01:00.000Z' });
    // The bound on what a node costs in Temporal's memo, whatever the node has.
    expect(JSON.stringify(record).length).toBeLessThan(4500);
  });
});

describe('the compliance report', () => {
  const rows = [
    rowOf(toPatchStateRecord('n1', {}, result([missing(1, 'HIGH')]))),
    rowOf(toPatchStateRecord('n2', {}, result([]))),
    { nodeId: 'i-0abc', compliance: 'UNREPORTED' as const, reason: 'SSM gave no patch states, "moto"' },
  ];

  it('writes CSV with a header, missing counts by severity, and quoting', () => {
    const lines = complianceCsv(rows).trimEnd().split('\n');
    expect(lines[0]).toBe(
      'NodeId,Compliance,Severity,Missing,MissingCritical,MissingHigh,MissingMedium,MissingLow,MissingInformational,MissingUnspecified,Failed,InstalledPendingReboot,InstalledRejected,Operation,LastOperationTime,Baseline,PatchGroup,Reason',
    );
    expect(lines[1]).toBe('n1,NON_COMPLIANT,HIGH,1,0,1,0,0,0,0,0,0,0,Scan,2026-01-01T00:01:00.000Z,web,web,');
    expect(lines[2]).toBe('n2,COMPLIANT,,0,0,0,0,0,0,0,0,0,0,Scan,2026-01-01T00:01:00.000Z,web,web,');
    expect(lines[3]).toBe('i-0abc,UNREPORTED,,,,,,,,,,,,,,,,"SSM gave no patch states, ""moto"""');
  });

  it('prints a table a person reads, with the totals', () => {
    // eslint-disable-next-line no-control-regex
    const text = formatCompliance(rows).replace(/\u001b\[[0-9;]*m/g, '');
    expect(text).toMatch(/^n1\s+NON_COMPLIANT\s+HIGH\s+missing 1 \(HIGH 1\)\s+Scan 2026-01-01T00:01:00.000Z\s+web$/m);
    expect(text).toMatch(/^i-0abc\s+UNREPORTED\s+SSM gave no patch states/m);
    expect(text.split('\n').at(-1)).toBe('3 nodes: 1 compliant, 1 non-compliant, 1 unreported');
  });
});
