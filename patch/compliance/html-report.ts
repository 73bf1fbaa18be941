// The compliance report as one self-contained HTML page: compliance by node group (patch
// group), missing patches by severity and node group, last scan ages, then every node and
// its missing patches. Charts are drawn by Chart.js, inlined into the page with the data, so
// the page fetches nothing when it is opened (mail it, put it in S3, open it offline).
// renderComplianceHtml is pure; chartJsSource reads the library from node_modules.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { COMPLIANCE_LEVELS } from '../baseline';
import type { ComplianceRow } from './report';

export interface HtmlReportOptions {
  /** Chart.js's UMD build, inlined. */
  chartJs: string;
  /** When the report was made (the ages count from it). */
  now: Date;
  /** What the report covers, e.g. `tag patchfleet=abc` or `command 1b2c…`. */
  scope?: string;
  title?: string;
}

let chartJs: string | undefined;

/** Chart.js's minified UMD build, from the installed package. */
export function chartJsSource(): string {
  if (chartJs) return chartJs;
  const require = createRequire(import.meta.url);
  const main = require.resolve('chart.js');
  chartJs = readFileSync(join(dirname(main), 'chart.umd.min.js'), 'utf8');
  return chartJs;
}

const NO_GROUP = '(no patch group)';
export const AGE_BUCKETS = ['< 1 hour', '< 1 day', '< 7 days', '< 30 days', '≥ 30 days', 'never'] as const;

export function ageBucket(time: string | undefined, now: Date): (typeof AGE_BUCKETS)[number] {
  const t = time ? Date.parse(time) : NaN;
  if (Number.isNaN(t)) return 'never';
  const hours = (now.getTime() - t) / 3_600_000;
  return hours < 1 ? '< 1 hour' : hours < 24 ? '< 1 day' : hours < 24 * 7 ? '< 7 days' : hours < 24 * 30 ? '< 30 days' : '≥ 30 days';
}

export function formatAge(time: string | undefined, now: Date): string {
  const t = time ? Date.parse(time) : NaN;
  if (Number.isNaN(t)) return 'never';
  const minutes = Math.max(0, Math.round((now.getTime() - t) / 60_000));
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}

/** What the charts draw: counted here, so the page's script only draws. */
export function reportData(rows: ComplianceRow[], now: Date) {
  const groups = [...new Set(rows.map((r) => r.patchGroup ?? NO_GROUP))].sort((a, b) => (a === NO_GROUP ? 1 : b === NO_GROUP ? -1 : a.localeCompare(b)));
  const inGroup = (g: string) => rows.filter((r) => (r.patchGroup ?? NO_GROUP) === g);
  const count = (g: string, c: ComplianceRow['compliance']) => inGroup(g).filter((r) => r.compliance === c).length;
  return {
    groups,
    compliance: { COMPLIANT: groups.map((g) => count(g, 'COMPLIANT')), NON_COMPLIANT: groups.map((g) => count(g, 'NON_COMPLIANT')), UNREPORTED: groups.map((g) => count(g, 'UNREPORTED')) },
    severities: [...COMPLIANCE_LEVELS],
    missingBySeverity: Object.fromEntries(groups.map((g) => [g, COMPLIANCE_LEVELS.map((level) => inGroup(g).reduce((n, r) => n + (r.missingBySeverity?.[level] ?? 0), 0))])),
    ages: [...AGE_BUCKETS],
    ageCounts: AGE_BUCKETS.map((b) => rows.filter((r) => ageBucket(r.operationEndTime, now) === b).length),
  };
}

const esc = (v: unknown): string =>
  String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** JSON inside a <script>: nothing in it may close the element. */
const scriptJson = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');

const STATUS_CLASS: Record<ComplianceRow['compliance'], string> = { COMPLIANT: 'ok', NON_COMPLIANT: 'bad', UNREPORTED: 'none' };

