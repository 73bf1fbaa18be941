// A parameter or variable declaration as written → its ParameterSpec, without the default
// (converted separately, since it may fail). Lenient: undefined when the type is unusable
// (the schema reports why), fields of the wrong type are left out.
import { isParamType } from '../lang/parameters';
import type { ParameterSpec } from '../lang/plan';
import { asString, type Json } from './outline';

export function parameterSpecOf(raw: Json): ParameterSpec | undefined {
  const type = asString(raw.type);
  if (type === undefined || !isParamType(type)) return undefined;
  const spec: ParameterSpec = { type };
  const description = asString(raw.description);
  if (description !== undefined) spec.description = description;
  // allowedValues may be written as numbers or booleans (`- 1`, `- true`); values arrive as strings.
  if (Array.isArray(raw.allowedValues)) spec.allowedValues = raw.allowedValues.map((v) => String(v));
  const pattern = asString(raw.allowedPattern);
  if (pattern !== undefined) spec.allowedPattern = pattern;
  for (const key of ['minItems', 'maxItems', 'minChars', 'maxChars'] as const) {
    const limit = raw[key];
    if (typeof limit === 'number' && Number.isInteger(limit)) spec[key] = limit;
  }
  return spec;
}
