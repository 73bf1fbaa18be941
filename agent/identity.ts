// A node's stable identity, kept in the agent's state directory across restarts. Hybrid
// nodes get an id like SSM's managed instances (`mi-` and 17 hex digits); an EC2 instance
// may register under its instance id (`--node-id i-…`), which then stays.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** What a node id may look like: mi-…/i-… as SSM has them, or another plain name (simulations). */
export const NODE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

export function defaultStateDir(): string {
  return process.env.DROVER_AGENT_STATE_DIR || join(homedir(), '.drover', 'agent');
}

export function newNodeId(): string {
  return `mi-${randomBytes(9).toString('hex').slice(0, 17)}`;
}

export interface NodeIdentity {
  nodeId: string;
  /** True when this start made the id (first start, or a new --node-id). */
  created: boolean;
}

interface StateFile {
  nodeId: string;
  createdAt: string;
}

/** The node id of this state directory: `requested` if given (and then kept), else the stored one, else a new one. */
export function loadIdentity(stateDir: string, requested?: string): NodeIdentity {
  if (requested !== undefined && !NODE_ID_PATTERN.test(requested)) {
    throw new Error(`--node-id ${JSON.stringify(requested)} is not a valid node id (letters, digits, _ . -; e.g. mi-0123456789abcdef0 or i-0123456789abcdef0)`);
  }
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const file = join(stateDir, 'node.json');
  let stored: StateFile | undefined;
  if (existsSync(file)) {
    try {
      stored = JSON.parse(readFileSync(file, 'utf8')) as StateFile;
    } catch (e) {
      throw new Error(`${file} is not readable JSON (${(e as Error).message}); remove it to register this node anew`);
    }
    if (typeof stored.nodeId !== 'string' || !NODE_ID_PATTERN.test(stored.nodeId)) throw new Error(`${file} holds no valid nodeId; remove it to register this node anew`);
  }
  if (stored && (requested === undefined || requested === stored.nodeId)) return { nodeId: stored.nodeId, created: false };
  const nodeId = requested ?? newNodeId();
  // Write-then-rename: a crash never leaves half a state file.
  writeFileSync(`${file}.tmp`, `${JSON.stringify({ nodeId, createdAt: new Date().toISOString() } satisfies StateFile, null, 2)}\n`, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
  return { nodeId, created: true };
}
