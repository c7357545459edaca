import type { PoolStatsSample } from '@lbaas/coordination';
import type { PoolStatsPoint } from './web/dashboard-protocol';

/** Samples arrive about once a second per pool; two minutes is what the page's charts span. */
const POINTS_PER_POOL = 120;

/** The recent samples of each pool's counters, newest last, so a page that opens has charts at once. */
export class PoolStatsHistory {
  private readonly byPool = new Map<string, PoolStatsPoint[]>();

  add(sample: PoolStatsSample, at: number): PoolStatsPoint {
    const point: PoolStatsPoint = {
      at,
      bytesIn: sample.bytesIn,
      bytesOut: sample.bytesOut,
      activeConnections: sample.activeConnections,
      totalConnections: sample.totalConnections,
    };
    const points = this.byPool.get(sample.poolId) ?? [];
    points.push(point);
    if (points.length > POINTS_PER_POOL) points.splice(0, points.length - POINTS_PER_POOL);
    this.byPool.set(sample.poolId, points);
    return point;
  }

  forget(poolId: string): void {
    this.byPool.delete(poolId);
  }

  all(): Record<string, readonly PoolStatsPoint[]> {
    return Object.fromEntries(this.byPool);
  }
}
