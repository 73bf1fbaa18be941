// The patch engine on an apt node: Scan and Install against a baseline, with apt and dpkg
// confined to the given package root.
//
// Install installs exactly the approved missing patches (or those of an install override
// list): apt is asked for those versions with --only-upgrade (never a package the node lacks)
// and --no-remove (never a removal); a simulation first shows the dependencies apt would add,
// and with RejectedPatchesAction BLOCK a patch that needs a rejected package is not installed
// (it is reported Failed). A reboot is never done here: the result says whether one is
// required and, with RebootIfNeeded, requested; the caller decides (the agent reboots a real
// node, and on an isolated root only reports).
import type { PatchBaseline } from '../baseline';
import { isRejected, matchesPatchName } from '../approval';
import { compareDebianVersions } from '../debian-version';
import { evaluateNode, type Evaluation, type PriorOperations } from '../evaluate';
import type { InstallOutcome, PackageChange, PatchOperationResult, RebootOption } from '../operation';
import type { InstalledPackage, NodePackages } from '../packages';
import { packageKey } from '../packages';
import { summarise } from '../patch-state';
import { detectOs, installedPackages, nodePackages, refreshIndexes, type NodeOs } from './inventory';
import { readPriorOperations, rebootPackages, rebootRequired, writePriorOperations } from './node-state';
import type { PackageRoot } from './package-root';
import { lastLines, PatchEngineError, runTool } from './run';

export interface EngineOptions {
  root: PackageRoot;
  baseline: PatchBaseline;
  /** How the baseline was chosen, for the report. */
  baselineReason?: string;
  patchGroup?: string;
  /** Run apt-get update first (default true). */
  refresh?: boolean;
  now?: () => Date;
  /** Stops apt and dpkg (a timed-out or cancelled command). */
  signal?: AbortSignal;
}

export interface InstallOptions extends EngineOptions {
  rebootOption?: RebootOption;
  /** InstallOverrideList: package names (name, name:arch, * globs) to install instead of the baseline's approved ones. */
  overrideList?: string[];
}

const APT_INSTALL = ['install', '-y', '-q', '--only-upgrade', '--no-install-recommends', '--no-remove', '-o', 'DPkg::Lock::Timeout=120', '-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold'];

export async function scanNode(options: EngineOptions): Promise<PatchOperationResult> {
  const startTime = (options.now?.() ?? new Date()).toISOString();
  const context = await prepare(options);
  const { evaluation } = await evaluate(options, context);
  return result(options, context, 'Scan', startTime, evaluation, 'NoReboot');
}

export async function installPatches(options: InstallOptions): Promise<PatchOperationResult> {
  const startTime = (options.now?.() ?? new Date()).toISOString();
  const rebootOption = options.rebootOption ?? 'RebootIfNeeded';
  const context = await prepare(options);
  const { evaluation, packages, prior } = await evaluate(options, context);
  const targets = options.overrideList ? overrideTargets(options.baseline, packages, options.overrideList) : evaluation.installable.map(({ name, architecture, version }) => ({ name, architecture, version }));
  const failed: InstallOutcome['failed'] = [];
  const before = packages.installed;
  const wanted = await excludeBlocked(options, targets, failed);
  if (wanted.length) {
    const batch = await runTool(options.root, 'apt-get', [...APT_INSTALL, ...wanted.map(spec)], { allowFailure: true, signal: options.signal });
    if (batch.code !== 0) {
      // One broken package must not keep the others out: try each on its own.
      for (const target of wanted) {
        const one = await runTool(options.root, 'apt-get', [...APT_INSTALL, spec(target)], { allowFailure: true, signal: options.signal });
        if (one.code !== 0) failed.push({ name: target.name, version: target.version, message: lastLines(`${one.stderr}\n${one.stdout}`) || `apt-get exited ${one.code}` });
      }
    }
  }
  const after = await installedPackages(options.root);
  const changed = changes(before, after, targets);
  const needsReboot = rebootRequired(options.root);
  const flagged = rebootPackages(options.root);
  const pendingReboot = needsReboot ? [...new Set([...(prior.pendingReboot ?? []), ...(flagged.length ? flagged.filter((p) => changed.some((c) => c.name === p)) : changed.map((c) => c.name))])] : [];
  const next: PriorOperations = {
    ...(failed.length ? { failed: Object.fromEntries(failed.map((f) => [`${f.name}=${f.version}`, f.message])) } : {}),
    ...(pendingReboot.length ? { pendingReboot } : {}),
  };
  writePriorOperations(options.root, next);
  const rescan = evaluateNode(options.baseline, { ...packages, installed: after }, options.now?.() ?? new Date(), next);
  const install: InstallOutcome = { changed, failed, rebootRequired: needsReboot, rebootRequested: needsReboot && rebootOption === 'RebootIfNeeded' };
  return { ...result(options, context, 'Install', startTime, rescan, rebootOption), install };
}

interface Context {
  os: NodeOs;
}

async function prepare(options: EngineOptions): Promise<Context> {
  options.root.prepare();
  const os = detectOs(options.root);
  if (os.os !== options.baseline.operatingSystem) {
    throw new PatchEngineError(`baseline ${options.baseline.name} is for ${options.baseline.operatingSystem} nodes; this node runs ${os.name} (${os.os})`);
  }
  if (options.refresh !== false) await refreshIndexes(options.root, options.signal);
  return { os };
}

