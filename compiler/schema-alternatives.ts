// ajv reports a failed anyOf/oneOf as the errors of every branch plus the anyOf itself: a
// wall of noise. This turns each failed alternative into one precise statement, the way
// yaml-language-server does: keep the branch the value was clearly meant for, or say in one
// sentence what the value may be.
//
// Relies on the schema builder's invariant: branches are inline (no $ref), so a branch's
// errors carry the alternative's schemaPath as a prefix.
import type { ErrorObject } from 'ajv';
import { listWords } from '../lang/suggest';

export type AlternativeOutcome =
  /** Every branch only requires a property: none of them is there. */
  | { kind: 'missing-one-of'; error: ErrorObject; names: string[] }
  /** oneOf: more than one branch matched (e.g. both Duration and Timestamp). */
  | { kind: 'more-than-one'; error: ErrorObject; names: string[] }
  /** No branch fits the value: one statement listing what it may be. */
  | { kind: 'no-branch-fits'; error: ErrorObject; phrases: string[]; enumValues: string[]; typeMatches: boolean };

type Schema = Record<string, unknown>;

// Errors that say the value itself is of the wrong kind for a branch (as opposed to a
// problem somewhere inside a value of the right kind).
const VALUE_LEVEL = new Set(['type', 'const', 'enum', 'pattern', 'format']);

export function resolveAlternatives(errors: ErrorObject[]): { errors: ErrorObject[]; outcomes: AlternativeOutcome[] } {
  const removed = new Set<ErrorObject>();
  const outcomes: AlternativeOutcome[] = [];
  const alternatives = errors
    .filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf')
    .sort((a, b) => a.schemaPath.length - b.schemaPath.length); // outer alternatives first

  for (const alt of alternatives) {
    if (removed.has(alt)) continue;
    removed.add(alt);
    const prefix = `${alt.schemaPath}/`;
    const members = errors.filter((e) => !removed.has(e) && e.schemaPath.startsWith(prefix));
    const branches = (Array.isArray(alt.schema) ? alt.schema : []) as Schema[];
    const requiredOnly = branches.length > 0 && branches.every(isRequiredOnly);

    const passing = (alt.params as { passingSchemas?: number[] | null }).passingSchemas;
    if (alt.keyword === 'oneOf' && Array.isArray(passing)) {
      for (const m of members) removed.add(m);
      const names = requiredOnly ? passing.map((i) => requiredName(branches[i]!)) : [];
      outcomes.push({ kind: 'more-than-one', error: alt, names });
      continue;
    }
    if (requiredOnly) {
      for (const m of members) removed.add(m);
      outcomes.push({ kind: 'missing-one-of', error: alt, names: branches.map(requiredName) });
      continue;
    }
    const byBranch = new Map<number, ErrorObject[]>();
    for (const m of members) {
      const index = Number(m.schemaPath.slice(prefix.length).split('/')[0]);
      byBranch.set(index, [...(byBranch.get(index) ?? []), m]);
    }
    // A branch whose errors all lie inside the value (not about the value itself) is the
    // one the author meant; report its errors and forget the others.
    const meant = [...byBranch.entries()]
      .filter(([, errs]) => errs.every((e) => e.instancePath !== alt.instancePath || !VALUE_LEVEL.has(e.keyword)))
      .sort((a, b) => a[1].length - b[1].length)[0];
    for (const m of members) if (!meant || !meant[1].includes(m)) removed.add(m);
    if (!meant) outcomes.push(describeFit(alt, branches));
  }
  return { errors: errors.filter((e) => !removed.has(e)), outcomes };
}

function isRequiredOnly(schema: Schema): boolean {
  const keys = Object.keys(schema);
  return keys.length === 1 && keys[0] === 'required' && Array.isArray(schema.required) && schema.required.length === 1;
}

const requiredName = (schema: Schema): string => String((schema.required as string[])[0]);

function describeFit(alt: ErrorObject, branches: Schema[]): AlternativeOutcome {
  const phrases = [...new Set(branches.map(branchPhrase))];
  const enumValues = branches.flatMap((b) => (Array.isArray(b.enum) ? b.enum.map(String) : []));
  const kind = jsonType(alt.data);
  const typeMatches = branches.some((b) => typesOf(b).some((t) => t === kind || (t === 'number' && kind === 'integer')));
  return { kind: 'no-branch-fits', error: alt, phrases, enumValues, typeMatches };
}

/** A noun phrase for what a branch accepts: its title, else its enum, else its type. */
export function branchPhrase(schema: Schema): string {
  if (typeof schema.title === 'string') return schema.title;
  if (Array.isArray(schema.enum)) {
    const values = schema.enum.map((v) => JSON.stringify(v));
    return values.length === 1 ? values[0]! : `one of ${listWords(values)}`;
  }
  if ('const' in schema) return JSON.stringify(schema.const);
  const types = typesOf(schema);
  return types.length ? listWords(types.map(typePhrase)) : 'a valid value';
}

function typesOf(schema: Schema): string[] {
  if (typeof schema.type === 'string') return [schema.type];
  return Array.isArray(schema.type) ? schema.type.map(String) : [];
}

export function typePhrase(type: string): string {
  switch (type) {
    case 'string':
      return 'a string';
    case 'integer':
      return 'a whole number';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list';
    case 'object':
      return 'a mapping';
    case 'null':
      return 'empty';
    default:
      return type;
  }
}

/** The JSON Schema type name of a value. */
export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}
