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
 * Counts objects before they are created; refused with Octavia's 403 when a limit would be passed.
 * Idempotent by object id. `defaults` are the deployment's limits (the api's settings), so the
 * decision stays pure.
 */
export interface ReserveQuota {
  readonly type: 'ReserveQuota';
  readonly data: { projectId: string; claims: readonly QuotaClaim[]; defaults: QuotaLimits };
}
/** Stops counting objects that were deleted or never created; ids not held are ignored. */
export interface ReleaseQuota {
  readonly type: 'ReleaseQuota';
  readonly data: { projectId: string; claims: readonly QuotaClaim[] };
}

export type QuotaCommand = SetQuota | ResetQuota | ReserveQuota | ReleaseQuota;
