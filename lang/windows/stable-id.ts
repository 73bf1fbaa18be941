// Ids derived from names, the same on every run and every replay: a maintenance window's
// `mw-…` id from its name, and the UUIDs SSM gives targets, tasks, executions and
// invocations from what they belong to. Pure (runs in workflow code): FNV-1a over 128 bits.
// Not a security hash; only distinct inputs must give distinct ids.

const FNV_OFFSET = 0x6c62272e07bb014262b821756295c58dn;
const FNV_PRIME = 0x0000000001000000000000000000013bn;
const MASK = (1n << 128n) - 1n;

/** UTF-8 bytes, by hand: nothing here may depend on what the workflow sandbox provides. */
function utf8(text: string): number[] {
  const out: number[] = [];
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return out;
}

function fnv128(text: string): bigint {
  let h = FNV_OFFSET;
  for (const byte of utf8(text)) {
    h ^= BigInt(byte);
    h = (h * FNV_PRIME) & MASK;
  }
  return h;
}

/** 32 hex digits of the text's hash. */
export function stableHex(text: string): string {
  return fnv128(text).toString(16).padStart(32, '0');
}

/** A UUID (version 8: custom) derived from the parts. */
export function stableUuid(...parts: string[]): string {
  const hex = stableHex(parts.join('\u0000')).split('');
  hex[12] = '8';
  hex[16] = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** SSM's window id shape, `mw-` and 17 hex digits, from the window's name. */
export function windowIdOf(name: string): string {
  return `mw-${stableHex(`window:${name}`).slice(0, 17)}`;
}
