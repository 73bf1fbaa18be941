// `allowedPattern` values are Java regular expressions (AWS checks them with Java at the API).
// This converts the Java constructs that published runbooks use into a JavaScript RegExp.
// Pure: no Node imports (parameter checks also run in workflow code).
//
// Handled: leading inline flags `(?i)`, `(?s)`, `(?m)`; `\A`, `\z`, `\Z`; POSIX classes
// `\p{Alpha}` …; Unicode classes `\p{L}` (needs the `u` flag), `\p{IsAlphabetic}`;
// possessive quantifiers `a*+` (treated as greedy: same matches for validation purposes).

const POSIX_CLASSES: Record<string, string> = {
  Lower: 'a-z',
  Upper: 'A-Z',
  ASCII: '\\x00-\\x7F',
  Alpha: 'a-zA-Z',
  Digit: '0-9',
  Alnum: 'a-zA-Z0-9',
  Punct: '!-\\/:-@\\[-`{-~',
  Graph: '!-~',
  Print: ' -~',
  Blank: ' \\t',
  Cntrl: '\\x00-\\x1F\\x7F',
  XDigit: '0-9a-fA-F',
  Space: ' \\t\\n\\x0B\\f\\r',
};

// In `u` mode JavaScript rejects escapes of characters that need none (`\-` outside a class,
// `\_`, `\@` …), which Java allows. These are the characters that may stay escaped.
const SYNTAX_CHARACTERS = new Set('^$\\.*+?()[]{}|/'.split(''));

export type CompiledPattern = { regexp: RegExp } | { error: string };

/** Converts a Java regular expression to a JavaScript RegExp (search semantics, like Go's MatchString). */
export function compileJavaRegex(pattern: string): CompiledPattern {
  let source = pattern;
  let flags = '';
  const inline = /^\(\?([imsx]+)\)/.exec(source);
  if (inline) {
    if (inline[1]!.includes('x')) return { error: 'the (?x) comments flag is not supported' };
    flags = inline[1]!;
    source = source.slice(inline[0].length);
  }
  const converted = convertBody(source);
  const candidates = converted.unicode ? [flags + 'u'] : [flags, flags + 'u'];
  let lastError = '';
  for (const f of candidates) {
    try {
      return { regexp: new RegExp(f.includes('u') ? dropIdentityEscapes(converted.body) : converted.body, f) };
    } catch (e) {
      lastError = (e as Error).message;
    }
  }
  return { error: lastError };
}

function convertBody(source: string): { body: string; unicode: boolean } {
  let out = '';
  let inClass = false;
  let unicode = false;
  // True right after a quantifier (`*`, `+`, `?`, `{n,m}`): a `+` then makes it possessive.
  let afterQuantifier: boolean = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    const wasQuantifier: boolean = afterQuantifier;
    afterQuantifier = false;
    if (c === '\\' && i + 1 < source.length) {
      const next = source[i + 1]!;
      if (next === 'A' && !inClass) {
        out += '^';
        i++;
      } else if ((next === 'z' || next === 'Z') && !inClass) {
        out += '$';
        i++;
      } else if ((next === 'p' || next === 'P') && source[i + 2] === '{' && source.indexOf('}', i + 3) > 0) {
        const close = source.indexOf('}', i + 3);
        const name = source.slice(i + 3, close);
        const posix = POSIX_CLASSES[name];
        if (posix !== undefined) {
          const negate = next === 'P';
          out += inClass && !negate ? posix : `[${negate ? '^' : ''}${posix}]`;
        } else {
          out += `\\${next}{${javaUnicodeName(name)}}`;
          unicode = true;
        }
        i = close;
      } else {
        out += c + next;
        i++;
      }
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
    } else if (c === '+' && wasQuantifier) {
      continue; // possessive quantifier: same matches as the greedy one for a yes/no check
    } else if (c === '*' || c === '+' || c === '?') {
      afterQuantifier = c !== '?' || !wasQuantifier; // `*?` is lazy, not a new quantifier
    } else if (c === '{') {
      const bounds = /^\{\d+(,\d*)?\}/.exec(source.slice(i));
      if (bounds) {
        out += bounds[0];
        i += bounds[0].length - 1;
        afterQuantifier = true;
        continue;
      }
    }
    out += c;
  }
  return { body: out, unicode };
}

/** Java's `IsAlphabetic`, `IsLatin`, `javaLowerCase` spellings in JavaScript's terms. */
function javaUnicodeName(name: string): string {
  if (name === 'javaLowerCase') return 'Lowercase';
  if (name === 'javaUpperCase') return 'Uppercase';
  if (name.startsWith('Is') && name.length > 2) {
    const rest = name.slice(2);
    return /^(Alphabetic|Letter|Lowercase|Uppercase|White_Space|Digit|Ideographic)$/.test(rest)
      ? rest.replace('Letter', 'L').replace('Digit', 'Nd')
      : `Script=${rest}`;
  }
  return name;
}

function dropIdentityEscapes(body: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\' && i + 1 < body.length) {
      const next = body[i + 1]!;
      const keep = /[A-Za-z0-9]/.test(next) || SYNTAX_CHARACTERS.has(next) || (next === '-' && inClass);
      out += keep ? c + next : next;
      i++;
      continue;
    }
    if (c === '[' && !inClass) inClass = true;
    else if (c === ']' && inClass) inClass = false;
    out += c;
  }
  return out;
}
