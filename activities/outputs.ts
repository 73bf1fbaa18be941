// User-defined step outputs (`outputs: [{Name, Selector, Type}]`): JSONPath selection
// from an action's result, then conversion to the declared type. Runs in activities (it
// uses jsonpath-plus, whose native mode needs node:vm; only its safe evaluator is used).
//
// What a selector selects (AWS: "deep-scan results are always an array"):
// - a definite path (only names and indexes: `$.Reservations[0].Instances[0].KeyName`)
//   selects the one value there;
// - any other path (deep scan `..`, filter `[?()]`, wildcard, slice, union) selects the
//   list of its matches, which lang/types.ts unwraps when it has one element and the type
//   wants a single value (`Outputs[?(@.OutputKey=='X')].OutputValue` declared String).
// A selector that matches nothing, or only null, leaves the output unset, as AWS does;
// later `{{ step.Output }}` references to it then stay verbatim. Null matches are dropped
// (boto3 omits absent fields; null comes only from scripts and means "no value").
import { JSONPath } from 'jsonpath-plus';
import type { OutputSpec } from '../lang/plan';
import { convertToType } from '../lang/types';

export type Selection = { found: true; value: unknown } | { found: false };

// Rewrites what AWS selectors use and jsonpath-plus lacks, outside brackets and filters:
// - dot notation with a quoted name, for output names holding dots
//   (`$.AutomationExecution.Outputs.'step.ImageId'[0]`), becomes `['step.ImageId']`;
// - a negative index `[-1]` (the last item, as in Jayway JsonPath) becomes the slice `[-1:]`
//   for evaluation only: `parsed` keeps `[-1]` so the path still counts as definite.
function normalizeSelector(selector: string): { parsed: string; evaluated: string } {
  let parsed = '';
  let evaluated = '';
  let depth = 0;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i]!;
    const next = selector[i + 1];
    if (depth === 0 && c === '.' && (next === "'" || next === '"')) {
      const end = selector.indexOf(next, i + 2);
      if (end > 0) {
        const bracketed = `['${selector.slice(i + 2, end)}']`;
        parsed += bracketed;
        evaluated += bracketed;
        i = end;
        continue;
      }
    }
    if (depth === 0 && c === '[') {
      const index = /^\[\s*(-\d+)\s*\]/.exec(selector.slice(i));
      if (index) {
        parsed += `[${index[1]}]`;
        evaluated += `[${index[1]}:]`;
        i += index[0].length - 1;
        continue;
      }
    }
    if (c === '[') depth++;
    if (c === ']') depth = Math.max(0, depth - 1);
    parsed += c;
    evaluated += c;
  }
  return { parsed, evaluated };
}

// AWS's own documents omit the root: `SnapshotId` (AWS-CreateSnapshot) and
// `Payload.KeyName` (AWSSupport-RestoreEC2InstanceFromSnapshot) mean `$.SnapshotId` and
// `$.Payload.KeyName`, so a selector without `$` is read from the root.
function rooted(selector: string): string {
  if (selector.startsWith('$')) return selector;
  return selector.startsWith('[') || selector.startsWith('.') ? `$${selector}` : `$.${selector}`;
}

function isDefinite(segments: string[]): boolean {
  // Segment 0 is `$`. Quoted names arrive unquoted, so a name holding `*`, `,` or `:` is
  // mistaken for an operator; no published selector has one.
  return segments.slice(1).every((s) => s !== '..' && !/^[?(]/.test(s) && !/[*,:]/.test(s) && s !== '^' && s !== '~');
}

/**
 * The value a JSONPath selector picks from a result; throws an Error whose message says
 * what is wrong with a selector that cannot be evaluated.
 */
export function selectValue(result: unknown, selector: string): Selection {
  const text = typeof selector === 'string' ? selector.trim() : '';
  if (!text) throw new Error(`selector ${JSON.stringify(selector)} must be a JSONPath such as $.Payload.Name`);
  const { parsed, evaluated } = normalizeSelector(rooted(text));
  // jsonpath-plus returns nothing for a falsy document; only `$` could select it anyway.
  if (result === null || result === undefined) return { found: false };
  const matches = JSONPath({
    path: evaluated,
    json: result as object,
    wrap: true,
    eval: 'safe',
    // One odd item (a filter reading @.Key of null) must not hide the matches of the others.
    ignoreEvalErrors: true,
  }) as unknown[] | undefined;
  const values = (matches ?? []).filter((v) => v !== null && v !== undefined);
  if (values.length === 0) return { found: false };
  return { found: true, value: isDefinite(JSONPath.toPathArray(parsed)) ? values[0] : values };
}

/**
 * Evaluates each output spec against an action's result. An output whose selector matches
 * nothing, or whose value cannot take the declared Type (String when absent), is left out
 * of `outputs` and explained in `problems`; the caller decides whether that fails the step.
 */
export function selectOutputs(
  result: unknown,
  specs: OutputSpec[],
): { outputs: Record<string, unknown>; problems: string[] } {
  const entries: [string, unknown][] = [];
  const problems: string[] = [];
  for (const spec of specs) {
    const type = spec.Type ?? 'String';
    const where = `output ${spec.Name} (${type}, selector ${spec.Selector})`;
    let selection: Selection;
    try {
      selection = selectValue(result, spec.Selector);
    } catch (e) {
      problems.push(`${where}: ${(e as Error).message}`);
      continue;
    }
    if (!selection.found) {
      problems.push(`${where}: matched nothing in the result, so the output is not set`);
      continue;
    }
    const converted = convertToType(selection.value, type);
    if ('error' in converted) problems.push(`${where}: ${converted.error}`);
    else entries.push([spec.Name, converted.value]);
  }
  // fromEntries: an output named __proto__ stays an ordinary key.
  return { outputs: Object.fromEntries(entries), problems };
}
