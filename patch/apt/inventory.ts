// What the node's package manager knows, gathered with apt and dpkg themselves:
//   installed packages  dpkg-query -W (the dpkg database of the root)
//   available versions  apt's own index files, found with `apt-get indextargets` (which also
//                       gives each index's Origin/Label/Suite/Codename from its Release file)
//                       and read with `apt-helper cat-file` (whatever their compression)
//   publication date    the `Date` of the suite's Release/InRelease file next to the index:
//                       Debian and Ubuntu indexes carry no per-package date, so a version is
//                       dated by the last publication of the suite that offers it (an upper
//                       bound: ApproveAfterDays never approves earlier than it should)
//   operating system    <root>/etc/os-release (ID, VERSION_ID) → DEBIAN Debian12, UBUNTU Ubuntu22.04 (os-release.ts)
import { existsSync, readFileSync } from 'node:fs';
import { detectNodeOs, type NodeOs } from '../os-release';
import { basename, dirname, join } from 'node:path';
import { field, parseDeb822 } from '../deb822';
import { isSecurityOrigin, packageKey, type AvailableVersion, type InstalledPackage, type NodePackages, type PackageOrigin } from '../packages';
import type { PackageRoot } from './package-root';
import { PatchEngineError, runTool } from './run';

/** apt-get update: the indexes a scan compares against (SSM's scan refreshes them too). */
export async function refreshIndexes(root: PackageRoot, signal?: AbortSignal): Promise<void> {
  await runTool(root, 'apt-get', ['update', '-q', '-o', 'DPkg::Lock::Timeout=120'], { ...(signal ? { signal } : {}) });
}

export async function installedPackages(root: PackageRoot): Promise<InstalledPackage[]> {
  const { stdout } = await runTool(root, 'dpkg-query', ['-W', '-f', '${Package}\\t${Architecture}\\t${Version}\\t${db:Status-Abbrev}\\t${Section}\\t${Priority}\\n']);
  const out: InstalledPackage[] = [];
  for (const line of stdout.split('\n')) {
    const [name, architecture, version, status, section, priority] = line.split('\t');
    // Status-Abbrev: desired, status, error; an installed package has status `i`.
    if (!name || !version || status?.[1] !== 'i') continue;
    out.push({ name, architecture: architecture || 'all', version, ...(section ? { section } : {}), ...(priority ? { priority } : {}) });
  }
  return out;
}

export async function nodeArchitecture(root: PackageRoot): Promise<string> {
  return (await runTool(root, 'dpkg', ['--print-architecture'])).stdout.trim();
}

const INDEX_FIELDS = ['FILENAME', 'IDENTIFIER', 'METAKEY', 'ORIGIN', 'LABEL', 'SUITE', 'CODENAME', 'COMPONENT', 'SITE'] as const;

export async function availableVersions(root: PackageRoot, nativeArch: string): Promise<Record<string, AvailableVersion[]>> {
  const format = INDEX_FIELDS.map((f) => `$(${f})`).join('\t');
  const { stdout } = await runTool(root, 'apt-get', ['indextargets', '--format', format]);
  const available: Record<string, AvailableVersion[]> = {};
  const releaseDates = new Map<string, string | undefined>();
  for (const line of stdout.split('\n')) {
    if (!line.trim()) continue;
    const values = line.split('\t');
    const index = Object.fromEntries(INDEX_FIELDS.map((f, i) => [f, values[i] && !values[i]!.startsWith('$(') ? values[i] : undefined])) as Record<(typeof INDEX_FIELDS)[number], string | undefined>;
    if (index.IDENTIFIER !== 'Packages' || !index.FILENAME || !existsSync(index.FILENAME)) continue;
    const releaseFile = releaseFileOf(index.FILENAME, index.METAKEY);
    if (!releaseDates.has(releaseFile ?? '')) releaseDates.set(releaseFile ?? '', releaseFile ? releaseDate(releaseFile) : undefined);
    const described = { origin: index.ORIGIN, label: index.LABEL, suite: index.SUITE, codename: index.CODENAME, component: index.COMPONENT, site: index.SITE };
    const origin: PackageOrigin = { ...dropUndefined(described), ...dropUndefined({ date: releaseDates.get(releaseFile ?? '') }), security: isSecurityOrigin(described) };
    const { stdout: text } = await runTool(root, 'apt-helper', ['cat-file', index.FILENAME]);
    for (const stanza of parseDeb822(text)) {
      const name = field(stanza, 'Package');
      const version = field(stanza, 'Version');
      const arch = field(stanza, 'Architecture') ?? 'all';
      if (!name || !version || (arch !== 'all' && arch !== nativeArch)) continue;
      const key = packageKey(name, arch);
      const list = (available[key] ??= []);
      const existing = list.find((v) => v.version === version);
      if (existing) existing.origins.push(origin);
      else {
        const section = field(stanza, 'Section');
        const priority = field(stanza, 'Priority');
        list.push({ version, architecture: arch, ...(section ? { section } : {}), ...(priority ? { priority } : {}), origins: [origin] });
      }
    }
  }
  return available;
}

/** `…_dists_stable_main_binary-amd64_Packages.lz4` → `…_dists_stable_InRelease` or `…_Release`, whichever apt kept. */
function releaseFileOf(indexFile: string, metaKey: string | undefined): string | undefined {
  if (!metaKey) return undefined;
  const name = basename(indexFile);
  const suffix = metaKey.replace(/\//g, '_');
  const at = name.lastIndexOf(suffix);
  if (at < 0) return undefined;
  const prefix = join(dirname(indexFile), name.slice(0, at));
  return ['InRelease', 'Release'].map((f) => prefix + f).find((f) => existsSync(f));
}

function releaseDate(file: string): string | undefined {
  try {
    const date = field(parseDeb822(readFileSync(file, 'utf8'))[0] ?? {}, 'Date');
    const time = date ? Date.parse(date) : NaN;
    return Number.isNaN(time) ? undefined : new Date(time).toISOString();
  } catch {
    return undefined;
  }
}

export type { NodeOs } from '../os-release';

/** The node's operating system (see os-release.ts); a PatchEngineError when Drover does not patch it. */
export function detectOs(root: PackageRoot): NodeOs {
  try {
    return detectNodeOs(root.root);
  } catch (e) {
    throw new PatchEngineError((e as Error).message);
  }
}

export async function nodePackages(root: PackageRoot, product: string): Promise<NodePackages> {
  const arch = await nodeArchitecture(root);
  const [installed, available] = [await installedPackages(root), await availableVersions(root, arch)];
  return { product, installed, available };
}

function dropUndefined<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== '')) as Partial<T>;
}
