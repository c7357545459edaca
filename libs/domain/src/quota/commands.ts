import type { QuotaClaim, QuotaLimits, QuotaResource } from './model';

/** Sets the project's own limits; null puts a resource back on the deployment's default. */
export interface SetQuota {
  readonly type: 'SetQuota';
  readonly data: { projectId: string; limits: Readonly<Partial<Record<QuotaResource, number | null>>> };
}
/** Octavia's DELETE: every limit back on the deployment's default (usage stays). */
export interface ResetQuota {
  readonly type: 'ResetQuota';
  readonly data: { projectId: string };
}
/**
 * Counts objects of one load balancer before they are created; refused with Octavia's 403 when a
 * limit would be passed. Idempotent by object id. `defaults` are the deployment's limits (the
 * api's settings) and `at` the time, so the decision stays pure.
 */
export interface ReserveQuota {
  readonly type: 'ReserveQuota';
  readonly data: { projectId: string; loadBalancerId: string; at: string; claims: readonly QuotaClaim[]; defaults: QuotaLimits };
}
/**
 * Counts again objects that exist but whose claims a reclaimer released while their create was
 * appended (a race the api and the reclaimer each check for after their write). Never refused:
 * the objects exist, so usage must count them even above a limit. Idempotent by object id.
 */
export interface RestoreQuota {
  readonly type: 'RestoreQuota';
  readonly data: { projectId: string; loadBalancerId: string; at: string; claims: readonly QuotaClaim[] };
}
/** Stops counting objects that were deleted or never created; ids not held are ignored. */
export interface ReleaseQuota {
  readonly type: 'ReleaseQuota';
  readonly data: { projectId: string; claims: readonly QuotaClaim[] };
}

export type QuotaCommand = SetQuota | ResetQuota | ReserveQuota | RestoreQuota | ReleaseQuota;
