// EventBridge's `wildcard` match: `*` stands for any run of characters (none too), `\*` is a
// literal star and `\\` a literal backslash; any other backslash, and two stars in a row,
// are invalid. A pattern is also refused when it is "too complex": when too many of its
// prefixes can match one input at the same time (EventBridge's limit on non-determinism,
// which keeps matching fast). Pure.

/** A parsed wildcard: literal pieces between the stars. `parts.length - 1` stars. */
export interface Wildcard {
  parts: string[];
}

/** The most prefixes of one pattern that may match one input at once (see `wildcardComplexity`). */
export const MAX_WILDCARD_COMPLEXITY = 10;

export function parseWildcard(text: string): Wildcard | { error: string } {
  const parts: string[] = [''];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '*') {
      if (i > 0 && text[i - 1] === '*') return { error: `consecutive wildcard characters at position ${i}` };
      parts.push('');
    } else if (c === '\\') {
      const next = text[i + 1];
      if (next !== '*' && next !== '\\') return { error: `invalid escape character at position ${i} (only \\* and \\\\ are escapes)` };
      parts[parts.length - 1] += next;
      i++;
    } else {
      parts[parts.length - 1] += c;
    }
  }
  return { parts };
}

/** Whether `value` matches: the first piece starts it, the last ends it, the others appear in order between. */
export function matchWildcard(w: Wildcard, value: string): boolean {
  const { parts } = w;
  if (parts.length === 1) return value === parts[0];
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (value.length < first.length + last.length) return false;
  if (!value.startsWith(first) || !value.endsWith(last)) return false;
  // Greedy-leftmost placement of the middle pieces is optimal for star patterns.
  let at = first.length;
  const end = value.length - last.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const piece = parts[i]!;
    const found = value.indexOf(piece, at);
    if (found < 0 || found + piece.length > end) return false;
    at = found + piece.length;
  }
  return true;
}

/**
 * The largest number of prefixes of the pattern (counting each position of its automaton)
 * that can all match the same input: a subset construction over the pattern's positions,
 * keeping the largest reachable set. `*aa` scores 3 (input `aa` matches `*`, `*a`, `*aa`);
 * a pattern without stars scores 1. Bounded: stops once the score passes `cap`.
 */
export function wildcardComplexity(w: Wildcard, cap = MAX_WILDCARD_COMPLEXITY + 1): number {
  // Positions: one per literal character, one per star (which loops on any character).
  const tokens: ({ star: true } | { char: string })[] = [];
  w.parts.forEach((part, i) => {
    if (i > 0) tokens.push({ star: true });
    for (const ch of part) tokens.push({ char: ch });
  });
  if (!tokens.some((t) => 'star' in t)) return 1;
  // State k = the first k tokens matched. A star at token k: state k reaches k + 1 without
  // reading anything, and state k + 1 reads any character and stays.
  const closure = (states: Set<number>): Set<number> => {
    const out = new Set<number>();
    for (const s of states) {
      let k = s;
      out.add(k);
      while (k < tokens.length && 'star' in tokens[k]!) out.add(++k);
    }
    return out;
  };
  // The only characters that matter are those the pattern names, plus "any other".
  const alphabet = [...new Set(tokens.flatMap((t) => ('char' in t ? [t.char] : [])))];
  alphabet.push('\u0000other');
  const step = (states: Set<number>, ch: string): Set<number> => {
    const next = new Set<number>();
    for (const s of states) {
      const before = tokens[s - 1];
      if (before && 'star' in before) next.add(s);
      const t = tokens[s];
      if (t && 'char' in t && t.char === ch) next.add(s + 1);
    }
    return closure(next);
  };
  const count = (states: Set<number>): number => [...states].filter((s) => s > 0).length;
  const start = closure(new Set([0]));
  let best = Math.max(1, count(start));
  const seen = new Set<string>([key(start)]);
  const queue = [start];
  // Enough to find the worst case of any pattern EventBridge accepts, and a hard bound otherwise.
  let budget = 20_000;
  while (queue.length && budget-- > 0) {
    const states = queue.shift()!;
    for (const ch of alphabet) {
      const next = step(states, ch);
      if (next.size === 0) continue;
      const k = key(next);
      if (seen.has(k)) continue;
      seen.add(k);
      best = Math.max(best, count(next));
      if (best >= cap) return best;
      queue.push(next);
    }
  }
  return best;
}

function key(states: Set<number>): string {
  return [...states].sort((a, b) => a - b).join(',');
}
