// The action catalog: which actions this Drover runs, where, with which predefined outputs
// and timeouts. The compiler checks every step against it (an action Temporal has no
// activity for would otherwise retry forever); the interpreter reads `runsIn` to decide
// between workflow logic and an activity. Pure data.
import type { OutputType } from './plan';

export interface ActionInfo {
  /** Workflow-only logic, or an activity of the same name as the action. */
  runsIn: 'workflow' | 'activity';
  /** Outputs the action always has, readable as `{{ step.Name }}`. */
  outputs: Record<string, OutputType>;
  /** Whether `outputs[]` with a Selector may be declared (they select from the action's result). */
  selectableOutputs: boolean;
  /** Used when the step has no `timeoutSeconds`. Absent: no limit (wait as long as it takes). */
  defaultTimeoutSeconds?: number;
  maxTimeoutSeconds?: number;
  /** Activities that heartbeat: how long without one before Temporal retries elsewhere. */
  heartbeatSeconds?: number;
  /** AWS forbids these actions as the target of `onCancel: step:X`. */
  forbiddenAsCancelTarget?: boolean;
  /**
   * Inputs that may hold `{{ ssm-secure:name }}` SecureString references (README
   * "Secrets"): those named, or every input but the action's own (an AWS API request).
   * The value is read only where it leaves Drover; anywhere else the compiler refuses it.
   */
  secureInputs?: { only: readonly string[] } | { except: readonly string[] };
  /** One line for `drover validate` hints and docs. */
  summary: string;
}

export type ActionCatalog = Record<string, ActionInfo>;

const WEEK = 604_800;

/** Actions the interpreter itself carries out (no activity). */
export const WORKFLOW_ACTIONS: ActionCatalog = {
  'aws:sleep': {
    runsIn: 'workflow',
    outputs: {},
    selectableOutputs: false,
    maxTimeoutSeconds: WEEK - 1,
    forbiddenAsCancelTarget: true,
    summary: 'wait for a Duration or until a Timestamp',
  },
  'aws:pause': {
    runsIn: 'workflow',
    outputs: {},
    selectableOutputs: false,
    forbiddenAsCancelTarget: true,
    summary: 'wait until resumed',
  },
  'aws:approve': {
    runsIn: 'workflow',
    outputs: { ApprovalStatus: 'String', ApproverDecisions: 'MapList' },
    selectableOutputs: false,
    defaultTimeoutSeconds: WEEK,
    maxTimeoutSeconds: 30 * 86_400,
    forbiddenAsCancelTarget: true,
    summary: 'wait for approvers to approve or reject',
  },
  'aws:branch': {
    runsIn: 'workflow',
    outputs: {},
    selectableOutputs: false,
    summary: 'choose the next step by conditions',
  },
  'aws:loop': {
    runsIn: 'workflow',
    outputs: { CurrentIteration: 'Integer', CurrentIteratorValue: 'String' },
    selectableOutputs: false,
    summary: 'run nested steps over iterators or while a condition holds',
  },
  'aws:updateVariable': {
    runsIn: 'workflow',
    outputs: {},
    selectableOutputs: false,
    summary: 'set a runbook variable',
  },
  'aws:executeAutomation': {
    runsIn: 'workflow',
    outputs: { ExecutionId: 'String', Status: 'String', Output: 'StringList' },
    selectableOutputs: false,
    // The child receives the reference as a parameter value, never the secret.
    secureInputs: { only: ['RuntimeParameters'] },
    summary: 'run another runbook as a child execution',
  },
};

