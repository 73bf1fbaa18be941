// `drover:runPatchBaseline`, the plugin of Drover's AWS-RunPatchBaseline, run by the agent in
// its own process: picks the node's baseline (BaselineOverride, else the node's patch group,
// else its operating system's default), runs the engine (Scan or Install: apt and dpkg, or
// dnf/yum and rpm, as the node's os-release says) on the node's package root, records the
// node's patch state for compliance, and answers the way a script plugin does: an exit code
// and output. Exit 194 asks for the reboot an install needs
// (RebootIfNeeded), as SSM defines it; the agent decides whether to reboot.
import { parse } from 'yaml';
import type { AwsClients } from '../../activities/aws/clients';
import { compileBaseline } from '../../compiler/baseline/index';
import { defaultBaselineDirs, loadBaselineSet } from '../../compiler/baseline/load';
import { formatDiagnostic } from '../../compiler/diagnostic';
import type { PatchStateRecord } from '../../workflows/patch-state-contract';
import type { PatchBaseline } from '../baseline';
import { installPatches, scanNode } from '../apt/engine';
import { PackageRoot } from '../apt/package-root';
import { detectNodeOs } from '../os-release';
import { installRpmPatches, scanRpmNode } from '../rpm/engine';
import { RpmRoot } from '../rpm/rpm-root';
import { toPatchStateRecord } from '../compliance/record';
import type { PatchOperationResult, RebootOption } from '../operation';
import { NON_COMPLIANT_STATES, PATCH_STATES } from '../patch-state';
import { patchGroupOf, selectBaseline, type BaselineChoice } from '../select';
import { readSource } from './read-source';

/** Non-compliant patches listed by name in the output (the counts cover them all). */
const REPORT_PATCH_LINES = 50;

/** SSM's exit code for "reboot, then carry on". */
export const REBOOT_EXIT_CODE = 194;

/** The last line of the output: the node's patch state record, for whoever reads the output. */
export const PATCH_STATE_LINE_PREFIX = 'DROVER_PATCH_STATE ';

export interface PatchPluginDeps {
  /** The node's package root: `/`, or an isolated root (tests, images). */
  packageRoot: string;
  /** Where the node finds baselines; default DROVER_BASELINES, else the repository's baselines/. */
  baselineDirs?: string[];
  /** For s3:// sources. */
  aws?: AwsClients;
  /** Keeps the node's patch state (the agent writes it to Temporal). */
  record?: (record: PatchStateRecord) => Promise<void>;
  now?: () => Date;
}

export interface PatchPluginContext {
  nodeId: string;
  commandId: string;
  tags: Record<string, string>;
  /** Aborted on timeout or cancellation: stops apt and dpkg. */
  signal?: AbortSignal;
}

export interface PatchPluginOutcome {
  exitCode: number;
  stdout: string;
  stderr: string;
  result?: PatchOperationResult;
}

interface Inputs {
  operation: 'Scan' | 'Install';
  rebootOption: RebootOption;
  installOverrideList?: string;
  baselineOverride?: string;
  snapshotId?: string;
}

