// The HTML compliance report: what the charts count (by node group, severity, scan age), that
// the page escapes what nodes report, carries Chart.js and its data inline and fetches nothing.
import { describe, expect, it } from 'vitest';
import { ageBucket, chartJsSource, renderComplianceHtml, reportData } from '../../../patch/compliance/html-report';
import type { ComplianceRow } from '../../../patch/compliance/report';

const NOW = new Date('2026-01-10T12:00:00Z');
const levels = (o: Partial<Record<string, number>>) => ({ CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, INFORMATIONAL: 0, UNSPECIFIED: 0, ...o }) as ComplianceRow['missingBySeverity'];
const ROWS: ComplianceRow[] = [
  { nodeId: 'n1', patchGroup: 'web', compliance: 'COMPLIANT', missing: 0, missingBySeverity: levels({}), operationEndTime: '2026-01-10T11:30:00Z' },
  { nodeId: 'n2', patchGroup: 'web', compliance: 'NON_COMPLIANT', missing: 3, missingBySeverity: levels({ CRITICAL: 1, LOW: 2 }), operationEndTime: '2026-01-08T12:00:00Z', nonCompliant: [{ title: '<img src=x onerror=alert(1)>', state: 'Missing', severity: 'CRITICAL', advisoryIds: ['RHSA-1'] }] },
  { nodeId: 'n3', patchGroup: 'db', compliance: 'NON_COMPLIANT', missing: 1, missingBySeverity: levels({ CRITICAL: 1 }), operationEndTime: '2025-11-01T00:00:00Z', nonCompliantOmitted: 4 },
  { nodeId: 'n4', compliance: 'UNREPORTED', reason: 'never scanned' },
];

describe('the HTML compliance report', () => {
  it('counts compliance by node group, missing patches by severity and group, and scan ages', () => {
    const d = reportData(ROWS, NOW);
    expect(d.groups).toEqual(['db', 'web', '(no patch group)']);
    expect(d.compliance).toEqual({ COMPLIANT: [0, 1, 0], NON_COMPLIANT: [1, 1, 0], UNREPORTED: [0, 0, 1] });
    expect(d.missingBySeverity).toEqual({ db: [1, 0, 0, 0, 0, 0], web: [1, 0, 0, 2, 0, 0], '(no patch group)': [0, 0, 0, 0, 0, 0] });
    expect(d.ageCounts).toEqual([1, 0, 1, 0, 1, 1]);
    expect(ageBucket(undefined, NOW)).toBe('never');
  });

  it('is one page: Chart.js and the data inline, nothing fetched, what nodes report escaped', () => {
    const page = renderComplianceHtml(ROWS, { chartJs: 'window.Chart = function () {}; // </script> inside the library', now: NOW, scope: 'tag env=<prod>' });
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).not.toMatch(/<script[^>]+src=|<link[^>]+href=|url\(http/i);
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(page).not.toContain('<img src=x');
    expect(page).toContain('tag env=&lt;prod&gt;');
    expect(page).toContain('// <\\/script> inside the library');
    expect(page).toContain('… and 4 more');
    const json = /<script id="report-data" type="application\/json">(.*?)<\/script>/s.exec(page)![1]!;
    expect(JSON.parse(json)).toEqual(reportData(ROWS, NOW));
    // The real library is there to inline, from the installed package.
    expect(chartJsSource().length).toBeGreaterThan(100_000);
  });
});