/** Actions carried out by activities (one activity per action, named like it). */
export const ACTIVITY_ACTIONS: ActionCatalog = {
  'aws:executeScript': {
    runsIn: 'activity',
    outputs: { Payload: 'StringMap' },
    selectableOutputs: true,
    defaultTimeoutSeconds: 600,
    maxTimeoutSeconds: 600,
    heartbeatSeconds: 15,
    // Resolved by the activity into the handler's events; never into the script's source.
    secureInputs: { only: ['InputPayload'] },
    summary: 'run a Python script handler and return its Payload',
  },
  'aws:executeAwsApi': {
    runsIn: 'activity',
    outputs: {},
    selectableOutputs: true,
    defaultTimeoutSeconds: 300,
    secureInputs: { except: ['Service', 'Api'] },
    summary: 'call any AWS API operation (boto3 names: Service ec2, Api DescribeInstances)',
  },
  'aws:waitForAwsResourceProperty': {
    runsIn: 'activity',
    outputs: {},
    selectableOutputs: false,
    defaultTimeoutSeconds: 3600,
    heartbeatSeconds: 30,
    secureInputs: { except: ['Service', 'Api', 'PropertySelector', 'DesiredValues'] },
    summary: 'poll an AWS API until a property has one of the desired values',
  },
  'aws:assertAwsResourceProperty': {
    runsIn: 'activity',
    outputs: {},
    selectableOutputs: false,
    defaultTimeoutSeconds: 300,
    secureInputs: { except: ['Service', 'Api', 'PropertySelector', 'DesiredValues'] },
    summary: 'fail unless an AWS API property has one of the desired values',
  },
  'aws:changeInstanceState': {
    runsIn: 'activity',
    outputs: {},
    selectableOutputs: false,
    defaultTimeoutSeconds: 3600,
    heartbeatSeconds: 30,
    summary: 'start, stop or terminate EC2 instances and wait for the state',
  },
  'aws:createImage': {
    runsIn: 'activity',
    outputs: { ImageId: 'String', ImageState: 'String' },
    selectableOutputs: false,
    defaultTimeoutSeconds: 3600,
    heartbeatSeconds: 30,
    forbiddenAsCancelTarget: true,
    summary: 'create an AMI from an instance',
  },
  'aws:copyImage': {
    runsIn: 'activity',
    outputs: { ImageId: 'String', ImageState: 'String' },
    selectableOutputs: false,
    defaultTimeoutSeconds: 3600,
    heartbeatSeconds: 30,
    forbiddenAsCancelTarget: true,
    summary: 'copy an AMI, possibly from another region',
  },
  'aws:deleteImage': {
    runsIn: 'activity',
    outputs: {},
    selectableOutputs: false,
    defaultTimeoutSeconds: 600,
    summary: 'deregister an AMI and delete its snapshots',
  },
  'aws:createTags': {
    runsIn: 'activity',
    outputs: {},
    selectableOutputs: false,
    defaultTimeoutSeconds: 300,
    forbiddenAsCancelTarget: true,
    summary: 'tag AWS resources',
  },
  'aws:runInstances': {
    runsIn: 'activity',
    outputs: { InstanceIds: 'StringList', InstanceStates: 'StringList' },
    selectableOutputs: false,
    defaultTimeoutSeconds: 3600,
    heartbeatSeconds: 30,
    forbiddenAsCancelTarget: true,
    summary: 'launch EC2 instances (idempotent through a client token)',
  },
  'aws:runCommand': {
    // Routed in the workflow (workflows/actions/run-command.ts): agent nodes through the Run
    // Command workflow, EC2-only steps through the `aws:runCommand` activity (SSM), which
    // these timeouts are for.
    runsIn: 'workflow',
    outputs: { CommandId: 'String', Status: 'String', ResponseCode: 'Integer', Output: 'String' },
    selectableOutputs: false,
    defaultTimeoutSeconds: 3600,
    heartbeatSeconds: 30,
    // Passed on as written: SSM resolves it on the instance, a Drover agent on its node.
    secureInputs: { only: ['Parameters'] },
    summary: 'run a Command document on managed nodes (Drover agents) and EC2 instances (SSM Run Command)',
  },
  'drover:log': {
    runsIn: 'activity',
    outputs: { Message: 'String' },
    selectableOutputs: false,
    defaultTimeoutSeconds: 60,
    summary: "write a message to the worker's log and the step's output (Drover addition)",
  },
  'drover:patchCompliance': {
    runsIn: 'activity',
    outputs: {
      CompliantNodeIds: 'StringList',
      NonCompliantNodeIds: 'StringList',
      UnreportedNodeIds: 'StringList',
      CompliantCount: 'Integer',
      NonCompliantCount: 'Integer',
      UnreportedCount: 'Integer',
      Summary: 'MapList',
    },
    selectableOutputs: false,
    defaultTimeoutSeconds: 600,
    heartbeatSeconds: 30,
    summary: 'report the patch compliance of managed nodes (Drover addition)',
  },
};

/** Everything this build of Drover runs. */
export const BUILTIN_CATALOG: ActionCatalog = { ...WORKFLOW_ACTIONS, ...ACTIVITY_ACTIONS };
