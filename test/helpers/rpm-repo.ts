// Real RPM packages and a real yum/dnf repository for patch tests: .rpm files built with
// rpmbuild (Debian's rpm package), indexed with createrepo_c, update notices added as
// updateinfo.xml with modifyrepo_c (Debian's createrepo-c); and isolated installroots (one
// per simulated node) that dnf and rpm act on, never the machine's own packages.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { accessSync, constants } from 'node:fs';
import { runRpmTool } from '../../patch/rpm/inventory';
import { RpmRoot } from '../../patch/rpm/rpm-root';

/** The tools these tests need; .ci/run installs them (apt-get install rpm createrepo-c dnf). */
const TOOLS = ['rpmbuild', 'createrepo_c', 'modifyrepo_c', 'dnf', 'rpm'];

/** Fails (never skips) with what to install when a tool is missing. */
export function requireRpmTools(): void {
  const path = process.env.PATH ?? '';
  const missing = TOOLS.filter((tool) => !path.split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, tool), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  }));
  if (missing.length) throw new Error(`the RPM patch tests need ${missing.join(', ')}: apt-get install -y rpm createrepo-c dnf (as .ci/run does)`);
}

export interface RpmSpec {
  name: string;
  version: string;
  release: string;
  epoch?: number;
  requires?: string;
}

/** Builds `<repo>/noarch/<name>-<version>-<release>.noarch.rpm` with rpmbuild. */
export function buildRpm(work: string, repo: string, spec: RpmSpec): void {
  const specFile = join(work, 'specs', `${spec.name}-${spec.epoch ?? 0}-${spec.version}-${spec.release}.spec`);
  mkdirSync(join(work, 'specs'), { recursive: true });
  writeFileSync(
    specFile,
    [
      `Name: ${spec.name}`,
      ...(spec.epoch ? [`Epoch: ${spec.epoch}`] : []),
      `Version: ${spec.version}`,
      `Release: ${spec.release}`,
      `Summary: ${spec.name}, a package built by Drover's tests`,
      'License: MIT',
      'BuildArch: noarch',
      ...(spec.requires ? [`Requires: ${spec.requires}`] : []),
      '%description',
      `${spec.name}, a package built by Drover's tests.`,
      '%install',
      `mkdir -p %{buildroot}/usr/share/doc/${spec.name}`,
      `echo '${spec.name} ${spec.version}-${spec.release}' > %{buildroot}/usr/share/doc/${spec.name}/VERSION`,
      '%files',
      `/usr/share/doc/${spec.name}/VERSION`,
      '',
    ].join('\n'),
  );
  execFileSync('rpmbuild', ['-bb', '--quiet', '--define', `_topdir ${join(work, 'rpmbuild')}`, '--define', `_rpmdir ${repo}`, '--define', '_build_id_links none', specFile], { stdio: 'pipe', env: { ...process.env, LC_ALL: 'C' } });
}

export interface NoticeSpec {
  id: string;
  type: 'security' | 'bugfix' | 'enhancement' | 'newpackage';
  severity?: string;
  issued: Date;
  updated?: Date;
  cves?: string[];
  bugzillas?: string[];
  packages: RpmSpec[];
}

const date = (d: Date): string => d.toISOString().replace('T', ' ').slice(0, 19);
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

export function updateinfoXml(notices: NoticeSpec[]): string {
  const updates = notices.map((n) =>
    [
      `  <update from="tests@drover.invalid" status="final" type="${n.type}" version="1">`,
      `    <id>${esc(n.id)}</id>`,
      `    <title>${esc(`${n.packages.map((p) => p.name).join(', ')} ${n.type} update`)}</title>`,
      `    <issued date="${date(n.issued)}"/>`,
      ...(n.updated ? [`    <updated date="${date(n.updated)}"/>`] : []),
      ...(n.severity ? [`    <severity>${esc(n.severity)}</severity>`] : []),
      '    <summary>A notice of Drover\'s tests.</summary>',
      '    <description>A notice of Drover\'s tests.</description>',
      '    <references>',
      ...(n.cves ?? []).map((c) => `      <reference href="https://cve.invalid/${c}" id="${c}" type="cve" title="${c}"/>`),
      ...(n.bugzillas ?? []).map((b) => `      <reference href="https://bugzilla.invalid/${b}" id="${b}" type="bugzilla" title="bug ${b}"/>`),
      '    </references>',
      '    <pkglist>',
      '      <collection short="drover-tests">',
      '        <name>Drover tests</name>',
      ...n.packages.map(
        (p) =>
          `        <package name="${p.name}" version="${p.version}" release="${p.release}" epoch="${p.epoch ?? 0}" arch="noarch" src="${p.name}-${p.version}-${p.release}.src.rpm"><filename>${p.name}-${p.version}-${p.release}.noarch.rpm</filename></package>`,
      ),
      '      </collection>',
      '    </pkglist>',
      '  </update>',
    ].join('\n'),
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n<updates>\n${updates.join('\n')}\n</updates>\n`;
}

/** Builds every package into `repo`, indexes it with createrepo_c and adds the notices with modifyrepo_c. */
export function publishRpmRepo(work: string, repo: string, packages: RpmSpec[], notices: NoticeSpec[]): void {
  mkdirSync(repo, { recursive: true });
  for (const p of packages) buildRpm(work, repo, p);
  execFileSync('createrepo_c', ['-q', '--update', repo], { stdio: 'pipe' });
  const file = join(work, 'updateinfo.xml');
  writeFileSync(file, updateinfoXml(notices));
  execFileSync('modifyrepo_c', ['--mdtype=updateinfo', file, join(repo, 'repodata')], { stdio: 'pipe' });
}

/** An isolated installroot of an RPM node (RHEL 9 unless told) whose one repository is `repo`. */
export function makeRpmRoot(dir: string, repo: string, os = { id: 'rhel', version: '9.4', name: 'Red Hat Enterprise Linux 9.4 (Drover tests)' }): RpmRoot {
  mkdirSync(join(dir, 'etc/yum.repos.d'), { recursive: true });
  writeFileSync(join(dir, 'etc/os-release'), `NAME="Test ${os.id}"\nPRETTY_NAME="${os.name}"\nID=${os.id}\nVERSION_ID="${os.version}"\n`);
  writeFileSync(join(dir, 'etc/yum.repos.d/drover-tests.repo'), `[drover-tests]\nname=Drover tests\nbaseurl=file://${repo}\ngpgcheck=0\nenabled=1\n`);
  const root = new RpmRoot(dir, 'dnf');
  root.prepare();
  return root;
}

/** Installs the node's starting packages (name-version-release) with the root's own dnf. */
export async function installInitialRpms(root: RpmRoot, specs: string[]): Promise<void> {
  await runRpmTool(root, 'manager', ['install', '-y', '-q', '--setopt=install_weak_deps=False', ...specs], { releasever: '9' });
}

/** `name → [epoch:]version-release` of the root's installed packages, straight from its rpm database. */
export function rpmVersions(root: RpmRoot): Record<string, string> {
  const call = root.call('rpm', ['-qa', '--qf', '%{NAME} %{EPOCHNUM}:%{VERSION}-%{RELEASE}\\n']);
  const out = execFileSync(call.command, call.args, { env: call.env, encoding: 'utf8' });
  return Object.fromEntries(
    out
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const [name, evr] = l.split(' ') as [string, string];
        return [name, evr.replace(/^0:/, '')];
      }),
  );
}