async function evaluate(options: EngineOptions, context: Context): Promise<{ evaluation: Evaluation; packages: NodePackages; prior: PriorOperations }> {
  const packages = await nodePackages(options.root, context.os.product);
  const prior = readPriorOperations(options.root);
  return { evaluation: evaluateNode(options.baseline, packages, options.now?.() ?? new Date(), prior), packages, prior };
}

function result(options: EngineOptions, context: Context, operation: 'Scan' | 'Install', startTime: string, evaluation: Evaluation, rebootOption: RebootOption): PatchOperationResult {
  return {
    operation,
    os: context.os.os,
    product: context.os.product,
    baseline: { name: options.baseline.name, hash: options.baseline.hash },
    ...(options.patchGroup !== undefined ? { patchGroup: options.patchGroup } : {}),
    baselineReason: options.baselineReason ?? `baseline ${options.baseline.name}`,
    startTime,
    endTime: (options.now?.() ?? new Date()).toISOString(),
    rebootOption,
    summary: summarise(evaluation.records),
    records: evaluation.records,
  };
}

interface Target {
  name: string;
  architecture: string;
  version: string;
}

const spec = (t: Target): string => `${t.name}:${t.architecture}=${t.version}`;

/** InstallOverrideList: the newest version of each listed installed package, whatever the rules say (rejected ones still not). */
function overrideTargets(baseline: PatchBaseline, packages: NodePackages, ids: string[]): Target[] {
  const targets: Target[] = [];
  for (const pkg of packages.installed) {
    if (!ids.some((id) => matchesPatchName(id, pkg.name, pkg.architecture, pkg.version) || matchesPatchName(id.split('=')[0]!, pkg.name, pkg.architecture, pkg.version))) continue;
    const versions = [...(packages.available[packageKey(pkg.name, pkg.architecture)] ?? []), ...(packages.available[packageKey(pkg.name, 'all')] ?? [])]
      .filter((v) => compareDebianVersions(v.version, pkg.version) > 0 && !isRejected(baseline, pkg.name, pkg.architecture, v.version))
      .filter((v) => ids.some((id) => !id.includes('=') || matchesPatchName(id, pkg.name, pkg.architecture, v.version)))
      .sort((a, b) => compareDebianVersions(b.version, a.version));
    if (versions[0]) targets.push({ name: pkg.name, architecture: pkg.architecture, version: versions[0].version });
  }
  return targets;
}

interface Simulated {
  name: string;
  from?: string;
  to: string;
}

/** `Inst libfoo [2.0-1] (2.0-2 Drover-Security:stable-security [all])` → what apt would install. */
function parseSimulation(stdout: string): Simulated[] {
  const out: Simulated[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^Inst (\S+) (?:\[([^\]]+)\] )?\((\S+)/.exec(line);
    if (m) out.push({ name: m[1]!.replace(/:.*$/, ''), ...(m[2] ? { from: m[2] } : {}), to: m[3]! });
  }
  return out;
}

/**
 * With BLOCK, no rejected package may come in as a dependency: simulate, and when one would,
 * find the patches that pull it (one simulation each) and leave them out as Failed. apt's own
 * refusals (a version that cannot be installed) also show here, per patch.
 */
async function excludeBlocked(options: InstallOptions, targets: Target[], failed: InstallOutcome['failed']): Promise<Target[]> {
  if (!targets.length) return [];
  const blocked = (plan: Simulated[]) =>
    plan.filter((s) => !targets.some((t) => t.name === s.name && t.version === s.to) && isRejected(options.baseline, s.name, '', s.to) && options.baseline.rejectedPatchesAction === 'BLOCK');
  const all = await runTool(options.root, 'apt-get', ['-s', ...APT_INSTALL, ...targets.map(spec)], { allowFailure: true, signal: options.signal });
  if (all.code === 0 && !blocked(parseSimulation(all.stdout)).length) return targets;
  const kept: Target[] = [];
  for (const target of targets) {
    const one = await runTool(options.root, 'apt-get', ['-s', ...APT_INSTALL, spec(target)], { allowFailure: true, signal: options.signal });
    if (one.code !== 0) {
      failed.push({ name: target.name, version: target.version, message: lastLines(`${one.stderr}\n${one.stdout}`) || `apt-get exited ${one.code}` });
      continue;
    }
    const rejected = blocked(parseSimulation(one.stdout));
    if (rejected.length) {
      failed.push({ name: target.name, version: target.version, message: `needs ${rejected.map((r) => `${r.name}=${r.to}`).join(', ')}, which the baseline rejects (BLOCK)` });
      continue;
    }
    kept.push(target);
  }
  return kept;
}

function changes(before: InstalledPackage[], after: InstalledPackage[], targets: Target[]): PackageChange[] {
  const old = new Map(before.map((p) => [packageKey(p.name, p.architecture), p.version]));
  return after
    .filter((p) => old.get(packageKey(p.name, p.architecture)) !== p.version)
    .map((p) => {
      const from = old.get(packageKey(p.name, p.architecture));
      return { name: p.name, architecture: p.architecture, ...(from ? { from } : {}), to: p.version, asDependency: !targets.some((t) => t.name === p.name && t.version === p.version) };
    });
}
