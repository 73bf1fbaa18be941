// The checks of an EventBridge rule file that a schema cannot express, each a small named
// rule over the document as written (lenient: a field of the wrong type reads as absent; the
// schema reports it). Pattern problems point inside EventPattern, at the offending operator.
// None throws.
import { compilePattern, MAX_PATTERN_LENGTH } from '../../lang/events/event-pattern';
import { compileInputTransformer } from '../../lang/events/input-transformer';
import { parseEventPath } from '../../lang/events/json-path';
import { automationInputProblem, MAX_INPUT_LENGTH, parseTargetArn } from '../../lang/events/rule';
import { error, joinPointer, pointerSegments, warning, type Finding } from '../finding';
import { asRecord, asString, type Json } from '../outline';

export interface RuleContext {
  doc: Json;
  /** The pattern as a value, when it is a mapping or JSON text that parses. */
  pattern?: unknown;
  /** Whether the pattern was written as JSON text (then problems point at EventPattern itself). */
  patternIsText: boolean;
  targets: { target: Json; pointer: string }[];
}

export type RuleCheck = (ctx: RuleContext) => Finding[];

export function ruleContext(value: unknown): RuleContext {
  const doc = asRecord(value) ?? {};
  const raw = doc.EventPattern;
  let pattern: unknown;
  if (typeof raw === 'string') {
    try {
      pattern = JSON.parse(raw);
    } catch {
      pattern = undefined;
    }
  } else if (asRecord(raw)) pattern = raw;
  const targets = (Array.isArray(doc.Targets) ? doc.Targets : []).flatMap((t, i) => {
    const target = asRecord(t);
    return target ? [{ target, pointer: joinPointer('/Targets', i) }] : [];
  });
  return { doc, pattern, patternIsText: typeof raw === 'string', targets };
}

/** EventPattern: JSON text that parses, within EventBridge's size, and a valid pattern. */
export const eventPattern: RuleCheck = ({ doc, pattern, patternIsText }) => {
  const raw = doc.EventPattern;
  if (raw === undefined || (typeof raw !== 'string' && !asRecord(raw))) return [];
  if (typeof raw === 'string' && pattern === undefined) {
    let reason = '';
    try {
      JSON.parse(raw);
    } catch (e) {
      reason = (e as Error).message;
    }
    return [error('invalid-json', '/EventPattern', `EventPattern is not JSON: ${reason}.`, 'Write the pattern as a YAML mapping, or as JSON text.')];
  }
  const findings: Finding[] = [];
  const length = typeof raw === 'string' ? raw.length : JSON.stringify(raw).length;
  if (length > MAX_PATTERN_LENGTH) {
    findings.push(error('pattern-too-long', '/EventPattern', `The event pattern takes ${length} characters as JSON; EventBridge allows ${MAX_PATTERN_LENGTH}.`, undefined, { at: 'key' }));
  }
  for (const p of compilePattern(pattern).problems) {
    const code = /^Unknown operator/.test(p.message) ? 'unknown-operator' : 'invalid-pattern';
    if (patternIsText) {
      const where = pointerSegments(p.pointer).join('.') || 'the top';
      findings.push(error(code, '/EventPattern', `In the event pattern at ${where}: ${p.message}`));
    } else {
      findings.push(error(code, joinPointer('/EventPattern', ...pointerSegments(p.pointer)), p.message, undefined, p.at ? { at: p.at } : {}));
    }
  }
  return findings;
};

/** ScheduleExpression: scheduled rules are maintenance windows in Drover. */
export const scheduleExpression: RuleCheck = ({ doc }) =>
  doc.ScheduleExpression === undefined
    ? []
    : [error('unsupported-property', '/ScheduleExpression', 'Drover does not run scheduled rules.', 'Run scheduled work as a maintenance window; a rule here needs an EventPattern.', { at: 'key' })];

/** Each target's ARN names an Automation runbook or a Command document. */
export const targetArns: RuleCheck = ({ targets }) =>
  targets.flatMap(({ target, pointer }) => {
    const arn = asString(target.Arn);
    if (arn === undefined || parseTargetArn(arn)) return [];
    return [
      error(
        'unsupported-target',
        joinPointer(pointer, 'Arn'),
        `${arn} is not a target Drover runs.`,
        'Drover starts SSM Automation runbooks (arn:aws:ssm:<region>:<account>:automation-definition/<runbook>:$DEFAULT) and Run Command documents (arn:aws:ssm:<region>::document/<document>).',
      ),
    ];
  });

/** Target ids are unique in a rule. */
export const uniqueTargetIds: RuleCheck = ({ targets }) => {
  const seen = new Set<string>();
  return targets.flatMap(({ target, pointer }) => {
    const id = asString(target.Id);
    if (id === undefined) return [];
    if (!seen.has(id)) {
      seen.add(id);
      return [];
    }
    return [error('duplicate-target', joinPointer(pointer, 'Id'), `Another target of this rule has the id ${id}.`, 'Give each target its own Id: it is part of the id of the executions it starts.')];
  });
};

const INPUT_KINDS = ['Input', 'InputPath', 'InputTransformer'] as const;

