// The payload codec on its own: keys from the environment, AES-256-GCM round trips,
// rotation, and clear errors (naming the key id) instead of garbage.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultPayloadConverter, DefaultFailureConverter, type Payload } from '@temporalio/common';
import { parsePayloadKeys, payloadKeysFromEnv, PayloadKeyConfigError } from '../../../client/codec/keys';
import { AesGcmPayloadCodec, ENCODING_ENCRYPTED, METADATA_KEY_ID, PayloadDecryptionError } from '../../../client/codec/aes-gcm-codec';
import { droverDataConverter, describePayloadEncryption, ENCRYPTING_FAILURE_CONVERTER_PATH } from '../../../client/codec/data-converter';
import { createRequire } from 'node:module';

const key = () => randomBytes(32).toString('base64');
const codecOf = (spec: string) => new AesGcmPayloadCodec(parsePayloadKeys(spec, 'test'));
const text = (b: Uint8Array | null | undefined) => Buffer.from(b ?? []).toString();
const encoding = (p: Payload) => text(p.metadata?.encoding);

describe('payload keys', () => {
  it('reads id:base64 entries; the first encrypts, all decrypt', () => {
    const k1 = key();
    const k2 = key();
    const keys = parsePayloadKeys(` k2:${k2} , k1:${k1} `, 'DROVER_PAYLOAD_KEYS');
    expect(keys.primaryId).toBe('k2');
    expect([...keys.byId.keys()]).toEqual(['k2', 'k1']);
    expect(keys.byId.get('k1')).toEqual(Buffer.from(k1, 'base64'));
  });

  it('refuses bad entries, naming the entry and id but never the key', () => {
    const short = randomBytes(16).toString('base64');
    const cases: Array<[string, RegExp]> = [
      ['', /holds no key/],
      [`${key()}`, /entry 1: expected id:base64key/],
      [`k1:${short}`, /entry 1 \(key k1\): the key is 16 bytes; AES-256 needs 32/],
      [`k1:${key()},k1:${key()}`, /entry 2: key id k1 is given twice/],
      [`k1:not base64!`, /key k1\): the key is not base64/],
      [`bad id:${key()}`, /key id "bad id" must be/],
    ];
    for (const [spec, message] of cases) {
      let err: unknown;
      try {
        parsePayloadKeys(spec, 'DROVER_PAYLOAD_KEYS');
      } catch (e) {
        err = e;
      }
      expect(err, spec).toBeInstanceOf(PayloadKeyConfigError);
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).toMatch(/^DROVER_PAYLOAD_KEYS/);
      expect((err as Error).message).not.toContain(short);
    }
  });

  it('comes from DROVER_PAYLOAD_KEYS or DROVER_PAYLOAD_KEY_FILE (with comments), not both, or not at all', () => {
    expect(payloadKeysFromEnv({})).toBeUndefined();
    expect(payloadKeysFromEnv({ DROVER_PAYLOAD_KEYS: '  ' })).toBeUndefined();
    const dir = mkdtempSync(join(tmpdir(), 'drover-keys-'));
    const file = join(dir, 'keys');
    writeFileSync(file, `# rotated 2026-11\nnew:${key()}\n\nold:${key()}   # until the old executions are gone\n`);
    expect([...payloadKeysFromEnv({ DROVER_PAYLOAD_KEY_FILE: file })!.byId.keys()]).toEqual(['new', 'old']);
    expect(() => payloadKeysFromEnv({ DROVER_PAYLOAD_KEY_FILE: file, DROVER_PAYLOAD_KEYS: `k:${key()}` })).toThrow(/not both/);
    expect(() => payloadKeysFromEnv({ DROVER_PAYLOAD_KEY_FILE: join(dir, 'missing') })).toThrow(/cannot read it \(ENOENT\)/);
  });
});

