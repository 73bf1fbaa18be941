// Building blocks for the runbook JSON Schema. The builder composes these so that each
// shape (an integer input, a list input, "or a {{ }} reference") is written once.
//
// Invariant the compiler's error mapping relies on: the branches of an `anyOf`/`oneOf` are
// inline schemas, never `$ref`s, so every error inside a branch has the alternative's
// schemaPath as a prefix (ajv reports errors in a `$ref` under the target's path).
// test/unit/compiler/schema.test.ts checks it.

export type JsonSchema = { [keyword: string]: unknown };

/** A string that holds at least one `{{ … }}` reference: AWS interpolates it before the action checks types. */
export const TEMPLATE_PATTERN = '\\{\\{.*\\}\\}';

export const template = (): JsonSchema => ({
  type: 'string',
  pattern: TEMPLATE_PATTERN,
  title: 'a {{ }} reference',
  description: 'A {{ }} reference, resolved when the step runs.',
});

const describe = (schema: JsonSchema, description?: string): JsonSchema =>
  description === undefined ? schema : { description, ...schema };

/** The value, or a `{{ }}` reference that will produce it. */
export const orTemplate = (schema: JsonSchema, description?: string): JsonSchema =>
  describe({ anyOf: [schema, template()] }, description);

export const str = (description?: string, extra: JsonSchema = {}): JsonSchema =>
  describe({ type: 'string', ...extra }, description);

/** A whole number, also written as text (`TimeoutSeconds: "180"` in AWS's own runbooks: SSM takes it). */
export const int = (description?: string, bounds: { minimum?: number; maximum?: number } = {}): JsonSchema =>
  describe({ anyOf: [{ type: 'integer', ...bounds }, { type: 'string', pattern: '^[0-9]+$', title: 'a whole number written as text' }, template()] }, description);

export const bool = (description?: string): JsonSchema => orTemplate({ type: 'boolean' }, description);

export const oneOfValues = (values: readonly string[], description?: string): JsonSchema =>
  orTemplate({ type: 'string', enum: [...values] }, description);

export const strList = (description?: string, bounds: { maxItems?: number } = {}): JsonSchema =>
  orTemplate({ type: 'array', items: { type: 'string' }, ...bounds }, description);

export const map = (description?: string): JsonSchema => orTemplate({ type: 'object' }, description);

export const mapList = (description?: string): JsonSchema =>
  orTemplate({ type: 'array', items: { type: 'object' } }, description);

/** Any JSON value (API structures whose shape belongs to another service). */
export const anyValue = (description?: string): JsonSchema => describe({}, description);

/** Exactly one of these inputs must be given. */
export const exactlyOneOf = (...names: string[]): JsonSchema => ({ oneOf: names.map((n) => ({ required: [n] })) });

/** At least one of these inputs must be given. */
export const atLeastOneOf = (...names: string[]): JsonSchema => ({ anyOf: names.map((n) => ({ required: [n] })) });
