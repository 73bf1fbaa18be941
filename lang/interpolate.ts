// Substitution of `{{ }}` references into step inputs, at the moment a step runs. Pure
// (workflow code): the caller passes everything, including the clock (`formatAwsDate`).
//
// The grammar is lang/template.ts; this file only decides what a reference becomes:
// - a string that is exactly one reference (whitespace around it allowed) becomes the
//   typed value (list, map, number, boolean), as AWS does for `InputPayload: '{{ s.p }}'`;
// - references inside other text are replaced by their string form (`toStringForm`);
// - an array element that is exactly one reference to a list is spliced into the array,
//   so the idiomatic `InstanceIds: ["{{ InstanceIds }}"]` passes the list itself;
// - maps are walked recursively (keys are never interpolated; AWS forbids it);
// - a reference that does not resolve stays verbatim. AWS's own runbooks rely on this:
//   awk's `{{print $2}}` in scripts, and a branch that tests whether an output was set
//   with `Variable: "{{ s.KeyName }}", Contains: "s.KeyName"`.
//
// Results share nested values with the scope (no copies); treat both as immutable.
import { parseTemplate, soleReference, stringsIn, referencesIn, type Reference } from './template';
import { toStringForm } from './types';

export interface Scope {
  parameters: Record<string, unknown>;
  variables: Record<string, unknown>;
  /** step name -> output name -> value (includes aws:loop's CurrentIteratorValue/CurrentIteration) */
  stepOutputs: Record<string, Record<string, unknown>>;
  /** e.g. 'global:REGION' -> 'us-east-1', 'automation:EXECUTION_ID' -> 'hello/abc', 'global:DATE_TIME' -> ... */
  builtins: Record<string, unknown>;
}

export type Resolution = { found: true; value: unknown } | { found: false };

const NOT_FOUND: Resolution = { found: false };

// Own properties only, so `{{ constructor }}` or `{{ s.toString }}` never reach
// Object.prototype; undefined counts as absent (an output that was never set).
function lookup(map: Record<string, unknown> | undefined, key: string): Resolution {
  if (!map || !Object.hasOwn(map, key)) return NOT_FOUND;
  const value = map[key];
  return value === undefined ? NOT_FOUND : { found: true, value };
}

/** The value a reference stands for in this scope, if it has one. */
export function resolveReference(ref: Reference, scope: Scope): Resolution {
  switch (ref.kind) {
    case 'parameter':
      return lookup(scope.parameters, ref.name);
    case 'variable':
      return lookup(scope.variables, ref.name);
    case 'step': {
      // A step that was skipped, or ran without producing this output, leaves it unresolved.
      const outputs = Object.hasOwn(scope.stepOutputs, ref.step) ? scope.stepOutputs[ref.step] : undefined;
      return lookup(outputs, ref.output);
    }
    case 'global':
    case 'automation':
      return lookup(scope.builtins, `${ref.kind}:${ref.name}`);
    case 'ssm':
      // Parameter Store references are only valid in parameter defaults, which are resolved
      // before the execution starts; in a step input AWS rejects them, so they never resolve.
      return NOT_FOUND;
    case 'ssm-secure':
      // Never here: the plaintext must not enter the workflow (and so its history). The
      // reference stays verbatim and is resolved where the value leaves Drover.
      return NOT_FOUND;
  }
}

function interpolateString(text: string, scope: Scope): unknown {
  const sole = soleReference(text);
  if (sole) {
    const r = resolveReference(sole, scope);
    return r.found ? r.value : text;
  }
  let out = '';
  for (const part of parseTemplate(text)) {
    if (typeof part === 'string') {
      out += part;
    } else {
      const r = resolveReference(part, scope);
      out += r.found ? toStringForm(r.value) : part.raw;
    }
  }
  return out;
}

/** Substitutes every resolvable reference in a JSON-like value; see the file comment. */
export function interpolate(value: unknown, scope: Scope): unknown {
  if (typeof value === 'string') return interpolateString(value, scope);
  if (Array.isArray(value)) {
    return value.flatMap((item: unknown) => {
      if (typeof item === 'string' && soleReference(item)) {
        const v = interpolateString(item, scope);
        return Array.isArray(v) ? v : [v];
      }
      // Wrapped so that a nested array stays one element.
      return [interpolate(item, scope)];
    });
  }
  if (value !== null && typeof value === 'object') {
    // fromEntries defines own properties, so a `__proto__` key stays an ordinary key.
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, scope)]));
  }
  return value;
}

/**
 * The references in a value that do not resolve in this scope, as written
 * (`{{ step.Out }}`), each once, in order: for messages such as "input InstanceId still
 * holds {{ describe.InstanceId }}". Text that is not a reference (`{{print $2}}`) is not one.
 */
export function unresolvedReferences(value: unknown, scope: Scope): string[] {
  const seen = new Set<string>();
  for (const { text } of stringsIn(value)) {
    for (const ref of referencesIn(text)) {
      if (!resolveReference(ref, scope).found) seen.add(ref.raw);
    }
  }
  return [...seen];
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/**
 * `global:DATE` (`yyyy-MM-dd`) and `global:DATE_TIME` (`yyyy-MM-dd_HH.mm.ss`) for an
 * instant, in UTC. AWS evaluates them when a step's inputs are substituted, so the caller
 * passes the workflow's current time for each step.
 */
export function formatAwsDate(epochMs: number): { DATE: string; DATE_TIME: string } {
  const d = new Date(epochMs);
  if (Number.isNaN(d.getTime())) throw new RangeError(`formatAwsDate: not a valid instant: ${epochMs}`);
  const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}.${pad(d.getUTCMinutes())}.${pad(d.getUTCSeconds())}`;
  return { DATE: date, DATE_TIME: `${date}_${time}` };
}
