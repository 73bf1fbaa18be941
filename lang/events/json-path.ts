// The JSON paths EventBridge accepts in InputPath and InputPathsMap: `$`, then `.name`
// (letters, digits, `-`, `_`, `/`, and other characters but dots, brackets and blanks),
// `['name']`, `[n]`, and the wildcards `.*` / `[*]`. Evaluated against an event: a path
// without a wildcard gives one value (or nothing), a path with one gives the list of what it
// found. Pure.

export type PathStep = { kind: 'name'; name: string } | { kind: 'index'; index: number } | { kind: 'wildcard' };

export interface EventPath {
  text: string;
  steps: PathStep[];
}

/** EventBridge's limit on one path (InputPath and each InputPathsMap value). */
export const MAX_PATH_LENGTH = 256;

export function parseEventPath(text: string): EventPath | { error: string } {
  if (text.length > MAX_PATH_LENGTH) return { error: `a path has at most ${MAX_PATH_LENGTH} characters; this one has ${text.length}` };
  if (!text.startsWith('$')) return { error: 'a path starts with $, e.g. $.detail.instance-id' };
  const steps: PathStep[] = [];
  let i = 1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '.') {
      if (text[i + 1] === '.') return { error: `deep scan (..) at position ${i + 1} is not supported by EventBridge` };
      const name = /^(\*|[^.[\]\s'"]+)/.exec(text.slice(i + 1))?.[0];
      if (!name) return { error: `"." at position ${i + 1} must be followed by a name or *` };
      steps.push(name === '*' ? { kind: 'wildcard' } : { kind: 'name', name });
      i += 1 + name.length;
    } else if (c === '[') {
      const close = text.indexOf(']', i);
      if (close < 0) return { error: `the "[" at position ${i + 1} is not closed` };
      const inside = text.slice(i + 1, close);
      const quoted = /^'([^']*)'$/.exec(inside) ?? /^"([^"]*)"$/.exec(inside);
      if (inside === '*') steps.push({ kind: 'wildcard' });
      else if (/^\d+$/.test(inside)) steps.push({ kind: 'index', index: Number(inside) });
      else if (quoted) steps.push({ kind: 'name', name: quoted[1]! });
      else return { error: `[${inside}] at position ${i + 1} is not an index, a quoted name or *; EventBridge takes no filters, slices or unions` };
      i = close + 1;
    } else {
      return { error: `unexpected "${c}" at position ${i + 1}` };
    }
  }
  return { text, steps };
}

/** The value at the path, or undefined when the event has nothing there. */
export function evaluateEventPath(path: EventPath, root: unknown): unknown {
  if (!path.steps.some((s) => s.kind === 'wildcard')) {
    let v: unknown = root;
    for (const step of path.steps) {
      v = child(v, step);
      if (v === undefined) return undefined;
    }
    return v;
  }
  let current: unknown[] = [root];
  for (const step of path.steps) {
    const next: unknown[] = [];
    for (const v of current) {
      if (step.kind === 'wildcard') {
        if (Array.isArray(v)) next.push(...v);
        else if (isObject(v)) next.push(...Object.values(v));
      } else {
        const c = child(v, step);
        if (c !== undefined) next.push(c);
      }
    }
    current = next;
  }
  return current;
}

function child(v: unknown, step: PathStep): unknown {
  if (step.kind === 'index') return Array.isArray(v) ? v[step.index] : undefined;
  if (step.kind === 'name') return isObject(v) && Object.prototype.hasOwnProperty.call(v, step.name) ? v[step.name] : undefined;
  return undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
