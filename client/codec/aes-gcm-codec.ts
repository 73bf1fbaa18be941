// AES-256-GCM encryption of every payload Drover sends through Temporal, at the edge (the
// client and the worker), so the server stores only ciphertext; workflow code never knows.
// The whole payload (its metadata and data) is encrypted; the envelope says only
// `encoding: binary/encrypted` and which key (`encryption-key-id`). Data is
// IV (12 random bytes) ‖ ciphertext ‖ GCM tag (16 bytes): a wrong key or an altered byte
// fails authentication instead of yielding garbage.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import { KEYS_ENV, type PayloadKeys } from './keys';

export const ENCODING_ENCRYPTED = 'binary/encrypted';
export const METADATA_KEY_ID = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const PayloadProto = proto.temporal.api.common.v1.Payload;

/** A payload this process cannot decrypt; the message names the key id. */
export class PayloadDecryptionError extends Error {
  constructor(
    message: string,
    readonly keyId?: string,
  ) {
    super(message);
    this.name = 'PayloadDecryptionError';
  }
}

export class AesGcmPayloadCodec implements PayloadCodec {
  constructor(private readonly keys: PayloadKeys) {}

  get primaryKeyId(): string {
    return this.keys.primaryId;
  }

  get keyIds(): string[] {
    return [...this.keys.byId.keys()];
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.encrypt(p));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.decrypt(p));
  }

  encrypt(payload: Payload): Payload {
    const keyId = this.keys.primaryId;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.byId.get(keyId)!, iv);
    const plain = PayloadProto.encode(payload).finish();
    const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: { [METADATA_ENCODING_KEY]: Buffer.from(ENCODING_ENCRYPTED), [METADATA_KEY_ID]: Buffer.from(keyId) },
      data,
    };
  }

  /** Decrypts an encrypted payload; any other payload (written before encryption was on) passes as it is. */
  decrypt(payload: Payload): Payload {
    const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
    if (!encoding || Buffer.from(encoding).toString() !== ENCODING_ENCRYPTED) return payload;
    const rawId = payload.metadata?.[METADATA_KEY_ID];
    if (!rawId) throw new PayloadDecryptionError(`an encrypted payload carries no ${METADATA_KEY_ID}: it was not written by Drover's codec`);
    const keyId = Buffer.from(rawId).toString();
    const key = this.keys.byId.get(keyId);
    if (!key) {
      throw new PayloadDecryptionError(
        `a payload is encrypted with key ${JSON.stringify(keyId)}, which this process does not have (its keys: ${[...this.keys.byId.keys()].join(', ')}); ` +
          `add ${keyId} to ${KEYS_ENV} (after a rotation, keep the old keys behind the new one)`,
        keyId,
      );
    }
    const data = Buffer.from(payload.data ?? []);
    if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadDecryptionError(`a payload encrypted with key ${JSON.stringify(keyId)} is truncated (${data.length} bytes)`, keyId);
    let plain: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new PayloadDecryptionError(
        `a payload encrypted with key ${JSON.stringify(keyId)} does not decrypt with this process's key ${JSON.stringify(keyId)}: the key's value differs from the one it was written with (or the payload was altered)`,
        keyId,
      );
    }
    return PayloadProto.decode(plain);
  }
}
