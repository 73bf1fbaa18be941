// The patch engine on an RPM node: Scan and Install against a baseline, with dnf (yum where
// only yum exists) and rpm confined to the given root.
//
// Install upgrades exactly the approved missing patches (or those of an install override
// list) to the approved version: `dnf upgrade name-[epoch:]version-release.arch …`, never a
// package the node lacks as a target, with best=True (a patch that cannot be installed is an
// error, not silently skipped), no weak dependencies and no obsoletes replacing packages.
// Under RejectedPatchesAction BLOCK every rejected version the repositories offer is
// excluded from the transaction (`--exclude`), so dnf's solver never brings one in, not even
// as a dependency: a patch that needs one fails and is reported Failed with dnf's reason.
// A batch that fails is retried patch by patch, so one broken patch keeps no other out.
// As SSM does on Linux, an Install that installed anything needs a reboot: Drover flags it
// in <root>/run/drover/patch-reboot-required (gone after a reboot, /run being a tmpfs), the
// installed patches are InstalledPendingReboot until then, and with RebootIfNeeded the
// result asks the caller for the reboot.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isRejected } from '../approval';
import type { PatchBaseline } from '../baseline';
import { evaluateNode, type Evaluation, type PriorOperations } from '../evaluate';
import type { InstallOutcome, PackageChange, PatchOperationResult, RebootOption } from '../operation';
import { detectNodeOs, type NodeOs } from '../os-release';
import { packageKey, type InstalledPackage, type NodePackages } from '../packages';
import { summarise } from '../patch-state';
import { readPriorOperations, rebootRequired, writePriorOperations } from '../apt/node-state';
import { lastLines, PatchEngineError } from '../apt/run';
import { RPM_FAMILY } from './family';
import { installedPackages, nodePackages, refreshMetadata, runRpmTool } from './inventory';
import { matchesRpmPackage } from './patch-names';
import type { RpmRoot } from './rpm-root';

export interface RpmEngineOptions {
  root: RpmRoot;
  baseline: PatchBaseline;
  baselineReason?: string;
  patchGroup?: string;
  /** Refresh the repositories' metadata first (default true). */
  refresh?: boolean;
  now?: () => Date;
  signal?: AbortSignal;
}

export interface RpmInstallOptions extends RpmEngineOptions {
  rebootOption?: RebootOption;
  /** InstallOverrideList: package names (with *) to install instead of the baseline's approved ones. */
  overrideList?: string[];
}

/** Drover's reboot flag on RPM nodes (RPM has no convention of its own). */
export const RPM_REBOOT_FLAG = 'run/drover/patch-reboot-required';
const FLAGS = [RPM_REBOOT_FLAG];

/** How dnf is asked to change packages: errors instead of skipped patches, nothing beyond what is needed. */
function upgradeArgs(root: RpmRoot): string[] {
  const common = ['-y', '--setopt=install_weak_deps=False', '--setopt=obsoletes=False'];
  return root.manager === 'dnf' ? ['upgrade', ...common, '--setopt=best=True', '--setopt=strict=True', '--setopt=protect_running_kernel=False'] : ['update', ...common, '--setopt=skip_broken=0'];
}

export async function scanRpmNode(options: RpmEngineOptions): Promise<PatchOperationResult> {
  const startTime = (options.now?.() ?? new Date()).toISOString();
  const os = await prepare(options);
  const { evaluation } = await evaluate(options, os);
  return result(options, os, 'Scan', startTime, evaluation, 'NoReboot');
}

export async function installRpmPatches(options: RpmInstallOptions): Promise<PatchOperationResult> {
  const startTime = (options.now?.() ?? new Date()).toISOString();
  const rebootOption = options.rebootOption ?? 'RebootIfNeeded';
  const os = await prepare(options);
  const { evaluation, packages, prior } = await evaluate(options, os);
  const targets = options.overrideList ? overrideTargets(options.baseline, packages, options.overrideList) : evaluation.installable.map(({ name, architecture, version }) => ({ name, architecture, version }));
  const failed: InstallOutcome['failed'] = [];
  const excludes = options.baseline.rejectedPatchesAction === 'BLOCK' ? blockedVersions(options.baseline, packages).map((e) => `--exclude=${e}`) : [];
  const run = (specs: string[]) => runRpmTool(options.root, 'manager', [...upgradeArgs(options.root), ...excludes, ...specs], { allowFailure: true, releasever: os.versionId, ...(options.signal ? { signal: options.signal } : {}) });
  if (targets.length) {
    const batch = await run(targets.map(spec));
    if (batch.code !== 0) {
      for (const target of targets) {
        const one = await run([spec(target)]);
        if (one.code !== 0) failed.push({ name: target.name, version: target.version, message: lastLines(`${one.stderr}\n${one.stdout}`) || `${options.root.manager} exited ${one.code}` });
      }
    }
  }
  const after = await installedPackages(options.root);
  const changed = changes(packages.installed, after, targets);
  // dnf said yes but the database says otherwise: the patch is not installed.
  for (const t of targets) {
    if (!failed.some((f) => f.name === t.name) && !after.some((p) => p.name === t.name && p.architecture === t.architecture && p.version === t.version)) {
      failed.push({ name: t.name, version: t.version, message: `${options.root.manager} reported success, but the rpm database does not have ${spec(t)}` });
    }
  }
  if (changed.length) flagReboot(options.root, changed);
  const needsReboot = rebootRequired(options.root, FLAGS);
  const pendingReboot = needsReboot ? [...new Set([...(prior.pendingReboot ?? []), ...changed.map((c) => c.name)])] : [];
  const next: PriorOperations = {
    ...(failed.length ? { failed: Object.fromEntries(failed.map((f) => [`${f.name}=${f.version}`, f.message])) } : {}),
    ...(pendingReboot.length ? { pendingReboot } : {}),
  };
  writePriorOperations(options.root, next);
  const rescan = evaluateNode(options.baseline, { ...packages, installed: after }, options.now?.() ?? new Date(), next, RPM_FAMILY);
  const install: InstallOutcome = { changed, failed, rebootRequired: needsReboot, rebootRequested: needsReboot && rebootOption === 'RebootIfNeeded' };
  return { ...result(options, os, 'Install', startTime, rescan, rebootOption), install };
}

