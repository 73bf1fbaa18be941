// What the node's package manager knows, gathered with rpm and dnf (or yum) themselves:
//   installed packages  rpm -qa (the root's rpm database)
//   available versions  repoquery --available --show-duplicates: every version dnf would
//                       offer (enabled repositories, their excludes and priorities honoured)
//   update notices      the updateinfo.xml that dnf downloaded into its cache for each
//                       enabled repository (found through the cached repomd.xml), as SSM
//                       reads them: type, severity, dates, CVE and Bugzilla references
//   operating system    <root>/etc/os-release (os-release.ts)
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { PatchEngineError, runCall, type RunOptions } from '../apt/run';
import { packageKey, type AvailableVersion, type InstalledPackage, type NodePackages } from '../packages';
import type { RpmRoot, RpmTool } from './rpm-root';
import { formatEvr } from './rpm-version';
import { indexNotices, parseUpdateinfo, updateinfoLocation, type Notice, type NoticeIndex } from './updateinfo';

const FAMILY = 'RPM-based systems (Red Hat, Rocky, Alma, Oracle, CentOS, Amazon Linux)';

export function runRpmTool(root: RpmRoot, tool: RpmTool, args: string[], options: RunOptions & { releasever?: string } = {}) {
  const { releasever, ...run } = options;
  const call = root.call(tool, args, releasever ? { releasever } : {});
  return runCall(call, tool === 'manager' ? root.manager : tool, args, run, FAMILY);
}

/** dnf makecache: the metadata a scan compares against, fresh (SSM's scan refreshes it too). */
export async function refreshMetadata(root: RpmRoot, releasever: string, signal?: AbortSignal): Promise<void> {
  const args = root.manager === 'dnf' ? ['makecache', '--refresh', '-q', '-y'] : ['makecache', '-q', '-y'];
  await runRpmTool(root, 'manager', args, { releasever, ...(signal ? { signal } : {}) });
}

export async function installedPackages(root: RpmRoot): Promise<InstalledPackage[]> {
  const { stdout } = await runRpmTool(root, 'rpm', ['-qa', '--qf', '%{NAME}\\t%{EPOCHNUM}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\n']);
  const out: InstalledPackage[] = [];
  for (const line of stdout.split('\n')) {
    const [name, epoch, version, release, arch] = line.split('\t');
    // gpg-pubkey entries are keys, not packages: they have no architecture.
    if (!name || !version || !arch || arch === '(none)') continue;
    out.push({ name, architecture: arch, version: formatEvr({ epoch: Number(epoch) || 0, version, release: release ?? '' }) });
  }
  return out;
}

const QUERY_FIELDS = ['name', 'epoch', 'version', 'release', 'arch', 'repoid', 'buildtime'];

/** Every version the enabled repositories offer, keyed `name:arch`, and the repositories seen. */
export async function availableVersions(root: RpmRoot, releasever: string): Promise<{ available: Record<string, AvailableVersion[]>; repos: Set<string> }> {
  const qf = QUERY_FIELDS.map((f) => `%{${f}}`).join('\t');
  const args = root.manager === 'dnf' ? ['-q', '-C', '--available', '--show-duplicates', '--qf', `${qf}\n`] : ['-q', '-C', '-a', '--show-duplicates', '--qf', qf];
  const { stdout } = await runRpmTool(root, 'repoquery', args, { releasever });
  const available: Record<string, AvailableVersion[]> = {};
  const repos = new Set<string>();
  for (const line of stdout.split('\n')) {
    const [name, epoch, version, release, arch, repo, built] = line.split('\t');
    if (!name || !version || !arch || !repo) continue;
    repos.add(repo);
    const evr = formatEvr({ epoch: Number(epoch) || 0, version, release: release ?? '' });
    const list = (available[packageKey(name, arch)] ??= []);
    if (list.some((v) => v.version === evr)) continue;
    const buildTime = parseBuildTime(built);
    list.push({ version: evr, architecture: arch, origins: [], repository: repo, ...(buildTime ? { buildTime } : {}) });
  }
  return { available, repos };
}