export async function runPatchBaseline(deps: PatchPluginDeps, ctx: PatchPluginContext, raw: Record<string, unknown>): Promise<PatchPluginOutcome> {
  const inputs = readInputs(raw);
  if (typeof inputs === 'string') return failure(inputs);
  let result: PatchOperationResult;
  try {
    // The node's os-release picks the engine: apt and dpkg, or dnf (yum) and rpm.
    const os = detectNodeOs(deps.packageRoot);
    const choice = await chooseBaseline(deps, inputs, os.os, ctx.tags);
    if (inputs.snapshotId && /^[0-9a-f]{64}$/.test(inputs.snapshotId) && inputs.snapshotId !== choice.baseline.hash) {
      return failure(`SnapshotId ${inputs.snapshotId} pins another version of baseline ${choice.baseline.name} (now ${choice.baseline.hash}); nothing was done`);
    }
    const common = { baseline: choice.baseline, baselineReason: choice.reason, ...(choice.patchGroup !== undefined ? { patchGroup: choice.patchGroup } : {}), ...(deps.now ? { now: deps.now } : {}), ...(ctx.signal ? { signal: ctx.signal } : {}) };
    const overrideList = inputs.operation === 'Install' && inputs.installOverrideList ? readOverrideList(await readSource(inputs.installOverrideList, deps.aws), inputs.installOverrideList) : undefined;
    const install = { rebootOption: inputs.rebootOption, ...(overrideList ? { overrideList } : {}) };
    if (os.family === 'rpm') {
      const root = new RpmRoot(deps.packageRoot);
      result = inputs.operation === 'Scan' ? await scanRpmNode({ ...common, root }) : await installRpmPatches({ ...common, root, ...install });
    } else {
      const root = new PackageRoot(deps.packageRoot);
      result = inputs.operation === 'Scan' ? await scanNode({ ...common, root }) : await installPatches({ ...common, root, ...install });
    }
  } catch (e) {
    return failure((e as Error).message);
  }
  const record = { ...toPatchStateRecord(ctx.nodeId, ctx.tags, result), commandId: ctx.commandId };
  let recordProblem: string | undefined;
  if (deps.record) {
    try {
      await deps.record(record);
    } catch (e) {
      recordProblem = `the patch state could not be recorded for compliance: ${(e as Error).message}`;
    }
  }
  const failedInstalls = result.install?.failed ?? [];
  const stderr = [...failedInstalls.map((f) => `Failed to install ${f.name} ${f.version}: ${f.message}`), ...(recordProblem ? [recordProblem] : [])].join('\n');
  const exitCode = failedInstalls.length || recordProblem ? 1 : result.install?.rebootRequested ? REBOOT_EXIT_CODE : 0;
  return { exitCode, stdout: `${report(result)}\n${PATCH_STATE_LINE_PREFIX}${JSON.stringify(record)}\n`, stderr: stderr ? `${stderr}\n` : '', result };
}

function readInputs(raw: Record<string, unknown>): Inputs | string {
  const text = (name: string): string | undefined => {
    const v = raw[name];
    const s = Array.isArray(v) ? v.join('') : v === undefined || v === null ? '' : String(v);
    return s.trim() ? s.trim() : undefined;
  };
  const operation = text('Operation');
  if (operation !== 'Scan' && operation !== 'Install') return `Operation must be Scan or Install, not ${JSON.stringify(operation ?? '')}`;
  const rebootOption = text('RebootOption') ?? 'RebootIfNeeded';
  if (rebootOption !== 'RebootIfNeeded' && rebootOption !== 'NoReboot') return `RebootOption must be RebootIfNeeded or NoReboot, not ${JSON.stringify(rebootOption)}`;
  return {
    operation,
    rebootOption,
    ...optional('installOverrideList', text('InstallOverrideList')),
    ...optional('baselineOverride', text('BaselineOverride')),
    ...optional('snapshotId', text('SnapshotId')),
  };
}

async function chooseBaseline(deps: PatchPluginDeps, inputs: Inputs, os: PatchBaseline['operatingSystem'], tags: Record<string, string>): Promise<BaselineChoice> {
  if (inputs.baselineOverride) {
    const baselines = compileOverride(await readSource(inputs.baselineOverride, deps.aws), inputs.baselineOverride);
    const baseline = baselines.find((b) => b.operatingSystem === os);
    if (!baseline) throw new Error(`BaselineOverride ${inputs.baselineOverride} has no baseline for ${os}`);
    const group = patchGroupOf(tags);
    return { baseline, ...(group !== undefined ? { patchGroup: group } : {}), reason: `BaselineOverride ${inputs.baselineOverride}` };
  }
  const dirs = deps.baselineDirs ?? defaultBaselineDirs();
  const set = await loadBaselineSet(dirs);
  const errors = set.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`the node's baselines (${dirs.join(':')}) do not compile:\n${errors.map(formatDiagnostic).join('\n')}`);
  const choice = selectBaseline(set.baselines, os, tags);
  if (!choice) throw new Error(`no baseline for ${os}: neither a patch group nor a default baseline`);
  return choice;
}

