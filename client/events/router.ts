// Routes an event as EventBridge would, then starts what it asks for: every enabled rule of
// the event's bus whose pattern matches starts each of its targets (an Automation runbook, a
// Run Command), with the input EventBridge would give it; a Config "Compliance Change" goes
// to the remediation workflow of its rule and resource. Every start is idempotent: the
// execution's id derives from (rule, target, event id), with REJECT_DUPLICATE, so a delivery
// repeated any number of times starts one execution. A target that cannot take the event
// (bad parameters, no such runbook, an input it refuses) is refused, not started, and the
// refusal is recorded in the rule's events log before this returns. Anything else (Temporal
// out of reach) throws: the caller answers "retry later" and the sender delivers again.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { compilePattern, type CompiledPattern } from '../../lang/events/event-pattern';
import { DEFAULT_EVENT_BUS, type EventBridgeEvent } from '../../lang/events/event';
import { compileInputTransformer, renderInputTransformer, type CompiledTransformer } from '../../lang/events/input-transformer';
import { evaluateEventPath, parseEventPath } from '../../lang/events/json-path';
import { flattenEvent, matchesFlat } from '../../lang/events/match-pattern';
import type { RemediationConfig } from '../../lang/events/remediation';
import { automationInputProblem, ruleArn, type EventRule, type RuleTarget } from '../../lang/events/rule';
import { SA_STATUS, SA_TRIGGER } from '../../workflows/definitions';
import {
  EVENT_LOG_WORKFLOW_TYPE,
  eventLogWorkflowId,
  recordRefusalSignal,
  type EventLogRecord,
  type EventLogState,
  type IngressKind,
} from '../../workflows/events/event-log-contract';
import {
  complianceSignal,
  configureControlSignal,
  REMEDIATION_CONTROL_WORKFLOW_TYPE,
  REMEDIATION_MEMO_KEY,
  REMEDIATION_WORKFLOW_TYPE,
  remediationControlWorkflowId,
  remediationTrigger,
  remediationWorkflowId,
  type ComplianceChange,
  type ComplianceType,
  type ControlInput,
  type RemediationInput,
} from '../../workflows/events/remediation-contract';
import { InvalidCommandError, type CommandClient } from '../commands';
import { InvalidParametersError, type DroverClient } from '../index';
import { eventKey, uuidFrom } from './event-ids';
import { PlanCache } from './plan-cache';

export interface DeliveryContext {
  via: IngressKind;
  /** Who delivered it, when the ingress authenticated a caller (`api-key:<id>`). */
  principal?: string;
  /** The bus the event was put on (default `default`). */
  eventBusName?: string;
  /** When the ingress received it (ISO 8601; default now). */
  receivedAt?: string;
}

export type TargetOutcome =
  | { rule: string; target: string; status: 'started' | 'duplicate'; executionId: string }
  | { rule: string; target: string; status: 'refused'; reason: string };

export interface RemediationOutcome {
  configRuleName: string;
  resourceId: string;
  compliance: ComplianceType;
  workflowId: string;
  /** False when the change was not NON_COMPLIANT and the resource has no remediation to tell. */
  delivered: boolean;
}

export interface DeliveryReport {
  eventId: string;
  matched: TargetOutcome[];
  remediations: RemediationOutcome[];
}

/** What the executions an event started carry in their memo (`drover events log` reads it). */
export interface EventMemo {
  rule: string;
  target: string;
  eventId: string;
  via: IngressKind;
  principal?: string;
  receivedAt: string;
}
export const EVENT_MEMO_KEY = 'event';

export interface RouterOptions {
  drover: DroverClient;
  commands: CommandClient;
  rules: readonly EventRule[];
  remediations: readonly RemediationConfig[];
  taskQueue: string;
  /** Index what starts with Drover's search attributes (default true). */
  searchAttributes?: boolean;
}

/** `event:<rule>` on the default bus, else `event:<bus>/<rule>`: the DroverTrigger of what a rule starts. */
export function ruleTrigger(rule: Pick<EventRule, 'name' | 'eventBusName'>): string {
  return `event:${ruleKey(rule)}`;
}

