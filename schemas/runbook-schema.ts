// Builds the JSON Schema (2020-12) of a runbook: an SSM Automation document,
// schemaVersion 0.3, as AWS documents it, plus Drover's `drover:` actions.
// `npx tsx schemas/build-runbook-schema.ts` writes it to schemas/runbook.schema.json;
// a unit test fails when the committed file differs from what this produces.
//
// Steps are discriminated by `action` with if/then, so a wrong input is reported against
// the one action's inputs, not as a wall of oneOf alternatives.
import { ACTION_SPECS, SCHEMA_ACTIONS, type ActionSpec } from './runbook-actions';
import { orTemplate, str, template, type JsonSchema } from './schema-kit';

export const RUNBOOK_SCHEMA_FILE = 'schemas/runbook.schema.json';

export const STEP_NAME_PATTERN = '^[A-Za-z0-9_]+$';
const PARAMETER_NAME_PATTERN = '^[A-Za-z0-9_-]+$';
const BASE_TYPES = ['String', 'StringList', 'Integer', 'Boolean', 'MapList', 'StringMap'];

/** Parameter and variable types: the six base types, `AWS::…` resource types, `List<AWS::…>`. */
const parameterType = (): JsonSchema => ({
  description: 'String, StringList, Integer, Boolean, MapList, StringMap, an AWS:: resource type, or List<AWS::…>.',
  anyOf: [
    { type: 'string', enum: BASE_TYPES },
    { type: 'string', pattern: '^AWS::[A-Za-z0-9]+(::[A-Za-z0-9]+)+$', title: 'an AWS:: resource type such as AWS::EC2::Instance::Id' },
    { type: 'string', pattern: '^List<AWS::[A-Za-z0-9]+(::[A-Za-z0-9]+)+>$', title: 'a List<AWS::…> resource list type' },
  ],
});

const count = (description: string): JsonSchema => ({ type: 'integer', minimum: 0, description });

const parameterDefinition = (): JsonSchema => ({
  type: 'object',
  required: ['type'],
  additionalProperties: false,
  properties: {
    type: parameterType(),
    description: str('What the parameter is for; by convention it starts with (Required) or (Optional).'),
    default: { description: 'The value when none is given; may be a {{ ssm:/path }} Parameter Store reference, or a {{ ssm-secure:/path }} SecureString reference, resolved only where its value is used.' },
    allowedValues: {
      type: 'array',
      items: { type: ['string', 'number', 'boolean'] },
      description: 'The only values accepted.',
    },
    allowedPattern: str('A regular expression (Java syntax) the value must match.'),
    minItems: count('The minimum number of list items.'),
    maxItems: count('The maximum number of list items.'),
    minChars: count('The minimum number of characters.'),
    maxChars: count('The maximum number of characters.'),
    displayType: { type: 'string', enum: ['textfield', 'textarea'], description: 'How the console shows the field.' },
  },
});

const variableDefinition = (): JsonSchema => ({
  type: 'object',
  required: ['type'],
  additionalProperties: false,
  properties: {
    type: parameterType(),
    default: { description: 'The initial value.' },
    description: str('What the variable is for.'),
  },
});

const STRING_BOOLEAN: JsonSchema = {
  anyOf: [{ type: 'boolean' }, { type: 'string', enum: ['true', 'false'], title: 'the string "true" or "false"' }],
};

const stepTarget = (keywords: string[], description: string): JsonSchema => ({
  description,
  anyOf: [
    { type: 'string', enum: keywords },
    { type: 'string', pattern: '^step:[A-Za-z0-9_]+$', title: 'step:<name> of the step to go to' },
  ],
});

const stepOutput = (): JsonSchema => ({
  type: 'object',
  required: ['Name', 'Selector'],
  additionalProperties: false,
  properties: {
    Name: str('The output name, readable as {{ step.Name }}.'),
    Selector: str('JSONPath into the action result, starting with $ (e.g. $.Payload.id).'),
    Type: { type: 'string', enum: BASE_TYPES, description: 'The output type (String when omitted).' },
  },
});

const stepDefinition = (): JsonSchema => ({
  type: 'object',
  required: ['name', 'action', 'inputs'],
  additionalProperties: false,
  properties: {
    name: str('Unique among all steps, loop bodies included.', { pattern: STEP_NAME_PATTERN, title: 'a name of letters, digits and _' }),
    action: { type: 'string', enum: [...SCHEMA_ACTIONS], description: 'What the step does.' },
    description: str('What the step is for (Markdown).'),
    inputs: { type: 'object', description: 'The action inputs.' },
    outputs: { type: 'array', items: stepOutput(), description: 'Values selected from the action result.' },
    maxAttempts: { type: 'integer', minimum: 1, description: 'Attempts before the step fails (default 1).' },
    timeoutSeconds: {
      description: 'Per-attempt timeout in seconds (default: the action default).',
      anyOf: [{ type: 'integer', minimum: 1 }, { type: 'string', pattern: '^[0-9]+$', title: 'a number in a string' }],
    },
    onFailure: stepTarget(['Abort', 'Continue'], 'After the step fails: Abort (default), Continue, or step:<name>.'),
    onCancel: stepTarget(['Abort'], 'When the automation is cancelled during the step: Abort or step:<name>.'),
    isCritical: { ...STRING_BOOLEAN, description: 'Whether a failure fails the automation (default true; false with onFailure: Continue).' },
    isEnd: { ...STRING_BOOLEAN, description: 'Stop after this step (inside aws:loop: end this pass).' },
    nextStep: str('The step to run after this one succeeds.', { pattern: STEP_NAME_PATTERN, title: 'a step name' }),
  },
  // One if/then per action: only the matching action's inputs schema applies.
  allOf: SCHEMA_ACTIONS.map((action) => ({
    if: { properties: { action: { const: action } }, required: ['action'] },
    then: { properties: { inputs: { $ref: `#/$defs/${action}` } } },
  })),
});

