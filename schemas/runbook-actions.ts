// Every action an SSM Automation document may use, with its inputs as AWS documents them,
// plus Drover's own `drover:` actions. One source: the JSON Schema's per-action `inputs`
// definitions are generated from this table, and the compiler reads the documented
// outputs and cancel-target rules from it.
// Sources: /work/shared/reference/ssm-automation-format.md §7 (AWS user guide per action).
import type { OutputType } from '../lang/plan';
import {
  anyValue,
  atLeastOneOf,
  bool,
  exactlyOneOf,
  int,
  map,
  mapList,
  oneOfValues,
  orTemplate,
  str,
  strList,
  type JsonSchema,
} from './schema-kit';

export interface ActionSpec {
  /** One line for editors' hover text. */
  summary: string;
  inputs: Record<string, JsonSchema>;
  required?: string[];
  /** Further constraints on `inputs` (one-of groups, conditional requirements). */
  constraints?: JsonSchema[];
  /** Service/Api actions take the AWS API's own parameters as sibling inputs. */
  apiParameters?: boolean;
  /** Outputs the action always has (AWS's "Output" section), readable as `{{ step.Name }}`. */
  outputs: Record<string, OutputType>;
  /** AWS forbids these actions as the target of `onCancel: step:X`. */
  forbiddenAsCancelTarget?: boolean;
  /** The action's result is JSON that `outputs[].Selector` may select from. */
  selectableOutputs?: boolean;
}

// The branch/loop condition shapes live in runbook-schema.ts; inputs refer to them by $ref.
const CHOICE_REF = { $ref: '#/$defs/choice' };
const CONDITION_REF = { $ref: '#/$defs/condition' };
const STEP_REF = { $ref: '#/$defs/step' };

const serviceApi = {
  Service: str('The AWS service namespace, as boto3 names its client (e.g. ec2, ssm).'),
  Api: str('The API operation, e.g. DescribeInstances.'),
};

const propertyCheck = {
  ...serviceApi,
  PropertySelector: str('JSONPath (starting with $.) of the response property to check.'),
  DesiredValues: orTemplate({ type: 'array' }, 'The values the property must have (write booleans as True/False).'),
};

