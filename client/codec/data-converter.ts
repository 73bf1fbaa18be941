// The one DataConverter of every Temporal connection Drover makes (client, worker, agent,
// CLI readers, drover dev): with keys configured, payloads are encrypted (AES-256-GCM) and
// failure messages travel inside them; without, Temporal's defaults, as before.
import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { AesGcmPayloadCodec } from './aes-gcm-codec';
import { KEY_FILE_ENV, KEYS_ENV, payloadKeysFromEnv } from './keys';

/** Module with the failure converter that encodes messages and stack traces (see the file). */
export const ENCRYPTING_FAILURE_CONVERTER_PATH = fileURLToPath(new URL('./failure-converter.cjs', import.meta.url));

let memo: { config: string; dataConverter: DataConverter; codec?: AesGcmPayloadCodec } | undefined;

function build(env: NodeJS.ProcessEnv): { dataConverter: DataConverter; codec?: AesGcmPayloadCodec } {
  const keys = payloadKeysFromEnv(env);
  if (!keys) return { dataConverter: {} };
  const codec = new AesGcmPayloadCodec(keys);
  return { codec, dataConverter: { payloadCodecs: [codec], failureConverterPath: ENCRYPTING_FAILURE_CONVERTER_PATH } };
}

function memoized(env: NodeJS.ProcessEnv): { dataConverter: DataConverter; codec?: AesGcmPayloadCodec } {
  // Keyed by the configuration, so a process (or a test) that changes it gets the new keys.
  const config = `${env[KEYS_ENV] ?? ''}\u0000${env[KEY_FILE_ENV] ?? ''}`;
  if (memo?.config !== config) memo = { config, ...build(env) };
  return memo;
}

/**
 * The DataConverter for Client, Worker.create and friends: `{}` (Temporal's defaults) when
 * neither DROVER_PAYLOAD_KEYS nor DROVER_PAYLOAD_KEY_FILE is set. Throws
 * PayloadKeyConfigError on a bad key configuration, before anything connects.
 */
export function droverDataConverter(env: NodeJS.ProcessEnv = process.env): DataConverter {
  return memoized(env).dataConverter;
}

/** The payload codec the environment configures, if any (the codec server and banners use it). */
export function droverPayloadCodec(env: NodeJS.ProcessEnv = process.env): AesGcmPayloadCodec | undefined {
  return memoized(env).codec;
}

/** For start-up messages ("payloads …"): which key encrypts, which decrypt. Never key material. */
export function describePayloadEncryption(env: NodeJS.ProcessEnv = process.env): string {
  const codec = droverPayloadCodec(env);
  if (!codec) return 'not encrypted (no DROVER_PAYLOAD_KEYS)';
  const others = codec.keyIds.filter((id) => id !== codec.primaryKeyId);
  return `encrypted with key ${codec.primaryKeyId}${others.length ? ` (also decrypting ${others.join(', ')})` : ''}`;
}