export function ruleKey(rule: Pick<EventRule, 'name' | 'eventBusName'>): string {
  return rule.eventBusName === DEFAULT_EVENT_BUS ? rule.name : `${rule.eventBusName}/${rule.name}`;
}

interface LoadedRule {
  rule: EventRule;
  pattern: CompiledPattern;
  transformers: Map<string, CompiledTransformer>;
}

export class EventRouter {
  private readonly rules: LoadedRule[] = [];
  private readonly plans: PlanCache;
  private readonly client: Client;

  constructor(private readonly options: RouterOptions) {
    this.client = options.drover.client;
    this.plans = new PlanCache(options.drover.runbookDirs, options.drover.options.catalog);
    for (const rule of options.rules) {
      const { pattern } = compilePattern(rule.eventPattern);
      if (!pattern) continue; // the compiler refused it already; never reached with loaded rules
      const transformers = new Map<string, CompiledTransformer>();
      for (const t of rule.targets) {
        if (t.input?.kind !== 'transformer') continue;
        const { transformer } = compileInputTransformer(t.input.pathsMap, t.input.template);
        if (transformer) transformers.set(t.id, transformer);
      }
      this.rules.push({ rule, pattern, transformers });
    }
  }

  get ruleCount(): number {
    return this.rules.length;
  }

  /** The event's rule matches started (or refused) and its remediation routed; throws only when it should be delivered again. */
  async deliver(event: EventBridgeEvent, ctx: DeliveryContext): Promise<DeliveryReport> {
    const bus = ctx.eventBusName ?? DEFAULT_EVENT_BUS;
    const receivedAt = ctx.receivedAt ?? new Date().toISOString();
    const flat = flattenEvent(event);
    const matching = this.rules.filter(({ rule, pattern }) => rule.eventBusName === bus && rule.state !== 'DISABLED' && matchesFlat(pattern, flat));
    const [matched, remediations] = await Promise.all([
      Promise.all(matching.flatMap((loaded) => loaded.rule.targets.map((t) => this.startTarget(loaded, t, event, { ...ctx, receivedAt })))),
      this.routeCompliance(event),
    ]);
    return { eventId: event.id, matched, remediations };
  }

  private async startTarget(loaded: LoadedRule, target: RuleTarget, event: EventBridgeEvent, ctx: DeliveryContext & { receivedAt: string }): Promise<TargetOutcome> {
    const { rule } = loaded;
    const name = ruleKey(rule);
    const refuse = async (reason: string): Promise<TargetOutcome> => {
      await this.recordRefusal({ time: ctx.receivedAt, rule: name, eventId: event.id, target: target.id, reason, via: ctx.via, ...(ctx.principal ? { principal: ctx.principal } : {}) });
      return { rule: name, target: target.id, status: 'refused', reason };
    };
    const input = this.inputOf(loaded, target, event, ctx.receivedAt);
    if ('refused' in input) return refuse(input.refused);
    let value: unknown;
    try {
      value = JSON.parse(input.text);
    } catch {
      return refuse(`the target's input is not JSON (${input.missing.length ? `the event has nothing at the paths of ${input.missing.join(', ')}` : 'check the InputTemplate'}): ${input.text.slice(0, 200)}`);
    }
    const key = `${ruleTrigger(rule)}:${target.id}:${eventKey(event.id)}`;
    const memo: EventMemo = { rule: name, target: target.id, eventId: event.id, via: ctx.via, receivedAt: ctx.receivedAt, ...(ctx.principal ? { principal: ctx.principal } : {}) };
    if (target.kind === 'automation') {
      const problem = automationInputProblem(value);
      if (problem) return refuse(`${problem}.`);
      let plan;
      try {
        plan = await this.plans.plan(target.document);
      } catch (err) {
        return refuse((err as Error).message);
      }
      try {
        const started = await this.options.drover.start(plan, {
          parameters: value as Record<string, string[]>,
          idempotencyKey: key,
          trigger: ruleTrigger(rule),
          taskQueue: this.options.taskQueue,
          memo: { [EVENT_MEMO_KEY]: memo },
        });
        return { rule: name, target: target.id, status: started.started ? 'started' : 'duplicate', executionId: started.executionId };
      } catch (err) {
        if (err instanceof InvalidParametersError) return refuse(`${plan.name} refused its parameters: ${err.problems.join('; ')}`);
        throw err;
      }
    }
    const parameters = commandParameters(value);
    if ('error' in parameters) return refuse(parameters.error);
    const selection = target.runCommandTargets ?? [];
    const ids = selection.filter((t) => t.Key.toLowerCase() === 'instanceids').flatMap((t) => t.Values);
    const others = selection.filter((t) => t.Key.toLowerCase() !== 'instanceids');
    const commandId = uuidFrom(key);
    try {
      const sent = await this.options.commands.send({
        documentName: target.document,
        parameters: parameters.values,
        ...(ids.length && !others.length ? { instanceIds: ids } : { targets: selection.map((t) => ({ Key: t.Key, Values: t.Values })) }),
        commandId,
        trigger: ruleTrigger(rule),
        taskQueue: this.options.taskQueue,
        memo: { [EVENT_MEMO_KEY]: memo },
      });
      return { rule: name, target: target.id, status: sent.started ? 'started' : 'duplicate', executionId: sent.commandId };
    } catch (err) {
      if (err instanceof InvalidCommandError) return refuse(`${target.document} refused the command: ${err.problems.join('; ')}`);
      throw err;
    }
  }

