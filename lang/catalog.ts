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
   * A side effect that cannot be made idempotent (Lambda Invoke, a webhook POST): Temporal
   * does not retry the activity, so it happens at most once per step attempt; a crash
   * fails the attempt and the step's maxAttempts decides.
   */
  atMostOnce?: boolean;
  /**
   * Inputs that may hold `{{ ssm-secure:name }}` SecureString references (README
   * "Secrets"): those named, or every input but the action's own (an AWS API request).
   * The value is read only where it leaves Drover; anywhere else the compiler refuses it.
   */
  secureInputs?: { only: readonly string[] } | { except: readonly string[] };
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
  },
  'aws:pause': {
    runsIn: 'workflow',
    outputs: {},
    selectableOutputs: false,
    forbiddenAsCancelTarget: true,
  },
  'aws:approve': {
    runsIn: 'workflow',
    outputs: { ApprovalStatus: 'String', ApproverDecisions: 'MapList' },
    selectableOutputs: false,
    defaultTimeoutSeconds: WEEK,
    maxTimeoutSeconds: 30 * 86_400,
    forbiddenAsCancelTarget: true,
  },
  'aws:branch': {
    runsIn: 'workflow',
    outputs: { NextStep: 'String' },
    selectableOutputs: false,
  },
  'aws:loop': {
    runsIn: 'workflow',
    outputs: { CurrentIteration: 'Integer', CurrentIteratorValue: 'String' },
    selectableOutputs: false,
  },
  'aws:updateVariable': {
    runsIn: 'workflow',
    outputs: {},
    selectableOutputs: false,
  },
  'aws:executeAutomation': {
    runsIn: 'workflow',
    outputs: { ExecutionId: 'String', Status: 'String', Output: 'StringList' },
    selectableOutputs: false,
    // The child receives the reference as a parameter value, never the secret.
    secureInputs: { only: ['RuntimeParameters'] },
  },
};

/** Actions carried out by activities (one activity per action, named like it). */
export const ACTIVITY_ACTIONS: ActionCatalog = {
  'aws:executeScript': {
    runsIn: 'activity',
    outputs: { Payload: 'StringMap', OutputPayload: 'String' },
    selectableOutputs: true,
    defaultTimeoutSeconds: 600,
    maxTimeoutSeconds: 600,
    heartbeatSeconds: 15,
    // Resolved by the activity into the handler's events; never into the script's source.
    secureInputs: { only: ['InputPayload'] },
  },
  'aws:executeAwsApi': {
    runsIn: 'activity',
    outputs: {},
    selectableOutputs: true,
    defaultTimeoutSeconds: 300,
    secureInputs: { except: ['Service', 'Api'] },
  },
  'aws:waitForAwsResourceProperty': {
    runsIn: 'activity',
    outputs: {},
    selectableOutputs: false,
    defaultTimeoutSeconds: 3600,
    heartbeatSeconds: 30,
    secureInputs: { except: ['Service', 'Api', 'PropertySelector', 'DesiredValues'] },
  },
  'aws:assertAwsResourceProperty': {
    runsIn: 'activity',
    outputs: {},
    selectableOutputs: false,
    defaultTimeoutSeconds: 300,
    secureInputs: { except: ['Service', 'Api', 'PropertySelector', 'DesiredValues'] },
  },
  'aws:changeInstanceState': {
    runsIn: 'activity',
    outputs: {},
    selectableOutputs: false,
    defaultTimeoutSeconds: 3600,
    heartbeatSeconds: 30,
  },
  'aws:createImage': {
    runsIn: 'activity',
    outputs: { ImageId: 'String', ImageState: 'String' },
    selectableOutputs: false,
    defaultTimeoutSeconds: 3600,
    heartbeatSeconds: 30,
    forbiddenAsCancelTarget: true,
  },
  'aws:copyImage': {
    runsIn: 'activity',
    outputs: { ImageId: 'String', ImageState: 'String' },
    selectableOutputs: false,
    defaultTimeoutSeconds: 3600,
    heartbeatSeconds: 30,
    forbiddenAsCancelTarget: true,
  },
  'aws:deleteImage': {
    runsIn: 'activity',
    outputs: {},
    selectableOutputs: false,
    defaultTimeoutSeconds: 600,
  },
  'aws:createTags': {
    runsIn: 'activity',
    outputs: {},
    selectableOutputs: false,
    defaultTimeoutSeconds: 300,
    forbiddenAsCancelTarget: true,
  },
  'aws:runInstances': {
    runsIn: 'activity',
    outputs: { InstanceIds: 'StringList', InstanceStates: 'StringList' },
    selectableOutputs: false,
    defaultTimeoutSeconds: 3600,
    heartbeatSeconds: 30,
    forbiddenAsCancelTarget: true,
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
  },
  'aws:createStack': {
    runsIn: 'activity',
    outputs: { StackId: 'String', StackStatus: 'String', StackStatusReason: 'String' },
    selectableOutputs: true,
    defaultTimeoutSeconds: 3600,
    heartbeatSeconds: 30,
    forbiddenAsCancelTarget: true,
  },
  'aws:deleteStack': {
    runsIn: 'activity',
    outputs: {},
    selectableOutputs: true,
    defaultTimeoutSeconds: 3600,
    heartbeatSeconds: 30,
  },
  'aws:invokeLambdaFunction': {
    runsIn: 'activity',
    outputs: { StatusCode: 'Integer', FunctionError: 'String', LogResult: 'String', Payload: 'String', OutputPayload: 'String' },
    selectableOutputs: true,
    // AWS: at most 300 seconds.
    defaultTimeoutSeconds: 300,
    maxTimeoutSeconds: 300,
    atMostOnce: true,
  },
  'aws:executeStateMachine': {
    runsIn: 'activity',
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
    defaultTimeoutSeconds: 3600,
    heartbeatSeconds: 30,
  },
  'aws:invokeWebhook': {
    runsIn: 'activity',
    outputs: { Response: 'String', ResponseCode: 'Integer' },
    selectableOutputs: false,
    defaultTimeoutSeconds: 300,
    atMostOnce: true,
  },
  'drover:log': {
    runsIn: 'activity',
    outputs: { Message: 'String' },
    selectableOutputs: false,
    defaultTimeoutSeconds: 60,
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
      ReportUrl: 'String',
      ReportCliCommand: 'String',
    },
    selectableOutputs: false,
    defaultTimeoutSeconds: 600,
    heartbeatSeconds: 30,
  },
};

/** Everything this build of Drover runs. */
export const BUILTIN_CATALOG: ActionCatalog = { ...WORKFLOW_ACTIONS, ...ACTIVITY_ACTIONS };
