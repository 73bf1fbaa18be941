// Builds the JSON Schema (2020-12) of a maintenance window file (`windows/*.yaml`): SSM's
// CreateMaintenanceWindow request, with the window's targets
// (RegisterTargetWithMaintenanceWindow) and tasks (RegisterTaskWithMaintenanceWindow) in
// it, so one file says everything a window is. Targets and tasks have a Name by which the
// file refers to them (`Key: WindowTargetIds, Values: [web]`); their ids are derived.
// `npx tsx schemas/build-maintenance-window-schema.ts` writes
// schemas/maintenance-window.schema.json; a unit test fails when the committed file differs.
//
// The schema checks shapes and SSM's limits; the schedule dialect, references between
// targets and tasks, and the pseudo parameters are checked by the compiler's rules.
import { CUTOFF_BEHAVIORS, TASK_TYPES } from '../lang/windows/plan';
import { str, type JsonSchema } from './schema-kit';

export const MAINTENANCE_WINDOW_SCHEMA_FILE = 'schemas/maintenance-window.schema.json';

export const WINDOW_NAME_PATTERN = '^[a-zA-Z0-9_\\-.]{3,128}$';
const NAME_TITLE = 'a name of 3 to 128 letters, digits, _, - and .';
/** SendCommand's patterns (the task's rate controls are the same). */
const MAX_CONCURRENCY_PATTERN = '^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$';
const MAX_ERRORS_PATTERN = '^([1-9][0-9]*|[0]|[1-9][0-9]%|[0-9]%|100%)$';

const targetList = (description: string, maxItems: number): JsonSchema => ({
  type: 'array',
  minItems: 1,
  maxItems,
  description,
  items: {
    type: 'object',
    required: ['Key', 'Values'],
    additionalProperties: false,
    properties: {
      Key: { type: 'string', minLength: 1, maxLength: 163, description: 'tag:<name>, tag-key or InstanceIds (for a task: WindowTargetIds or InstanceIds).' },
      Values: { type: 'array', minItems: 1, maxItems: 50, items: { type: 'string', minLength: 1 }, description: 'Alternatives: any one matches.' },
    },
  },
});

/** SSM passes every document or runbook parameter as a list of strings; a single string is one. */
const parameterMap = (description: string): JsonSchema => ({
  type: 'object',
  description,
  additionalProperties: {
    anyOf: [
      { type: 'array', items: { type: 'string' } },
      { type: 'string' },
    ],
  },
});

const runCommandParameters = (): JsonSchema => ({
  type: 'object',
  additionalProperties: false,
  description: 'How the Command document runs (SSM MaintenanceWindowRunCommandParameters).',
  properties: {
    Parameters: parameterMap('The document’s parameters, each a list of strings; pseudo parameters such as {{WINDOW_EXECUTION_ID}} are replaced when the task runs.'),
    Comment: str('Shown with the command (at most 100 characters).', { maxLength: 100 }),
    TimeoutSeconds: { type: 'integer', minimum: 30, maximum: 2592000, description: 'How long an invocation may wait to be delivered (SSM default 3600).' },
    OutputS3BucketName: str('S3 bucket for the whole output of each invocation.', { minLength: 3, maxLength: 63 }),
    OutputS3KeyPrefix: str('Key prefix in OutputS3BucketName.', { maxLength: 500 }),
    CloudWatchOutputConfig: {
      type: 'object',
      additionalProperties: false,
      properties: {
        CloudWatchLogGroupName: str('Log group for the output.', { minLength: 1, maxLength: 512 }),
        CloudWatchOutputEnabled: { type: 'boolean', description: 'Send the output to CloudWatch Logs.' },
      },
    },
    NotificationConfig: {
      type: 'object',
      required: ['NotificationArn'],
      additionalProperties: false,
      properties: {
        NotificationArn: str('SNS topic for status changes.', { pattern: '^arn:', title: 'an SNS topic ARN' }),
        NotificationEvents: { type: 'array', items: { type: 'string', enum: ['All', 'InProgress', 'Success', 'TimedOut', 'Cancelled', 'Failed'] } },
        NotificationType: { type: 'string', enum: ['Command', 'Invocation'] },
      },
    },
    ServiceRoleArn: str('The role SSM uses for notifications.'),
    DocumentVersion: str('Drover runs the document it has; any version is accepted and recorded.'),
    DocumentHash: str('Accepted for compatibility; Drover does not check it.'),
    DocumentHashType: { type: 'string', enum: ['Sha256', 'Sha1'] },
  },
});

const automationParameters = (): JsonSchema => ({
  type: 'object',
  additionalProperties: false,
  description: 'How the runbook runs (SSM MaintenanceWindowAutomationParameters).',
  properties: {
    DocumentVersion: str('Drover runs the runbook file it has; any version is accepted and recorded.'),
    Parameters: parameterMap('The runbook’s parameters, each a list of strings; {{TARGET_ID}} is the target of each execution.'),
  },
});

const lambdaParameters = (): JsonSchema => ({
  type: 'object',
  additionalProperties: false,
  properties: {
    ClientContext: str('Base64 client context.', { minLength: 1, maxLength: 8000 }),
    Payload: str('JSON payload of the invocation.'),
    Qualifier: str('Function version or alias.', { minLength: 1, maxLength: 128 }),
  },
});

const stepFunctionsParameters = (): JsonSchema => ({
  type: 'object',
  additionalProperties: false,
  properties: {
    Input: str('JSON input of the execution.', { maxLength: 4096 }),
    Name: str('Execution name.', { minLength: 1, maxLength: 80 }),
  },
});

