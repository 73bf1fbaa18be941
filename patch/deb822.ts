// deb822 control data (deb822(5)): the format of dpkg's status file, apt's Packages
// indexes and Release files. Stanzas separated by blank lines; `Field: value` lines;
// continuation lines start with a space or a tab. Pure.

export type Stanza = Record<string, string>;

/** Field names keep their case as written; look them up with `field()` for case-insensitivity. */
export function parseDeb822(text: string): Stanza[] {
  const stanzas: Stanza[] = [];
  let current: Stanza = {};
  let last: string | undefined;
  const flush = (): void => {
    if (Object.keys(current).length) stanzas.push(current);
    current = {};
    last = undefined;
  };
  for (const line of stripSignature(text).split('\n')) {
    if (!line.trim()) {
      flush();
      continue;
    }
    if (line.startsWith('#')) continue;
    if (/^[ \t]/.test(line)) {
      if (last !== undefined) current[last] += `\n${line.slice(1)}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon);
    current[last] = line.slice(colon + 1).trim();
  }
  flush();
  return stanzas;
}

/** The value of a field, whatever the case it was written in. */
export function field(stanza: Stanza, name: string): string | undefined {
  if (name in stanza) return stanza[name];
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(stanza)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

/** An InRelease file is clear-signed: keep the signed text, drop the armour. */
function stripSignature(text: string): string {
  if (!text.startsWith('-----BEGIN PGP SIGNED MESSAGE-----')) return text;
  const body = text.split('\n\n').slice(1).join('\n\n');
  const end = body.indexOf('\n-----BEGIN PGP SIGNATURE-----');
  return end >= 0 ? body.slice(0, end) : body;
}
