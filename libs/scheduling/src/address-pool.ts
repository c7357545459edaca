import { firstHost, intToIp, ipToInt, isIpv4, lastHost, parseCidr } from '@lbaas/domain';

/** Where placements' VRRP addresses come from: one per placement, held while the placement is in the log. */
export interface VrrpAddresses {
  hold(address: string): void;
  free(address: string): void;
  /** The next free address, or null when none is left. */
  take(): string | null;
}

/**
 * The VRRP addresses of placements, one per placement, from a fabric range. Allocation walks
 * from a cursor, so placing n instances costs O(n) in all, not O(n) each.
 */
export class AddressPool implements VrrpAddresses {
  private readonly first: number;
  private readonly size: number;
  private readonly used = new Set<number>();
  private cursor = 0;

  constructor(cidr: string) {
    const range = parseCidr(cidr);
    this.first = firstHost(range);
    this.size = Math.max(0, lastHost(range) - this.first + 1);
  }

  hold(address: string): void {
    if (isIpv4(address)) this.used.add(ipToInt(address));
  }

  free(address: string): void {
    if (isIpv4(address)) this.used.delete(ipToInt(address));
  }

  /** The next free address, or null when the range is exhausted. */
  take(): string | null {
    for (let i = 0; i < this.size; i++) {
      const offset = (this.cursor + i) % this.size;
      if (!this.used.has(this.first + offset)) {
        this.used.add(this.first + offset);
        this.cursor = (offset + 1) % this.size;
        return intToIp(this.first + offset);
      }
    }
    return null;
  }
}
