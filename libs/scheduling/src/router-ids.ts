/** VRRP router ids are one byte: 1..255 on one fabric. */
const VRID_COUNT = 255;

/**
 * How many instances use each VRRP router id. A new instance takes the least used, the lowest
 * first: unique while fewer than 255 instances share the fabric (unicast VRRP keeps the rest
 * apart). The scan is over 255 counters, a constant, whatever the number of instances.
 */
export class RouterIds {
  private readonly use = new Array<number>(VRID_COUNT + 1).fill(0);

  hold(vrid: number): void {
    this.use[vrid] = (this.use[vrid] ?? 0) + 1;
  }

  release(vrid: number): void {
    this.use[vrid] = Math.max(0, (this.use[vrid] ?? 0) - 1);
  }

  leastUsed(): number {
    let best = 1;
    for (let vrid = 1; vrid <= VRID_COUNT; vrid++) {
      if (this.use[vrid] === 0) return vrid;
      if (this.use[vrid] < this.use[best]) best = vrid;
    }
    return best;
  }
}