export function renderComplianceHtml(rows: ComplianceRow[], opts: HtmlReportOptions): string {
  const data = reportData(rows, opts.now);
  const total = (c: ComplianceRow['compliance']) => rows.filter((r) => r.compliance === c).length;
  const missingTotal = rows.reduce((n, r) => n + (r.missing ?? 0), 0);
  const title = opts.title ?? 'Patch compliance';
  const nodeRows = rows
    .map((r) => {
      const bySeverity = COMPLIANCE_LEVELS.filter((l) => r.missingBySeverity?.[l]).map((l) => `<span class="sev sev-${l} nowrap">${l} ${r.missingBySeverity![l]}</span>`).join(' ');
      return `<tr><td class="mono">${esc(r.nodeId)}</td><td>${esc(r.patchGroup ?? '')}</td><td class="nowrap">${esc(r.product ?? r.os ?? '')}</td><td><span class="status ${STATUS_CLASS[r.compliance]}">${esc(r.compliance)}</span></td><td>${esc(r.severity ?? '')}</td><td class="num">${esc(r.missing ?? '')}</td><td>${bySeverity}</td><td class="num">${esc(r.failed ?? '')}</td><td class="num">${esc(r.installedPendingReboot ?? '')}</td><td class="num">${esc(r.installedRejected ?? '')}</td><td>${esc(r.operation ?? '')}</td><td class="nowrap" title="${esc(r.operationEndTime ?? '')}">${esc(formatAge(r.operationEndTime, opts.now))}</td><td>${esc(r.baseline ?? r.reason ?? '')}</td></tr>`;
    })
    .join('\n');
  const patchRows = rows
    .flatMap((r) => [
      ...(r.nonCompliant ?? []).map(
        (p) =>
          `<tr><td class="mono">${esc(r.nodeId)}</td><td>${esc(r.patchGroup ?? '')}</td><td class="mono">${esc(p.title)}</td><td>${esc(p.state)}</td><td class="mono">${esc(p.installedVersion ?? '')}</td><td class="mono">${esc(p.availableVersion ?? '')}</td><td><span class="sev sev-${esc(p.severity)}">${esc(p.severity)}</span></td><td class="mono">${esc((p.advisoryIds ?? []).join(', '))}</td></tr>`,
      ),
      ...(r.nonCompliantOmitted ? [`<tr><td class="mono">${esc(r.nodeId)}</td><td colspan="7" class="muted">… and ${r.nonCompliantOmitted} more (drover patch compliance --node-id ${esc(r.nodeId)})</td></tr>`] : []),
    ])
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="drover patch report">
<title>${esc(title)}</title>
<style>
  :root { color-scheme: light; --ok: #2e7d32; --bad: #c62828; --none: #757575; --line: #e0e0e0; }
  body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 24px 32px; color: #212121; background: #fafafa; }
  h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 28px 0 8px; }
  .meta { color: #616161; margin-bottom: 16px; }
  .tiles { display: flex; gap: 12px; flex-wrap: wrap; margin: 12px 0 20px; }
  .tile { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px 16px; min-width: 130px; }
  .tile b { display: block; font-size: 26px; } .tile.ok b { color: var(--ok); } .tile.bad b { color: var(--bad); } .tile.none b { color: var(--none); }
  .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 16px; }
  .chart { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px; height: 280px; }
  .chart h3 { font-size: 13px; margin: 0 0 6px; color: #424242; } .chart div { position: relative; height: 240px; }
  table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid var(--line); }
  th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
  th { background: #f5f5f5; font-weight: 600; font-size: 12px; } td.num { text-align: right; } .mono { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; }
  .status { font-weight: 600; font-size: 12px; } .status.ok { color: var(--ok); } .status.bad { color: var(--bad); } .status.none { color: var(--none); }
  .sev { display: inline-block; font-size: 11px; padding: 0 5px; border-radius: 3px; background: #eeeeee; margin: 1px 0; }
  .sev-CRITICAL { background: #b71c1c; color: #fff; } .sev-HIGH { background: #e65100; color: #fff; } .sev-MEDIUM { background: #f9a825; } .sev-LOW { background: #c5e1a5; }
  .muted { color: #757575; }
  .scroll { overflow-x: auto; } .nowrap, td.mono { white-space: nowrap; }
</style>
</head>
<body>
<h1>${esc(title)}</h1>
<div class="meta">Generated ${esc(opts.now.toISOString())}${opts.scope ? ` · ${esc(opts.scope)}` : ''} · ${rows.length} node${rows.length === 1 ? '' : 's'}</div>
<div class="tiles">
  <div class="tile ok"><b>${total('COMPLIANT')}</b>compliant</div>
  <div class="tile bad"><b>${total('NON_COMPLIANT')}</b>non-compliant</div>
  <div class="tile none"><b>${total('UNREPORTED')}</b>unreported</div>
  <div class="tile"><b>${missingTotal}</b>missing patches</div>
</div>
<div class="charts">
  <div class="chart"><h3>Compliance by node group</h3><div><canvas id="byGroup" role="img" aria-label="Nodes by compliance and patch group"></canvas></div></div>
  <div class="chart"><h3>Missing patches by severity and node group</h3><div><canvas id="bySeverity" role="img" aria-label="Missing patches by severity"></canvas></div></div>
  <div class="chart"><h3>Last scan or install</h3><div><canvas id="byAge" role="img" aria-label="Nodes by age of their last patch operation"></canvas></div></div>
</div>
<h2>Nodes</h2>
<div class="scroll"><table id="nodes">
<thead><tr><th>Node</th><th>Patch group</th><th>Product</th><th>Compliance</th><th>Severity</th><th>Missing</th><th>By severity</th><th>Failed</th><th>Pending reboot</th><th>Rejected</th><th>Last operation</th><th>Age</th><th>Baseline</th></tr></thead>
<tbody>
${nodeRows || '<tr><td colspan="13" class="muted">No patch states: scan nodes with AWS-RunPatchBaseline (Operation=Scan).</td></tr>'}
</tbody>
</table></div>
<h2>Missing and other non-compliant patches</h2>
<div class="scroll"><table id="patches">
<thead><tr><th>Node</th><th>Patch group</th><th>Patch</th><th>State</th><th>Installed</th><th>Approved version</th><th>Severity</th><th>Advisories</th></tr></thead>
<tbody>
${patchRows || '<tr><td colspan="8" class="muted">None.</td></tr>'}
</tbody>
</table></div>
<script id="report-data" type="application/json">${scriptJson(data)}</script>
<script>${opts.chartJs.replace(/<\/script/gi, '<\\/script')}</script>
<script>
(function () {
  var d = JSON.parse(document.getElementById('report-data').textContent);
  var palette = ['#1565c0', '#6a1b9a', '#00838f', '#ef6c00', '#4e342e', '#558b2f', '#ad1457', '#37474f'];
  var stacked = { responsive: true, maintainAspectRatio: false, animation: false, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } };
  new Chart(document.getElementById('byGroup'), { type: 'bar', options: stacked, data: { labels: d.groups, datasets: [
    { label: 'Compliant', data: d.compliance.COMPLIANT, backgroundColor: '#2e7d32' },
    { label: 'Non-compliant', data: d.compliance.NON_COMPLIANT, backgroundColor: '#c62828' },
    { label: 'Unreported', data: d.compliance.UNREPORTED, backgroundColor: '#9e9e9e' } ] } });
  new Chart(document.getElementById('bySeverity'), { type: 'bar', options: stacked, data: { labels: d.severities,
    datasets: d.groups.map(function (g, i) { return { label: g, data: d.missingBySeverity[g], backgroundColor: palette[i % palette.length] }; }) } });
  new Chart(document.getElementById('byAge'), { type: 'bar', options: { responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    data: { labels: d.ages, datasets: [{ label: 'Nodes', data: d.ageCounts, backgroundColor: '#546e7a' }] } });
})();
</script>
</body>
</html>
`;
}
