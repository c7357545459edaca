/** Where `subnet-create` without a CIDR takes one from: the benchmarking range, never routable. */
export const DEFAULT_RANGE = '198.18.0.0/15';

interface Block {
  readonly first: number;
  readonly last: number;
}

function ipv4Number(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return null;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

function ipv4Text(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

/** The addresses an IPv4 CIDR covers; null for anything else (IPv6 subnets never collide with ours). */
export function blockOf(cidr: string): Block | null {
  const [address, bits, extra] = cidr.split('/');
  const start = ipv4Number(address ?? '');
  if (start === null || extra !== undefined || !/^\d{1,2}$/.test(bits ?? '') || Number(bits) > 32) return null;
  const size = 2 ** (32 - Number(bits));
  const first = Math.floor(start / size) * size;
  return { first, last: first + size - 1 };
}

/** The first /24 of `range` that overlaps none of `used`, or null when every one is taken. */
export function firstFreeSlash24(used: readonly string[], range = DEFAULT_RANGE): string | null {
  const within = blockOf(range);
  if (within === null) throw new Error(`not an IPv4 CIDR: ${range}`);
  const taken = used.map(blockOf).filter((b): b is Block => b !== null);
  for (let first = within.first; first + 255 <= within.last; first += 256) {
    const last = first + 255;
    if (!taken.some((b) => b.first <= last && first <= b.last)) return `${ipv4Text(first)}/24`;
  }
  return null;
}
