import { type KV, type NatsConnection } from 'nats';
import { streamReplicasFromEnv } from '@lbaas/event-log';

/** One key per compute node, its value the node's latest heartbeat (ARCHITECTURE.md section 5). */
export const NODES_BUCKET = 'lbaas_nodes';
/** Leases of the services that run one leader among replicas (scheduler, config renderer). */
export const LEASES_BUCKET = 'lbaas_leases';

export interface Heartbeat {
  readonly nodeId: string;
  readonly at: string;
  /** The compute zone the node's agent declares (LBAAS_NODE_ZONE), null for none. */
  readonly zone: string | null;
  /** Anything the node wants the scheduler and dashboard to see (driver, pid). */
  readonly info: Record<string, string | number>;
}

/** Heartbeats older than this are gone from the bucket, so a node removed for good leaves no key behind. */
const HEARTBEAT_HISTORY_MS = 10 * 60_000;

export async function nodesBucket(nc: NatsConnection): Promise<KV> {
  return nc.jetstream().views.kv(NODES_BUCKET, { history: 1, ttl: HEARTBEAT_HISTORY_MS, replicas: streamReplicasFromEnv() });
}

export interface HeartbeatSender {
  stop(): Promise<void>;
}

/**
 * Puts the node's heartbeat every `intervalMs`. A failed put (NATS restarting) is retried at the
 * next tick: a node is declared lost by silence, so a late heartbeat is the only signal needed.
 */
export async function sendHeartbeats(
  nc: NatsConnection,
  nodeId: string,
  intervalMs: number,
  info: Heartbeat['info'] = {},
  zone: string | null = null,
): Promise<HeartbeatSender> {
  const kv = await nodesBucket(nc);
  const beat = async (): Promise<void> => {
    const heartbeat: Heartbeat = { nodeId, at: new Date().toISOString(), zone, info };
    await kv.put(nodeId, JSON.stringify(heartbeat)).catch(() => undefined);
  };
  await beat();
  const timer = setInterval(() => void beat(), intervalMs);
  return {
    stop: async () => {
      clearInterval(timer);
    },
  };
}

export function parseHeartbeat(value: Uint8Array): Heartbeat | null {
  try {
    const parsed = JSON.parse(new TextDecoder().decode(value)) as Partial<Heartbeat>;
    return typeof parsed.nodeId === 'string' && typeof parsed.at === 'string'
      ? { nodeId: parsed.nodeId, at: parsed.at, zone: typeof parsed.zone === 'string' ? parsed.zone : null, info: parsed.info ?? {} }
      : null;
  } catch {
    return null;
  }
}
