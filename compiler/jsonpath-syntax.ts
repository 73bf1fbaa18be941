// The JSONPath syntax AWS selectors use: `$`, `.name`, `..name` (deep scan), `[n]`,
// `['name']`, `[*]`, slices, unions and filters `[?(@.Key=='x')]` (seen in AWS's own
// runbooks). A syntax check only; evaluation is the interpreter's job.

const BRACKET_FORMS = [
  /^\*$/, // wildcard
  /^-?\d+$/, // index
  /^-?\d*:-?\d*(:-?\d+)?$/, // slice
  /^('[^']*'|"[^"]*")$/, // quoted name
  /^\s*(-?\d+|'[^']*'|"[^"]*")(\s*,\s*(-?\d+|'[^']*'|"[^"]*"))+\s*$/, // union
  /^\?\(.*\)$/s, // filter
  /^\(.*\)$/s, // script expression
];

/** Why `path` is not a JSONPath selector, or undefined when it is one. */
export function jsonPathProblem(path: string): string | undefined {
  if (!path.startsWith('$')) return 'it must start with $';
  let i = 1;
  while (i < path.length) {
    const c = path[i]!;
    if (c === '.') {
      const deep = path[i + 1] === '.';
      i += deep ? 2 : 1;
      // `.[0]` reads as `[0]`: AWS's own runbooks write `$.InstanceStatuses.[0]`, and both
      // AWS's JSONPath and jsonpath-plus take it.
      if (path[i] === '[') continue;
      const name = /^(\*|[^.[\]\s]+)/.exec(path.slice(i))?.[0];
      if (!name) return `"${deep ? '..' : '.'}" at position ${i} must be followed by a name or *`;
      i += name.length;
    } else if (c === '[') {
      const close = closingBracket(path, i);
      if (close < 0) return `the "[" at position ${i + 1} is not closed`;
      const inside = path.slice(i + 1, close);
      if (!BRACKET_FORMS.some((form) => form.test(inside))) return `"[${inside}]" is not an index, a quoted name, *, a slice or a filter`;
      i = close + 1;
    } else {
      return `unexpected "${c}" at position ${i + 1}; use .name or [index] after $`;
    }
  }
  return undefined;
}

/** The index of the `]` closing the `[` at `open`, skipping quoted text and nested brackets. */
function closingBracket(path: string, open: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let j = open; j < path.length; j++) {
    const c = path[j]!;
    if (quote) {
      if (c === '\\') j++;
      else if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (c === '[' || c === '(') {
      depth++;
    } else if (c === ']' || c === ')') {
      depth--;
      if (depth === 0) return c === ']' ? j : -1;
    }
  }
  return -1;
}

/**
 * AWS accepts selectors without the leading `$` (`SnapshotId`, `Payload.KeyName` in its own
 * runbooks) and reads them from the root; the plan always carries the `$` form.
 */
export function rootedSelector(selector: string): string {
  const s = selector.trim();
  if (s.startsWith('$')) return s;
  return s.startsWith('[') ? `$${s}` : `$.${s}`;
}
