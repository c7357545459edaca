import { reclaimGraceFromSettings } from '@lbaas/domain';
import { natsUrlFromEnv } from '@lbaas/event-log';
export interface SchedulerConfig {
  readonly natsUrl: string;
  readonly healthHost: string;
  readonly healthPort: number;
  /** A node silent for longer is declared lost (ARCHITECTURE.md section 5). */
  readonly nodeSilenceMs: number;
  /** The leader's lease expires this long after its last renewal; a replica takes over then. */
  readonly leaseTtlMs: number;
  /** How often liveness is checked and left-over work retried, besides reacting to each event. */
  readonly tickMs: number;
  /** A VIP or pool PENDING_CREATE / PENDING_UPDATE for longer goes to ERROR with what it waits for (section 19). */
  readonly pendingDeadlineMs: number;
  /** How long the old active of an operator's failover drains after the new one holds the VIP (section 5). */
  readonly handoverDrainMs: number;
  /** Fixes the random choice among equally loaded nodes (tests, benchmarks); unset means a random seed. */
  readonly seed: number | null;
  /** Where placements' VRRP addresses come from: inside 198.18.0.0/15, apart from tenant subnets. */
  readonly vrrpCidr: string;
  /** A quota claim or flavor use this old whose load balancer does not hold it is reclaimed (LBAAS_QUOTA_RECLAIM_GRACE_MS, section 31). */
  readonly quotaReclaimGraceMs: number;
  readonly logLevel: string;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new Error(`${name} must be an integer from ${min} to ${max}, got '${raw}'`);
  return value;
}

export function schedulerConfigFromEnv(env: NodeJS.ProcessEnv = process.env): SchedulerConfig {
  const seed = env.LBAAS_SCHEDULER_SEED?.trim();
  return {
    natsUrl: natsUrlFromEnv(env),
    healthHost: env.LBAAS_HEALTH_HOST?.trim() || '127.0.0.1',
    healthPort: integer(env, 'LBAAS_HEALTH_PORT', 9700, 0, 65535),
    nodeSilenceMs: integer(env, 'LBAAS_NODE_SILENCE_MS', 3000, 100, 3_600_000),
    leaseTtlMs: integer(env, 'LBAAS_LEASE_TTL_MS', 3000, 300, 600_000),
    tickMs: integer(env, 'LBAAS_SCHEDULER_TICK_MS', 250, 10, 60_000),
    pendingDeadlineMs: integer(env, 'LBAAS_PENDING_DEADLINE_MS', 60_000, 100, 86_400_000),
    handoverDrainMs: integer(env, 'LBAAS_HANDOVER_DRAIN_MS', 2000, 0, 3_600_000),
    seed: seed ? integer(env, 'LBAAS_SCHEDULER_SEED', 0, 0, 2 ** 32 - 1) : null,
    vrrpCidr: env.LBAAS_VRRP_CIDR?.trim() || '198.19.192.0/18',
    quotaReclaimGraceMs: reclaimGraceFromSettings(env),
    logLevel: env.LBAAS_LOG_LEVEL?.trim() || 'info',
  };
}
