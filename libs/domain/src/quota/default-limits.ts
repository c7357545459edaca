import { MAX_QUOTA, QUOTA_RESOURCES, type QuotaLimits, type QuotaResource } from './model';

/** The settings of each default limit: LBAAS_QUOTA_LOADBALANCER, ..._HEALTHMONITOR, ..._L7POLICY, ..._L7RULE. */
export const quotaSetting = (resource: QuotaResource): string => `LBAAS_QUOTA_${resource.toUpperCase()}`;

/**
 * The deployment's default limits, as Octavia's [quotas] default_*_quota: -1 (unlimited) unless
 * set. Every reservation carries them, so the quota's decision stays pure; the dashboard reads
 * the same settings to show a project's limits.
 */
export function quotaDefaultsFromSettings(settings: Readonly<Record<string, string | undefined>>): QuotaLimits {
  const limits = {} as Record<QuotaResource, number>;
  for (const resource of QUOTA_RESOURCES) {
    const name = quotaSetting(resource);
    const raw = settings[name]?.trim();
    const value = raw === undefined || raw === '' ? -1 : Number(raw);
    if (!Number.isInteger(value) || value < -1 || value > MAX_QUOTA)
      throw new Error(`${name} must be an integer from -1 (unlimited) to ${MAX_QUOTA}, not '${raw}'`);
    limits[resource] = value;
  }
  return limits;
}

/** How long a reservation or a flavor's use may wait for its load balancer before the reclaimer checks it, by default. */
export const DEFAULT_RECLAIM_GRACE_MS = 60_000;

/**
 * LBAAS_QUOTA_RECLAIM_GRACE_MS: the scheduler's reclaimer waits this long after a reservation
 * before it checks it, and the api re-checks its own reservation after a create that took half
 * of it (so the two agree on when a claim may be reclaimed).
 */
export function reclaimGraceFromSettings(settings: Readonly<Record<string, string | undefined>>): number {
  const raw = settings.LBAAS_QUOTA_RECLAIM_GRACE_MS?.trim();
  if (raw === undefined || raw === '') return DEFAULT_RECLAIM_GRACE_MS;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 100 || value > 86_400_000)
    throw new Error(`LBAAS_QUOTA_RECLAIM_GRACE_MS must be an integer from 100 to 86400000 (ms), not '${raw}'`);
  return value;
}
