// The heart of a scan: installed packages + available versions + a baseline → one record
// per patch with SSM's state. Pure; the apt and RPM layers gather the inputs, and the package
// family (approval.ts's APT_FAMILY, rpm/family.ts's RPM_FAMILY) says how versions order and
// what a baseline's lists and filters see.
//
// A package is a patch candidate when it is installed (Patch Manager never installs a package
// that is not, except as a dependency). Its state:
//   Missing        an approved, not rejected version newer than the installed one exists
//   Failed         … and the last Install tried exactly that version and failed
//   InstalledRejected  the installed version is on the rejected list and the action is BLOCK
//   InstalledPendingReboot  installed by an Install that asked for a reboot not done yet
//   Installed      the installed version is approved by the baseline
//   InstalledOther anything else installed (including rejected ones allowed as dependencies)
//   NotApplicable  a package on the approved list that the node does not have
import { APT_FAMILY, evaluateApproval, isRejected, type Approval } from './approval';
import type { PatchBaseline } from './baseline';
import type { PatchFamily } from './family';
import { packageKey, type AvailableVersion, type InstalledPackage, type NodePackages } from './packages';
import type { PatchRecord } from './patch-state';

/** What earlier operations on the node left behind (kept by the engine in the package root). */
export interface PriorOperations {
  /** `name=version` the last Install tried and failed, with why. */
  failed?: Record<string, string>;
  /** Packages installed while a reboot is still required. */
  pendingReboot?: string[];
}

export interface Evaluation {
  records: PatchRecord[];
  /** Missing and Failed records with what to install (`name:arch=version`). */
  installable: { record: PatchRecord; spec: string; name: string; architecture: string; version: string }[];
}

export function evaluateNode(baseline: PatchBaseline, node: NodePackages, now: Date, prior: PriorOperations = {}, family: PatchFamily = APT_FAMILY): Evaluation {
  const records: PatchRecord[] = [];
  const installable: Evaluation['installable'] = [];
  const pendingReboot = new Set(prior.pendingReboot ?? []);
  const compare = family.compareVersions;
  for (const pkg of [...node.installed].sort((a, b) => a.name.localeCompare(b.name) || a.architecture.localeCompare(b.architecture))) {
    const versions = availableFor(node, pkg, family);
    const title = family.title(pkg.name, pkg.architecture);
    const newer = versions.filter((v) => compare(v.version, pkg.version) > 0).sort((a, b) => compare(b.version, a.version));
    let target: { version: AvailableVersion; approval: Extract<Approval, { approved: true }> } | undefined;
    let notApproved: Approval | undefined;
    for (const version of newer) {
      const approval = evaluateApproval(baseline, { name: pkg.name, architecture: pkg.architecture, version }, node.product, now, family);
      if (approval.approved) {
        target = { version, approval };
        break;
      }
      notApproved ??= approval;
    }
    const base = { title, installedVersion: pkg.version, ...(pkg.section ? { section: pkg.section } : {}), ...(pkg.priority ? { priority: pkg.priority } : {}) };
    if (target) {
      const spec = family.spec(pkg.name, pkg.architecture, target.version.version);
      const failure = prior.failed?.[`${pkg.name}=${target.version.version}`];
      const record: PatchRecord = {
        ...base,
        state: failure ? 'Failed' : 'Missing',
        availableVersion: target.version.version,
        severity: target.approval.complianceLevel,
        security: target.approval.security,
        ...(target.version.section ? { section: target.version.section } : {}),
        ...(target.version.priority ? { priority: target.version.priority } : {}),
        ...advisoryFields(target.version),
        detail: failure ? `The last install failed: ${failure}` : `Approved by ${target.approval.by}.`,
      };
      records.push(record);
      installable.push({ record, spec, name: pkg.name, architecture: pkg.architecture, version: target.version.version });
      continue;
    }
    const current = versions.find((v) => v.version === pkg.version) ?? { version: pkg.version, architecture: pkg.architecture, section: pkg.section, priority: pkg.priority, origins: [] };
    if (isRejected(baseline, pkg.name, pkg.architecture, pkg.version, family)) {
      const block = baseline.rejectedPatchesAction === 'BLOCK';
      records.push({
        ...base,
        state: block ? 'InstalledRejected' : 'InstalledOther',
        severity: 'UNSPECIFIED',
        security: family.isSecurityUpdate(current),
        detail: block ? 'On the rejected list (BLOCK).' : 'On the rejected list, allowed as a dependency.',
      });
      continue;
    }
    if (pendingReboot.has(pkg.name)) {
      const approval = evaluateApproval(baseline, { name: pkg.name, architecture: pkg.architecture, version: current }, node.product, now, family);
      records.push({
        ...base,
        state: 'InstalledPendingReboot',
        severity: approval.approved ? approval.complianceLevel : 'UNSPECIFIED',
        security: approval.security,
        detail: 'Installed; the node needs a reboot.',
      });
      continue;
    }
    const approval = evaluateApproval(baseline, { name: pkg.name, architecture: pkg.architecture, version: current }, node.product, now, family);
    records.push({
      ...base,
      state: approval.approved ? 'Installed' : 'InstalledOther',
      severity: approval.approved ? approval.complianceLevel : 'UNSPECIFIED',
      security: approval.security,
      ...(approval.approved ? {} : notApproved && !notApproved.approved ? { detail: `Update not approved: ${notApproved.reason}.` } : {}),
    });
  }
  for (const entry of baseline.approvedPatches) {
    const name = family.plainName(entry);
    if (!name) continue;
    if (node.installed.some((p) => p.name === name)) continue;
    records.push({ title: entry, state: 'NotApplicable', severity: baseline.approvedPatchesComplianceLevel, security: false, detail: 'Approved, but not installed on this node.' });
  }
  return { records, installable };
}

/** Versions of the package the repositories offer for its architecture (and the neutral one: `all`, `noarch`). */
function availableFor(node: NodePackages, pkg: InstalledPackage, family: PatchFamily): AvailableVersion[] {
  const neutral = family.neutralArchitecture;
  return [...(node.available[packageKey(pkg.name, pkg.architecture)] ?? []), ...(pkg.architecture !== neutral ? (node.available[packageKey(pkg.name, neutral)] ?? []) : [])];
}

/** RPM: the notices behind a missing patch, for the report. */
function advisoryFields(version: AvailableVersion): Pick<PatchRecord, 'advisoryIds' | 'cveIds' | 'classification'> {
  const notices = version.advisories ?? [];
  if (!notices.length) return {};
  const cves = [...new Set(notices.flatMap((a) => a.cves))];
  return { advisoryIds: notices.map((a) => a.id), ...(cves.length ? { cveIds: cves } : {}), classification: notices[0]!.type };
}
