import { singleRowViews } from '../decider';
import type { ProjectQuotaResource } from '../resources';
import { QUOTA_RESOURCES } from './model';
import type { QuotaState } from './state';

/** A project's own limits (null where the deployment's default applies) and what it holds now. */
export function quotaView(state: QuotaState): ProjectQuotaResource | null {
  if (state.kind !== 'live') return null;
  const limit = (r: (typeof QUOTA_RESOURCES)[number]) => state.limits[r] ?? null;
  return {
    id: state.projectId,
    project_id: state.projectId,
    tenant_id: state.projectId,
    loadbalancer: limit('loadbalancer'),
    listener: limit('listener'),
    pool: limit('pool'),
    member: limit('member'),
    healthmonitor: limit('healthmonitor'),
    l7policy: limit('l7policy'),
    l7rule: limit('l7rule'),
    in_use: Object.fromEntries(QUOTA_RESOURCES.map((r) => [r, state.held[r].length])) as ProjectQuotaResource['in_use'],
  };
}

export const quotaViews = singleRowViews('octavia_quotas', quotaView);
