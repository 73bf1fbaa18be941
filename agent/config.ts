// The agent's settings: flags over an optional YAML/JSON config file over defaults.
//   nodeId: mi-0123456789abcdef0      # optional
//   tags: { role: web, env: prod }    # or a list of {Key, Value} as AWS writes tags
//   stateDir: /var/lib/drover-agent   # optional
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export interface AgentConfigFile {
  nodeId?: string;
  tags: Record<string, string>;
  stateDir?: string;
}

const TAG_KEY = /^[\p{L}\p{N}\s_.:/=+\-@]{1,128}$/u;
const TAG_VALUE = /^[\p{L}\p{N}\s_.:/=+\-@]{0,256}$/u;

/** Checks a tag as AWS allows it (key 1–128, value 0–256 characters of letters, digits, spaces and _ . : / = + - @). */
export function checkTag(key: string, value: string): string | undefined {
  if (!TAG_KEY.test(key)) return `tag key ${JSON.stringify(key)} is not valid: 1 to 128 letters, digits, spaces or _ . : / = + - @`;
  if (key.toLowerCase().startsWith('aws:')) return `tag key ${JSON.stringify(key)} is reserved: keys starting with aws: belong to AWS`;
  if (!TAG_VALUE.test(value)) return `tag value ${JSON.stringify(value)} of ${key} is not valid: up to 256 letters, digits, spaces or _ . : / = + - @`;
  return undefined;
}

/** `role=web` → ['role', 'web']; the first = separates key from value. */
export function parseTagFlag(text: string): [string, string] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new Error(`--tag ${JSON.stringify(text)}: write Key=Value, e.g. --tag role=web`);
  const [key, value] = [text.slice(0, eq), text.slice(eq + 1)];
  const problem = checkTag(key, value);
  if (problem) throw new Error(`--tag: ${problem}`);
  return [key, value];
}

export function readAgentConfig(path: string): AgentConfigFile {
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`--config ${path}: ${(e as Error).message}`);
  }
  if (raw === null || raw === undefined) return { tags: {} };
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`--config ${path}: expected a mapping with nodeId, tags and stateDir`);
  const doc = raw as Record<string, unknown>;
  const unknown = Object.keys(doc).filter((k) => !['nodeId', 'tags', 'stateDir'].includes(k));
  if (unknown.length) throw new Error(`--config ${path}: unknown setting ${unknown.join(', ')} (allowed: nodeId, tags, stateDir)`);
  const out: AgentConfigFile = { tags: readTags(path, doc.tags) };
  for (const key of ['nodeId', 'stateDir'] as const) {
    if (doc[key] === undefined) continue;
    if (typeof doc[key] !== 'string') throw new Error(`--config ${path}: ${key} must be a string`);
    out[key] = doc[key];
  }
  return out;
}

function readTags(path: string, raw: unknown): Record<string, string> {
  if (raw === undefined || raw === null) return {};
  const entries: [string, unknown][] = Array.isArray(raw)
    ? raw.map((t: unknown) => {
        const tag = (t ?? {}) as { Key?: unknown; Value?: unknown };
        if (typeof tag.Key !== 'string') throw new Error(`--config ${path}: each tag of the list needs a Key (and a Value)`);
        return [tag.Key, tag.Value ?? ''];
      })
    : typeof raw === 'object'
      ? Object.entries(raw as Record<string, unknown>)
      : [];
  if (!Array.isArray(raw) && typeof raw !== 'object') throw new Error(`--config ${path}: tags must be a mapping (role: web) or a list of {Key, Value}`);
  const tags: Record<string, string> = {};
  for (const [key, value] of entries) {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') throw new Error(`--config ${path}: tag ${key} must have a plain value`);
    const problem = checkTag(key, String(value));
    if (problem) throw new Error(`--config ${path}: ${problem}`);
    tags[key] = String(value);
  }
  return tags;
}
