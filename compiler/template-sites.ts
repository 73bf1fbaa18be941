// Every string that AWS interpolates: the inputs of every step (a loop's nested Steps
// belong to their own steps) and the runbook's assumeRole. Parameter and variable defaults
// are not interpolated (only a whole `{{ ssm:/path }}` default is resolved).
import { stringsIn } from '../lang/template';
import { joinPointer } from './finding';
import { asString, type RunbookOutline, type StepOutline } from './outline';

export interface TemplateSite {
  text: string;
  pointer: string;
  /** The step whose inputs hold the text; absent for assumeRole. */
  step?: StepOutline;
  /** The step input (top-level key of `inputs`) that holds the text. */
  input?: string;
  /**
   * True inside an aws:executeScript `Script`: scripts legitimately hold literal `{{ x }}`
   * (format strings, templates), so a reference that resolves to nothing is a warning.
   */
  lenient: boolean;
}

export function* templateSites(outline: RunbookOutline): Generator<TemplateSite> {
  const assumeRole = asString(outline.doc.assumeRole);
  if (assumeRole !== undefined) yield { text: assumeRole, pointer: '/assumeRole', lenient: false };
  for (const step of outline.steps) {
    for (const [key, value] of Object.entries(step.inputs)) {
      if (step.action === 'aws:loop' && key === 'Steps') continue;
      const base = joinPointer(step.pointer, 'inputs', key);
      const lenient = step.action === 'aws:executeScript' && key === 'Script';
      for (const { text, pointer } of stringsIn(value, base)) yield { text, pointer, step, input: key, lenient };
    }
  }
}