/** repoquery's %{buildtime}: seconds (yum) or `YYYY-MM-DD HH:MM` (dnf, in TZ=UTC). */
function parseBuildTime(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const t = /^\d+$/.test(raw) ? Number(raw) * 1000 : Date.parse(`${raw.trim().replace(' ', 'T')}Z`);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

/** The cached metadata of each repository: the newest repomd.xml per repository id. */
function cachedRepos(root: RpmRoot): Map<string, string> {
  const found = new Map<string, { file: string; mtime: number }>();
  const walk = (dir: string, depth: number): void => {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry);
      if (entry === 'repomd.xml') {
        const repoDir = basename(dir) === 'repodata' ? dirname(dir) : dir;
        // dnf names a repository's cache <repoid>-<16 hex digits>; yum names it <repoid>.
        const repo = basename(repoDir).replace(/-[0-9a-f]{16}$/, '');
        const mtime = statSync(path).mtimeMs;
        if (!found.has(repo) || found.get(repo)!.mtime < mtime) found.set(repo, { file: path, mtime });
      } else if (depth > 0) {
        try {
          if (statSync(path).isDirectory()) walk(path, depth - 1);
        } catch {
          // went away while we looked
        }
      }
    }
  };
  for (const dir of root.cacheDirs) walk(dir, 4);
  return new Map([...found].map(([repo, { file }]) => [repo, file]));
}

/** Reads a metadata file whatever its compression (gzip here; xz, bzip2, zstd with the node's own tools). */
function readMetadata(file: string): string {
  const data = readFileSync(file);
  if (file.endsWith('.gz')) return gunzipSync(data).toString('utf8');
  const tool = file.endsWith('.xz') ? 'xz' : file.endsWith('.bz2') ? 'bzip2' : file.endsWith('.zst') ? 'zstd' : undefined;
  if (!tool) {
    if (file.endsWith('.zck')) throw new PatchEngineError(`${file} is zchunk-compressed; set zchunk=False in the package manager's configuration`);
    return data.toString('utf8');
  }
  return execFileSync(tool, ['-dc', file], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
}

/** The update notices of the given repositories, from the package manager's cache. */
export function cachedNotices(root: RpmRoot, repos: Set<string>): NoticeIndex {
  const notices: Notice[] = [];
  for (const [repo, repomd] of cachedRepos(root)) {
    if (!repos.has(repo)) continue;
    const href = updateinfoLocation(readFileSync(repomd, 'utf8'));
    if (!href) continue;
    const repoDir = basename(dirname(repomd)) === 'repodata' ? dirname(dirname(repomd)) : dirname(repomd);
    const file = [join(repoDir, href), join(dirname(repomd), basename(href))].find((f) => existsSync(f));
    if (!file) continue;
    try {
      notices.push(...parseUpdateinfo(readMetadata(file)));
    } catch (e) {
      throw new PatchEngineError(`cannot read the update notices of repository ${repo} (${file}): ${(e as Error).message}`);
    }
  }
  return indexNotices(notices);
}

/** Installed packages and available versions, each version with the notices that ship it. */
export async function nodePackages(root: RpmRoot, product: string, releasever: string): Promise<NodePackages> {
  const installed = await installedPackages(root);
  const { available, repos } = await availableVersions(root, releasever);
  const notices = cachedNotices(root, repos);
  for (const [key, versions] of Object.entries(available)) {
    const byEvr = notices.get(key);
    if (!byEvr) continue;
    for (const v of versions) {
      const advisories = byEvr.get(v.version);
      if (advisories) v.advisories = advisories;
    }
  }
  // An installed version no repository offers any more is still described by its notices.
  for (const p of installed) {
    const advisories = notices.get(packageKey(p.name, p.architecture))?.get(p.version);
    const list = (available[packageKey(p.name, p.architecture)] ??= []);
    if (advisories && !list.some((v) => v.version === p.version)) list.push({ version: p.version, architecture: p.architecture, origins: [], advisories });
  }
  return { product, installed, available };
}
