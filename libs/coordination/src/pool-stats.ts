/** Core NATS (not the event log): counters are samples, the newest wins, and none is worth keeping. */
export const POOL_STATS_SUBJECT_PREFIX = 'lbaas.stats.pool';
export const poolStatsSubject = (poolId: string): string => `${POOL_STATS_SUBJECT_PREFIX}.${poolId}`;

/** One pool's counters as its active placement's HAProxy reports them (the backend's row of `show stat`). */
export interface PoolStatsSample {
  readonly poolId: string;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly activeConnections: number;
  readonly totalConnections: number;
}

export function parsePoolStatsSample(data: Uint8Array): PoolStatsSample | null {
  try {
    const s = JSON.parse(new TextDecoder().decode(data)) as Partial<PoolStatsSample>;
    const counters = [s.bytesIn, s.bytesOut, s.activeConnections, s.totalConnections];
    if (typeof s.poolId !== 'string' || !counters.every((c) => Number.isInteger(c) && (c as number) >= 0)) return null;
    return s as PoolStatsSample;
  } catch {
    return null;
  }
}