  /** The text the target receives, as EventBridge computes it. */
  private inputOf(loaded: LoadedRule, target: RuleTarget, event: EventBridgeEvent, receivedAt: string): { text: string; missing: string[] } | { refused: string } {
    const input = target.input;
    if (!input) return { text: JSON.stringify(event), missing: [] };
    if (input.kind === 'constant') return { text: input.text, missing: [] };
    if (input.kind === 'path') {
      const path = parseEventPath(input.path);
      if ('error' in path) return { refused: `InputPath ${input.path}: ${path.error}` };
      const v = evaluateEventPath(path, event);
      if (v === undefined) return { refused: `InputPath ${input.path} matches nothing in the event` };
      return { text: JSON.stringify(v), missing: [] };
    }
    const transformer = loaded.transformers.get(target.id);
    if (!transformer) return { refused: 'the InputTransformer does not compile' };
    return renderInputTransformer(transformer, event, { ruleName: loaded.rule.name, ruleArn: ruleArn(loaded.rule, event.region, event.account), ingestionTime: receivedAt });
  }

  private async recordRefusal(record: EventLogRecord): Promise<void> {
    const initial: EventLogState = { rule: record.rule, records: [], total: 0 };
    await this.client.workflow.signalWithStart(EVENT_LOG_WORKFLOW_TYPE, {
      workflowId: eventLogWorkflowId(record.rule),
      taskQueue: this.options.taskQueue,
      args: [initial],
      signal: recordRefusalSignal,
      signalArgs: [record],
      staticSummary: `Events log of rule ${record.rule}: matches that started nothing`,
    });
  }

  /** A Config rule's compliance change, to the remediation workflow of that rule and resource. */
  private async routeCompliance(event: EventBridgeEvent): Promise<RemediationOutcome[]> {
    const change = complianceChangeOf(event);
    if (!change) return [];
    const configs = this.options.remediations.filter((r) => r.configRuleName === change.configRuleName && (!r.resourceType || !change.resourceType || r.resourceType === change.resourceType));
    return Promise.all(
      configs.map(async (config) => {
        const workflowId = remediationWorkflowId(config.configRuleName, change.resourceId);
        const signal: ComplianceChange = { eventId: event.id, compliance: change.compliance, evaluatedAt: change.evaluatedAt, config, ...(change.resourceType ? { resourceType: change.resourceType } : {}) };
        const outcome = { configRuleName: config.configRuleName, resourceId: change.resourceId, compliance: change.compliance, workflowId };
        if (change.compliance !== 'NON_COMPLIANT') {
          // Only a resource being remediated needs to hear that it is compliant again.
          try {
            await this.client.workflow.getHandle(workflowId).signal(complianceSignal, signal);
            return { ...outcome, delivered: true };
          } catch (err) {
            if (err instanceof WorkflowNotFoundError) return { ...outcome, delivered: false };
            throw err;
          }
        }
        if (config.ssmControls) await this.ensureControl(config);
        await this.client.workflow.signalWithStart(REMEDIATION_WORKFLOW_TYPE, {
          ...remediationStartOptions(this.options, config, change.resourceId, change.resourceType),
          signal: complianceSignal,
          signalArgs: [signal],
        });
        return { ...outcome, delivered: true };
      }),
    );
  }

