// The payload encryption keys, from the environment: DROVER_PAYLOAD_KEYS
// (`id1:base64key,id2:base64key`) or DROVER_PAYLOAD_KEY_FILE (the same entries, one a line
// or comma-separated, `#` comments). The first key encrypts; every key decrypts, so a key is
// rotated by putting the new one in front and keeping the old ones behind it.
// Errors name the variable, the entry and the key id, never key material.
import { readFileSync } from 'node:fs';

export const KEYS_ENV = 'DROVER_PAYLOAD_KEYS';
export const KEY_FILE_ENV = 'DROVER_PAYLOAD_KEY_FILE';

/** AES-256: 32 bytes. */
export const KEY_BYTES = 32;

// Key ids go into every payload's metadata and into error messages: short and printable.
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export interface PayloadKeys {
  /** The key new payloads are encrypted with. */
  primaryId: string;
  /** Every key that decrypts, by id, in the order given (primary first). */
  byId: ReadonlyMap<string, Buffer>;
}

export class PayloadKeyConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadKeyConfigError';
  }
}

/** Parses `id:base64key` entries (comma- or newline-separated; `#` starts a comment). */
export function parsePayloadKeys(text: string, source: string): PayloadKeys {
  const entries = text
    .split('\n')
    .map((line) => line.replace(/#.*/, ''))
    .flatMap((line) => line.split(','))
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new PayloadKeyConfigError(`${source} holds no key; give id:base64key entries (make a key with \`openssl rand -base64 32\`)`);
  const byId = new Map<string, Buffer>();
  entries.forEach((entry, i) => {
    const where = `${source}, entry ${i + 1}`;
    const colon = entry.indexOf(':');
    if (colon < 0) throw new PayloadKeyConfigError(`${where}: expected id:base64key (e.g. k1:$(openssl rand -base64 32))`);
    const id = entry.slice(0, colon).trim();
    const encoded = entry.slice(colon + 1).trim();
    if (!KEY_ID.test(id)) throw new PayloadKeyConfigError(`${where}: key id ${JSON.stringify(id)} must be 1 to 64 letters, digits, '.', '_' or '-'`);
    if (byId.has(id)) throw new PayloadKeyConfigError(`${where}: key id ${id} is given twice`);
    if (!BASE64.test(encoded) || encoded.length % 4 !== 0) throw new PayloadKeyConfigError(`${where} (key ${id}): the key is not base64`);
    const key = Buffer.from(encoded, 'base64');
    if (key.length !== KEY_BYTES) {
      throw new PayloadKeyConfigError(`${where} (key ${id}): the key is ${key.length} bytes; AES-256 needs ${KEY_BYTES} (make one with \`openssl rand -base64 32\`)`);
    }
    byId.set(id, key);
  });
  return { primaryId: [...byId.keys()][0]!, byId };
}

/** The keys the environment configures, or undefined when none is (payloads stay as they are). */
export function payloadKeysFromEnv(env: NodeJS.ProcessEnv = process.env): PayloadKeys | undefined {
  const inline = env[KEYS_ENV]?.trim();
  const file = env[KEY_FILE_ENV]?.trim();
  if (inline && file) throw new PayloadKeyConfigError(`set ${KEYS_ENV} or ${KEY_FILE_ENV}, not both`);
  if (inline) return parsePayloadKeys(inline, KEYS_ENV);
  if (!file) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new PayloadKeyConfigError(`${KEY_FILE_ENV}=${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parsePayloadKeys(text, `${KEY_FILE_ENV} ${file}`);
}
