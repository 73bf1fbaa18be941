// Where dnf (yum where only yum exists) and rpm act: the node's own root (`/`), or an
// isolated installroot (a directory with etc/yum.repos.d, etc/os-release, its own rpm
// database) for tests and for patching an image or a chroot. Every call is built here and
// checked here, like apt's PackageRoot: with an isolated root each dnf/yum call must carry
// --installroot, --config and reposdir of that root (dnf then keeps its cache, logs and
// history inside it) and each rpm call --root; where isolation is required (tests) a call
// without them, or on `/`, is refused before anything runs.
//
// Debian's rpm keeps its database at ~/.rpmdb (a macro of the host's rpm): calls on an
// isolated root run with HOME=/ so that the database is <root>/.rpmdb for every caller.
// On RPM hosts it is <root>/var/lib/rpm, as usual.
import { accessSync, constants, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { isolationRequired, PatchIsolationError, type ToolCall } from '../apt/package-root';

export type RpmManager = 'dnf' | 'yum';
export type RpmTool = 'manager' | 'repoquery' | 'rpm';

/** The package manager on PATH: dnf, else yum (Amazon Linux 2, RHEL 7). */
export function findManager(path = process.env.PATH ?? ''): RpmManager | undefined {
  const has = (tool: string) =>
    path.split(delimiter).some((dir) => {
      try {
        accessSync(join(dir, tool), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
  return has('dnf') ? 'dnf' : has('yum') ? 'yum' : undefined;
}

export class RpmRoot {
  readonly root: string;
  readonly isolated: boolean;
  readonly manager: RpmManager;

  constructor(root = '/', manager: RpmManager = findManager() ?? 'dnf') {
    this.root = resolve(root);
    this.isolated = this.root !== '/';
    this.manager = manager;
  }

  /** Where Drover keeps what a scan needs from earlier operations (failures, pending reboots). */
  get stateDir(): string {
    return join(this.root, 'var/lib/drover/patch');
  }

  get configFile(): string {
    return join(this.root, this.manager === 'dnf' ? 'etc/dnf/dnf.conf' : 'etc/yum.conf');
  }

  get reposDir(): string {
    return join(this.root, 'etc/yum.repos.d');
  }

  /** The caches the package manager keeps repository metadata in (dnf 4, dnf 5, yum), under the root. */
  get cacheDirs(): string[] {
    return ['var/cache/dnf', 'var/cache/libdnf5', 'var/cache/yum'].map((d) => join(this.root, d));
  }

  /** An isolated root gets the directories and the (empty) configuration dnf needs; `/` is left alone. */
  prepare(): void {
    if (!this.isolated) return;
    for (const dir of ['etc/yum.repos.d', 'etc/dnf', 'var/cache', 'var/lib/drover', 'var/log', 'run']) mkdirSync(join(this.root, dir), { recursive: true });
    if (!existsSync(this.configFile)) writeFileSync(this.configFile, '# Written by Drover: the package manager configuration of this installroot.\n[main]\n');
  }

  /** The exact command line of a tool call, with the isolation options of this root. */
  call(tool: RpmTool, args: string[], opts: { releasever?: string } = {}): ToolCall {
    const env: NodeJS.ProcessEnv = { ...process.env, LC_ALL: 'C', TZ: 'UTC' };
    const command: string = tool === 'rpm' ? 'rpm' : tool === 'repoquery' && this.manager === 'yum' ? 'repoquery' : this.manager;
    let full = tool === 'repoquery' && this.manager === 'dnf' ? ['repoquery', ...args] : args;
    if (this.isolated) {
      env.HOME = '/';
      if (tool === 'rpm') full = [`--root=${this.root}`, ...full];
      else {
        const releasever = opts.releasever && !existsSync(join(this.root, 'etc/dnf/vars/releasever')) ? [`--releasever=${opts.releasever}`] : [];
        const confine = [`--installroot=${this.root}`, `--config=${this.configFile}`, `--setopt=reposdir=${this.reposDir}`, '--noplugins', ...releasever];
        full = tool === 'repoquery' && this.manager === 'dnf' ? ['repoquery', ...confine, ...args] : [...confine, ...full];
      }
    }
    const built = { command, args: full, env };
    this.check(tool, built);
    return built;
  }

  /** The guard: refuses a call that could reach the machine's own packages when isolation is required. */
  check(tool: RpmTool, call: ToolCall, env: NodeJS.ProcessEnv = process.env): void {
    if (!this.isolated) {
      if (isolationRequired(env)) {
        throw new PatchIsolationError(`refusing to run ${tool === 'manager' ? this.manager : tool} on this machine's own packages (root /) while DROVER_PATCH_ISOLATION=required; give an isolated installroot`);
      }
      return;
    }
    const has = (arg: string) => call.args.includes(arg);
    const others = call.args.filter((a) => /^--(installroot|root|dbpath)=/.test(a) && a !== `--installroot=${this.root}` && a !== `--root=${this.root}`);
    const confined =
      tool === 'rpm'
        ? has(`--root=${this.root}`)
        : has(`--installroot=${this.root}`) && has(`--config=${this.configFile}`) && has(`--setopt=reposdir=${this.reposDir}`);
    if (!confined || others.length || call.env.HOME !== '/') {
      throw new PatchIsolationError(`refusing to run ${tool === 'manager' ? this.manager : tool} without the options that confine it to ${this.root}`);
    }
  }
}
