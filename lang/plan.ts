// The Plan: what the compiler produces and what every execution takes as input.
// Plain, serialisable data only; the interpreter never sees YAML. A running execution
// keeps the plan it started with, so the format is versioned and content-hashed.

export const PLAN_FORMAT_VERSION = 1;

/** Parameter and variable types of SSM Automation (plus the AWS:: resource types, kept verbatim). */
export type ParamType =
  | 'String'
  | 'StringList'
  | 'Integer'
  | 'Boolean'
  | 'StringMap'
  | 'MapList'
  | `AWS::${string}`
  | `List<AWS::${string}>`;

export interface ParameterSpec {
  type: ParamType;
  description?: string;
  /** Already converted to the parameter's type. Absent means required. */
  default?: unknown;
  allowedValues?: string[];
  allowedPattern?: string;
  minItems?: number;
  maxItems?: number;
  minChars?: number;
  maxChars?: number;
  /** Never written to logs or history in clear when true (SecureString-like). */
  secret?: boolean;
}

export interface VariableSpec {
  type: ParamType;
  description?: string;
  default?: unknown;
}

/** Output types of step outputs (`outputs[].Type`). */
export type OutputType = 'String' | 'StringList' | 'Integer' | 'Boolean' | 'StringMap' | 'MapList';

export interface OutputSpec {
  Name: string;
  /** JSONPath starting with `$`. */
  Selector: string;
  /** Absent in some published AWS documents; String is assumed then. */
  Type?: OutputType;
}

/** Where a step goes after it fails (`onFailure`). */
export type FailureTransition = { kind: 'abort' } | { kind: 'continue' } | { kind: 'step'; step: string };

/** Where a step goes when the execution is cancelled while it runs (`onCancel`). */
export type CancelTransition = { kind: 'abort' } | { kind: 'step'; step: string };

export interface PlanStep {
  name: string;
  action: string;
  description?: string;
  /** Inputs as written, with `{{ }}` templates left in strings; interpolated when the step runs. */
  inputs: Record<string, unknown>;
  outputs: OutputSpec[];
  /** >= 1 */
  maxAttempts: number;
  /** Per attempt; absent means the action's default. */
  timeoutSeconds?: number;
  onFailure: FailureTransition;
  onCancel: CancelTransition;
  isCritical: boolean;
  isEnd: boolean;
  /**
   * The step that runs after this one succeeds: `nextStep`, else the following step of the
   * same list. `null` ends the automation (top level) or the current pass (inside a loop).
   */
  next: string | null;
  /** The `aws:loop` step whose `Steps` hold this step; absent at top level. */
  parent?: string;
  /** For `aws:loop`: the first step of its body. */
  bodyEntry?: string;
  /** 1-based source line of the step, for messages. */
  line?: number;
}

export interface Plan {
  formatVersion: typeof PLAN_FORMAT_VERSION;
  /** The runbook's name: the workflow type (file name without extension by default). */
  name: string;
  /** sha256 (hex) of the canonical JSON of the plan without this field. */
  hash: string;
  description?: string;
  assumeRole?: string;
  parameters: Record<string, ParameterSpec>;
  variables: Record<string, VariableSpec>;
  /** `<step>.<Output>` entries of the runbook's `outputs`. */
  outputs: string[];
  /** First step of `mainSteps`. */
  entry: string;
  /** Every step, nested loop bodies included, by name (names are unique across the runbook). */
  steps: Record<string, PlanStep>;
  /** The `global:` and `automation:` names any template uses, so the interpreter resolves only those. */
  builtins: string[];
  source: { file: string };
  /**
   * Script attachments read beside the runbook when it was loaded (compiler/attachments.ts),
   * by file name; not part of `hash`, which covers their checksums through the document.
   */
  attachments?: Record<string, { sha256: string; content: string }>;
}
