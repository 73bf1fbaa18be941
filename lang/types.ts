// Value typing shared by the interpreter (workflow code) and the activities: the string
// form of a value, and conversion of a value to one of the six SSM output types. Pure.
//
// Conversions are lenient where a published runbook could depend on it (AWS documents that
// run on AWS must run here) and strict where leniency would hide a bug (a map passed
// where a String is declared). Decisions marked UNCONFIRMED are not documented by AWS.
import type { OutputType } from './plan';

export type Conversion = { value: unknown } | { error: string };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The text a value becomes when it is embedded in a string (`"id-{{ x }}"`) or compared by
 * a string operator: strings as they are, numbers and booleans as text, a list of scalars
 * joined with ',' (how AWS shows a StringList), anything holding maps as JSON, null as
 * `null` (JSON again).
 */
export function toStringForm(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === undefined) return '';
  if (Array.isArray(value) && value.every((v) => ['string', 'number', 'boolean'].includes(typeof v))) {
    return value.join(',');
  }
  return JSON.stringify(value);
}

/** A short description of a value for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `a list of ${value.length} item${value.length === 1 ? '' : 's'}`;
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') {
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return `the string ${JSON.stringify(shown)}`;
  }
  return `the ${typeof value} ${String(value)}`;
}

// A filter or deep scan yields a list even when it picks one value; AWS runbooks declare
// such outputs as String (`$.Stacks[0].Outputs[?(@.OutputKey=='X')].OutputValue`), so a
// one-element list stands for its element wherever a single value is expected. UNCONFIRMED.
function unwrapSingle(value: unknown): unknown {
  return Array.isArray(value) && value.length === 1 ? value[0] : value;
}

const INTEGER = /^\s*[+-]?\d+\s*$/;

function toText(value: unknown): Conversion {
  const v = unwrapSingle(value);
  if (typeof v === 'string') return { value: v };
  // Numbers and booleans have one obvious text (`$.Volumes[0].Iops` declared String).
  if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean') return { value: String(v) };
  return { error: `expected a String, got ${describeValue(value)}` };
}

function toInteger(value: unknown): Conversion {
  const v = unwrapSingle(value);
  if (typeof v === 'number' && Number.isSafeInteger(v)) return { value: v };
  // Scripts and APIs often return numbers as text ("3"); decimals are not integers.
  if (typeof v === 'string' && INTEGER.test(v)) {
    const n = Number(v);
    if (Number.isSafeInteger(n)) return { value: n };
  }
  return { error: `expected an Integer, got ${describeValue(value)}` };
}

/** `true`/`false`, or their text in any case (Python's `str(True)` is `True`). */
export function parseBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const t = value.trim().toLowerCase();
    if (t === 'true') return true;
    if (t === 'false') return false;
  }
  return undefined;
}

function toBoolean(value: unknown): Conversion {
  const b = parseBoolean(unwrapSingle(value));
  return b === undefined ? { error: `expected a Boolean, got ${describeValue(value)}` } : { value: b };
}

function toStringList(value: unknown): Conversion {
  // A single scalar becomes a one-element list: the list-typed inputs it feeds would be
  // written `["{{ x }}"]` anyway, and rejecting it could only break a runbook. UNCONFIRMED.
  // A lone map is not wrapped: its string form would be JSON, which nobody means.
  if (isPlainObject(value)) return { error: `expected a StringList, got ${describeValue(value)}` };
  const list = Array.isArray(value) ? value : [value];
  const out: string[] = [];
  for (const [i, item] of list.entries()) {
    if (item === null || item === undefined) {
      return { error: `expected a StringList, but item ${i} is ${describeValue(item)}` };
    }
    out.push(toStringForm(item));
  }
  return { value: out };
}

function toStringMap(value: unknown): Conversion {
  const v = unwrapSingle(value);
  // Values are kept as they are: an executeScript Payload is declared StringMap and holds
  // nested lists and maps that later `{{ }}` references pass on typed.
  return isPlainObject(v) ? { value: v } : { error: `expected a StringMap, got ${describeValue(value)}` };
}

function toMapList(value: unknown): Conversion {
  const list = isPlainObject(value) ? [value] : value;
  if (Array.isArray(list) && list.every(isPlainObject)) return { value: list };
  return { error: `expected a MapList (a list of maps), got ${describeValue(value)}` };
}

/**
 * Converts a selected or computed value to an SSM output type; `{ error }` says why not.
 * null is never a value of any type (a selector that picks null has picked nothing).
 */
export function convertToType(value: unknown, type: OutputType): Conversion {
  if (value === null || value === undefined) return { error: `expected a ${type}, got ${describeValue(value)}` };
  switch (type) {
    case 'String':
      return toText(value);
    case 'Integer':
      return toInteger(value);
    case 'Boolean':
      return toBoolean(value);
    case 'StringList':
      return toStringList(value);
    case 'StringMap':
      return toStringMap(value);
    case 'MapList':
      return toMapList(value);
    default:
      // Unreachable for a compiled plan; guards values that bypassed the compiler.
      return { error: `unknown output type ${JSON.stringify(type)}` };
  }
}
