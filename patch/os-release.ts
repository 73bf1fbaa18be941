// The node's operating system, from <root>/etc/os-release (or usr/lib/os-release), as SSM
// names it: the OperatingSystem a baseline is for, the PRODUCT its filters see, and the
// package family that patches it. Reads one file; the mapping is pure.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OperatingSystem } from './baseline';

export interface NodeOs {
  os: OperatingSystem;
  /** SSM's PRODUCT value, e.g. Debian12, RedhatEnterpriseLinux9.4, AmazonLinux2023. */
  product: string;
  /** PRETTY_NAME, for reports. */
  name: string;
  /** apt and dpkg, or dnf/yum and rpm. */
  family: 'apt' | 'rpm';
  /** os-release's VERSION_ID (dnf's releasever on an isolated root). */
  versionId: string;
}

export class UnsupportedOsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedOsError';
  }
}

export function readOsRelease(rootDir: string): Record<string, string> {
  const file = ['etc/os-release', 'usr/lib/os-release'].map((f) => join(rootDir, f)).find((f) => existsSync(f));
  if (!file) throw new UnsupportedOsError(`cannot tell the operating system of ${rootDir}: it has no etc/os-release`);
  const values: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) values[m[1]!] = m[2]!.replace(/^["']|["']$/g, '');
  }
  return values;
}

/** os-release values → SSM's operating system and product. */
export function osOf(values: Record<string, string>): NodeOs {
  const id = (values.ID ?? '').toLowerCase();
  const like = `${id} ${(values.ID_LIKE ?? '').toLowerCase()}`;
  const versionId = values.VERSION_ID ?? '';
  const name = values.PRETTY_NAME ?? `${values.NAME ?? id} ${versionId}`.trim();
  const apt = (os: OperatingSystem, product: string): NodeOs => ({ os, product, name, family: 'apt', versionId });
  const rpm = (os: OperatingSystem, product: string): NodeOs => ({ os, product, name, family: 'rpm', versionId });
  if (id === 'ubuntu') return apt('UBUNTU', `Ubuntu${versionId}`);
  if (id === 'debian') return apt('DEBIAN', `Debian${versionId.split('.')[0]}`);
  if (id === 'rhel') return rpm('REDHAT_ENTERPRISE_LINUX', `RedhatEnterpriseLinux${versionId}`);
  if (id === 'amzn' && versionId.startsWith('2023')) return rpm('AMAZON_LINUX_2023', 'AmazonLinux2023');
  if (id === 'amzn' && versionId === '2') return rpm('AMAZON_LINUX_2', 'AmazonLinux2');
  if (id === 'rocky') return rpm('ROCKY_LINUX', `RockyLinux${versionId}`);
  if (id === 'almalinux') return rpm('ALMA_LINUX', `AlmaLinux${versionId}`);
  if (id === 'ol') return rpm('ORACLE_LINUX', `OracleLinux${versionId}`);
  if (id === 'centos') return rpm('CENTOS', /stream/i.test(name) ? `CentOSStream${versionId}` : `CentOS${versionId}`);
  if (/\bdebian\b/.test(like)) return apt('DEBIAN', `Debian${versionId.split('.')[0]}`);
  throw new UnsupportedOsError(
    `Drover does not patch ${name || 'this operating system'} (os-release ID ${id || 'missing'}); it patches Debian, Ubuntu, Red Hat Enterprise Linux, Rocky Linux, AlmaLinux, Oracle Linux, CentOS, Amazon Linux 2 and 2023`,
  );
}

export function detectNodeOs(rootDir: string): NodeOs {
  return osOf(readOsRelease(rootDir));
}
