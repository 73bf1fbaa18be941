// What a node tells the registry about itself: host name, platform (SSM's platformType,
// name and version) and the agent's version.
import { readFileSync } from 'node:fs';
import { hostname, release } from 'node:os';
import type { NodeInfo } from './protocol';
import type { PlatformType } from '../lang/command-plugins';

export type NodeFacts = NodeInfo['facts'];

export const AGENT_VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export function platformType(platform: NodeJS.Platform = process.platform): PlatformType | undefined {
  return platform === 'linux' ? 'Linux' : platform === 'darwin' ? 'MacOS' : platform === 'win32' ? 'Windows' : undefined;
}

/** NAME and VERSION_ID of /etc/os-release, when there is one. */
function osRelease(): { name?: string; version?: string } {
  try {
    const text = readFileSync('/etc/os-release', 'utf8');
    const value = (key: string) => new RegExp(`^${key}=("?)(.*)\\1$`, 'm').exec(text)?.[2];
    return { name: value('NAME'), version: value('VERSION_ID') };
  } catch {
    return {};
  }
}

export function collectFacts(): NodeFacts {
  const type = platformType();
  const os = type === 'Linux' ? osRelease() : {};
  return {
    hostname: hostname(),
    ...(type ? { platformType: type } : {}),
    platformName: os.name ?? (type === 'MacOS' ? 'macOS' : process.platform),
    platformVersion: os.version ?? release(),
    agentVersion: AGENT_VERSION,
  };
}