const STRING_OPERATORS = ['StringEquals', 'EqualsIgnoreCase', 'StartsWith', 'EndsWith', 'Contains'];
const NUMERIC_OPERATORS = ['NumericEquals', 'NumericGreater', 'NumericLesser', 'NumericGreaterOrEquals', 'NumericLesserOrEquals'];
export const CONDITION_OPERATORS = [...STRING_OPERATORS, ...NUMERIC_OPERATORS, 'BooleanEquals'];

/** A branch choice (with NextStep) or a nested/loop condition (without). */
const conditionDefinition = (withNextStep: boolean): JsonSchema => {
  const operators: Record<string, JsonSchema> = {};
  for (const op of STRING_OPERATORS) operators[op] = { type: 'string' };
  for (const op of NUMERIC_OPERATORS) operators[op] = orTemplate({ type: 'number' });
  operators.BooleanEquals = { anyOf: [{ type: 'boolean' }, template()] };
  return {
    type: 'object',
    ...(withNextStep ? { required: ['NextStep'] } : {}),
    additionalProperties: false,
    properties: {
      ...(withNextStep ? { NextStep: str('The step to run when the condition holds.') } : {}),
      Variable: str('The value to test: a {{ }} reference to a parameter, variable or step output.'),
      ...operators,
      And: { type: 'array', minItems: 1, items: { $ref: '#/$defs/condition' }, description: 'All must hold.' },
      Or: { type: 'array', minItems: 1, items: { $ref: '#/$defs/condition' }, description: 'One must hold.' },
      Not: { $ref: '#/$defs/condition', description: 'Must not hold.' },
    },
    // Exactly one form: And, Or, Not, or Variable with exactly one operator.
    oneOf: ['And', 'Or', 'Not', 'Variable'].map((form) => ({ required: [form] })),
    if: { required: ['Variable'] },
    then: { oneOf: CONDITION_OPERATORS.map((op) => ({ required: [op] })) },
  };
};

const actionInputs = (action: string, spec: ActionSpec): JsonSchema => ({
  type: 'object',
  description: `${action}: ${spec.summary}`,
  properties: spec.inputs,
  ...(spec.required?.length ? { required: spec.required } : {}),
  ...(spec.apiParameters ? {} : { additionalProperties: false }),
  ...(spec.constraints?.length ? { allOf: spec.constraints } : {}),
});

export function buildRunbookSchema(): JsonSchema {
  const defs: Record<string, JsonSchema> = {
    parameter: parameterDefinition(),
    variable: variableDefinition(),
    step: stepDefinition(),
    choice: conditionDefinition(true),
    condition: conditionDefinition(false),
  };
  for (const action of SCHEMA_ACTIONS) defs[action] = actionInputs(action, ACTION_SPECS[action]!);
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'Drover runbook: an SSM Automation document (schemaVersion 0.3)',
    description:
      'Runs unchanged in AWS Systems Manager Automation and in Drover. Add `# yaml-language-server: $schema=<path to this file>` to a runbook for completion in editors.',
    type: 'object',
    required: ['schemaVersion', 'mainSteps'],
    additionalProperties: false,
    properties: {
      schemaVersion: { const: '0.3', description: "Always '0.3' (quoted in YAML) for Automation documents." },
      description: str('What the runbook does (Markdown).'),
      assumeRole: str('The IAM role the automation assumes, usually {{ AutomationAssumeRole }}.'),
      parameters: {
        type: 'object',
        description: 'Inputs of the runbook, by name.',
        propertyNames: { pattern: PARAMETER_NAME_PATTERN },
        additionalProperties: { $ref: '#/$defs/parameter' },
      },
      variables: {
        type: 'object',
        description: 'Values that aws:updateVariable may change, read as {{ variable:NAME }}.',
        propertyNames: { pattern: '^[A-Za-z0-9_]+$' },
        additionalProperties: { $ref: '#/$defs/variable' },
      },
      mainSteps: { type: 'array', minItems: 1, items: { $ref: '#/$defs/step' }, description: 'The steps, run in order unless told otherwise.' },
      outputs: {
        type: 'array',
        items: { type: 'string', pattern: '^[A-Za-z0-9_-]+\\..+$', title: 'step.Output' },
        description: 'The runbook outputs, as step.Output.',
      },
      files: {
        type: 'object',
        description: 'Script attachments, by file name.',
        additionalProperties: {
          type: 'object',
          required: ['checksums'],
          additionalProperties: false,
          properties: {
            // AWS's GetDocument output spells the key SHA256; its docs spell it sha256.
            checksums: {
              type: 'object',
              minProperties: 1,
              properties: { sha256: { type: 'string', description: 'Hex SHA-256 of the file.' } },
              additionalProperties: { type: 'string' },
            },
            size: { type: 'integer', minimum: 0 },
          },
        },
      },
      templateInformation: str('Change Manager template: information shown to the requester (Markdown).'),
      executableRunBooks: {
        type: 'array',
        description: 'Change Manager template: the runbooks a change request may run.',
        items: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: { name: { type: 'string' }, version: { type: 'string' } },
        },
      },
      emergencyChange: { type: 'boolean', description: 'Change Manager template: an emergency change template.' },
    },
    $defs: defs,
  };
}