  private ensureControl(config: RemediationConfig): Promise<unknown> {
    return ensureRemediationControl(this.client, this.options.taskQueue, config);
  }
}

/** The options of a signal-with-start of a resource's remediation workflow, but the signal. */
export function remediationStartOptions(opts: { taskQueue: string; searchAttributes?: boolean }, config: RemediationConfig, resourceId: string, resourceType: string | undefined) {
  const input: RemediationInput = { configRuleName: config.configRuleName, resourceId, config, ...(resourceType ? { resourceType } : {}) };
  return {
    workflowId: remediationWorkflowId(config.configRuleName, resourceId),
    taskQueue: opts.taskQueue,
    args: [input] as [RemediationInput],
    typedSearchAttributes:
      opts.searchAttributes === false
        ? []
        : [
            { key: SA_TRIGGER, value: remediationTrigger(config.configRuleName) },
            { key: SA_STATUS, value: 'NONE' },
          ],
    memo: { [REMEDIATION_MEMO_KEY]: { configRuleName: config.configRuleName, resourceId, ...(resourceType ? { resourceType } : {}), automatic: config.automatic, runbook: config.targetId, totalAttempts: 0 } },
    staticSummary: `Remediation of ${resourceId} for Config rule ${config.configRuleName} (${config.targetId})`.slice(0, 190),
  };
}

/** The Config rule's ExecutionControls coordinator, started or told the current controls. */
export async function ensureRemediationControl(client: Client, taskQueue: string, config: RemediationConfig): Promise<void> {
  const controls = config.ssmControls ?? {};
  const input: ControlInput = { configRuleName: config.configRuleName, controls };
  await client.workflow.signalWithStart(REMEDIATION_CONTROL_WORKFLOW_TYPE, {
    workflowId: remediationControlWorkflowId(config.configRuleName),
    taskQueue,
    args: [input],
    signal: configureControlSignal,
    signalArgs: [controls],
    staticSummary: `ExecutionControls of Config rule ${config.configRuleName}`,
  });
}

/** The compliance change a "Config Rules Compliance Change" event carries, or undefined for any other event. */
export function complianceChangeOf(event: EventBridgeEvent): { configRuleName: string; resourceId: string; resourceType?: string; compliance: ComplianceType; evaluatedAt: string } | undefined {
  if (event.source !== 'aws.config' || event['detail-type'] !== 'Config Rules Compliance Change') return undefined;
  const d = event.detail as Record<string, unknown>;
  const result = (d.newEvaluationResult ?? {}) as Record<string, unknown>;
  const qualifier = ((result.evaluationResultIdentifier as Record<string, unknown> | undefined)?.evaluationResultQualifier ?? {}) as Record<string, unknown>;
  const configRuleName = str(d.configRuleName) ?? str(qualifier.configRuleName);
  const resourceId = str(d.resourceId) ?? str(qualifier.resourceId);
  const compliance = str(result.complianceType) as ComplianceType | undefined;
  if (!configRuleName || !resourceId || !compliance) return undefined;
  const resourceType = str(d.resourceType) ?? str(qualifier.resourceType);
  return { configRuleName, resourceId, ...(resourceType ? { resourceType } : {}), compliance, evaluatedAt: str(result.resultRecordedTime) ?? event.time };
}

/** Run Command parameters from a target's input: each a string or a list of strings (numbers and booleans as text). */
export function commandParameters(value: unknown): { values: Record<string, string | string[]> } | { error: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: 'A Run Command target’s input must be a JSON object of document parameters.' };
  const values: Record<string, string | string[]> = {};
  const scalar = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);
  for (const [k, v] of Object.entries(value)) {
    if (Array.isArray(v)) {
      const items = v.map(scalar);
      if (items.some((i) => i === undefined)) return { error: `Parameter ${k} must be a string or a list of strings.` };
      values[k] = items as string[];
    } else {
      const s = scalar(v);
      if (s === undefined) return { error: `Parameter ${k} must be a string or a list of strings.` };
      values[k] = s;
    }
  }
  return { values };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
