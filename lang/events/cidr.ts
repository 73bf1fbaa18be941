// IP addresses and CIDR blocks for EventBridge's `cidr` match (IPv4 and IPv6). Addresses are
// compared as bytes, so `2001:0db8::` and `2001:db8::` are the same. As in EventBridge, the
// mask of an IPv4 block is below 32 and of an IPv6 block below 128. Pure.

export interface CidrBlock {
  bytes: number[];
  maskBits: number;
}

/** The bytes of an IPv4 (4) or IPv6 (16) address literal, or undefined when it is not one. */
export function parseIp(text: string): number[] | undefined {
  return text.includes(':') ? parseIpv6(text) : parseIpv4(text);
}

function parseIpv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const bytes: number[] = [];
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    bytes.push(n);
  }
  return bytes;
}

function parseIpv6(text: string): number[] | undefined {
  let head = text;
  let tail = '';
  const double = text.indexOf('::');
  if (double >= 0) {
    if (text.indexOf('::', double + 1) >= 0) return undefined;
    head = text.slice(0, double);
    tail = text.slice(double + 2);
  }
  const groups = (s: string): number[][] | undefined => {
    if (s === '') return [];
    const out: number[][] = [];
    const items = s.split(':');
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      // An embedded IPv4 address may end the address (::ffff:10.0.0.1).
      if (i === items.length - 1 && item.includes('.')) {
        const v4 = parseIpv4(item);
        if (!v4) return undefined;
        out.push([v4[0]!, v4[1]!], [v4[2]!, v4[3]!]);
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(item)) return undefined;
      const n = parseInt(item, 16);
      out.push([n >> 8, n & 0xff]);
    }
    return out;
  };
  const h = groups(head);
  const t = groups(tail);
  if (!h || !t) return undefined;
  const missing = 8 - h.length - t.length;
  if (double >= 0 ? missing < 1 : missing !== 0) return undefined;
  return [...h, ...Array.from({ length: missing }, () => [0, 0]), ...t].flat();
}

/** A CIDR block, or why the text is not one (EventBridge's reasons). */
export function parseCidr(text: string): CidrBlock | { error: string } {
  const slashed = text.split('/');
  if (slashed.length !== 2) return { error: "malformed CIDR: exactly one '/' is required" };
  if (!/^\d+$/.test(slashed[1]!)) return { error: 'malformed CIDR: the mask bits must be a whole number' };
  const maskBits = Number(slashed[1]);
  const bytes = parseIp(slashed[0]!);
  if (!bytes) return { error: `"${slashed[0]}" is not a standard IP address` };
  if (bytes.length === 4 && maskBits > 31) return { error: 'an IPv4 mask must be below 32 bits' };
  if (bytes.length === 16 && maskBits > 127) return { error: 'an IPv6 mask must be below 128 bits' };
  return { bytes, maskBits };
}

/** Whether the address text lies in the block (an IPv4 address never lies in an IPv6 block). */
export function inCidr(block: CidrBlock, address: string): boolean {
  const bytes = parseIp(address);
  if (!bytes || bytes.length !== block.bytes.length) return false;
  let bits = block.maskBits;
  for (let i = 0; i < bytes.length && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((bytes[i]! & mask) !== (block.bytes[i]! & mask)) return false;
  }
  return true;
}
