// Scan and install times of the RPM patch engine on a test repository, each against a
// baseline run side by side: the package manager doing the same work alone.
//   scan     Drover's scan (dnf makecache --refresh, rpm -qa, dnf repoquery, the cached
//            updateinfo.xml read, the baseline evaluated) vs `dnf makecache --refresh` +
//            `dnf updateinfo list --updates` (what dnf itself needs to list the notices)
//   install  Drover's install of the approved set (the scan, then one dnf upgrade and the
//            rpm database read back) vs `dnf upgrade` of the same packages alone
// Two repositories: a small one (8 packages installed, 4 notices), and a larger one (N packages
// installed, each with an update, half of them in notices). Fresh installroots each round.
// `npx tsx bench/rpm-patch.ts [--rounds 5] [--packages 300]` → bench/results/rpm-patch.json.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { compileBaseline } from '../compiler/baseline/index';
import { installRpmPatches, scanRpmNode } from '../patch/rpm/engine';
import { runRpmTool } from '../patch/rpm/inventory';
import { installInitialRpms, makeRpmRoot, publishRpmRepo, requireRpmTools, type NoticeSpec, type RpmSpec } from '../test/helpers/rpm-repo';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, packages: { type: 'string', default: '300' } } });
const rounds = Number(values.rounds);
const bigCount = Number(values.packages);

const BASELINE = compileBaseline(
  'OperatingSystem: REDHAT_ENTERPRISE_LINUX\nApprovalRules:\n  PatchRules:\n    - PatchFilterGroup:\n        PatchFilters:\n          - Key: CLASSIFICATION\n            Values: [Security]\n          - Key: SEVERITY\n            Values: [Critical, Important]\n      ComplianceLevel: CRITICAL\n      ApproveAfterDays: 7\n    - PatchFilterGroup:\n        PatchFilters:\n          - Key: CLASSIFICATION\n            Values: [Bugfix]\n      ComplianceLevel: MEDIUM\n      ApproveAfterDays: 7\n',
  'bench.yaml',
).baseline!;

const ago = (days: number) => new Date(Date.now() - days * 86_400_000);
const spec = (name: string, release: string): RpmSpec => ({ name, version: '1.0', release });

function repository(count: number): { packages: RpmSpec[]; notices: NoticeSpec[]; names: string[] } {
  const names = Array.from({ length: count }, (_, i) => `pkg${String(i).padStart(4, '0')}`);
  const kinds: NoticeSpec['type'][] = ['security', 'bugfix', 'enhancement'];
  const severities = ['Critical', 'Important', 'Moderate', 'Low'];
  const notices = names
    .filter((_, i) => i % 2 === 0)
    .map((name, i): NoticeSpec => ({ id: `BENCH-2024:${1000 + i}`, type: kinds[i % 3]!, ...(i % 3 === 0 ? { severity: severities[i % 4]! } : {}), issued: ago(30), packages: [spec(name, '2')] }));
  return { packages: names.flatMap((n) => [spec(n, '1'), spec(n, '2')]), notices, names };
}

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function measure(label: string, count: number) {
  const work = mkdtempSync(join(tmpdir(), 'drover-bench-rpm-'));
  const repo = join(work, 'repo');
  const { packages, notices, names } = repository(count);
  let t = process.hrtime.bigint();
  publishRpmRepo(work, repo, packages, notices);
  const buildMs = ms(t);
  const times = { droverScan: [] as number[], dnfScan: [] as number[], droverInstall: [] as number[], dnfInstall: [] as number[] };
  let selected = 0;
  for (let r = 0; r < rounds; r++) {
    const a = makeRpmRoot(join(work, `a${r}`), repo);
    const b = makeRpmRoot(join(work, `b${r}`), repo);
    await installInitialRpms(a, names.map((n) => `${n}-1.0-1`));
    await installInitialRpms(b, names.map((n) => `${n}-1.0-1`));
    // Scans, side by side (alternating which goes first).
    const scanDrover = async () => {
      t = process.hrtime.bigint();
      const scan = await scanRpmNode({ root: a, baseline: BASELINE });
      times.droverScan.push(ms(t));
      selected = scan.summary.counts.Missing;
    };
    const scanDnf = async () => {
      t = process.hrtime.bigint();
      await runRpmTool(b, 'manager', ['makecache', '--refresh', '-q', '-y'], { releasever: '9' });
      await runRpmTool(b, 'manager', ['updateinfo', 'list', '--updates', '-q', '-C'], { releasever: '9' });
      times.dnfScan.push(ms(t));
    };
    if (r % 2) await scanDnf().then(scanDrover);
    else await scanDrover().then(scanDnf);
    // Installs of the same approved set.
    const approved = (await scanRpmNode({ root: a, baseline: BASELINE, refresh: false })).records.filter((x) => x.state === 'Missing').map((x) => `${x.title.replace(/\.noarch$/, '')}-${x.availableVersion}.noarch`);
    const installDrover = async () => {
      t = process.hrtime.bigint();
      await installRpmPatches({ root: a, baseline: BASELINE, rebootOption: 'NoReboot' });
      times.droverInstall.push(ms(t));
    };
    const installDnf = async () => {
      t = process.hrtime.bigint();
      await runRpmTool(b, 'manager', ['makecache', '--refresh', '-q', '-y'], { releasever: '9' });
      await runRpmTool(b, 'manager', ['upgrade', '-y', '-q', '--setopt=install_weak_deps=False', ...approved], { releasever: '9' });
      times.dnfInstall.push(ms(t));
    };
    if (r % 2) await installDnf().then(installDrover);
    else await installDrover().then(installDnf);
  }
  rmSync(work, { recursive: true, force: true });
  const out = {
    label,
    packagesInstalled: count,
    notices: notices.length,
    approvedMissing: selected,
    repositoryBuildMs: Math.round(buildMs),
    scanMs: { drover: Math.round(median(times.droverScan)), dnfAlone: Math.round(median(times.dnfScan)), ratio: +(median(times.droverScan) / median(times.dnfScan)).toFixed(2) },
    installMs: { drover: Math.round(median(times.droverInstall)), dnfAlone: Math.round(median(times.dnfInstall)), ratio: +(median(times.droverInstall) / median(times.dnfInstall)).toFixed(2) },
  };
  console.log(JSON.stringify(out));
  return out;
}

requireRpmTools();
const results = { rounds, measuredAt: new Date().toISOString(), runs: [await measure('small', 8), await measure('larger', bigCount)] };
writeFileSync(fileURLToPath(new URL('./results/rpm-patch.json', import.meta.url)), `${JSON.stringify(results, null, 2)}\n`);