describe('the AES-256-GCM payload codec', () => {
  const value = { password: 'hunter2', list: [1, 2, 3] };

  it('encrypts the whole payload, metadata included, with a fresh IV each time', async () => {
    const codec = codecOf(`k1:${key()}`);
    const plain = defaultPayloadConverter.toPayload(value);
    const [a, b] = await codec.encode([plain, plain]);
    expect(encoding(a!)).toBe(ENCODING_ENCRYPTED);
    expect(text(a!.metadata?.[METADATA_KEY_ID])).toBe('k1');
    expect(Object.keys(a!.metadata!).sort()).toEqual(['encoding', METADATA_KEY_ID]);
    expect(Buffer.from(a!.data!).includes('hunter2')).toBe(false);
    expect(Buffer.from(a!.data!).includes('json/plain')).toBe(false);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
    const [back] = await codec.decode([a!]);
    expect(encoding(back!)).toBe('json/plain');
    expect(defaultPayloadConverter.fromPayload(back!)).toEqual(value);
  });

  it('keeps an empty payload (undefined) and lets unencrypted payloads through', async () => {
    const codec = codecOf(`k1:${key()}`);
    const undef = defaultPayloadConverter.toPayload(undefined);
    const [enc] = await codec.encode([undef]);
    const [back] = await codec.decode([enc!]);
    expect(defaultPayloadConverter.fromPayload(back!)).toBeUndefined();
    // Written before encryption was turned on: still readable.
    const clear = defaultPayloadConverter.toPayload('before');
    expect(await codec.decode([clear])).toEqual([clear]);
  });

  it('rotates: a new key in front encrypts, the old one behind still decrypts', async () => {
    const k1 = key();
    const [old] = await codecOf(`k1:${k1}`).encode([defaultPayloadConverter.toPayload(value)]);
    const rotated = codecOf(`k2:${key()},k1:${k1}`);
    expect(defaultPayloadConverter.fromPayload((await rotated.decode([old!]))[0]!)).toEqual(value);
    const [fresh] = await rotated.encode([defaultPayloadConverter.toPayload(value)]);
    expect(text(fresh!.metadata?.[METADATA_KEY_ID])).toBe('k2');
  });

  it('fails clearly with a missing key, a wrong key, or an altered payload', async () => {
    const k1 = key();
    const [enc] = await codecOf(`k1:${k1}`).encode([defaultPayloadConverter.toPayload(value)]);
    await expect(codecOf(`k2:${key()}`).decode([enc!])).rejects.toThrow(/encrypted with key "k1", which this process does not have \(its keys: k2\)/);
    const wrong = codecOf(`k1:${key()}`).decode([enc!]);
    await expect(wrong).rejects.toBeInstanceOf(PayloadDecryptionError);
    await expect(wrong).rejects.toThrow(/key "k1" does not decrypt with this process's key "k1"/);
    const altered = Buffer.from(enc!.data!);
    altered[20]! ^= 1;
    const right = codecOf(`k1:${k1}`);
    expect(defaultPayloadConverter.fromPayload((await right.decode([enc!]))[0]!)).toEqual(value);
    await expect(right.decode([{ ...enc!, data: altered }])).rejects.toThrow(/key "k1" does not decrypt/);
    await expect(right.decode([{ metadata: enc!.metadata!, data: new Uint8Array(5) }])).rejects.toThrow(/truncated/);
    await expect(right.decode([{ metadata: { encoding: Buffer.from(ENCODING_ENCRYPTED) }, data: enc!.data! }])).rejects.toThrow(/no encryption-key-id/);
  });
});

describe('the data converter', () => {
  it('is Temporal’s default without keys, and the codec plus the encrypting failure converter with them', () => {
    expect(droverDataConverter({})).toEqual({});
    expect(describePayloadEncryption({})).toMatch(/not encrypted/);
    const env = { DROVER_PAYLOAD_KEYS: `k2:${key()},k1:${key()}` };
    const dc = droverDataConverter(env);
    expect(dc.payloadCodecs).toHaveLength(1);
    expect(dc.failureConverterPath).toBe(ENCRYPTING_FAILURE_CONVERTER_PATH);
    expect(droverDataConverter({ ...env })).toBe(dc); // memoized by configuration
    expect(describePayloadEncryption(env)).toBe('encrypted with key k2 (also decrypting k1)');
    expect(() => droverDataConverter({ DROVER_PAYLOAD_KEYS: 'k1:abc' })).toThrow(PayloadKeyConfigError);
  });

  it('loads the failure converter the way the worker does (require), and it moves messages into a payload', () => {
    const { failureConverter } = createRequire(import.meta.url)(ENCRYPTING_FAILURE_CONVERTER_PATH) as { failureConverter: DefaultFailureConverter };
    const failure = failureConverter.errorToFailure(new Error('the password is hunter2'), defaultPayloadConverter);
    expect(failure.message).toBe('Encoded failure');
    expect(failure.stackTrace).toBe('');
    expect(JSON.stringify(failure)).not.toContain('hunter2');
    expect(failure.encodedAttributes).toBeTruthy();
    // Any reader decodes it back.
    expect(new DefaultFailureConverter().failureToError(failure, defaultPayloadConverter).message).toBe('the password is hunter2');
  });
});
