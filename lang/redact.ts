// Values of parameters marked secret must not leave the execution in clear (notifications,
// messages built from failures). Pure: used by workflow code.
import type { ParameterSpec } from './plan';

export const REDACTED = '***';

/** Secret values shorter than this are not searched for: they would blank out ordinary words. */
const MIN_SECRET_CHARS = 4;

/** The text forms of every secret parameter's value, longest first (a secret may contain another). */
export function secretValues(specs: Record<string, ParameterSpec>, values: Record<string, unknown>): string[] {
  const found = new Set<string>();
  for (const [name, spec] of Object.entries(specs)) {
    if (!spec.secret) continue;
    const v = values[name];
    const items = Array.isArray(v) ? v : [v];
    for (const item of items) {
      if (item === undefined || item === null) continue;
      const s = typeof item === 'string' ? item : JSON.stringify(item);
      if (s.length >= MIN_SECRET_CHARS) found.add(s);
    }
    if (Array.isArray(v) || (typeof v === 'object' && v !== null)) {
      const whole = JSON.stringify(v);
      if (whole.length >= MIN_SECRET_CHARS) found.add(whole);
    }
  }
  return [...found].sort((a, b) => b.length - a.length);
}

/** `text` with every occurrence of a secret replaced by ***. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join(REDACTED);
  return out;
}

/**
 * The texts to blank out for secret values resolved at run time (SecureStrings): each
 * value as it is and as it appears inside JSON text (quotes, backslashes and newlines
 * escaped), longest first. Every non-empty value counts, however short: a resolved
 * SecureString is a secret by declaration, not by guess.
 */
export function secretForms(values: Iterable<string>): string[] {
  const forms = new Set<string>();
  for (const v of values) {
    if (!v) continue;
    forms.add(v);
    const escaped = JSON.stringify(v).slice(1, -1);
    if (escaped !== v) forms.add(escaped);
  }
  return [...forms].sort((a, b) => b.length - a.length);
}

/** Every string in a JSON-like value (map keys included) with the secrets blanked out; other values as they are. */
export function redactValue<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redact(v, secrets);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      const proto = Object.getPrototypeOf(v) as unknown;
      if (proto !== Object.prototype && proto !== null) return v;
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [redact(k, secrets), walk(x)]));
    }
    return v;
  };
  return walk(value) as T;
}

/**
 * Blanks secrets out of text that arrives in pieces (a file read in chunks), also where a
 * secret straddles two pieces: `push` returns what is settled, `end` the rest. `secrets`
 * longest first, as secretForms gives them.
 */
export function streamRedactor(secrets: readonly string[]): { push(chunk: string): string; end(): string } {
  const longest = secrets[0]?.length ?? 0;
  const pattern = secrets.length ? new RegExp(secrets.map(escapeRegExp).join('|'), 'g') : undefined;
  let carry = '';
  return {
    push(chunk: string): string {
      if (!pattern) return chunk;
      const text = carry + chunk;
      // A match starting before `settled` lies wholly within `text`; a later one may go on in the next chunk.
      const settled = Math.max(0, text.length - (longest - 1));
      let out = '';
      let done = 0;
      pattern.lastIndex = 0;
      for (let m = pattern.exec(text); m && m.index < settled; m = pattern.exec(text)) {
        out += text.slice(done, m.index) + REDACTED;
        done = m.index + m[0].length;
      }
      const keep = Math.max(done, settled);
      carry = text.slice(keep);
      return out + text.slice(done, keep);
    },
    end(): string {
      const rest = redact(carry, secrets);
      carry = '';
      return rest;
    },
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