/** A baseline file, or a list of baseline documents (one per operating system), in Drover's baseline format. */
function compileOverride(text: string, source: string): PatchBaseline[] {
  let value: unknown;
  try {
    value = parse(text);
  } catch (e) {
    throw new Error(`BaselineOverride ${source} is not YAML or JSON: ${(e as Error).message}`);
  }
  const docs = Array.isArray(value) ? value : [value];
  return docs.map((doc, index) => {
    const { baseline, diagnostics } = compileBaseline(JSON.stringify(doc), docs.length > 1 ? `${source}[${index}]` : source);
    if (!baseline) throw new Error(`BaselineOverride ${source} is not a valid baseline:\n${diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.pointer || '/'}: ${d.message}`).join('\n')}`);
    return baseline;
  });
}

/** AWS's InstallOverrideList format: `patches: [{ id: name }, …]` (ids are package names, * allowed). */
function readOverrideList(text: string, source: string): string[] {
  let value: unknown;
  try {
    value = parse(text);
  } catch (e) {
    throw new Error(`InstallOverrideList ${source} is not YAML: ${(e as Error).message}`);
  }
  const patches = (value as { patches?: unknown } | null)?.patches;
  if (!Array.isArray(patches)) throw new Error(`InstallOverrideList ${source} must hold patches: [{ id: <package> }, …]`);
  return patches.map((p, i) => {
    const id = (p as { id?: unknown } | null)?.id;
    if (typeof id !== 'string' || !id.trim()) throw new Error(`InstallOverrideList ${source}: patch ${i + 1} has no id`);
    return id.trim();
  });
}

/** What a person reads in the command output. */
export function report(r: PatchOperationResult): string {
  const lines = [
    `${r.operation} with baseline ${r.baseline.name} (${r.baselineReason}) on ${r.product}; snapshot ${r.baseline.hash}`,
    `Compliance: ${r.summary.compliance}${r.summary.severity ? ` (${r.summary.severity})` : ''}. ${PATCH_STATES.map((s) => `${s} ${r.summary.counts[s]}`).join(', ')}`,
  ];
  if (r.install) {
    for (const c of r.install.changed) lines.push(`Installed ${c.name} ${c.from ?? '(new)'} -> ${c.to}${c.asDependency ? ' (dependency)' : ''}`);
    for (const f of r.install.failed) lines.push(`Failed ${f.name} ${f.version}: ${f.message}`);
    if (!r.install.changed.length && !r.install.failed.length) lines.push('Nothing to install.');
    if (r.install.rebootRequired) lines.push(r.install.rebootRequested ? 'A reboot is required: requested (RebootIfNeeded).' : 'A reboot is required: not requested (NoReboot); the patches stay InstalledPendingReboot.');
  }
  // Bounded, so that the state line after it survives SSM's 24,000-character output limit.
  const listed = r.records.filter((x) => NON_COMPLIANT_STATES.includes(x.state));
  for (const p of listed.slice(0, REPORT_PATCH_LINES)) {
    lines.push(`${p.state} ${p.title} ${p.installedVersion ?? ''}${p.availableVersion ? ` -> ${p.availableVersion}` : ''} [${p.severity}]`);
  }
  if (listed.length > REPORT_PATCH_LINES) lines.push(`… and ${listed.length - REPORT_PATCH_LINES} more`);
  return lines.join('\n');
}

function failure(message: string): PatchPluginOutcome {
  return { exitCode: 1, stdout: '', stderr: `AWS-RunPatchBaseline: ${message}\n` };
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
