// Runbook inputs → the request an SDK v3 command expects, guided by the operation's own
// schema (the SDK packages carry them). Runbooks come from YAML and JSON with AWS's
// conventions, and their values pass through `{{ }}` interpolation, so a value often
// arrives in a looser form than the API's type. boto3 would reject some of these; the SDK
// would send others unchanged and get a confusing answer from AWS. Decided here:
// - a string where a number or boolean is expected is converted when it reads as one
//   ("5", "true"/"False");
// - a number or boolean where a string is expected becomes its text (`Value: 5`);
// - a one-element list where one value is expected gives its element (`["{{ Id }}"]`);
//   an object or list where a string is expected becomes its JSON (policy documents);
// - a single value where a list is expected becomes a one-element list;
// - timestamps: ISO-8601 text or epoch seconds (as boto3 takes them); blobs: text, UTF-8;
// - a parameter the operation does not have is refused with a did-you-mean, as boto3 does,
//   rather than silently dropped by the SDK.
// Everything else (required members, enums, ranges) is left for AWS to judge, so its own
// error code and message reach the runbook author.
import type { NormalizedSchema } from '@smithy/core/schema';
import { didYouMean } from '../../../lang/suggest';

export interface Shaped {
  request: Record<string, unknown>;
  problems: string[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Date);

const showValue = (v: unknown): string => {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

function coerce(schema: NormalizedSchema, value: unknown, path: string, problems: string[]): unknown {
  if (value === null || value === undefined) return undefined;
  // A secret (a SecureString value, a customer key) is never repeated in a message.
  const show = schema.getMergedTraits().sensitive ? () => 'a sensitive value' : showValue;
  if (schema.isDocumentSchema()) return value;
  if (schema.isStructSchema()) {
    if (!isRecord(value)) {
      problems.push(`${path} must be a map of ${schema.getName() ?? 'parameters'}; got ${show(value)}`);
      return undefined;
    }
    return shapeStruct(schema, value, path, problems);
  }
  if (schema.isListSchema()) {
    const items = Array.isArray(value) ? value : [value];
    const member = schema.getValueSchema();
    return items.map((item, i) => coerce(member, item, `${path}[${i}]`, problems)).filter((v) => v !== undefined);
  }
  if (schema.isMapSchema()) {
    if (!isRecord(value)) {
      problems.push(`${path} must be a map; got ${show(value)}`);
      return undefined;
    }
    const member = schema.getValueSchema();
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, coerce(member, v, `${path}.${k}`, problems)]));
  }
  // A one-element list where one value is expected: `InstanceId: ["{{ Ids }}"]`.
  if (Array.isArray(value) && value.length === 1) value = value[0];
  if (schema.isBooleanSchema()) {
    if (typeof value === 'boolean') return value;
    if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
    problems.push(`${path} must be true or false; got ${show(value)}`);
    return undefined;
  }
  if (schema.isNumericSchema() || schema.isBigIntegerSchema() || schema.isBigDecimalSchema()) {
    if (typeof value === 'number') return value;
    if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
    problems.push(`${path} must be a number; got ${show(value)}`);
    return undefined;
  }
  if (schema.isTimestampSchema()) {
    const date = typeof value === 'number' ? new Date(value * 1000) : typeof value === 'string' ? new Date(value) : undefined;
    if (date && !Number.isNaN(date.getTime())) return date;
    problems.push(`${path} must be a timestamp (ISO-8601 text or epoch seconds); got ${show(value)}`);
    return undefined;
  }
  if (schema.isBlobSchema()) {
    if (typeof value === 'string') return new TextEncoder().encode(value);
    problems.push(`${path} must be text; got ${show(value)}`);
    return undefined;
  }
  // Strings (enums included).
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object')) {
    problems.push(`${path} takes one value; got a list of ${value.length}`);
    return undefined;
  }
  return JSON.stringify(value);
}

function shapeStruct(schema: NormalizedSchema, value: Record<string, unknown>, path: string, problems: string[]): Record<string, unknown> {
  const members = new Map<string, NormalizedSchema>();
  for (const [name, member] of schema.structIterator()) members.set(name, member);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const member = members.get(key);
    const where = path ? `${path}.${key}` : key;
    if (!member) {
      problems.push(`${where} is not a parameter of ${schema.getName() ?? 'this structure'}.${didYouMean(key, members.keys())}`);
      continue;
    }
    const shaped = coerce(member, v, where, problems);
    if (shaped !== undefined) out[key] = shaped;
  }
  return out;
}

/** The request for an operation's input schema; `problems` says what could not be fitted. */
export function shapeRequest(input: NormalizedSchema, params: Record<string, unknown>): Shaped {
  const problems: string[] = [];
  const request = input.isStructSchema() ? shapeStruct(input, params, '', problems) : {};
  return { request, problems };
}

/** Top-level members that carry an idempotency token (ClientToken and its kin). */
export function idempotencyTokenMembers(input: NormalizedSchema): string[] {
  if (!input.isStructSchema()) return [];
  const names: string[] = [];
  for (const [name, member] of input.structIterator()) if (member.isIdempotencyToken()) names.push(name);
  return names;
}