const targetDefinition = (): JsonSchema => ({
  type: 'object',
  required: ['Name', 'Targets'],
  additionalProperties: false,
  properties: {
    Name: str('How tasks refer to this target (Key: WindowTargetIds, Values: [<Name>]).', { pattern: WINDOW_NAME_PATTERN, title: NAME_TITLE }),
    Description: str('What the target is.', { minLength: 1, maxLength: 128 }),
    ResourceType: { type: 'string', enum: ['INSTANCE', 'RESOURCE_GROUP'], description: 'INSTANCE (default): managed nodes and EC2 instances.' },
    Targets: targetList('The nodes: tag:<name> and tag-key (Drover agents and EC2 instances), or InstanceIds; every key must match.', 5),
    OwnerInformation: str('Passed with every invocation on these targets (at most 128 characters).', { minLength: 1, maxLength: 128 }),
  },
});

const taskDefinition = (): JsonSchema => ({
  type: 'object',
  required: ['Name', 'TaskType', 'TaskArn'],
  additionalProperties: false,
  properties: {
    Name: str('The task’s name, unique in the window.', { pattern: WINDOW_NAME_PATTERN, title: NAME_TITLE }),
    Description: str('What the task does.', { minLength: 1, maxLength: 128 }),
    TaskType: { type: 'string', enum: [...TASK_TYPES], description: 'RUN_COMMAND (a Command document) or AUTOMATION (a runbook); LAMBDA and STEP_FUNCTIONS are not run by Drover yet.' },
    TaskArn: str('The Command document (RUN_COMMAND) or runbook (AUTOMATION) by name.', { minLength: 1, maxLength: 1600 }),
    Targets: targetList('Key: WindowTargetIds with the Names of this window’s targets, or (with AllowUnassociatedTargets) Key: InstanceIds.', 5),
    Priority: { type: 'integer', minimum: 0, description: 'Lower runs first; tasks of equal priority run in parallel (default 1).' },
    MaxConcurrency: {
      description: 'Targets at once: a number or a percentage (required with Targets).',
      anyOf: [
        { type: 'string', pattern: MAX_CONCURRENCY_PATTERN, title: 'a number from 1 or a percentage from 1% to 100%' },
        { type: 'integer', minimum: 1 },
      ],
    },
    MaxErrors: {
      description: 'Errors after which no new target starts: a number or a percentage (required with Targets).',
      anyOf: [
        { type: 'string', pattern: MAX_ERRORS_PATTERN, title: 'a number from 0 or a percentage from 0% to 100%' },
        { type: 'integer', minimum: 0 },
      ],
    },
    CutoffBehavior: { type: 'string', enum: [...CUTOFF_BEHAVIORS], description: 'CONTINUE_TASK (default): running work goes on past the cutoff. CANCEL_TASK: Run Command is cancelled (TIMED_OUT); other tasks start no new invocation.' },
    ServiceRoleArn: str('The role the task runs as (AUTOMATION: the runbook’s AutomationAssumeRole when it has one).'),
    TaskInvocationParameters: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: {
        RunCommand: runCommandParameters(),
        Automation: automationParameters(),
        Lambda: lambdaParameters(),
        StepFunctions: stepFunctionsParameters(),
      },
    },
  },
});

export function buildMaintenanceWindowSchema(): JsonSchema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'Drover maintenance window',
    description:
      "A maintenance window as SSM's CreateMaintenanceWindow takes it, with its Targets and Tasks. Add `# yaml-language-server: $schema=<path to this file>` to a window for completion in editors.",
    type: 'object',
    required: ['Schedule', 'Duration', 'Cutoff'],
    additionalProperties: false,
    properties: {
      Name: str('The window’s name (default: the file name without its extension).', { pattern: WINDOW_NAME_PATTERN, title: NAME_TITLE }),
      Description: str('What the window is for.', { minLength: 1, maxLength: 128 }),
      Schedule: str('cron(Minutes Hours Day-of-month Month Day-of-week Year) with ? L W # and 1 = SUN, rate(N minutes|hours|days), or at(yyyy-mm-ddThh:mm:ss).', { minLength: 1, maxLength: 256 }),
      ScheduleTimezone: str('IANA time zone of the Schedule, e.g. Europe/Berlin (default UTC).'),
      ScheduleOffset: { type: 'integer', minimum: 1, maximum: 6, description: 'Days after the cron expression’s date to run (cron only).' },
      Duration: { type: 'integer', minimum: 1, maximum: 24, description: 'Hours the window lasts.' },
      Cutoff: { type: 'integer', minimum: 0, maximum: 23, description: 'Hours before the end when no new task starts (less than Duration).' },
      StartDate: str('ISO-8601 date and time before which the window does not run.'),
      EndDate: str('ISO-8601 date and time from which the window no longer runs.'),
      AllowUnassociatedTargets: { type: 'boolean', description: 'Tasks may name nodes by InstanceIds instead of registered targets (default false).' },
      Enabled: { type: 'boolean', description: 'Whether the schedule runs the window (default true).' },
      Tags: {
        type: 'array',
        maxItems: 1000,
        items: {
          type: 'object',
          required: ['Key', 'Value'],
          additionalProperties: false,
          properties: { Key: { type: 'string', minLength: 1, maxLength: 128 }, Value: { type: 'string', maxLength: 256 } },
        },
      },
      Targets: { type: 'array', maxItems: 100, items: { $ref: '#/$defs/target' }, description: 'RegisterTargetWithMaintenanceWindow, once per entry.' },
      Tasks: { type: 'array', maxItems: 20, items: { $ref: '#/$defs/task' }, description: 'RegisterTaskWithMaintenanceWindow, once per entry.' },
    },
    $defs: { target: targetDefinition(), task: taskDefinition() },
  };
}
