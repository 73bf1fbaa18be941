// The contract between whoever dispatches command invocations (the Run Command workflow)
// and `drover agent` on a managed node. Pure types and names: imported by workflow code,
// the agent and the CLI alike.

/** Each node polls a task queue of its own; the registry records which (simulated nodes may share one). */
export function nodeTaskQueue(nodeId: string): string {
  return `drover-node-${nodeId}`;
}

/** Activities a node's worker serves. */
export const AGENT_ACTIVITIES = {
  /**
   * Runs one command invocation (all plugins of a document) on the node; never retried.
   * A command is not idempotent, so the dispatcher MUST schedule it with
   * `retry: { maximumAttempts: 1 }`, a `heartbeatTimeout` (the agent heartbeats every few
   * seconds while a command runs; a missed heartbeat means the agent died, and its
   * watchdog has killed the command), `scheduleToStartTimeout` = the delivery timeout, and
   * `startToCloseTimeout` a margin above `executionTimeoutSeconds` (the agent enforces that
   * itself and answers TimedOut). The activity never throws for what a command does: every
   * outcome is an InvocationResult (a cancellation too: it kills the process group and
   * answers Cancelled). An invocation delivered twice anyway (same commandId and nodeId) is
   * answered Failed without running; the agent keeps a journal for that across restarts.
   */
  runInvocation: 'drover:agent.runInvocation',
} as const;

/** SSM's invocation statuses (GetCommandInvocation `Status`). */
export type InvocationStatus =
  | 'Pending'
  | 'InProgress'
  | 'Delayed'
  | 'Success'
  | 'Cancelled'
  | 'TimedOut'
  | 'Failed'
  | 'Cancelling'
  | 'Undeliverable'
  | 'Terminated';

/** SSM's command statuses (ListCommands `Status`). */
export type CommandStatus = 'Pending' | 'InProgress' | 'Success' | 'Cancelled' | 'Failed' | 'TimedOut' | 'Cancelling';

/** One step (plugin) of a compiled Command document. */
export interface CommandPluginPlan {
  name: string;
  /** e.g. aws:runShellScript */
  action: string;
  /** Inputs with `{{ param }}` templates left in (substituted on the node after the parameter check). */
  inputs: Record<string, unknown>;
  /** `precondition: { StringEquals: [platformType, Linux] }`, when present. */
  precondition?: { StringEquals: [string, string] };
  /** schemaVersion 1.2: the property's `id` (e.g. `0.aws:runShellScript`), which names its output folder. */
  id?: string;
}

export interface CommandParameterSpec {
  type: 'String' | 'StringList' | 'Integer' | 'Boolean' | 'StringMap' | 'MapList';
  default?: unknown;
  allowedValues?: string[];
  allowedPattern?: string;
  description?: string;
  minItems?: number;
  maxItems?: number;
  minChars?: number;
  maxChars?: number;
  /** `ENV_VAR`: the value is also given to the script as the environment variable `SSM_<name>`. */
  interpolationType?: 'ENV_VAR';
}

/** A Command document (schemaVersion 1.2 or 2.2) compiled to plain data. */
export interface CommandDocumentPlan {
  name: string;
  schemaVersion: '1.2' | '2.0' | '2.2';
  hash: string;
  description?: string;
  parameters: Record<string, CommandParameterSpec>;
  plugins: CommandPluginPlan[];
}

export interface OutputDestination {
  outputS3BucketName?: string;
  outputS3KeyPrefix?: string;
  cloudWatchOutputConfig?: { CloudWatchLogGroupName?: string; CloudWatchOutputEnabled?: boolean };
}

export interface InvocationRequest extends OutputDestination {
  commandId: string;
  nodeId: string;
  document: CommandDocumentPlan;
  /** Already checked against the document by the dispatcher; the node checks again. */
  parameters: Record<string, string | string[]>;
  /** Execution timeout of the whole invocation, seconds. */
  executionTimeoutSeconds: number;
  comment?: string;
}

export interface PluginResult {
  name: string;
  status: InvocationStatus;
  responseCode: number;
  /** SSM's CommandPlugin Output: stdout, then stderr after a separator, at most 2,500 characters. */
  output: string;
  startTime?: string;
  endTime?: string;
  /** The plugin that ran it (aws:runShellScript). */
  action?: string;
  statusDetails?: string;
  /** As GetCommandInvocation with PluginName reports them (24,000 / 8,000 characters). */
  standardOutputContent?: string;
  standardErrorContent?: string;
  standardOutputUrl?: string;
  standardErrorUrl?: string;
}

export interface InvocationResult {
  commandId: string;
  nodeId: string;
  status: InvocationStatus;
  /** SSM's StatusDetails (e.g. `Success`, `Failed`, `DeliveryTimedOut`, `ExecutionTimedOut`, `Undeliverable`). */
  statusDetails: string;
  responseCode: number;
  /** Truncated as SSM does (24,000 characters for stdout, 8,000 for stderr). */
  standardOutputContent: string;
  standardErrorContent: string;
  /** Where the whole output went, when asked (s3://… or a CloudWatch Logs stream). */
  standardOutputUrl?: string;
  standardErrorUrl?: string;
  startTime?: string;
  endTime?: string;
  plugins: PluginResult[];
  /** Exit code 194 (Linux/macOS) or 3010 (Windows): the command asked for a reboot. */
  rebootRequested?: boolean;
}

/** A managed node as the registry knows it. */
export interface NodeInfo {
  nodeId: string;
  /** The task queue its agent polls. */
  taskQueue: string;
  tags: Record<string, string>;
  facts: { hostname?: string; platformType?: 'Linux' | 'MacOS' | 'Windows'; platformName?: string; platformVersion?: string; agentVersion?: string };
  online: boolean;
  lastSeen?: string;
}