async function prepare(options: RpmEngineOptions): Promise<NodeOs> {
  options.root.prepare();
  let os: NodeOs;
  try {
    os = detectNodeOs(options.root.root);
  } catch (e) {
    throw new PatchEngineError((e as Error).message);
  }
  if (os.os !== options.baseline.operatingSystem) {
    throw new PatchEngineError(`baseline ${options.baseline.name} is for ${options.baseline.operatingSystem} nodes; this node runs ${os.name} (${os.os})`);
  }
  if (options.refresh !== false) await refreshMetadata(options.root, os.versionId, options.signal);
  return os;
}

async function evaluate(options: RpmEngineOptions, os: NodeOs): Promise<{ evaluation: Evaluation; packages: NodePackages; prior: PriorOperations }> {
  const packages = await nodePackages(options.root, os.product, os.versionId);
  const prior = readPriorOperations(options.root, FLAGS);
  return { evaluation: evaluateNode(options.baseline, packages, options.now?.() ?? new Date(), prior, RPM_FAMILY), packages, prior };
}

function result(options: RpmEngineOptions, os: NodeOs, operation: 'Scan' | 'Install', startTime: string, evaluation: Evaluation, rebootOption: RebootOption): PatchOperationResult {
  return {
    operation,
    os: os.os,
    product: os.product,
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

const spec = (t: Target): string => RPM_FAMILY.spec(t.name, t.architecture, t.version);

/** Every version the repositories offer that the baseline rejects and the node does not have: what BLOCK keeps out. */
function blockedVersions(baseline: PatchBaseline, packages: NodePackages): string[] {
  const out: string[] = [];
  for (const [key, versions] of Object.entries(packages.available)) {
    const name = key.slice(0, key.lastIndexOf(':'));
    for (const v of versions) {
      if (!v.repository) continue;
      if (packages.installed.some((p) => p.name === name && p.architecture === v.architecture && p.version === v.version)) continue;
      if (isRejected(baseline, name, v.architecture, v.version, RPM_FAMILY)) out.push(spec({ name, architecture: v.architecture, version: v.version }));
    }
  }
  return out.sort();
}

/** InstallOverrideList: the newest version of each listed installed package, whatever the rules say (rejected ones still not). */
function overrideTargets(baseline: PatchBaseline, packages: NodePackages, ids: string[]): Target[] {
  const targets: Target[] = [];
  for (const pkg of packages.installed) {
    if (!ids.some((id) => matchesRpmPackage(id, { name: pkg.name, architecture: pkg.architecture, evr: pkg.version }))) continue;
    const versions = [...(packages.available[packageKey(pkg.name, pkg.architecture)] ?? []), ...(packages.available[packageKey(pkg.name, 'noarch')] ?? [])]
      .filter((v) => v.repository && RPM_FAMILY.compareVersions(v.version, pkg.version) > 0 && !isRejected(baseline, pkg.name, v.architecture, v.version, RPM_FAMILY))
      .sort((a, b) => RPM_FAMILY.compareVersions(b.version, a.version));
    if (versions[0]) targets.push({ name: pkg.name, architecture: versions[0].architecture, version: versions[0].version });
  }
  return targets;
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

function flagReboot(root: RpmRoot, changed: PackageChange[]): void {
  const flag = join(root.root, RPM_REBOOT_FLAG);
  mkdirSync(dirname(flag), { recursive: true });
  writeFileSync(flag, '*** System restart required (Drover patch install) ***\n');
  writeFileSync(`${flag}.pkgs`, `${changed.map((c) => c.name).join('\n')}\n`, { flag: 'a' });
}
