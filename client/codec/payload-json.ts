// Payloads in the JSON the Temporal Web UI and CLI send a codec server (proto3 JSON of
// temporal.api.common.v1.Payloads): `{ payloads: [{ metadata: { key: base64 }, data: base64 }] }`.
import type { Payload } from '@temporalio/common';

export interface JsonPayload {
  metadata?: Record<string, string> | null;
  data?: string | null;
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** The payloads of a request body; throws a message fit for a 400 answer. */
export function payloadsFromJson(body: unknown): Payload[] {
  const list = (body as { payloads?: unknown } | null)?.payloads;
  if (!Array.isArray(list)) throw new TypeError('the body must be {"payloads": [...]}');
  return list.map((item, i) => {
    if (typeof item !== 'object' || item === null) throw new TypeError(`payloads[${i}] is not an object`);
    const { metadata, data } = item as JsonPayload;
    if (metadata != null && (typeof metadata !== 'object' || Array.isArray(metadata))) throw new TypeError(`payloads[${i}].metadata must be an object`);
    const meta: Record<string, Uint8Array> = {};
    for (const [k, v] of Object.entries(metadata ?? {})) meta[k] = fromBase64(v, `payloads[${i}].metadata.${k}`);
    return { metadata: meta, data: data == null ? new Uint8Array() : fromBase64(data, `payloads[${i}].data`) };
  });
}

export function payloadsToJson(payloads: Payload[]): { payloads: JsonPayload[] } {
  return {
    payloads: payloads.map((p) => ({
      metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')])),
      data: Buffer.from(p.data ?? []).toString('base64'),
    })),
  };
}

function fromBase64(value: unknown, where: string): Uint8Array {
  if (typeof value !== 'string' || !BASE64.test(value)) throw new TypeError(`${where} must be a base64 string`);
  return Buffer.from(value, 'base64');
}
