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
