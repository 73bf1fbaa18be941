// An SDK v3 response shaped like the boto3 response AWS's executeAwsApi selects from, so
// the selectors of AWS's own runbooks find their values: the same PascalCase member names
// (both SDKs use the service model's), no `$metadata` (boto3's ResponseMetadata is not
// selected by any runbook either), timestamps as ISO-8601 text, blobs as base64 text (the
// JSON form of bytes), and nothing that does not survive JSON (undefined, functions).
function toPlain(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (Array.isArray(value)) return value.map(toPlain).filter((v) => v !== undefined);
  if (typeof value === 'object') {
    // Smithy's NumericValue (BigDecimal) and similar wrappers carry their text in `string`.
    if ('string' in value && 'type' in value && Object.keys(value).length === 2) return String((value as { string: unknown }).string);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const plain = toPlain(v);
      if (plain !== undefined) out[k] = plain;
    }
    return out;
  }
  if (typeof value === 'function' || typeof value === 'symbol') return undefined;
  return value;
}

export function shapeResponse(output: unknown): Record<string, unknown> {
  const { $metadata: _metadata, ...rest } = (output ?? {}) as Record<string, unknown>;
  return (toPlain(rest) as Record<string, unknown> | undefined) ?? {};
}
