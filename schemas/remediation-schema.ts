// Builds the JSON Schema (2020-12) of an AWS Config remediation configuration file
// (`remediations/*.yaml`): one RemediationConfiguration of PutRemediationConfigurations, with
// AWS's names, defaults and limits. `npx tsx schemas/build-remediation-schema.ts` writes
// schemas/remediation.schema.json; a unit test fails when the committed file differs.
import { CONFIG_RULE_NAME_PATTERN, REMEDIATION_DEFAULTS, REMEDIATION_LIMITS } from '../lang/events/remediation';
import { str, type JsonSchema } from './schema-kit';

export const REMEDIATION_SCHEMA_FILE = 'schemas/remediation.schema.json';

const parameterDefinition = (): JsonSchema => ({
  type: 'object',
  additionalProperties: false,
  description: 'Either the non-compliant resource’s id (ResourceValue) or fixed values (StaticValue).',
  properties: {
    ResourceValue: {
      type: 'object',
      required: ['Value'],
      additionalProperties: false,
      properties: { Value: { type: 'string', enum: ['RESOURCE_ID'], description: 'RESOURCE_ID: the id of the non-compliant resource.' } },
    },
    StaticValue: {
      type: 'object',
      required: ['Values'],
      additionalProperties: false,
      properties: {
        Values: { type: 'array', maxItems: REMEDIATION_LIMITS.staticValues, items: { type: 'string', maxLength: 256 }, description: 'The values, as strings (a list parameter takes them all).' },
      },
    },
  },
});

export function buildRemediationSchema(): JsonSchema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'Drover remediation configuration',
    description:
      "An AWS Config remediation configuration (PutRemediationConfigurations): the runbook that remediates a resource a Config rule finds NON_COMPLIANT, automatically or on request. Add `# yaml-language-server: $schema=<path to this file>` for completion in editors.",
    type: 'object',
    required: ['ConfigRuleName', 'TargetType', 'TargetId'],
    additionalProperties: false,
    properties: {
      ConfigRuleName: str('The Config rule whose non-compliant resources this remediates.', { pattern: CONFIG_RULE_NAME_PATTERN, title: 'a Config rule name of 1 to 128 letters, digits, ., - and _' }),
      TargetType: { type: 'string', enum: ['SSM_DOCUMENT'], description: 'SSM_DOCUMENT: an Automation runbook.' },
      TargetId: str('The runbook, by name in Drover’s runbook folders (the SSM document name in AWS).', { minLength: 1, maxLength: 256 }),
      TargetVersion: str('The document version (recorded; Drover runs the runbook’s file).', { maxLength: 256 }),
      ResourceType: str('The resource type remediated, e.g. AWS::EC2::Instance; compliance changes of other types are ignored.', { maxLength: 256 }),
      Parameters: { type: 'object', additionalProperties: { $ref: '#/$defs/parameter' }, description: 'The runbook’s parameters: each from the resource id or static values.' },
      Automatic: { type: 'boolean', description: 'Remediate every NON_COMPLIANT change automatically (default false: only on request, drover remediation start).' },
      MaximumAutomaticAttempts: {
        type: 'integer',
        minimum: 1,
        maximum: REMEDIATION_LIMITS.maximumAutomaticAttempts,
        description: `Failed automatic attempts within RetryAttemptSeconds after which the resource gets a remediation exception (default ${REMEDIATION_DEFAULTS.maximumAutomaticAttempts}).`,
      },
      RetryAttemptSeconds: {
        type: 'integer',
        minimum: 1,
        maximum: REMEDIATION_LIMITS.retryAttemptSeconds,
        description: `The window in which MaximumAutomaticAttempts failures make an exception (default ${REMEDIATION_DEFAULTS.retryAttemptSeconds}).`,
      },
      ExecutionControls: {
        type: 'object',
        additionalProperties: false,
        properties: {
          SsmControls: {
            type: 'object',
            additionalProperties: false,
            properties: {
              ConcurrentExecutionRatePercentage: { type: 'integer', minimum: 1, maximum: 100, description: 'Percent of this rule’s resources being remediated that may run at once (default 10).' },
              ErrorPercentage: { type: 'integer', minimum: 1, maximum: 100, description: 'Percent of failures in a batch allowed: past it, the rest of the batch is not started (default 50; 40 % of 10 resources stops at the fifth error).' },
            },
          },
        },
      },
      Arn: str('Recorded (the configuration’s ARN in AWS).'),
      CreatedByService: str('Recorded.'),
    },
    $defs: { parameter: parameterDefinition() },
  };
}
