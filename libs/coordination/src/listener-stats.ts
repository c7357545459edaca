/** Core NATS, as pool samples: a listener's counters are samples, the newest wins, and none is worth keeping. */
export const LISTENER_STATS_SUBJECT_PREFIX = 'lbaas.stats.listener';
export const listenerStatsSubject = (listenerId: string): string => `${LISTENER_STATS_SUBJECT_PREFIX}.${listenerId}`;

/** One v2 listener's counters as its load balancer's active placement reports them (the frontend's row of `show stat`). */
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

/** A sample as published, or null for anything else (another version's shape, a stray message). */
export function parseListenerStatsSample(data: Uint8Array): ListenerStatsSample | null {
  try {
    const s = JSON.parse(new TextDecoder().decode(data)) as Record<string, unknown>;
    if (typeof s.listenerId !== 'string' || typeof s.loadBalancerId !== 'string') return null;
    if (!COUNTERS.every((c) => Number.isInteger(s[c]) && (s[c] as number) >= 0)) return null;
    const [bytesIn, bytesOut, activeConnections, totalConnections, requestErrors] = COUNTERS.map((c) => s[c] as number);
    return {
      listenerId: s.listenerId,
      loadBalancerId: s.loadBalancerId,
      bytesIn,
      bytesOut,
      activeConnections,
      totalConnections,
      requestErrors,
    };
  } catch {
    return null;
  }
}

/** The bytes the node agent publishes on `listenerStatsSubject(sample.listenerId)`. */
export const encodeListenerStatsSample = (sample: ListenerStatsSample): Uint8Array => new TextEncoder().encode(JSON.stringify(sample));