export const ACTION_SPECS: Record<string, ActionSpec> = {
  'aws:approve': {
    summary: 'Pause the automation until the designated principals approve or reject it.',
    inputs: {
      Approvers: strList('Up to 10 IAM user names, user ARNs, IAM role ARNs or assume-role ARNs.', { maxItems: 10 }),
      MinRequiredApprovals: int('The number of approvals needed to resume (default 1).', { minimum: 1 }),
      Message: str('Included in the approval request (at most 4096 characters).'),
      NotificationArn: str('The SNS topic (its name starts with "Automation") that asks for approval.'),
      EnhancedApprovals: map('Change Manager approvals: NotificationArn and Approvers [{approver, type, minRequiredApprovals}].'),
    },
    constraints: [atLeastOneOf('Approvers', 'EnhancedApprovals')],
    outputs: { ApprovalStatus: 'String', ApproverDecisions: 'MapList' },
    forbiddenAsCancelTarget: true,
  },
  'aws:assertAwsResourceProperty': {
    summary: 'Fail unless an AWS resource property has one of the desired values.',
    inputs: propertyCheck,
    required: ['Service', 'Api', 'PropertySelector', 'DesiredValues'],
    apiParameters: true,
    outputs: {},
  },
  'aws:branch': {
    summary: 'Choose the next step: the first choice whose condition holds, else Default, else the next step.',
    inputs: {
      Choices: { type: 'array', minItems: 1, items: CHOICE_REF, description: 'Conditions, evaluated in order.' },
      Default: str('The step to run when no choice matches.'),
    },
    required: ['Choices'],
    outputs: { NextStep: 'String' },
  },
  'aws:changeInstanceState': {
    summary: 'Change or assert the state of EC2 instances.',
    inputs: {
      InstanceIds: strList('The instances.'),
      DesiredState: oneOfValues(['running', 'stopped', 'terminated'], 'The state to reach.'),
      CheckStateOnly: bool('Only wait for the state; do not change it (default false).'),
      Force: bool('Force the instances to stop.'),
      AdditionalInfo: str('Reserved.'),
    },
    required: ['InstanceIds', 'DesiredState'],
    outputs: {},
  },
  'aws:copyImage': {
    summary: 'Copy an AMI from any Region into the current Region.',
    inputs: {
      SourceRegion: str('The Region of the source AMI.'),
      SourceImageId: str('The AMI to copy.'),
      ImageName: str('The name of the new image.'),
      ImageDescription: str('A description of the new image.'),
      Encrypted: bool('Encrypt the target AMI.'),
      KmsKeyId: str('The KMS key for the encrypted snapshots.'),
      ClientToken: str('An idempotency token.'),
    },
    required: ['SourceRegion', 'SourceImageId', 'ImageName'],
    outputs: { ImageId: 'String', ImageState: 'String' },
    forbiddenAsCancelTarget: true,
  },
  'aws:createImage': {
    summary: 'Create an AMI from an instance.',
    inputs: {
      InstanceId: str('The instance.'),
      ImageName: str('The name of the image.'),
      ImageDescription: str('A description of the image.'),
      NoReboot: bool('Do not shut down the instance before creating the image.'),
      BlockDeviceMappings: anyValue('The block devices of the image.'),
    },
    required: ['InstanceId', 'ImageName'],
    outputs: { ImageId: 'String', ImageState: 'String' },
    forbiddenAsCancelTarget: true,
  },
  'aws:createStack': {
    summary: 'Create a CloudFormation stack and wait for it to complete.',
    inputs: {
      StackName: str('The stack name.'),
      TemplateBody: orTemplate({ type: ['string', 'object'] }, 'The template (or give TemplateURL).'),
      TemplateURL: str('The S3 URL of the template.'),
      Parameters: mapList('[{ParameterKey, ParameterValue}].'),
      Capabilities: strList('CAPABILITY_IAM, CAPABILITY_NAMED_IAM, CAPABILITY_AUTO_EXPAND.'),
      ClientRequestToken: str('An idempotency token.'),
      DisableRollback: bool('Do not roll back when creation fails (or give OnFailure).'),
      OnFailure: oneOfValues(['DO_NOTHING', 'ROLLBACK', 'DELETE'], 'What to do when creation fails.'),
      NotificationARNs: strList('SNS topics for stack events.'),
      ResourceTypes: strList('The resource types the stack may create.'),
      RoleARN: str('The role CloudFormation assumes.'),
      StackPolicyBody: str('The stack policy.'),
      StackPolicyURL: str('The S3 URL of the stack policy.'),
      Tags: mapList('Up to 10 tags [{Key, Value}].'),
      TimeoutInMinutes: int('Minutes before the stack status becomes CREATE_FAILED.', { minimum: 1 }),
    },
    required: ['StackName'],
    outputs: { StackId: 'String', StackStatus: 'String', StackStatusReason: 'String' },
    forbiddenAsCancelTarget: true,
    selectableOutputs: true,
  },
  'aws:createTags': {
    summary: 'Tag AWS resources.',
    inputs: {
      ResourceIds: strList('The resources.'),
      Tags: mapList('[{Key, Value}].'),
      ResourceType: oneOfValues(['EC2', 'ManagedInstance', 'MaintenanceWindow', 'Parameter'], 'Default EC2.'),
    },
    required: ['ResourceIds', 'Tags'],
    outputs: {},
    forbiddenAsCancelTarget: true,
  },
  'aws:deleteImage': {
    summary: 'Deregister an AMI and delete its snapshots.',
    inputs: { ImageId: str('The AMI.') },
    required: ['ImageId'],
    outputs: {},
  },
  'aws:deleteStack': {
    summary: 'Delete a CloudFormation stack.',
    inputs: {
      StackName: str('The stack name or id.'),
      ClientRequestToken: str('An idempotency token.'),
      RetainResources: strList('Logical ids of resources to keep.'),
      RoleARN: str('The role CloudFormation assumes.'),
    },
    required: ['StackName'],
    outputs: {},
  },
  'aws:executeAutomation': {
    summary: 'Run another runbook as a child automation, optionally over targets with rate control.',
    inputs: {
      DocumentName: str('The runbook name or ARN.'),
      DocumentVersion: str('The runbook version (default: the default version).'),
      RuntimeParameters: map('The child runbook parameters; a {{ssm-secure:name}} value is passed on as the reference.'),
      Tags: mapList('Up to 5 tags [{Key, Value}].'),
      TargetLocations: mapList('Accounts and Regions to run in.'),
      TargetMaps: mapList('A list of parameter maps, one child automation each.'),
      TargetParameterName: str('The parameter that receives each target.'),
      Targets: mapList('[{Key, Values}] that resolve to the targets.'),
      MaxConcurrency: { type: ['string', 'integer'], description: 'A number or a percentage.' },
      MaxErrors: { type: ['string', 'integer'], description: 'A number or a percentage.' },
    },
    required: ['DocumentName'],
    outputs: { ExecutionId: 'String', Status: 'String', Output: 'StringList' },
  },
  'aws:executeAwsApi': {
    summary: 'Call an AWS API operation; its parameters are the other inputs ({{ssm-secure:name}} references among them are read just before the call).',
    inputs: serviceApi,
    required: ['Service', 'Api'],
    apiParameters: true,
    outputs: {},
    selectableOutputs: true,
  },
  'aws:executeScript': {
    summary: 'Run a Python (or PowerShell) script and return its result as Payload.',
    inputs: {
      Runtime: str('python3.11 (Drover runs Python runtimes only).'),
      Handler: str('The function to call: a name, or file.function for an attachment.'),
      Script: str('The inline script.'),
      Attachment: str('A file of the runbook\'s files section holding the script.'),
      InputPayload: map('Passed to the handler as its events argument; {{ssm-secure:name}} references arrive as their values.'),
    },
    required: ['Runtime'],
    constraints: [
      atLeastOneOf('Script', 'Attachment'),
      {
        if: { properties: { Runtime: { type: 'string', pattern: '^python' } }, required: ['Runtime'] },
        then: { required: ['Handler'] },
      },
    ],
    outputs: { Payload: 'StringMap', OutputPayload: 'String' },
    selectableOutputs: true,
  },
  'aws:executeStateMachine': {
    summary: 'Start a Step Functions state machine execution and wait for it.',
    inputs: {
      stateMachineArn: str('The state machine.'),
      name: str('The execution name.'),
      input: str('The JSON input of the execution.'),
    },
    required: ['stateMachineArn'],
    outputs: {
      executionArn: 'String',
      input: 'String',
      name: 'String',
      output: 'String',
      startDate: 'String',
      stateMachineArn: 'String',
      status: 'String',
      stopDate: 'String',
    },
    selectableOutputs: true,
  },
  'aws:invokeLambdaFunction': {
    summary: 'Invoke a Lambda function.',
    inputs: {
      FunctionName: str('The function name or ARN.'),
      Qualifier: str('The version or alias.'),
      InvocationType: oneOfValues(['Event', 'RequestResponse', 'DryRun'], 'Default RequestResponse.'),
      LogType: oneOfValues(['None', 'Tail'], 'Tail returns the log.'),
      ClientContext: str('Client information (base64 JSON).'),
      InputPayload: map('The event, as a mapping (takes precedence over Payload).'),
      Payload: str('The event, as a JSON string.'),
    },
    required: ['FunctionName'],
    outputs: { StatusCode: 'Integer', FunctionError: 'String', LogResult: 'String', Payload: 'String', OutputPayload: 'String' },
    selectableOutputs: true,
  },
  'aws:invokeWebhook': {
    summary: 'Call a webhook integration stored in Parameter Store.',
    inputs: {
      IntegrationName: str('The Automation integration.'),
      Body: str('The request body.'),
    },
    required: ['IntegrationName'],
    outputs: { Response: 'String', ResponseCode: 'Integer' },
  },
  'aws:loop': {
    summary: 'Run the nested Steps for each of the Iterators, or while LoopCondition holds (at most 100 times).',
    inputs: {
      Steps: { type: 'array', minItems: 1, items: STEP_REF, description: 'The steps of one pass.' },
      Iterators: orTemplate({ type: 'array', maxItems: 100 }, 'The items to iterate over (at most 100).'),
      IteratorDataType: oneOfValues(['Boolean', 'Integer', 'String', 'StringMap'], 'The type of the items (default String).'),
      LoopCondition: { ...CONDITION_REF, description: 'Checked after each pass; the loop repeats while it holds.' },
      MaxIterations: int('At most this many passes (at most 100).', { minimum: 1, maximum: 100 }),
    },
    required: ['Steps'],
    constraints: [exactlyOneOf('Iterators', 'LoopCondition')],
    outputs: { CurrentIteration: 'Integer', CurrentIteratorValue: 'String' },
  },
  'aws:pause': {
    summary: 'Wait until the automation is resumed.',
    inputs: {},
    outputs: {},
    forbiddenAsCancelTarget: true,
  },
  'aws:runCommand': {
    summary: 'Run a Command document on managed nodes.',
    inputs: {
      DocumentName: str('The Command document name or ARN.'),
      InstanceIds: strList('Up to 50 nodes (or give Targets).', { maxItems: 50 }),
      Targets: mapList('[{Key, Values}] that select the nodes.'),
      Parameters: map('The Command document parameters; {{ssm-secure:name}} references are resolved on the node.'),
      CloudWatchOutputConfig: map('CloudWatch Logs output.'),
      Comment: str('A comment.'),
      DocumentHash: str('The document hash.'),
      DocumentHashType: oneOfValues(['Sha256', 'Sha1'], 'The hash type.'),
      DocumentVersion: str('The document version.'),
      NotificationConfig: map('SNS notifications.'),
      OutputS3BucketName: str('S3 bucket for the output.'),
      OutputS3KeyPrefix: str('S3 key prefix for the output.'),
      OutputS3Region: str('Region of the S3 bucket.'),
      ServiceRoleArn: str('The role for SNS notifications.'),
      TimeoutSeconds: int('Seconds to wait for delivery to a node.'),
      MaxConcurrency: { type: ['string', 'integer'], description: 'A number or a percentage.' },
      MaxErrors: { type: ['string', 'integer'], description: 'A number or a percentage.' },
      AlarmConfiguration: map('CloudWatch alarms that stop the command.'),
    },
    required: ['DocumentName'],
    outputs: { CommandId: 'String', Status: 'String', ResponseCode: 'Integer', Output: 'String' },
  },
  'aws:runInstances': {
    summary: 'Launch EC2 instances and wait until they run.',
    inputs: {
      ImageId: str('The AMI.'),
      InstanceType: str('Default m1.small.'),
      MinInstanceCount: int('The minimum number of instances.', { minimum: 1 }),
      MaxInstanceCount: int('The maximum number of instances.', { minimum: 1 }),
      AdditionalInfo: str('Reserved.'),
      BlockDeviceMappings: mapList('The block devices.'),
      ClientToken: str('An idempotency token.'),
      DisableApiTermination: bool('Protect the instances from termination.'),
      EbsOptimized: bool('EBS-optimised instances.'),
      IamInstanceProfileArn: str('The instance profile ARN.'),
      IamInstanceProfileName: str('The instance profile name.'),
      InstanceInitiatedShutdownBehavior: str('stop or terminate.'),
      KernelId: str('The kernel.'),
      KeyName: str('The key pair.'),
      MetadataOptions: map('Instance metadata options.'),
      Monitoring: bool('Detailed monitoring.'),
      NetworkInterfaces: mapList('The network interfaces.'),
      Placement: map('The placement.'),
      PrivateIpAddress: str('The primary IPv4 address.'),
      RamdiskId: str('The RAM disk.'),
      SecurityGroupIds: strList('The security group ids.'),
      SecurityGroups: strList('The security group names.'),
      SubnetId: str('The subnet.'),
      TagSpecifications: mapList('Tags for the instances and volumes.'),
      UserData: str('Base64-encoded user data.'),
    },
    required: ['ImageId'],
    outputs: { InstanceIds: 'StringList', InstanceStates: 'StringList' },
    forbiddenAsCancelTarget: true,
  },
  'aws:sleep': {
    summary: 'Wait for a Duration or until a Timestamp (at most 7 days).',
    inputs: {
      Duration: str('ISO 8601 duration, e.g. PT10M.'),
      Timestamp: str('ISO 8601 time to wait until, e.g. 2030-01-01T00:00:00Z.'),
    },
    constraints: [exactlyOneOf('Duration', 'Timestamp')],
    outputs: {},
    forbiddenAsCancelTarget: true,
  },
  'aws:updateVariable': {
    summary: 'Set a runbook variable.',
    inputs: {
      Name: str('variable:NAME of a variable declared under variables.', { pattern: '^variable:[A-Za-z0-9_]+$', title: 'variable:NAME' }),
      Value: anyValue('The new value, of the variable\'s type.'),
    },
    required: ['Name', 'Value'],
    outputs: {},
  },
  'aws:waitForAwsResourceProperty': {
    summary: 'Poll an AWS API until a resource property has one of the desired values.',
    inputs: propertyCheck,
    required: ['Service', 'Api', 'PropertySelector', 'DesiredValues'],
    apiParameters: true,
    outputs: {},
  },
  'drover:log': {
    summary: "Write a message to the worker's log and to the step's output (Drover addition).",
    inputs: { Message: str('The message; may hold {{ }} references.') },
    required: ['Message'],
    outputs: { Message: 'String' },
  },
  'drover:patchCompliance': {
    summary: 'Report the patch compliance of managed nodes: those an AWS-RunPatchBaseline command ran on, or those of Targets/InstanceIds (Drover addition).',
    inputs: {
      CommandId: str('An AWS-RunPatchBaseline command (aws:runCommand CommandId): report its nodes, each with the state that command recorded.'),
      InstanceIds: strList('Nodes to report (their latest state).'),
      Targets: mapList('[{Key: tag:<key>, Values: [...]}] selecting the nodes to report (their latest state).'),
      ReportS3BucketName: str('Also write the report as one HTML page (charts included) to this S3 bucket; empty: none. ReportUrl names the object.'),
      ReportS3KeyPrefix: str('Key prefix of the HTML report (default drover-patch-reports).'),
    },
    constraints: [exactlyOneOf('CommandId', 'InstanceIds', 'Targets')],
    outputs: {
      CompliantNodeIds: 'StringList',
      NonCompliantNodeIds: 'StringList',
      UnreportedNodeIds: 'StringList',
      CompliantCount: 'Integer',
      NonCompliantCount: 'Integer',
      UnreportedCount: 'Integer',
      Summary: 'MapList',
      ReportUrl: 'String',
      ReportCliCommand: 'String',
    },
  },
};

/** Every action name the schema knows, sorted. */
export const SCHEMA_ACTIONS: readonly string[] = Object.keys(ACTION_SPECS).sort();
