// A lenient view of the document for the semantic checks. The checks run even when the
// schema found problems (so that every problem is reported at once), so nothing here
// assumes a shape: a field of the wrong type reads as absent.
import { joinPointer } from './finding';

export type Json = Record<string, unknown>;

export interface StepOutline {
  name?: string;
  action?: string;
  /** The step as written. */
  raw: Json;
  /** `inputs` as written, or `{}`. */
  inputs: Json;
  pointer: string;
  /** The aws:loop step whose `Steps` hold this step. */
  parent?: StepOutline;
  /** The list holding the step (mainSteps or a loop body) and its index there. */
  siblings: StepOutline[];
  index: number;
  /** aws:loop: the steps of its body. */
  body?: StepOutline[];
}

export interface RunbookOutline {
  doc: Json;
  parameters: Record<string, Json>;
  variables: Record<string, Json>;
  mainSteps: StepOutline[];
  /** Every step in document order, loop bodies right after their loop. */
  steps: StepOutline[];
  /** By name; the first of a repeated name. */
  byName: Map<string, StepOutline>;
}

export const asRecord = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;

export const asString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export function outlineRunbook(value: unknown): RunbookOutline {
  const doc = asRecord(value) ?? {};
  const steps: StepOutline[] = [];
  const outlineList = (list: unknown, pointer: string, parent?: StepOutline): StepOutline[] => {
    const siblings: StepOutline[] = [];
    if (!Array.isArray(list)) return siblings;
    list.forEach((item, index) => {
      const raw = asRecord(item);
      if (!raw) return;
      const step: StepOutline = {
        name: asString(raw.name),
        action: asString(raw.action),
        raw,
        inputs: asRecord(raw.inputs) ?? {},
        pointer: joinPointer(pointer, index),
        ...(parent ? { parent } : {}),
        siblings,
        index: siblings.length,
      };
      siblings.push(step);
      steps.push(step);
      if (step.action === 'aws:loop') {
        step.body = outlineList(step.inputs.Steps, joinPointer(step.pointer, 'inputs', 'Steps'), step);
      }
    });
    return siblings;
  };
  const mainSteps = outlineList(doc.mainSteps, '/mainSteps');
  const byName = new Map<string, StepOutline>();
  for (const step of steps) if (step.name !== undefined && !byName.has(step.name)) byName.set(step.name, step);
  return {
    doc,
    parameters: recordOfRecords(doc.parameters),
    variables: recordOfRecords(doc.variables),
    mainSteps,
    steps,
    byName,
  };
}

function recordOfRecords(value: unknown): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(asRecord(value) ?? {})) out[k] = asRecord(v) ?? {};
  return out;
}

/** `step:X` → `X`; anything else (Abort, Continue, junk) → undefined. */
export function stepTarget(value: unknown): string | undefined {
  return typeof value === 'string' && value.startsWith('step:') ? value.slice(5) : undefined;
}

/** isCritical/isEnd are booleans or the strings 'true'/'false' in published documents. */
export function flag(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  return undefined;
}

/**
 * The step that runs after `step` succeeds, as the Plan records it: `nextStep`, else the
 * following step of the same list, else null (end of the runbook or of the loop pass).
 */
export function resolvedNext(step: StepOutline): string | null {
  const explicit = asString(step.raw.nextStep);
  if (explicit !== undefined) return explicit;
  return step.siblings[step.index + 1]?.name ?? null;
}

/** Every place a step names another step: nextStep, onFailure, onCancel, branch NextStep and Default. */
export function* stepReferences(step: StepOutline): Generator<{ target: string; pointer: string; via: string }> {
  const nextStep = asString(step.raw.nextStep);
  if (nextStep !== undefined) yield { target: nextStep, pointer: joinPointer(step.pointer, 'nextStep'), via: 'nextStep' };
  for (const key of ['onFailure', 'onCancel']) {
    const target = stepTarget(step.raw[key]);
    if (target !== undefined) yield { target, pointer: joinPointer(step.pointer, key), via: key };
  }
  if (step.action !== 'aws:branch') return;
  const choices = Array.isArray(step.inputs.Choices) ? step.inputs.Choices : [];
  for (const [i, choice] of choices.entries()) {
    const target = asString(asRecord(choice)?.NextStep);
    if (target !== undefined) {
      yield { target, pointer: joinPointer(step.pointer, 'inputs', 'Choices', i, 'NextStep'), via: 'NextStep' };
    }
  }
  const fallback = asString(step.inputs.Default);
  if (fallback !== undefined) yield { target: fallback, pointer: joinPointer(step.pointer, 'inputs', 'Default'), via: 'Default' };
}
