// Runbook parameters: AWS's conversions and checks. Pure (no Node imports): the compiler
// checks `default`s with it, the client resolves a start request's parameters with it, and
// the workflow may re-check values.
//
// StartAutomationExecution carries every value as a list of strings, so the conversions
// accept strings for every type (Integer "5", Boolean "true", StringMap as JSON) as well as
// the typed values a YAML default or a programmatic caller gives.
import { compileJavaRegex } from './java-regex';
import type { ParameterSpec, ParamType } from './plan';
import { didYouMean, listWords } from './suggest';
import { soleReference } from './template';
import { describeValue as describe, type Conversion } from './types';

export type BaseType = 'String' | 'StringList' | 'Integer' | 'Boolean' | 'StringMap' | 'MapList';

/** A converted value, or why the value does not fit the type. */
export type Coerced = Conversion;

export interface ParameterProblem {
  parameter: string;
  kind: 'missing' | 'unknown' | 'invalid-type' | 'invalid-value';
  /** A sentence that names the parameter, e.g. `parameter Count: "x" is not a whole number.` */
  message: string;
}

const BASE_TYPES: readonly string[] = ['String', 'StringList', 'Integer', 'Boolean', 'StringMap', 'MapList'];

/** True for the six base types, `AWS::…` resource types and `List<AWS::…>`. */
export function isParamType(type: string): type is ParamType {
  return BASE_TYPES.includes(type) || /^AWS::[A-Za-z0-9]+(::[A-Za-z0-9]+)+$/.test(type) || /^List<AWS::[A-Za-z0-9]+(::[A-Za-z0-9]+)+>$/.test(type);
}

/** The type AWS checks a value against: `AWS::…` resource types are Strings, `List<AWS::…>` StringLists. */
export function baseType(type: ParamType): BaseType {
  if (type.startsWith('List<')) return 'StringList';
  if (type.startsWith('AWS::')) return 'String';
  return type as BaseType;
}

/**
 * A `{{ ssm:/path }}` default is resolved from Parameter Store at run time, and a
 * `{{ ssm-secure:/path }}` value only where it is used (README "Secrets"): both pass as-is,
 * unchecked, since the value they stand for is not known here.
 */
export function isParameterStoreReference(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const kind = soleReference(value)?.kind;
  return kind === 'ssm' || kind === 'ssm-secure';
}

/** Converts a raw value (API strings, string lists, or typed values) to the parameter's type. */
export function coerceParameter(spec: Pick<ParameterSpec, 'type'>, raw: unknown): Coerced {
  if (isParameterStoreReference(raw)) return { value: raw };
  const type = baseType(spec.type);
  // The API sends every value as a list of strings; a one-element list is the scalar.
  if (Array.isArray(raw) && raw.length === 1 && type !== 'StringList' && type !== 'MapList') {
    return coerceParameter(spec, raw[0]);
  }
  switch (type) {
    case 'String':
      return typeof raw === 'string' ? { value: raw } : { error: `expected a String, got ${describe(raw)}` };
    case 'Integer':
      return coerceInteger(raw);
    case 'Boolean':
      return coerceBoolean(raw);
    case 'StringList':
      return coerceStringList(raw);
    case 'StringMap':
      return coerceStringMap(raw);
    case 'MapList':
      return coerceMapList(raw);
    default:
      return { error: `unknown parameter type ${String(spec.type)}` };
  }
}

function coerceInteger(raw: unknown): Coerced {
  if (typeof raw === 'number' && Number.isSafeInteger(raw)) return { value: raw };
  if (typeof raw === 'string' && /^\s*[-+]?\d+\s*$/.test(raw)) {
    const value = Number(raw.trim());
    if (Number.isSafeInteger(value)) return { value };
  }
  return { error: `expected an Integer (a whole number), got ${describe(raw)}` };
}

function coerceBoolean(raw: unknown): Coerced {
  if (typeof raw === 'boolean') return { value: raw };
  if (raw === 'true' || raw === 'false') return { value: raw === 'true' };
  return { error: `expected a Boolean (true or false), got ${describe(raw)}` };
}

function coerceStringList(raw: unknown): Coerced {
  if (typeof raw === 'string') {
    const text = raw.trim();
    if (text.startsWith('[')) {
      const parsed = parseJson(text);
      if (Array.isArray(parsed)) return coerceStringList(parsed);
    }
    // The console and the CLI accept `a,b,c` for a StringList.
    return { value: text === '' ? [] : text.split(',').map((s) => s.trim()) };
  }
  if (Array.isArray(raw)) {
    const bad = raw.find((item) => item === null || typeof item === 'object');
    if (bad !== undefined) return { error: `expected a StringList, but an item is ${describe(bad)}` };
    // YAML writes `- 5` for the string "5"; every item of a StringList is a string.
    return { value: raw.map((item) => String(item)) };
  }
  return { error: `expected a StringList, got ${describe(raw)}` };
}

