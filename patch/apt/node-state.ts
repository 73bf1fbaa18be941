// What one operation leaves for the next on the node, in the package root (so an isolated
// root carries its own): the patches the last Install failed on, and the packages installed
// while a reboot is still required. Small, rewritten whole, atomically.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PriorOperations } from '../evaluate';
import type { PackageRoot } from './package-root';

interface StoredState {
  failed?: Record<string, string>;
  pendingReboot?: string[];
}

const FILE = 'state.json';

/** Where a node keeps its state: the apt and the rpm package roots both are one. */
export type StateRoot = Pick<PackageRoot, 'root' | 'stateDir'>;

/** The two places Debian and Ubuntu flag a needed reboot (update-notifier's convention). */
const REBOOT_FLAGS = ['run/reboot-required', 'var/run/reboot-required'];

export function rebootRequired(root: StateRoot, flags: readonly string[] = REBOOT_FLAGS): boolean {
  return flags.some((f) => existsSync(join(root.root, f)));
}

/** Packages the node says need the reboot (reboot-required.pkgs), when it says. */
export function rebootPackages(root: StateRoot, flags: readonly string[] = REBOOT_FLAGS): string[] {
  for (const f of flags) {
    const file = join(root.root, `${f}.pkgs`);
    if (existsSync(file)) return readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);
  }
  return [];
}

export function readPriorOperations(root: StateRoot, flags: readonly string[] = REBOOT_FLAGS): PriorOperations {
  const file = join(root.stateDir, FILE);
  let stored: StoredState = {};
  try {
    stored = JSON.parse(readFileSync(file, 'utf8')) as StoredState;
  } catch {
    return {};
  }
  // Once the flag is gone the node has rebooted (the flag lives in /run, a tmpfs).
  const pending = rebootRequired(root, flags) ? (stored.pendingReboot ?? []) : [];
  return { ...(stored.failed ? { failed: stored.failed } : {}), ...(pending.length ? { pendingReboot: pending } : {}) };
}

export function writePriorOperations(root: StateRoot, state: PriorOperations): void {
  mkdirSync(root.stateDir, { recursive: true });
  const file = join(root.stateDir, FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state)}\n`);
  renameSync(tmp, file);
}

export function clearPriorOperations(root: StateRoot): void {
  rmSync(join(root.stateDir, FILE), { force: true });
}
