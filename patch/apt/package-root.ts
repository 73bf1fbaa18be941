// Where apt and dpkg act: the node's own package root (`/`), or an isolated one (a directory
// holding etc/apt, var/lib/apt, var/lib/dpkg, …) for tests and for patching an image or a
// chroot. Every apt/dpkg call is built here and checked here: with an isolated root each call
// must carry the options that confine it (APT_CONFIG and Dir for apt, --root/--admindir for
// dpkg), and where isolation is required (tests) a call without them, or on `/`, is refused
// before anything runs. This machine's own packages are never touched by a test.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export class PatchIsolationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PatchIsolationError';
  }
}

/** Set DROVER_PATCH_ISOLATION=required (tests do) to refuse any call on `/` or without isolation options. */
export function isolationRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.DROVER_PATCH_ISOLATION === 'required' || env.VITEST !== undefined;
}

export type PackageTool = 'apt-get' | 'apt-cache' | 'apt-config' | 'apt-helper' | 'dpkg' | 'dpkg-query';

const APT_HELPER = '/usr/lib/apt/apt-helper';

export interface ToolCall {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

export class PackageRoot {
  readonly root: string;
  readonly isolated: boolean;

  constructor(root = '/') {
    this.root = resolve(root);
    this.isolated = this.root !== '/';
  }

  /** Where Drover keeps what a scan needs from earlier operations (failures, pending reboots). */
  get stateDir(): string {
    return join(this.root, 'var/lib/drover/patch');
  }

  get admindir(): string {
    return join(this.root, 'var/lib/dpkg');
  }

  /** apt's configuration for an isolated root: everything under it, none of the machine's config read. */
  get aptConfigFile(): string {
    return join(this.root, 'var/lib/drover/apt.conf');
  }

  /** Writes the isolated root's apt configuration (idempotent; nothing for `/`). */
  prepare(): void {
    if (!this.isolated) return;
    mkdirSync(join(this.root, 'var/lib/drover'), { recursive: true });
    for (const dir of ['etc/apt/apt.conf.d', 'etc/apt/sources.list.d', 'etc/apt/preferences.d', 'etc/apt/trusted.gpg.d', 'var/lib/apt/lists/partial', 'var/cache/apt/archives/partial', 'var/lib/dpkg/updates', 'var/lib/dpkg/info', 'var/log/apt']) {
      mkdirSync(join(this.root, dir), { recursive: true });
    }
    const q = (s: string) => JSON.stringify(s);
    writeFileSync(
      this.aptConfigFile,
      [
        '// Written by Drover: confines apt and dpkg to this package root.',
        `Dir ${q(`${this.root}/`)};`,
        `Dir::State::status ${q(join(this.admindir, 'status'))};`,
        `Dir::Log ${q(join(this.root, 'var/log/apt'))};`,
        `DPkg::Options { ${q(`--root=${this.root}`)}; ${q(`--admindir=${this.admindir}`)}; ${q(`--log=${join(this.root, 'var/log/dpkg.log')}`)}; };`,
        '',
      ].join('\n'),
    );
    for (const file of ['var/lib/dpkg/status', 'var/lib/dpkg/available']) {
      writeFileSync(join(this.root, file), '', { flag: 'a' });
    }
  }

  /** The exact command line of a tool call, with the isolation options of this root. */
  call(tool: PackageTool, args: string[]): ToolCall {
    const env: NodeJS.ProcessEnv = { ...process.env, LC_ALL: 'C', DEBIAN_FRONTEND: 'noninteractive', APT_LISTCHANGES_FRONTEND: 'none' };
    delete env.APT_CONFIG;
    let command: string = tool;
    let full = args;
    if (tool === 'apt-helper') command = APT_HELPER;
    if (this.isolated) {
      if (tool === 'dpkg') full = [`--root=${this.root}`, `--admindir=${this.admindir}`, ...args];
      else if (tool === 'dpkg-query') full = [`--admindir=${this.admindir}`, ...args];
      else {
        env.APT_CONFIG = this.aptConfigFile;
        full = ['-o', `Dir=${this.root}/`, '-o', `Dir::State::status=${join(this.admindir, 'status')}`, ...args];
      }
    }
    const built = { command, args: full, env };
    this.check(tool, built);
    return built;
  }

  /** The guard: refuses a call that could reach the machine's own packages when isolation is required. */
  check(tool: PackageTool, call: ToolCall, env: NodeJS.ProcessEnv = process.env): void {
    if (!this.isolated) {
      if (isolationRequired(env)) {
        throw new PatchIsolationError(`refusing to run ${tool} on this machine's own packages (package root /) while DROVER_PATCH_ISOLATION=required; give an isolated package root`);
      }
      return;
    }
    const has = (arg: string) => call.args.includes(arg);
    const confined =
      tool === 'dpkg'
        ? has(`--root=${this.root}`) && has(`--admindir=${this.admindir}`)
        : tool === 'dpkg-query'
          ? has(`--admindir=${this.admindir}`)
          : call.env.APT_CONFIG === this.aptConfigFile && has(`Dir=${this.root}/`) && has(`Dir::State::status=${join(this.admindir, 'status')}`);
    if (!confined) throw new PatchIsolationError(`refusing to run ${tool} without the options that confine it to ${this.root}`);
  }
}
