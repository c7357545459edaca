import type { NatsConnection } from 'nats';
import { streamReplicasFromEnv } from '@lbaas/event-log';

export interface LeaderLeaseOptions {
  readonly nc: NatsConnection;
  /** The role led, for example `scheduler`; one KV bucket per role, its TTL the lease's. */
  readonly role: string;
  /** Who holds it (process name and pid), for operators reading the bucket. */
  readonly holder: string;
  readonly ttlMs: number;
  readonly onChange: (leading: boolean) => void;
}

export interface LeaderLease {
  readonly leading: () => boolean;
  /** Gives the lease up at once, so a replica takes over without waiting for the TTL. */
  release(): Promise<void>;
}

/**
 * One leader among replicas through a KV key that expires `ttlMs` after its last renewal. The
 * leader renews with the revision it wrote (compare-and-set); a replica creates the key when it
 * is absent. Two leaders can overlap by at most one renewal period after a pause; everything
 * they append is decided with optimistic concurrency, so the overlap costs retries, never state.
 */
export async function holdLeaderLease(options: LeaderLeaseOptions): Promise<LeaderLease> {
  const { nc, role, holder, ttlMs, onChange } = options;
  const kv = await nc.jetstream().views.kv(`lbaas_lease_${role}`, { history: 1, ttl: ttlMs, replicas: streamReplicasFromEnv() });
  let revision: number | null = null;
  let stopped = false;
  const set = (next: number | null): void => {
    const was = revision !== null;
    revision = next;
    if (was !== (next !== null)) onChange(next !== null);
  };
  const tick = async (): Promise<void> => {
    if (stopped) return;
    try {
      set(revision === null ? await kv.create('leader', holder) : await kv.update('leader', holder, revision));
    } catch {
      set(null);
    }
  };
  await tick();
  const timer = setInterval(() => void tick(), Math.max(50, Math.floor(ttlMs / 3)));
  return {
    leading: () => revision !== null,
    release: async () => {
      stopped = true;
      clearInterval(timer);
      if (revision !== null) await kv.delete('leader', { previousSeq: revision }).catch(() => undefined);
      set(null);
    },
  };
}
