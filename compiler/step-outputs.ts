// Which outputs a step has: those it declares in `outputs[]` and those its action always has.
import type { ActionCatalog } from '../lang/catalog';
import { asRecord, asString, type StepOutline } from './outline';

/**
 * The output names of a step, or undefined when they cannot be known (an action the
 * catalog does not describe: any output name is accepted rather than guessed wrong).
 */
export function outputsOf(step: StepOutline, catalog: ActionCatalog): Set<string> | undefined {
  const info = step.action === undefined ? undefined : catalog[step.action];
  if (!info) return undefined;
  const names = new Set(Object.keys(info.outputs));
  for (const output of declaredOutputs(step)) if (output.name !== undefined) names.add(output.name);
  return names;
}

/** `outputs[]` as written, with their indexes. */
export function declaredOutputs(step: StepOutline): { name?: string; selector?: string; index: number }[] {
  const list = Array.isArray(step.raw.outputs) ? step.raw.outputs : [];
  return list.map((item, index) => {
    const output = asRecord(item) ?? {};
    return { name: asString(output.Name), selector: asString(output.Selector), index };
  });
}
