// Real Debian packages and a real apt repository for patch tests: .deb files built with
// dpkg-deb, indexed with dpkg-scanpackages, published as suites (a main one and a security
// pocket) with Release files apt reads through a `file:` source; and isolated package roots
// (one per simulated node) that apt and dpkg act on, never the machine's own packages.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { PackageRoot } from '../../patch/apt/package-root';
import { runTool } from '../../patch/apt/run';

export interface DebSpec {
  name: string;
  version: string;
  section?: string;
  priority?: string;
  depends?: string;
  /** Extra files the package installs, by path under the root (e.g. `run/reboot-required`). */
  files?: Record<string, string>;
}

/** Builds `<dir>/<name>_<version>_all.deb`; returns its path. */
export function buildDeb(dir: string, spec: DebSpec): string {
  const tree = join(dir, 'build', `${spec.name}_${spec.version}`);
  mkdirSync(join(tree, 'DEBIAN'), { recursive: true });
  const files = { [`usr/share/doc/${spec.name}/VERSION`]: `${spec.name} ${spec.version}\n`, ...spec.files };
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(tree, path)), { recursive: true });
    writeFileSync(join(tree, path), content);
  }
  const control = [
    `Package: ${spec.name}`,
    `Version: ${spec.version}`,
    `Section: ${spec.section ?? 'utils'}`,
    `Priority: ${spec.priority ?? 'optional'}`,
    'Architecture: all',
    'Maintainer: Drover Tests <tests@drover.invalid>',
    ...(spec.depends ? [`Depends: ${spec.depends}`] : []),
    `Description: ${spec.name}, a package built by Drover's tests`,
    '',
  ].join('\n');
  writeFileSync(join(tree, 'DEBIAN/control'), control);
  const out = join(dir, `${spec.name}_${spec.version}_all.deb`);
  execFileSync('dpkg-deb', ['--root-owner-group', '-Zgzip', '-b', tree, out], { stdio: 'pipe' });
  return out;
}

export interface SuiteSpec {
  suite: string;
  label: string;
  /** Release `Date`, e.g. new Date().toUTCString(). */
  date: string;
  packages: DebSpec[];
}

/** Publishes each suite under `<repo>/dists/<suite>` (component main, pool/<suite>) with a Release file carrying its Date and hashes. */
export function publishRepo(repo: string, suites: SuiteSpec[]): void {
  for (const suite of suites) {
    const pool = join(repo, 'pool', suite.suite);
    mkdirSync(pool, { recursive: true });
    for (const p of suite.packages) buildDeb(pool, p);
    const binary = join(repo, 'dists', suite.suite, 'main', 'binary-amd64');
    mkdirSync(binary, { recursive: true });
    const packages = execFileSync('dpkg-scanpackages', ['-m', relative(repo, pool), '/dev/null'], { cwd: repo, stdio: ['ignore', 'pipe', 'ignore'] });
    writeFileSync(join(binary, 'Packages'), packages);
    const indexPath = 'main/binary-amd64/Packages';
    const body = readFileSync(join(binary, 'Packages'));
    const release = [
      'Origin: Drover Tests',
      `Label: ${suite.label}`,
      `Suite: ${suite.suite}`,
      `Codename: ${suite.suite}`,
      `Date: ${suite.date}`,
      'Architectures: amd64 all',
      'Components: main',
      'SHA256:',
      ` ${createHash('sha256').update(body).digest('hex')} ${body.length} ${indexPath}`,
      '',
    ].join('\n');
    writeFileSync(join(repo, 'dists', suite.suite, 'Release'), release);
  }
}

/** An isolated package root of a Debian 12 node whose sources are the suites of `repo`. */
export function makePackageRoot(dir: string, repo: string, suites: string[], os = { id: 'debian', version: '12' }): PackageRoot {
  mkdirSync(join(dir, 'etc/apt'), { recursive: true });
  writeFileSync(join(dir, 'etc/os-release'), `PRETTY_NAME="Test ${os.id} ${os.version}"\nID=${os.id}\nVERSION_ID="${os.version}"\n`);
  writeFileSync(join(dir, 'etc/apt/sources.list'), suites.map((s) => `deb [trusted=yes] file:${repo} ${s} main\n`).join(''));
  const root = new PackageRoot(dir);
  root.prepare();
  return root;
}

/** Installs the node's starting packages (name=version) with the root's own apt. */
export async function installInitial(root: PackageRoot, specs: string[]): Promise<void> {
  await runTool(root, 'apt-get', ['update', '-q']);
  await runTool(root, 'apt-get', ['install', '-y', '-q', '--no-install-recommends', ...specs]);
}

/** `name → version` of the root's installed packages, straight from its dpkg database. */
export function dpkgVersions(root: PackageRoot): Record<string, string> {
  const call = root.call('dpkg-query', ['-W', '-f', '${Package} ${Version}\\n']);
  const out = execFileSync(call.command, call.args, { env: call.env, encoding: 'utf8' });
  return Object.fromEntries(out.split('\n').filter(Boolean).map((l) => l.split(' ') as [string, string]));
}
