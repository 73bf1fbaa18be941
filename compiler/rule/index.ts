// EventBridge rule text → EventRule, or diagnostics: parse with positions, validate against
// the rule schema, run the rule checks (pattern problems point at the offending operator),
// emit. Pure: no I/O. Every problem is reported at once, sorted by position.
import type { EventRule, RuleState, RuleTarget, TargetInput } from '../../lang/events/rule';
import { parseTargetArn } from '../../lang/events/rule';
import { DEFAULT_EVENT_BUS } from '../../lang/events/event';
import { checkDocument } from '../check-document';
import { hasErrors, type Diagnostic } from '../diagnostic';
import { error } from '../finding';
import { canonicalJson, sha256Hex } from '../hash';
import { runbookName } from '../index';
import { asRecord, asString, type Json } from '../outline';
import { RULE_CHECKS, ruleContext } from './rules';
import { validateRuleSchema } from './schema-validate';

export interface RuleCompileResult {
  /** Present exactly when there is no error-severity diagnostic. */
  rule?: EventRule;
  diagnostics: Diagnostic[];
}

export function compileRule(text: string, file: string): RuleCompileResult {
  const { ctx, diagnostics } = checkDocument(text, file, {
    noun: 'rule',
    notAMapping: error('invalid-type', '', 'An event rule must be a mapping of EventPattern, Targets and the other keys.', 'Start from: EventPattern: { source: [aws.ec2] } and Targets: [{ Id: …, Arn: … }].'),
    context: ruleContext,
    validateSchema: validateRuleSchema,
    rules: RULE_CHECKS,
  });
  if (!ctx || hasErrors(diagnostics)) return { diagnostics };
  return { rule: emitRule(ctx.doc, ctx.pattern as Record<string, unknown>, file), diagnostics };
}

function emitRule(doc: Json, pattern: Record<string, unknown>, file: string | undefined): EventRule {
  const withoutHash: Omit<EventRule, 'hash' | 'source'> = {
    name: asString(doc.Name) ?? (file ? runbookName(file) : 'rule'),
    ...(asString(doc.Description) !== undefined ? { description: asString(doc.Description) } : {}),
    state: (asString(doc.State) as RuleState | undefined) ?? 'ENABLED',
    eventBusName: asString(doc.EventBusName) ?? DEFAULT_EVENT_BUS,
    eventPattern: pattern,
    targets: (doc.Targets as Json[]).map(targetOf),
  };
  return { ...withoutHash, hash: sha256Hex(canonicalJson(withoutHash)), ...(file ? { source: { file } } : {}) };
}

function targetOf(t: Json): RuleTarget {
  const arn = t.Arn as string;
  const parsed = parseTargetArn(arn)!;
  const target: RuleTarget = { id: t.Id as string, arn, kind: parsed.kind, document: parsed.document };
  if (parsed.version) target.version = parsed.version;
  if (typeof t.RoleArn === 'string') target.roleArn = t.RoleArn;
  const input = inputOf(t);
  if (input) target.input = input;
  const rc = asRecord(t.RunCommandParameters);
  if (rc) target.runCommandTargets = (rc.RunCommandTargets as { Key: string; Values: string[] }[]).map((r) => ({ Key: r.Key, Values: [...r.Values] }));
  return target;
}

function inputOf(t: Json): TargetInput | undefined {
  if (t.Input !== undefined) return { kind: 'constant', text: typeof t.Input === 'string' ? t.Input : JSON.stringify(t.Input) };
  if (typeof t.InputPath === 'string') return { kind: 'path', path: t.InputPath };
  const tr = asRecord(t.InputTransformer);
  if (tr) return { kind: 'transformer', pathsMap: { ...((asRecord(tr.InputPathsMap) ?? {}) as Record<string, string>) }, template: tr.InputTemplate as string };
  return undefined;
}
