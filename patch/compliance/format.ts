// The compliance report as text: a table for people, CSV for spreadsheets and S3.
import pc from 'picocolors';
import { COMPLIANCE_LEVELS } from '../baseline';
import type { ComplianceRow } from './report';

const SEVERITIES = COMPLIANCE_LEVELS;

export const CSV_COLUMNS = ['NodeId', 'Compliance', 'Severity', 'Missing', ...SEVERITIES.map((s) => `Missing${s[0]}${s.slice(1).toLowerCase()}`), 'Failed', 'InstalledPendingReboot', 'InstalledRejected', 'Operation', 'LastOperationTime', 'Baseline', 'PatchGroup', 'Reason'];

export function complianceCsv(rows: ComplianceRow[]): string {
  const cell = (v: unknown): string => {
    const s = v === undefined || v === null ? '' : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = rows.map((r) =>
    [
      r.nodeId,
      r.compliance,
      r.severity,
      r.missing,
      ...SEVERITIES.map((s) => r.missingBySeverity?.[s]),
      r.failed,
      r.installedPendingReboot,
      r.installedRejected,
      r.operation,
      r.operationEndTime,
      r.baseline,
      r.patchGroup,
      r.reason,
    ]
      .map(cell)
      .join(','),
  );
  return `${[CSV_COLUMNS.join(','), ...lines].join('\n')}\n`;
}

export function formatCompliance(rows: ComplianceRow[]): string {
  if (!rows.length) return 'no patch states (scan nodes with: drover send-command --document-name AWS-RunPatchBaseline --parameters Operation=Scan …)';
  const table = rows.map((r) => {
    const status = r.compliance === 'COMPLIANT' ? pc.green(r.compliance) : r.compliance === 'NON_COMPLIANT' ? pc.red(r.compliance) : pc.yellow(r.compliance);
    const bySeverity = SEVERITIES.filter((s) => r.missingBySeverity?.[s]).map((s) => `${s} ${r.missingBySeverity![s]}`).join(', ');
    const missing = r.missing === undefined ? '' : `missing ${r.missing}${bySeverity ? ` (${bySeverity})` : ''}`;
    const extra = [r.installedPendingReboot ? `pending reboot ${r.installedPendingReboot}` : '', r.installedRejected ? `rejected ${r.installedRejected}` : ''].filter(Boolean).join(', ');
    const when = r.operationEndTime ? `${r.operation} ${r.operationEndTime}` : (r.reason ?? '');
    return [r.nodeId, status, r.severity ?? '', [missing, extra].filter(Boolean).join('; '), when, r.baseline ?? ''];
  });
  const widths = [0, 1, 2, 3, 4].map((i) => Math.max(...table.map((row) => stripAnsi(row[i]!).length)));
  const counts = (c: ComplianceRow['compliance']) => rows.filter((r) => r.compliance === c).length;
  return [
    ...table.map((row) => row.map((c, i) => (i < 5 ? c + ' '.repeat(widths[i]! - stripAnsi(c).length) : c)).join('  ').trimEnd()),
    pc.dim(`${rows.length} node${rows.length === 1 ? '' : 's'}: ${counts('COMPLIANT')} compliant, ${counts('NON_COMPLIANT')} non-compliant, ${counts('UNREPORTED')} unreported`),
  ].join('\n');
}

// eslint-disable-next-line no-control-regex
const stripAnsi = (s: string): string => s.replace(/\u001b\[[0-9;]*m/g, '');
