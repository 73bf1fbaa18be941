// The `{{ }}` reference grammar of SSM documents, shared by the compiler (to check
// references) and the interpreter (to substitute them). Pure: no I/O, no Temporal.
//
// Only identifier-shaped text between double braces is a reference candidate; anything
// else (`{{print $2}}` in awk, `{{}}` in Python's str.format) is ordinary text. A candidate
// that does not resolve is left verbatim at run time, as AWS's own documents require.

export type Reference =
  | { kind: 'parameter'; name: string; raw: string }
  | { kind: 'step'; step: string; output: string; raw: string }
  | { kind: 'variable'; name: string; raw: string }
  | { kind: 'global'; name: string; raw: string }
  | { kind: 'automation'; name: string; raw: string }
  | { kind: 'ssm'; path: string; raw: string }
  /**
   * A SecureString in Parameter Store, `{{ ssm-secure:/path/name }}` (or `name:version`).
   * Never resolved by the workflow: the reference text travels through history, and the
   * activity (or the agent on the node) that hands the value out reads it just in time.
   */
  | { kind: 'ssm-secure'; name: string; raw: string };

export type TemplatePart = string | Reference;

export const GLOBAL_NAMES = ['ACCOUNT_ID', 'REGION', 'AWS_PARTITION', 'DATE', 'DATE_TIME'] as const;
export const AUTOMATION_NAMES = ['EXECUTION_ID'] as const;

// Identifier, then optional `.Output` (one level; output names may themselves hold dots
// in a few AWS documents, so the rest after the first dot is the output name).
const CANDIDATE = /\{\{\s*([A-Za-z0-9_][A-Za-z0-9_.:/-]*)\s*\}\}/g;

function classify(body: string, raw: string): Reference | undefined {
  const colon = body.indexOf(':');
  if (colon > 0) {
    const ns = body.slice(0, colon);
    const rest = body.slice(colon + 1);
    if (!rest) return undefined;
    switch (ns) {
      case 'global':
        return { kind: 'global', name: rest, raw };
      case 'automation':
        return { kind: 'automation', name: rest, raw };
      case 'variable':
        return /^[A-Za-z0-9_]+$/.test(rest) ? { kind: 'variable', name: rest, raw } : undefined;
      case 'ssm':
        return { kind: 'ssm', path: rest, raw };
      case 'ssm-secure':
        return { kind: 'ssm-secure', name: rest, raw };
      default:
        return undefined;
    }
  }
  if (body.includes('/')) return undefined;
  const dot = body.indexOf('.');
  if (dot < 0) return /^[A-Za-z0-9_-]+$/.test(body) ? { kind: 'parameter', name: body, raw } : undefined;
  const step = body.slice(0, dot);
  const output = body.slice(dot + 1);
  if (!/^[A-Za-z0-9_-]+$/.test(step) || !output) return undefined;
  return { kind: 'step', step, output, raw };
}

/** Splits a string into literal text and reference candidates, in order. */
export function parseTemplate(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const m of text.matchAll(CANDIDATE)) {
    const ref = classify(m[1]!, m[0]);
    if (!ref) continue;
    if (m.index! > last) parts.push(text.slice(last, m.index));
    parts.push(ref);
    last = m.index! + m[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

/** The references in a string, in order. */
export function referencesIn(text: string): Reference[] {
  return parseTemplate(text).filter((p): p is Reference => typeof p !== 'string');
}

/** True when the whole string is exactly one reference (then the typed value is substituted). */
export function soleReference(text: string): Reference | undefined {
  const parts = parseTemplate(text.trim());
  return parts.length === 1 && typeof parts[0] !== 'string' ? parts[0] : undefined;
}

/** Every string inside a JSON-like value, with its JSON pointer relative to the value. */
export function* stringsIn(value: unknown, pointer = ''): Generator<{ text: string; pointer: string }> {
  if (typeof value === 'string') {
    yield { text: value, pointer };
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* stringsIn(value[i], `${pointer}/${i}`);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      yield* stringsIn(v, `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`);
    }
  }
}
