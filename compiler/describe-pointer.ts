// Names the thing a JSON pointer points at the way a runbook author thinks of it:
// `input "Duration" of step "wait"` rather than `/mainSteps/3/inputs/Duration`.
import { pointerSegments } from './finding';
import { asRecord, asString } from './outline';

export interface PointerSubject {
  /** e.g. `input "Duration" of step "wait"`, `"type" of parameter "Count"`, `the runbook`. */
  phrase: string;
  /** The step holding the pointer, when there is one. */
  step?: { name?: string; action?: string; pointer: string };
  /** True when the pointer is a step's `inputs` mapping itself. */
  isStepInputs: boolean;
  /** True when the pointer is a step itself. */
  isStep: boolean;
}

/** Renders `['Choices', '0', 'NextStep']` as `Choices[0].NextStep`. */
export function dottedPath(segments: string[]): string {
  return segments.map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

export function describePointer(pointer: string, doc: unknown): PointerSubject {
  const segments = pointerSegments(pointer);
  // Find the innermost step: mainSteps/N, then any number of inputs/Steps/N.
  let stepEnd = -1;
  if (segments[0] === 'mainSteps' && segments.length >= 2 && /^\d+$/.test(segments[1]!)) {
    stepEnd = 2;
    while (segments[stepEnd] === 'inputs' && segments[stepEnd + 1] === 'Steps' && /^\d+$/.test(segments[stepEnd + 2] ?? '')) {
      stepEnd += 3;
    }
  }
  if (stepEnd > 0) {
    const stepValue = asRecord(valueAt(doc, segments.slice(0, stepEnd)));
    const name = asString(stepValue?.name);
    const step = {
      name,
      action: asString(stepValue?.action),
      pointer: `/${segments.slice(0, stepEnd).join('/')}`,
    };
    const stepPhrase = name !== undefined ? `step "${name}"` : `step ${Number(segments[stepEnd - 1]) + 1} of its list`;
    const rest = segments.slice(stepEnd);
    const base = { step, isStepInputs: rest.length === 1 && rest[0] === 'inputs', isStep: rest.length === 0 };
    if (rest.length === 0) return { ...base, phrase: stepPhrase };
    if (rest[0] === 'inputs' && rest.length > 1) return { ...base, phrase: `input "${dottedPath(rest.slice(1))}" of ${stepPhrase}` };
    return { ...base, phrase: `"${dottedPath(rest)}" of ${stepPhrase}` };
  }
  const plain = { isStepInputs: false, isStep: false };
  if (segments.length === 0) return { ...plain, phrase: 'the runbook' };
  if ((segments[0] === 'parameters' || segments[0] === 'variables') && segments.length >= 2) {
    const kind = segments[0] === 'parameters' ? 'parameter' : 'variable';
    const rest = segments.slice(2);
    return { ...plain, phrase: rest.length ? `"${dottedPath(rest)}" of ${kind} "${segments[1]}"` : `${kind} "${segments[1]}"` };
  }
  if (segments[0] === 'files' && segments.length >= 2) {
    const rest = segments.slice(2);
    return { ...plain, phrase: rest.length ? `"${dottedPath(rest)}" of file "${segments[1]}"` : `file "${segments[1]}"` };
  }
  if (segments[0] === 'outputs' && segments.length === 2) return { ...plain, phrase: `runbook output ${Number(segments[1]) + 1}` };
  return { ...plain, phrase: `"${dottedPath(segments)}"` };
}

function valueAt(doc: unknown, segments: string[]): unknown {
  let node = doc;
  for (const s of segments) {
    if (Array.isArray(node)) node = node[Number(s)];
    else node = asRecord(node)?.[s];
  }
  return node;
}

/** Capitalises the first letter, for a phrase that starts a sentence. */
export const sentence = (phrase: string): string => phrase.charAt(0).toUpperCase() + phrase.slice(1);
