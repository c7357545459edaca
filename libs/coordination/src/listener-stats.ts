/** Core NATS like the pool samples: the newest sample of a listener wins, and none is worth keeping. */
export const LISTENER_STATS_SUBJECT_PREFIX = 'lbaas.stats.listener';
export const listenerStatsSubject = (listenerId: string): string => `${LISTENER_STATS_SUBJECT_PREFIX}.${listenerId}`;

/**
 * One v2 listener's counters as its load balancer's active placement reports them (the
 * frontend's row of HAProxy's `show stat`), totals since that HAProxy started. A load
 * balancer's stats are the sum over its listeners, taken on the read side.
 */
export interface ListenerStatsSample {
  readonly listenerId: string;
  readonly loadBalancerId: string;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly activeConnections: number;
  readonly totalConnections: number;
  readonly requestErrors: number;
}

const COUNTERS = ['bytesIn', 'bytesOut', 'activeConnections', 'totalConnections', 'requestErrors'] as const;

/** The sample a message carries, or null when it is not one (a sample is dropped, never half stored). */
export function parseListenerStatsSample(data: Uint8Array): ListenerStatsSample | null {
  try {
    const s = JSON.parse(new TextDecoder().decode(data)) as Record<string, unknown> | null;
    if (typeof s !== 'object' || s === null || typeof s.listenerId !== 'string' || typeof s.loadBalancerId !== 'string') return null;
    if (!COUNTERS.every((name) => Number.isSafeInteger(s[name]) && (s[name] as number) >= 0)) return null;
    return {
      listenerId: s.listenerId,
      loadBalancerId: s.loadBalancerId,
      bytesIn: s.bytesIn as number,
      bytesOut: s.bytesOut as number,
      activeConnections: s.activeConnections as number,
      totalConnections: s.totalConnections as number,
      requestErrors: s.requestErrors as number,
    };
  } catch {
    return null;
  }
}

/** The bytes the node agent publishes on `listenerStatsSubject(sample.listenerId)`. */
export const encodeListenerStatsSample = (sample: ListenerStatsSample): Uint8Array => new TextEncoder().encode(JSON.stringify(sample));
