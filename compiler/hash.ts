// The plan's content hash: sha256 of its canonical JSON. The compiler is never imported by
// workflow code, so node:crypto is fine here.
import { createHash } from 'node:crypto';

/** JSON with object keys sorted and no whitespace; undefined members are left out, as in JSON.stringify. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (value && typeof value === 'object') {
    const members = Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
