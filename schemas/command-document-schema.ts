// Builds the JSON Schema (2020-12) of a Command document: what Run Command runs on managed
// nodes (`aws:runCommand`, `drover send-command`), schemaVersion 1.2, 2.0 or 2.2, as AWS
// documents it. `npx tsx schemas/build-command-document-schema.ts` writes it to
// schemas/command-document.schema.json; a unit test fails when the committed file differs.
//
// 2.x steps are discriminated by `action` with if/then (one wrong input → one precise
// error); 1.2 plugins are keyed by name under runtimeConfig, so the script plugins get their
// own property schema and the others a lenient one.
import { COMMAND_PLUGIN_NAMES, COMMAND_PLUGINS, MAX_EXECUTION_TIMEOUT_SECONDS, PLATFORM_TYPES } from '../lang/command-plugins';
import { str, template, type JsonSchema } from './schema-kit';

export const COMMAND_DOCUMENT_SCHEMA_FILE = 'schemas/command-document.schema.json';

export const COMMAND_SCHEMA_VERSIONS = ['1.2', '2.0', '2.2'] as const;
export const COMMAND_PARAMETER_TYPES = ['String', 'StringList', 'Integer', 'Boolean', 'StringMap', 'MapList'] as const;
export const COMMAND_STEP_NAME_PATTERN = '^[A-Za-z0-9_.-]+$';
const PARAMETER_NAME_PATTERN = '^[A-Za-z0-9_-]+$';

const count = (description: string): JsonSchema => ({ type: 'integer', minimum: 0, description });

const parameterDefinition = (): JsonSchema => ({
  type: 'object',
  required: ['type'],
  additionalProperties: false,
  properties: {
    type: { type: 'string', enum: [...COMMAND_PARAMETER_TYPES], description: 'String, StringList, Integer, Boolean, StringMap or MapList.' },
    description: str('What the parameter is for; by convention it starts with (Required) or (Optional).'),
    default: { description: 'The value when none is given.' },
    allowedValues: { type: 'array', items: { type: ['string', 'number', 'boolean'] }, description: 'The only values accepted.' },
    allowedPattern: str('A regular expression the value must match.'),
    minItems: count('The minimum number of list items.'),
    maxItems: count('The maximum number of list items.'),
    minChars: count('The minimum number of characters.'),
    maxChars: count('The maximum number of characters.'),
    displayType: { type: 'string', enum: ['textfield', 'textarea'], description: 'How the console shows the field.' },
    interpolationType: {
      type: 'string',
      enum: ['ENV_VAR'],
      description: 'ENV_VAR: the value is also given to the script as the environment variable SSM_<name>.',
    },
  },
});

/** runCommand: one string (a script), a list of lines, or a {{ }} reference to a StringList parameter. */
const runCommand = (): JsonSchema => ({
  description: 'The commands to run: a list of lines, one string (a script), or {{ commands }}.',
  anyOf: [{ type: 'array', items: { type: 'string' }, title: 'a list of lines' }, { type: 'string', title: 'a script' }],
});

const timeoutSeconds = (): JsonSchema => ({
  description: `Seconds the commands may run before they are stopped and the step is TimedOut (default 3600, at most ${MAX_EXECUTION_TIMEOUT_SECONDS}).`,
  anyOf: [
    { type: 'integer', minimum: 1, maximum: MAX_EXECUTION_TIMEOUT_SECONDS },
    { type: 'string', pattern: '^[0-9]+$', title: 'a number in a string' },
    template(),
  ],
});

const scriptInputs = (): Record<string, JsonSchema> => ({
  runCommand: runCommand(),
  workingDirectory: str('The directory the commands run in (default: a directory of the invocation).'),
  timeoutSeconds: timeoutSeconds(),
});

/** Inputs every 2.x step takes, whatever its plugin. */
const commonStepInputs = (): Record<string, JsonSchema> => ({
  onFailure: {
    type: 'string',
    enum: ['exit', 'successAndExit'],
    description: 'When the step fails, run no further steps (except finallySteps): exit (the document fails) or successAndExit.',
  },
  onSuccess: { type: 'string', enum: ['exit'], description: 'When the step succeeds, run no further steps (except finallySteps).' },
  finallyStep: { type: 'boolean', description: 'Run this step even after an exit; it must be the last step.' },
  maxAttempts: {
    description: 'Accepted for compatibility with published documents; a step runs once.',
    anyOf: [{ type: 'integer', minimum: 1 }, { type: 'string', pattern: '^[0-9]+$', title: 'a number in a string' }],
  },
});