function coerceStringMap(raw: unknown): Coerced {
  const value = typeof raw === 'string' ? parseJson(raw) : raw;
  if (isPlainObject(value)) return { value };
  return { error: `expected a StringMap (a mapping, or a JSON object), got ${describe(raw)}` };
}

function coerceMapList(raw: unknown): Coerced {
  let value = typeof raw === 'string' ? parseJson(raw) : raw;
  // From the API, each map of the list arrives as one JSON string.
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
    const items = value.map((item) => parseJson(item as string));
    value = items.length === 1 && Array.isArray(items[0]) ? items[0] : items;
  }
  if (Array.isArray(value) && value.every(isPlainObject)) return { value };
  return { error: `expected a MapList (a list of mappings), got ${describe(raw)}` };
}

/**
 * The constraint violations of an already converted value: allowedValues, allowedPattern,
 * minItems/maxItems, minChars/maxChars. Each message starts with `parameter NAME:`.
 */
export function checkParameter(name: string, spec: ParameterSpec, value: unknown): string[] {
  if (isParameterStoreReference(value)) return [];
  const problems: string[] = [];
  const type = baseType(spec.type);
  const items = Array.isArray(value) ? value : [value];
  const strings = type === 'String' || type === 'StringList' ? items.filter((v): v is string => typeof v === 'string') : [];

  if (spec.allowedValues && (type === 'String' || type === 'StringList' || type === 'Integer' || type === 'Boolean')) {
    for (const item of items) {
      const text = String(item);
      if (!spec.allowedValues.includes(text)) {
        problems.push(
          `parameter ${name}: ${JSON.stringify(text)} is not one of the allowed values ${listWords(spec.allowedValues.map((v) => JSON.stringify(v)))}.${didYouMean(text, spec.allowedValues)}`,
        );
      }
    }
  }
  if (spec.allowedPattern !== undefined) {
    const compiled = compileJavaRegex(spec.allowedPattern);
    // A pattern that cannot be converted is reported once by the compiler, not per value.
    if ('regexp' in compiled) {
      for (const text of strings) {
        if (!compiled.regexp.test(text)) {
          problems.push(`parameter ${name}: ${JSON.stringify(text)} does not match the allowed pattern ${spec.allowedPattern}`);
        }
      }
    }
  }
  if (Array.isArray(value)) {
    if (spec.minItems !== undefined && value.length < spec.minItems) {
      problems.push(`parameter ${name}: has ${value.length} item(s); at least ${spec.minItems} are required.`);
    }
    if (spec.maxItems !== undefined && value.length > spec.maxItems) {
      problems.push(`parameter ${name}: has ${value.length} items; at most ${spec.maxItems} are allowed.`);
    }
  }
  for (const text of strings) {
    if (spec.minChars !== undefined && text.length < spec.minChars) {
      problems.push(`parameter ${name}: ${JSON.stringify(text)} is shorter than the minimum of ${spec.minChars} characters.`);
    }
    if (spec.maxChars !== undefined && text.length > spec.maxChars) {
      problems.push(`parameter ${name}: a value of ${text.length} characters is longer than the maximum of ${spec.maxChars}.`);
    }
  }
  return problems;
}

/**
 * The parameter values of an execution: given values converted and checked, defaults
 * applied (a `{{ ssm:/… }}` default stays as-is for the runtime), missing required and
 * unknown names reported.
 */
export function resolveParameters(
  specs: Record<string, ParameterSpec>,
  given: Record<string, unknown>,
): { values: Record<string, unknown>; errors: ParameterProblem[] } {
  const values: Record<string, unknown> = {};
  const errors: ParameterProblem[] = [];
  const names = Object.keys(specs);
  for (const name of Object.keys(given)) {
    if (!Object.hasOwn(specs, name)) {
      const known = names.length ? ` The runbook's parameters are ${listWords(names, 'and')}.` : ' The runbook has no parameters.';
      errors.push({ parameter: name, kind: 'unknown', message: `parameter ${name}: the runbook has no such parameter.${didYouMean(name, names)}${known}` });
    }
  }
  for (const [name, spec] of Object.entries(specs)) {
    const raw = given[name];
    if (raw === undefined || raw === null) {
      if (spec.default === undefined) {
        errors.push({ parameter: name, kind: 'missing', message: `parameter ${name}: a value is required (the parameter has no default).` });
        continue;
      }
      values[name] = spec.default;
      // AWS checks a default like a given value when the execution starts (placeholder
      // defaults that break the parameter's pattern force the caller to give a value).
      for (const problem of checkParameter(name, spec, spec.default)) {
        errors.push({ parameter: name, kind: 'invalid-value', message: `${problem} (this is the default; give a value)` });
      }
      continue;
    }
    const coerced = coerceParameter(spec, raw);
    if ('error' in coerced) {
      errors.push({ parameter: name, kind: 'invalid-type', message: `parameter ${name}: ${coerced.error}.` });
      continue;
    }
    values[name] = coerced.value;
    for (const message of checkParameter(name, spec, coerced.value)) {
      errors.push({ parameter: name, kind: 'invalid-value', message });
    }
  }
  return { values, errors };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
