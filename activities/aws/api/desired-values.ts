// DesiredValues of aws:waitForAwsResourceProperty and aws:assertAwsResourceProperty,
// compared as AWS compares them: as text. AWS asks for booleans written `True`/`False`
// (boto3 prints Python's booleans that way), so a boolean, or text that is a boolean word
// (SQS attributes), matches its name in any case; numbers match their decimal text.
// A selector that picks several values (a deep scan, a filter) matches when every one of
// them is desired, so "wait until all instances run" reads naturally; AWS's own runbooks
// select a single value.
import type { Selection } from '../../outputs';
import { actionFailed } from '../../errors';

/** The DesiredValues input as text; a step failure when it is not a list of scalars. */
export function desiredValues(input: unknown): string[] {
  const list = Array.isArray(input) ? input : input === undefined || input === null ? [] : [input];
  if (list.length === 0) throw actionFailed('DesiredValues must list at least one value');
  return list.map((v) => {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw actionFailed(`DesiredValues must be text values; got ${JSON.stringify(v)}`);
  });
}

const BOOLEAN_WORD = /^(true|false)$/i;

function matchesOne(value: unknown, desired: readonly string[]): boolean {
  if (typeof value === 'boolean') return desired.some((d) => d.toLowerCase() === String(value));
  // A boolean held as text (SQS attributes) compares the same way.
  if (typeof value === 'string' && BOOLEAN_WORD.test(value)) return desired.some((d) => d.toLowerCase() === value.toLowerCase());
  const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : JSON.stringify(value);
  return desired.includes(text);
}

export function matchesDesired(selection: Selection, desired: readonly string[]): boolean {
  if (!selection.found) return false;
  // A whole list written as text (`DesiredValues: ["[]"]` for "nothing is left") matches as text.
  if (Array.isArray(selection.value) && desired.includes(JSON.stringify(selection.value))) return true;
  const values = Array.isArray(selection.value) ? selection.value : [selection.value];
  return values.length > 0 && values.every((v) => matchesOne(v, desired));
}

/** The selected value, for messages: `"stopped"`, `["running","stopped"]`, or `nothing`. */
export function describeSelection(selection: Selection): string {
  if (!selection.found) return 'nothing';
  const text = JSON.stringify(selection.value) ?? String(selection.value);
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}