const pluginInputs = (plugin: string): JsonSchema =>
  COMMAND_PLUGINS[plugin]!.script
    ? {
        type: 'object',
        description: `${plugin}: ${COMMAND_PLUGINS[plugin]!.summary}`,
        required: ['runCommand'],
        additionalProperties: false,
        properties: { ...scriptInputs(), ...commonStepInputs() },
      }
    : { type: 'object', description: `${plugin}: ${COMMAND_PLUGINS[plugin]!.summary}` };

const precondition = (): JsonSchema => ({
  type: 'object',
  description: 'Run the step only where the condition holds; other nodes skip it.',
  minProperties: 1,
  additionalProperties: false,
  properties: {
    StringEquals: {
      type: 'array',
      minItems: 2,
      maxItems: 2,
      items: { type: 'string' },
      description: `[platformType, ${PLATFORM_TYPES.join('|')}], or a {{ parameter }} and a value.`,
    },
  },
});

const stepDefinition = (): JsonSchema => ({
  type: 'object',
  required: ['name', 'action', 'inputs'],
  additionalProperties: false,
  properties: {
    name: str('Unique among the steps.', { pattern: COMMAND_STEP_NAME_PATTERN, title: 'a name of letters, digits, _, . and -' }),
    action: { type: 'string', enum: COMMAND_PLUGIN_NAMES, description: 'The plugin the step runs, e.g. aws:runShellScript.' },
    description: str('What the step is for (Markdown).'),
    precondition: precondition(),
    inputs: { type: 'object', description: 'The plugin inputs.' },
  },
  allOf: COMMAND_PLUGIN_NAMES.map((plugin) => ({
    if: { properties: { action: { const: plugin } }, required: ['action'] },
    then: { properties: { inputs: { $ref: `#/$defs/${plugin}` } } },
  })),
});

/** 1.2: `runtimeConfig: { aws:runShellScript: { properties: [ {id, runCommand, …} ] } }`. */
const runtimeConfig = (): JsonSchema => {
  const scriptPlugin: JsonSchema = {
    type: 'object',
    required: ['properties'],
    additionalProperties: false,
    properties: {
      properties: {
        type: 'array',
        minItems: 1,
        description: 'One set of commands per item, run in order.',
        items: {
          type: 'object',
          required: ['runCommand'],
          additionalProperties: false,
          properties: { id: str('The item id, e.g. 0.aws:runShellScript (names the output folder).'), ...scriptInputs() },
        },
      },
      settings: { type: 'object' },
    },
  };
  const properties: Record<string, JsonSchema> = {};
  for (const plugin of COMMAND_PLUGIN_NAMES) {
    properties[plugin] = COMMAND_PLUGINS[plugin]!.script
      ? { description: COMMAND_PLUGINS[plugin]!.summary, ...scriptPlugin }
      : { type: 'object', description: COMMAND_PLUGINS[plugin]!.summary, properties: { properties: {}, settings: {} } };
  }
  return {
    type: 'object',
    description: 'schemaVersion 1.2: the plugins to run, by plugin name.',
    minProperties: 1,
    properties,
  };
};

export function buildCommandDocumentSchema(): JsonSchema {
  const defs: Record<string, JsonSchema> = { parameter: parameterDefinition(), step: stepDefinition() };
  for (const plugin of COMMAND_PLUGIN_NAMES) defs[plugin] = pluginInputs(plugin);
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'Drover Command document: an SSM Command document (schemaVersion 1.2, 2.0 or 2.2)',
    description:
      'What Run Command runs on managed nodes, in AWS Systems Manager and on Drover agents alike. Add `# yaml-language-server: $schema=<path to this file>` to a document for completion in editors.',
    type: 'object',
    required: ['schemaVersion'],
    additionalProperties: false,
    properties: {
      schemaVersion: { type: 'string', enum: [...COMMAND_SCHEMA_VERSIONS], description: "'2.2' (quoted in YAML) for new documents; '1.2' uses runtimeConfig." },
      description: str('What the document does (Markdown).'),
      parameters: {
        type: 'object',
        description: 'Inputs of the document, by name; steps read them as {{ name }}.',
        propertyNames: { pattern: PARAMETER_NAME_PATTERN },
        additionalProperties: { $ref: '#/$defs/parameter' },
      },
      runtimeConfig: runtimeConfig(),
      mainSteps: { type: 'array', minItems: 1, items: { $ref: '#/$defs/step' }, description: 'schemaVersion 2.x: the steps, run in order.' },
    },
    // 1.2 lists its plugins under runtimeConfig; 2.x under mainSteps.
    allOf: [
      {
        if: { properties: { schemaVersion: { const: '1.2' } }, required: ['schemaVersion'] },
        then: { required: ['runtimeConfig'] },
        else: { required: ['mainSteps'] },
      },
    ],
    $defs: defs,
  };
}
