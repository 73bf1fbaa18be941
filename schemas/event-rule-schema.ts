// Builds the JSON Schema (2020-12) of an EventBridge rule file (`rules/*.yaml`): PutRule's
// Name, Description, State, EventBusName and EventPattern, with PutTargets' Targets (the
// property names of AWS::Events::Rule in CloudFormation). `npx tsx
// schemas/build-event-rule-schema.ts` writes schemas/event-rule.schema.json; a unit test
// fails when the committed file differs.
//
// The schema checks shapes; the event pattern's operators, the target ARNs, the input
// transformer and what depends on several properties are checked by the compiler's rules,
// which say it better and point inside the pattern.
import { MAX_INPUT_PATHS, MAX_TEMPLATE_LENGTH } from '../lang/events/input-transformer';
import { MAX_PATH_LENGTH } from '../lang/events/json-path';
import { EVENT_BUS_NAME_PATTERN, MAX_TARGETS, RULE_NAME_PATTERN, TARGET_ID_PATTERN } from '../lang/events/rule';
import { str, type JsonSchema } from './schema-kit';

export const EVENT_RULE_SCHEMA_FILE = 'schemas/event-rule.schema.json';
export const RULE_STATES = ['ENABLED', 'DISABLED', 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'] as const;

const targetDefinition = (): JsonSchema => ({
  type: 'object',
  required: ['Id', 'Arn'],
  additionalProperties: false,
  properties: {
    Id: str('The target’s id, unique in the rule: part of the id of every execution it starts.', { pattern: TARGET_ID_PATTERN, title: 'an id of 1 to 64 letters, digits, ., - and _' }),
    Arn: str(
      'An SSM Automation runbook (arn:aws:ssm:<region>:<account>:automation-definition/<runbook>:$DEFAULT) or a Command document for Run Command (arn:aws:ssm:<region>::document/AWS-RunShellScript). The name is looked up in Drover’s runbook or document folders.',
      { minLength: 1, maxLength: 1600 },
    ),
    RoleArn: str('The role EventBridge uses to start the target (recorded; Drover starts with its own identity).', { maxLength: 1600 }),
    Input: {
      description: 'Constant JSON the target receives instead of the event (for Automation: {"Parameter": ["value", …]}). A JSON string as in AWS, or (Drover) a mapping.',
      type: ['string', 'object'],
    },
    InputPath: str('The part of the event the target receives (JSON path, e.g. $.detail).', { maxLength: MAX_PATH_LENGTH }),
    InputTransformer: {
      type: 'object',
      required: ['InputTemplate'],
      additionalProperties: false,
      description: 'Variables taken from the event by JSON path, placed into a template.',
      properties: {
        InputPathsMap: {
          type: 'object',
          maxProperties: MAX_INPUT_PATHS,
          additionalProperties: { type: 'string', maxLength: MAX_PATH_LENGTH },
          description: `Up to ${MAX_INPUT_PATHS} variables: name → JSON path into the event.`,
        },
        InputTemplate: str('The input with <variable> placeholders (and the reserved <aws.events.rule-name>, <aws.events.rule-arn>, <aws.events.event>, <aws.events.event.json>, <aws.events.event.ingestion-time>).', {
          minLength: 1,
          maxLength: MAX_TEMPLATE_LENGTH,
        }),
      },
    },
    RunCommandParameters: {
      type: 'object',
      required: ['RunCommandTargets'],
      additionalProperties: false,
      description: 'Which nodes a Run Command target runs on.',
      properties: {
        RunCommandTargets: {
          type: 'array',
          minItems: 1,
          maxItems: 5,
          description: 'Key tag:<name> or InstanceIds, with the values to match; every key must match.',
          items: {
            type: 'object',
            required: ['Key', 'Values'],
            additionalProperties: false,
            properties: {
              Key: str('tag:<name> or InstanceIds.', { minLength: 1, maxLength: 128 }),
              Values: { type: 'array', minItems: 1, maxItems: 50, items: { type: 'string', maxLength: 256 }, description: 'Tag values or instance ids.' },
            },
          },
        },
      },
    },
    RetryPolicy: {
      type: 'object',
      additionalProperties: false,
      description: 'EventBridge’s delivery retries (accepted; Drover’s ingress retries until the start is durable).',
      properties: {
        MaximumRetryAttempts: { type: 'integer', minimum: 0, maximum: 185 },
        MaximumEventAgeInSeconds: { type: 'integer', minimum: 60, maximum: 86400 },
      },
    },
    DeadLetterConfig: {
      type: 'object',
      additionalProperties: false,
      description: 'EventBridge’s dead-letter queue (accepted; Drover records every event it does not start in the events log).',
      properties: { Arn: str('An SQS queue ARN.') },
    },
  },
});

export function buildEventRuleSchema(): JsonSchema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'Drover event rule',
    description:
      "An EventBridge rule whose targets Drover starts: an event pattern and up to five SSM Automation or Run Command targets, as in PutRule and PutTargets. Add `# yaml-language-server: $schema=<path to this file>` to a rule for completion in editors.",
    type: 'object',
    required: ['EventPattern', 'Targets'],
    additionalProperties: false,
    properties: {
      Name: str('The rule name (default: the file name without its extension).', { pattern: RULE_NAME_PATTERN, title: 'a name of 1 to 64 letters, digits, ., - and _' }),
      Description: str('What the rule is for.', { maxLength: 512 }),
      State: { type: 'string', enum: [...RULE_STATES], description: 'ENABLED (default) or DISABLED: a disabled rule matches nothing.' },
      EventBusName: str('The event bus whose events the rule sees (default: default).', { pattern: EVENT_BUS_NAME_PATTERN, title: 'an event bus name' }),
      EventPattern: {
        type: ['object', 'string'],
        description: 'Which events the rule matches (EventBridge event pattern): a mapping, or its JSON text as in AWS.',
      },
      Targets: { type: 'array', minItems: 1, maxItems: MAX_TARGETS, items: { $ref: '#/$defs/target' }, description: `What each matching event starts (at most ${MAX_TARGETS}).` },
      ScheduleExpression: str('Not run by Drover: scheduled work is a maintenance window.'),
      RoleArn: str('The role EventBridge uses for the rule (recorded).', { maxLength: 1600 }),
      Tags: { type: 'array', items: { type: 'object' }, description: 'Accepted and ignored (AWS resource tags).' },
    },
    $defs: { target: targetDefinition() },
  };
}
