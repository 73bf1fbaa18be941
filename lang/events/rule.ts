// What an EventBridge rule file (`rules/*.yaml`) compiles to: PutRule's pattern and state
// plus PutTargets' targets, for the two target kinds Drover runs (an SSM Automation runbook,
// a Run Command). Plain data, shared by the compiler that emits it and the client that
// routes events with it. Pure.

export type RuleState = 'ENABLED' | 'DISABLED' | 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';

export const RULE_NAME_PATTERN = '^[.\\-_A-Za-z0-9]{1,64}$';
export const TARGET_ID_PATTERN = '^[.\\-_A-Za-z0-9]{1,64}$';
export const EVENT_BUS_NAME_PATTERN = '^[/.\\-_A-Za-z0-9]{1,256}$';
/** PutTargets: at most five targets per rule. */
export const MAX_TARGETS = 5;
/** EventBridge's limit on a constant Input. */
export const MAX_INPUT_LENGTH = 8192;

export type TargetInput =
  /** Input: constant JSON text. */
  | { kind: 'constant'; text: string }
  /** InputPath: the part of the event at this path. */
  | { kind: 'path'; path: string }
  /** InputTransformer. */
  | { kind: 'transformer'; pathsMap: Record<string, string>; template: string };

export interface RunCommandTarget {
  Key: string;
  Values: string[];
}

export interface RuleTarget {
  id: string;
  arn: string;
  /** `automation`: an SSM Automation runbook; `run-command`: a Command document through Run Command. */
  kind: 'automation' | 'run-command';
  /** The runbook or Command document named by the ARN. */
  document: string;
  /** `$DEFAULT`, `$LATEST` or a version number from an automation-definition ARN (Drover runs the runbook's file). */
  version?: string;
  roleArn?: string;
  /** Absent: the target receives the whole event, as in EventBridge. */
  input?: TargetInput;
  runCommandTargets?: RunCommandTarget[];
}

export interface EventRule {
  name: string;
  description?: string;
  state: RuleState;
  eventBusName: string;
  /** The event pattern as written (a JSON object); the client compiles it with compilePattern. */
  eventPattern: Record<string, unknown>;
  targets: RuleTarget[];
  /** sha256 of the canonical JSON of the rest. */
  hash: string;
  source?: { file: string };
}

const PARTITION = '(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b)';
const AUTOMATION_ARN = new RegExp(`^arn:${PARTITION}:ssm:([a-z0-9-]*):(\\d{12})?:automation-definition/([A-Za-z0-9_.-]{3,128})(?::(\\$DEFAULT|\\$LATEST|\\d+))?$`);
const DOCUMENT_ARN = new RegExp(`^arn:${PARTITION}:ssm:([a-z0-9-]*):(\\d{12})?:document/([A-Za-z0-9_.-]{3,128})$`);

/** What a target ARN names, or undefined when it is neither an Automation runbook nor a Command document. */
export function parseTargetArn(arn: string): { kind: 'automation' | 'run-command'; document: string; version?: string } | undefined {
  const a = AUTOMATION_ARN.exec(arn);
  if (a) return { kind: 'automation', document: a[4]!, ...(a[5] ? { version: a[5] } : {}) };
  const d = DOCUMENT_ARN.exec(arn);
  if (d) return { kind: 'run-command', document: d[4]! };
  return undefined;
}

/** The rule's ARN as EventBridge writes it (the bus appears unless it is the default one). */
export function ruleArn(rule: Pick<EventRule, 'name' | 'eventBusName'>, region: string, account: string): string {
  const bus = rule.eventBusName === 'default' ? '' : `${rule.eventBusName}/`;
  return `arn:aws:events:${region}:${account}:rule/${bus}${rule.name}`;
}

/** Why a value is not StartAutomationExecution's Parameters (a map of lists of strings), or undefined. */
export function automationInputProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'An Automation target’s input must be a JSON object of runbook parameters';
  for (const [name, v] of Object.entries(value)) {
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) return `Parameter ${name} must be a list of strings, as SSM Automation takes it`;
  }
  return undefined;
}
