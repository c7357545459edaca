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
