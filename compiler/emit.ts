// Outline of a document without errors → Plan: the normalised, serialisable form every
// execution runs. Booleans and numbers written as strings become booleans and numbers,
// defaults get their type, control flow is resolved to step names.
import { coerceParameter } from '../lang/parameters';
import {
  PLAN_FORMAT_VERSION,
  type CancelTransition,
  type FailureTransition,
  type OutputSpec,
  type ParameterSpec,
  type Plan,
  type PlanStep,
  type VariableSpec,
} from '../lang/plan';
import { referencesIn } from '../lang/template';
import { canonicalJson, sha256Hex } from './hash';
import { rootedSelector } from './jsonpath-syntax';
import { asRecord, asString, flag, resolvedNext, stepTarget, type Json, type RunbookOutline, type StepOutline } from './outline';
import { parameterSpecOf } from './parameter-spec';
import { templateSites } from './template-sites';

export interface EmitOptions {
  name: string;
  file: string;
  /** 1-based source line of a JSON pointer. */
  lineOf: (pointer: string) => number;
}

export function emitPlan(outline: RunbookOutline, options: EmitOptions): Plan {
  const withoutHash: Omit<Plan, 'hash'> = {
    formatVersion: PLAN_FORMAT_VERSION,
    name: options.name,
    ...optional('description', asString(outline.doc.description)),
    ...optional('assumeRole', asString(outline.doc.assumeRole)),
    parameters: mapValues(outline.parameters, parameterOf),
    variables: mapValues(outline.variables, variableOf),
    outputs: (Array.isArray(outline.doc.outputs) ? outline.doc.outputs : []).map(String),
    entry: outline.mainSteps[0]?.name ?? '',
    steps: Object.fromEntries(outline.steps.map((step) => [step.name!, stepOf(step, options.lineOf)])),
    builtins: builtinsUsed(outline),
    source: { file: options.file },
  };
  return { ...withoutHash, hash: planHash(withoutHash) };
}

/**
 * sha256 of the canonical JSON of the plan without `hash` and without the steps' `line`:
 * lines only serve messages, so reformatting a runbook (whitespace, key order, JSON vs
 * YAML layout) keeps its hash; any change of meaning changes it.
 */
export function planHash(plan: Omit<Plan, 'hash'> & { hash?: string }): string {
  const { hash: _ignored, ...rest } = plan;
  const steps = Object.fromEntries(Object.entries(rest.steps).map(([name, { line: _line, ...step }]) => [name, step]));
  return sha256Hex(canonicalJson({ ...rest, steps }));
}

function parameterOf(raw: Json): ParameterSpec {
  const spec = parameterSpecOf(raw)!;
  if ('default' in raw) {
    const converted = coerceParameter(spec, raw.default);
    if ('value' in converted) spec.default = converted.value;
  }
  return spec;
}

function variableOf(raw: Json): VariableSpec {
  const { type, description } = parameterSpecOf(raw)!;
  const spec: VariableSpec = { type, ...optional('description', description) };
  if ('default' in raw) {
    const converted = coerceParameter(spec, raw.default);
    if ('value' in converted) spec.default = converted.value;
  }
  return spec;
}

function stepOf(step: StepOutline, lineOf: (pointer: string) => number): PlanStep {
  const raw = step.raw;
  const onFailure = failureTransition(raw.onFailure);
  const inputs = { ...step.inputs };
  // The body is in `steps` (with `parent`); the loop keeps only its own inputs.
  if (step.action === 'aws:loop') delete inputs.Steps;
  if (typeof inputs.PropertySelector === 'string' && !inputs.PropertySelector.includes('{{')) {
    inputs.PropertySelector = rootedSelector(inputs.PropertySelector);
  }
  const timeout = typeof raw.timeoutSeconds === 'string' ? Number(raw.timeoutSeconds) : raw.timeoutSeconds;
  return {
    name: step.name!,
    action: step.action!,
    ...optional('description', asString(raw.description)),
    inputs,
    outputs: (Array.isArray(raw.outputs) ? raw.outputs : []).map(outputOf),
    maxAttempts: typeof raw.maxAttempts === 'number' ? raw.maxAttempts : 1,
    ...optional('timeoutSeconds', typeof timeout === 'number' ? timeout : undefined),
    onFailure,
    onCancel: cancelTransition(raw.onCancel),
    // AWS: critical unless said otherwise, and not critical by default when failures continue.
    isCritical: flag(raw.isCritical) ?? onFailure.kind !== 'continue',
    isEnd: flag(raw.isEnd) ?? false,
    next: resolvedNext(step),
    ...optional('parent', step.parent?.name),
    ...optional('bodyEntry', step.body?.[0]?.name),
    line: lineOf(step.pointer),
  };
}

function outputOf(value: unknown): OutputSpec {
  const raw = asRecord(value) ?? {};
  const type = asString(raw.Type) as OutputSpec['Type'];
  return { Name: String(raw.Name), Selector: rootedSelector(String(raw.Selector)), ...optional('Type', type) };
}

function failureTransition(value: unknown): FailureTransition {
  const target = stepTarget(value);
  if (target !== undefined) return { kind: 'step', step: target };
  return value === 'Continue' ? { kind: 'continue' } : { kind: 'abort' };
}

function cancelTransition(value: unknown): CancelTransition {
  const target = stepTarget(value);
  return target !== undefined ? { kind: 'step', step: target } : { kind: 'abort' };
}

/** The `global:` and `automation:` values any template uses, e.g. `global:REGION`, sorted. */
function builtinsUsed(outline: RunbookOutline): string[] {
  const used = new Set<string>();
  for (const site of templateSites(outline)) {
    for (const ref of referencesIn(site.text)) {
      if (ref.kind === 'global' || ref.kind === 'automation') used.add(`${ref.kind}:${ref.name}`);
    }
  }
  return [...used].sort();
}

function mapValues<T>(record: Record<string, Json>, convert: (raw: Json) => T): Record<string, T> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, convert(v)]));
}

/** `{ key: value }` when the value is defined, `{}` otherwise: keeps absent fields absent. */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}