/** Input, InputPath and InputTransformer: at most one, each valid as EventBridge checks it. */
export const targetInputs: RuleCheck = ({ targets }) =>
  targets.flatMap(({ target, pointer }) => {
    const findings: Finding[] = [];
    const given = INPUT_KINDS.filter((k) => target[k] !== undefined);
    if (given.length > 1) {
      findings.push(
        error('conflicting-properties', joinPointer(pointer, given[1]!), `A target takes only one of Input, InputPath and InputTransformer; this one has ${given.join(' and ')}.`, 'Keep one and remove the others.', { at: 'key' }),
      );
    }
    const input = target.Input;
    if (typeof input === 'string') {
      if (input.length > MAX_INPUT_LENGTH) findings.push(error('invalid-value', joinPointer(pointer, 'Input'), `Input has at most ${MAX_INPUT_LENGTH} characters; it has ${input.length}.`));
      try {
        JSON.parse(input);
      } catch (e) {
        findings.push(error('invalid-json', joinPointer(pointer, 'Input'), `Input must be JSON text: ${(e as Error).message}.`, 'Or write it as a YAML mapping.'));
      }
    }
    const path = asString(target.InputPath);
    if (path !== undefined) {
      const parsed = parseEventPath(path);
      if ('error' in parsed) findings.push(error('invalid-path', joinPointer(pointer, 'InputPath'), `InputPath is not a path EventBridge evaluates: ${parsed.error}.`));
    }
    const transformer = asRecord(target.InputTransformer);
    if (transformer && typeof transformer.InputTemplate === 'string') {
      const at = joinPointer(pointer, 'InputTransformer');
      for (const p of compileInputTransformer(transformer.InputPathsMap ?? {}, transformer.InputTemplate).problems) {
        const code = p.message.includes('which is not defined') ? 'undefined-variable' : 'invalid-input-transformer';
        const where = p.field === 'InputPathsMap' ? joinPointer(at, 'InputPathsMap', ...(p.variable !== undefined ? [p.variable] : [])) : joinPointer(at, 'InputTemplate');
        findings.push(error(code, where, p.message, undefined, { ...(p.at ? { at: p.at } : {}), ...(p.needle ? { needle: p.needle } : {}) }));
      }
    }
    return findings;
  });

/** RunCommandParameters go with Run Command targets, and they need them. */
export const runCommandParameters: RuleCheck = ({ targets }) =>
  targets.flatMap(({ target, pointer }) => {
    const parsed = parseTargetArn(asString(target.Arn) ?? '');
    if (!parsed) return [];
    const has = target.RunCommandParameters !== undefined;
    if (parsed.kind === 'run-command' && !has) {
      return [
        error('missing-property', pointer, `Target ${asString(target.Id) ?? ''} runs ${parsed.document} with Run Command and needs RunCommandParameters.`, 'RunCommandParameters: { RunCommandTargets: [{ Key: tag:role, Values: [web] }] } (or Key: InstanceIds).', {
          at: 'key',
        }),
      ];
    }
    if (parsed.kind === 'automation' && has) {
      return [error('unexpected-property', joinPointer(pointer, 'RunCommandParameters'), 'RunCommandParameters belong to Run Command targets; this target is an Automation runbook.', 'Remove it.', { at: 'key' })];
    }
    return [];
  });

/** An Automation target's input must be {"Parameter": ["value", …]}: checked where it is known before an event arrives. */
export const automationInput: RuleCheck = ({ targets }) =>
  targets.flatMap(({ target, pointer }) => {
    if (parseTargetArn(asString(target.Arn) ?? '')?.kind !== 'automation') return [];
    const input = target.Input;
    if (input !== undefined) {
      let value: unknown = input;
      if (typeof input === 'string') {
        try {
          value = JSON.parse(input);
        } catch {
          return [];
        }
      }
      const problem = automationInputProblem(value);
      return problem ? [error('invalid-automation-input', joinPointer(pointer, 'Input'), `${problem}.`, AUTOMATION_INPUT_HINT)] : [];
    }
    if (target.InputPath === undefined && target.InputTransformer === undefined) {
      return [
        warning(
          'whole-event-input',
          pointer,
          'This Automation target receives the whole event, which is not a map of runbook parameters: every start will be refused.',
          'Give an InputTransformer (or Input) that makes {"Parameter": ["value"]}.',
          { at: 'key' },
        ),
      ];
    }
    const transformer = asRecord(target.InputTransformer);
    const template = asString(transformer?.InputTemplate);
    if (!template) return [];
    const { transformer: compiled } = compileInputTransformer(transformer?.InputPathsMap ?? {}, template);
    if (!compiled || !/^\s*\{/.test(template)) return [];
    // Every variable as a string: the shape of the output, whatever the values.
    const probe = template.replace(/<([A-Za-z0-9_.-]+)>/g, (_m, _v, offset: number) => (insideQuotes(template, offset) ? 'x' : '"x"'));
    let value: unknown;
    try {
      value = JSON.parse(probe);
    } catch {
      return [];
    }
    const problem = automationInputProblem(value);
    return problem ? [warning('invalid-automation-input', joinPointer(pointer, 'InputTransformer', 'InputTemplate'), `${problem} (with string values for the variables).`, AUTOMATION_INPUT_HINT)] : [];
  });

const AUTOMATION_INPUT_HINT = 'SSM Automation takes each parameter as a list of strings, e.g. {"InstanceIds": [<instance>]}.';

function insideQuotes(text: string, at: number): boolean {
  let inside = false;
  for (let i = 0; i < at; i++) {
    if (inside && text[i] === '\\') i++;
    else if (text[i] === '"') inside = !inside;
  }
  return inside;
}

export const RULE_CHECKS: RuleCheck[] = [eventPattern, scheduleExpression, targetArns, uniqueTargetIds, targetInputs, runCommandParameters, automationInput];
